"""Fixtures for the browser tests: Debian's chromium driven by Playwright, and a real `streamlit run` server.

Chromium is found at $COPYDESK_CHROMIUM or /usr/bin/chromium (Debian's package `chromium`; never `playwright
install`). Without it the tests skip with a message, except under CI=true where they fail. Servers and browsers
are always stopped by the fixtures; screenshots go to artifacts/browser/ (gitignored).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("COPYDESK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        message = "Debian's chromium is not installed (apt-get install -y chromium), or set COPYDESK_CHROMIUM"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    if getattr(request.node, "rep_failed", False):
        screenshot(opened, f"{request.node.name}-failure")
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        item.rep_failed = True


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """`streamlit run dashboard/app.py` on a free port with a private house style; restartable."""

    def __init__(self, house_style: Path, log_dir: Path) -> None:
        self.house_style = house_style
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.starts = 0

    def start(self, timeout: float = 60) -> str:
        port = free_port()
        self.starts += 1
        env = {**os.environ, "COPYDESK_CONFIG": str(self.house_style), "PYTHONUNBUFFERED": "1"}
        settings = self.house_style.parent / ".streamlit"  # the repository's Streamlit settings, as users get them
        if not settings.exists():
            shutil.copytree(ROOT / ".streamlit", settings)
        with open(self.log_dir / f"streamlit-{self.starts}.log", "wb") as log:  # the child keeps its own copy
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "streamlit",
                    "run",
                    str(ROOT / "dashboard" / "app.py"),
                    "--server.headless",
                    "true",
                    "--server.port",
                    str(port),
                    "--server.address",
                    "127.0.0.1",
                    "--browser.gatherUsageStats",
                    "false",
                    "--server.fileWatcherType",
                    "none",
                    "--global.developmentMode",
                    "false",
                ],
                cwd=str(self.house_style.parent),
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited: see {self.log_dir}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as answer:
                    if answer.status == 200:
                        return self.url
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit did not become healthy within {timeout} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None


@pytest.fixture
def workdir():
    """A private folder (not pytest's tmp_path, which concurrent pytest runs may rotate away under a server)."""
    path = Path(tempfile.mkdtemp(prefix="copydesk-browser-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def house_style(workdir) -> Path:
    path = workdir / "copydesk.toml"
    path.write_text('[review]\ndatabase = "reviews.sqlite"\nruns_dir = "runs"\n', "utf-8")
    return path


@pytest.fixture
def server(house_style, request):
    logs = ARTIFACTS / request.node.name
    logs.mkdir(parents=True, exist_ok=True)
    running = StreamlitServer(house_style, logs)
    try:
        yield running
    finally:
        running.stop()
