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
