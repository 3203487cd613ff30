"""The LanguageTool adapter against a small local server that speaks LanguageTool's /v2/check JSON.

The fake server finds a few mistakes in whatever text it is sent and reports their offsets the way LanguageTool
does, in UTF-16 code units, so the tests exercise the real conversion (emoji before a match shift them)."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from checks import languagetool as lt
from checks.config import Config
from checks.pipeline import check_text, select_families

# What the fake server knows: word -> (rule id, issue type, category id, replacement).
KNOWN = {
    "teh": ("MORFOLOGIK_RULE_EN_US", "misspelling", "TYPOS", "the"),
    "a hour": ("EN_A_VS_AN", "misspelling", "MISC", "an hour"),
    "could of": ("COULD_OF", "grammar", "GRAMMAR", "could have"),
    "Copydesk": ("MORFOLOGIK_RULE_EN_US", "misspelling", "TYPOS", "Copy desk"),
}


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeLanguageTool(BaseHTTPRequestHandler):
    behaviour = "ok"  # ok | slow | garbage | error
    requests: list[dict] = []

    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        fields = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode("utf-8")))
        type(self).requests.append({"path": self.path, **fields})
        if self.behaviour == "slow":
            time.sleep(3)
        if self.behaviour == "error":
            self.send_response(500)
            self.end_headers()
            return
        if self.behaviour == "garbage":
            body = b"<html>Service temporarily unavailable</html>"
        else:
            body = json.dumps({"software": {"name": "LanguageTool"}, "matches": self._matches(fields)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    @staticmethod
    def _matches(fields):
        text, matches = fields["text"], []
        disabled = set(fields.get("disabledRules", "").split(","))
        for needle, (rule_id, issue, category, fix) in KNOWN.items():
            start = text.find(needle)
            while start >= 0 and rule_id not in disabled:
                matches.append(
                    {
                        "message": f"Possible mistake: {needle}",
                        "shortMessage": "",
                        "replacements": [{"value": fix}],
                        "offset": utf16_units(text[:start]),
                        "length": utf16_units(needle),
                        "rule": {"id": rule_id, "issueType": issue, "category": {"id": category, "name": category}},
                    }
                )
                start = text.find(needle, start + 1)
        return matches


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # the slow test hangs up on purpose: no traceback noise
        pass


@pytest.fixture
def server():
    FakeLanguageTool.behaviour = "ok"
    FakeLanguageTool.requests = []
    httpd = QuietServer(("127.0.0.1", 0), FakeLanguageTool)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    lt.forget_failures()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    lt.forget_failures()


@pytest.fixture(autouse=True)
def no_env_url(monkeypatch, tmp_path):
    monkeypatch.delenv(lt.ENV_URL, raising=False)
    monkeypatch.setenv("LTP_PATH", str(tmp_path / "no-languagetool-here"))
    monkeypatch.delenv("LTP_JAR_DIR_PATH", raising=False)


def remote(url, **extra):
    return Config({"languagetool": {"mode": "remote", "url": url, "timeout_seconds": 0.5, **extra}})


def closed_port_url() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_matches_become_flags_with_code_point_offsets_after_emoji(server):
    text = "Fans 🎉🎉 cheered as teh team won. 😀 Officials could of stopped it."
    report = check_text(text, config=remote(server), family_names=["languagetool"])
    by_rule = {f.rule: f for f in report.issues}
    spelling = by_rule["LT:MORFOLOGIK_RULE_EN_US"]
    assert spelling.text == "teh" == text[spelling.start : spelling.end]
    assert (spelling.category, spelling.suggestions) == ("spelling", ("the",))
    grammar = by_rule["LT:COULD_OF"]
    assert grammar.text == "could of" and grammar.category == "grammar"
    assert report.status["languagetool"].startswith(f"remote {server}")
    assert FakeLanguageTool.requests[0]["path"] == "/v2/check"
    assert FakeLanguageTool.requests[0]["language"] == "en-US"


def test_our_flag_wins_over_languagetool_on_the_same_words(server):
    report = check_text("It took a hour to arrive.", config=remote(server), family_names=["grammar", "languagetool"])
    rules = [f.rule for f in report.issues]
    assert "grammar.a-an" in rules
    assert not any(r.startswith("LT:") for r in rules)


def test_slow_server_cannot_hold_up_the_check(server):
    FakeLanguageTool.behaviour = "slow"
    started = time.perf_counter()
    report = check_text("It took a hour to arrive.", config=remote(server), family_names=["grammar", "languagetool"])
    assert time.perf_counter() - started < 2.0
    assert [f.rule for f in report.issues] == ["grammar.a-an"]  # the offline result is still there
    assert "unavailable (no answer within 0.5 s)" in report.status["languagetool"]


@pytest.mark.parametrize("behaviour, why", [("garbage", "not LanguageTool JSON"), ("error", "HTTP 500")])
def test_broken_answers_become_a_status_not_an_error(server, behaviour, why):
    FakeLanguageTool.behaviour = behaviour
    report = check_text("Fans cheered as teh team won.", config=remote(server), family_names=["languagetool"])
    assert why in report.status["languagetool"]
    assert "failed_checks" not in report.status
    assert not any(f.rule.startswith("LT:") for f in report.issues)


def test_a_down_server_is_not_asked_again_for_every_document():
    config = remote(closed_port_url())
    lt.forget_failures()
    first = check_text("One document.", config=config, family_names=["languagetool"])
    assert "unavailable (cannot connect" in first.status["languagetool"]
    started = time.perf_counter()
    second = check_text("Another document.", config=config, family_names=["languagetool"])
    assert time.perf_counter() - started < 0.1
    assert "skipped, server unavailable" in second.status["languagetool"]
    lt.forget_failures()


def test_long_text_goes_in_chunks_with_offsets_kept(server):
    paragraph = "Fans 🎉 cheered loudly as the team won the cup.\n\n"
    text = paragraph * 5 + "At the end teh crowd left."
    report = check_text(text, config=remote(server, max_chars=120), family_names=["languagetool"])
    assert len(FakeLanguageTool.requests) > 1
    [flag] = report.issues
    assert flag.text == "teh" and text.index("teh") == flag.start


def test_house_style_words_and_disabled_rules_are_respected(server):
    config = Config(
        {
            "languagetool": {"mode": "remote", "url": server, "timeout_seconds": 0.5},
            "dictionary": {"words": ["Copydesk"]},
            "rules": {"disabled": ["LT:COULD_OF"]},
        }
    )
    report = check_text("Copydesk says we could of won.", config=config, family_names=["languagetool"])
    assert report.issues == []
    assert FakeLanguageTool.requests[0]["disabledRules"] == "COULD_OF"


def test_environment_variable_supplies_the_url(server, monkeypatch):
    monkeypatch.setenv(lt.ENV_URL, server + "/v2/")
    report = check_text("Fans cheered as teh team won.", config=Config(), family_names=["languagetool"])
    assert [f.text for f in report.issues] == ["teh"]
    assert f"from {lt.ENV_URL}" in report.status["languagetool"]


@pytest.mark.parametrize(
    "section, expected",
    [
        ({"mode": "off", "url": "http://127.0.0.1:9"}, 'off: [languagetool] mode = "off"'),
        ({"mode": "remote"}, 'off: mode "remote" but no url'),
        ({}, "off: no server url and no LanguageTool files on disk"),
        ({"mode": "local"}, 'off: mode "local" but no LanguageTool files on disk'),
        ({"mode": "sometimes"}, "off: unknown [languagetool] mode 'sometimes'"),
    ],
)
def test_modes_without_a_server_say_why_they_are_off(section, expected):
    report = check_text("Fans cheered.", config=Config({"languagetool": section}), family_names=["languagetool"])
    assert report.status["languagetool"].startswith(expected)
    assert report.issues == []


def test_offline_runs_skip_the_backend():
    config = Config({"languagetool": {"url": "http://127.0.0.1:9"}}).with_offline(True)
    assert "languagetool" not in [f.name for f in select_families(config)]
    assert "grammar" in [f.name for f in select_families(config)]


def test_local_files_are_found_without_constructing_language_tool_python(tmp_path):
    jar = tmp_path / "LanguageTool-6.8" / "languagetool-server.jar"
    jar.parent.mkdir()
    assert lt.local_server_jar({"LTP_PATH": str(tmp_path)}) is None
    jar.write_bytes(b"PK")
    assert lt.local_server_jar({"LTP_PATH": str(tmp_path)}) == jar


@pytest.mark.parametrize("url", ["http://h:8081", "http://h:8081/", "http://h:8081/v2", "http://h:8081/v2/check"])
def test_endpoint_normalisation(url):
    assert lt.check_endpoint(url) == "http://h:8081/v2/check"


def test_utf16_offsets_convert_to_code_points():
    text = "a😀b𝒞c"
    index = lt.Utf16Index(text)
    for i in range(len(text) + 1):
        assert index.to_code_points(utf16_units(text[:i])) == i
    assert lt.Utf16Index("plain text").to_code_points(5) == 5


def test_local_files_without_java_are_reported_not_started(tmp_path, monkeypatch):
    jar = tmp_path / "LanguageTool-6.8" / "languagetool-server.jar"
    jar.parent.mkdir()
    jar.write_bytes(b"PK")
    monkeypatch.setenv("LTP_PATH", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    report = check_text(
        "Fans cheered.", config=Config({"languagetool": {"mode": "local"}}), family_names=["languagetool"]
    )
    assert report.status["languagetool"] == f"off: LanguageTool files at {jar.parent} but no java on PATH"
