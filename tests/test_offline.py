"""--offline means no network of any kind: the whole pipeline runs with sockets forbidden."""

from __future__ import annotations

import socket

import pytest

from checks.config import Config
from checks.pipeline import check_text

DRAFT = (
    "Leaders assisted at the funeral of the the victims. Despite of the rain, police used keen fire.\n\n"
    "Mustafa al-Kadhimi spoke first. Al-Khadimi later left, and al-Kadhimi returned.\n\nLeave a Comment"
)


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_offline_check_touches_no_network_even_with_a_languagetool_url(no_network, monkeypatch):
    monkeypatch.setenv("COPYDESK_LANGUAGETOOL_URL", "http://127.0.0.1:9/")
    config = Config({"languagetool": {"mode": "remote", "url": "http://127.0.0.1:9/"}}, offline=True)
    report = check_text(DRAFT, config=config)
    assert "failed_checks" not in report.status, report.status
    assert report.issues
    assert no_network == []


def test_the_dashboard_starts_without_asking_the_network_for_its_address(no_network, monkeypatch):
    """A headless `streamlit run` prints the app's address; unless browser.serverAddress is set, Streamlit asks an
    outside service for the machine's external IP to print it. The repository's .streamlit/config.toml sets it
    (and turns usage statistics off)."""
    from pathlib import Path

    from streamlit import config
    from streamlit.web import bootstrap

    monkeypatch.chdir(Path(__file__).resolve().parents[1])  # where `streamlit run dashboard/app.py` starts
    config.get_config_options(force_reparse=True)
    try:
        config.set_option("server.headless", True)
        assert config.get_option("browser.gatherUsageStats") is False
        bootstrap._print_url(False)  # the start-up banner, with sockets forbidden by no_network
    finally:
        config.get_config_options(force_reparse=True)
    assert no_network == []
