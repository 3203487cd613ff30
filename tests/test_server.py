"""The LanguageTool-compatible server (checks/server/): language_tool_python as a real client, raw /v2/check with
annotated text, UTF-16 offsets and rule filters, Copydesk's own /v1/check, limits, tokens, overload and deadlines.
Servers run on 127.0.0.1 in a thread of the test process (uvicorn), on a free port."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import language_tool_python
import pytest
import requests
import uvicorn
from language_tool_python.utils import correct

from checks.config import Config, ConfigError
from checks.formats import report_json
from checks.pipeline import check_text
from checks.server import ServerSettings
from checks.server.app import create_app, run_pipeline
from checks.server.protocol import TextMap
from tests.conftest import ROOT

DRAFT = "The soldiers answered with keen fire. Teh minister assisted at the funeral on Tuesday."
FAST = Config(fast=True)  # the model judge has its own tests; these are about the protocol


@contextlib.contextmanager
def running(app) -> Iterator[str]:
    """Serve `app` on a free port of 127.0.0.1 until the block ends; yields the base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with running(create_app(FAST)) as base:
        yield base


def post(url: str, **fields) -> requests.Response:
    return requests.post(f"{url}/v2/check", data=fields, timeout=60)


# ------------------------------------------------------------------------------------------- a real client


def test_language_tool_python_reads_our_matches_and_corrects_the_draft(url):
    tool = language_tool_python.LanguageTool("en-US", remote_server=url)
    matches = tool.check(DRAFT)
    found = {m.rule_id: (DRAFT[m.offset : m.offset + m.error_length], m.replacements[0]) for m in matches}
    assert found["mistranslation.keen-fire"] == ("keen fire", "live fire")
    assert found["mistranslation.assist-at"] == ("assisted at", "attended")
    assert found["spelling.typo"] == ("Teh", "The")
    assert (
        correct(DRAFT, matches) == "The soldiers answered with live fire. The minister attended the funeral on Tuesday."
    )


def test_the_client_sees_the_same_flags_as_the_command_line(url):
    """One pipeline: the server's matches are the command line's flags (those above the info level)."""
    tool = language_tool_python.LanguageTool("en-US", remote_server=url)
    served = sorted((m.offset, m.offset + m.error_length, m.rule_id) for m in tool.check(DRAFT))
    report = check_text(DRAFT, config=FAST.with_fast(True))
    assert served == sorted((f.start, f.end, f.rule) for f in report.issues if f.severity != "info")


def test_languages_lists_the_english_variants(url):
    listed = requests.get(f"{url}/v2/languages", timeout=10).json()
    assert {"name": "English (GB)", "code": "en", "longCode": "en-GB"} in listed
    assert {item["longCode"] for item in listed} >= {"en-US", "en-GB", "en-AU", "en-CA"}


# ------------------------------------------------------------------------------------------- the raw protocol


def test_offsets_count_utf16_units_after_an_emoji(url):
    text = "Great day 😀 but the army used keen fire."
    found = post(url, text=text, language="en-US").json()
    match = next(m for m in found["matches"] if m["rule"]["id"] == "mistranslation.keen-fire")
    start = text.index("keen fire")
    assert (match["offset"], match["length"]) == (start + 1, 9)  # the emoji is two UTF-16 units
    assert text.encode("utf-16-le")[2 * match["offset"] : 2 * (match["offset"] + 9)].decode("utf-16-le") == "keen fire"
    context = match["context"]
    assert context["text"][context["offset"] - 1 :].startswith("keen fire")  # one emoji before it in the context
    assert match["rule"]["issueType"] == "mistranslation" and match["type"]["typeName"] == "Other"
    assert match["sentence"] == "Great day 😀 but the army used keen fire."


def test_annotated_text_is_checked_without_markup_and_answered_in_its_offsets(url):
    annotation = [
        {"markup": "<p>"},
        {"text": "The army used "},
        {"markup": "<b>"},
        {"text": "keen"},
        {"markup": "</b>"},
        {"text": " fire. Teh end."},
        {"markup": "</p>", "interpretAs": "\n\n"},
    ]
    sent = "".join(item.get("text") or item["markup"] for item in annotation)
    found = post(url, data=json.dumps({"annotation": annotation}), language="en-GB").json()
    spans = {m["rule"]["id"]: sent[m["offset"] : m["offset"] + m["length"]] for m in found["matches"]}
    assert spans["mistranslation.keen-fire"] == "keen</b> fire"  # over the markup inside it
    assert spans["spelling.typo"] == "Teh"
    assert found["language"]["code"] == "en-GB"


def test_disabled_rules_and_categories_leave_those_matches_out(url):
    rules = {m["rule"]["id"] for m in post(url, text=DRAFT, language="en-US").json()["matches"]}
    assert {"mistranslation.keen-fire", "spelling.typo"} <= rules
    without = post(url, text=DRAFT, language="en-US", disabledRules="mistranslation.assist-at").json()
    assert {m["rule"]["id"] for m in without["matches"]} == rules - {"mistranslation.assist-at"}
    no_typos = post(url, text=DRAFT, language="en-US", disabledCategories="TYPOS").json()  # LanguageTool's id
    assert "spelling.typo" not in {m["rule"]["id"] for m in no_typos["matches"]}
    only = post(url, text=DRAFT, language="en-US", enabledOnly="true", enabledCategories="mistranslation").json()
    assert {m["rule"]["category"]["id"] for m in only["matches"]} == {"MISTRANSLATION"}


def test_enabled_rules_switch_on_a_rule_that_is_off_by_default(url):
    text = "However the talks collapsed on Monday."
    rule = "style.comma-after-linking-adverb"  # a preference, off by default, at info (so picky shows it)
    plain = post(url, text=text, language="en-US", level="picky").json()
    assert rule not in {m["rule"]["id"] for m in plain["matches"]}
    asked = post(url, text=text, language="en-US", level="picky", enabledRules=rule).json()
    assert [m["offset"] for m in asked["matches"] if m["rule"]["id"] == rule] == [0]


def test_picky_adds_the_info_level(url):
    hard = (
        "The committee, which had been convened in order to consider the numerous and frequently contradictory "
        "submissions that had been received from the various interested parties over the course of the preceding "
        "several months, eventually concluded, after lengthy and occasionally acrimonious deliberations, that no "
        "further action could reasonably be taken at that particular point in time without additional evidence."
    )
    default = post(url, text=hard, language="en-US").json()["matches"]
    picky = post(url, text=hard, language="en-US", level="picky").json()["matches"]
    report = check_text(hard, config=FAST)
    assert any(f.severity == "info" for f in report.issues)
    assert len(picky) == len(report.issues) > len(default)


def test_get_with_a_query_string_is_answered_too(url):
    found = requests.get(f"{url}/v2/check", params={"text": DRAFT, "language": "auto"}, timeout=60).json()
    assert "mistranslation.keen-fire" in {m["rule"]["id"] for m in found["matches"]}


def test_v1_answers_copydesk_s_own_contract(url):
    found = requests.post(f"{url}/v1/check", json={"text": DRAFT, "source": "draft.txt"}, timeout=60).json()
    report = check_text(DRAFT, source="draft.txt", config=FAST)
    assert found == {"documents": [report_json(report)]}
    assert found["documents"][0]["issues"][0]["line"] == 1


@pytest.mark.parametrize(
    ("fields", "status", "says"),
    [
        ({"language": "en-US"}, 400, "Missing 'text' or 'data'"),
        ({"text": DRAFT}, 400, "Missing 'language'"),
        ({"text": DRAFT, "language": "de-DE"}, 400, "'de-DE' is not a language this server checks"),
        ({"data": "{not json", "language": "en-US"}, 400, "'data' is not valid JSON"),
        ({"data": '{"annotation": [{"nothing": 1}]}', "language": "en-US"}, 400, "either 'text' or 'markup'"),
        ({"text": "x" * 20_001, "language": "en-US"}, 413, "exceeds the limit of 20000 characters"),
        ({"text": DRAFT, "language": "en-US", "enabledOnly": "true"}, 400, "enabledOnly=true needs"),
    ],
)
def test_bad_requests_get_languagetool_style_errors(url, fields, status, says):
    answer = post(url, **fields)
    assert answer.status_code == status
    assert answer.text.startswith("Error: ") and says in answer.text


def test_text_that_utf8_cannot_hold_is_refused_not_changed(url):
    lone = requests.post(f"{url}/v1/check", data='{"text": "Bad \\ud800 text"}', timeout=30, headers=JSON)
    assert lone.status_code == 400 and "unpaired surrogate at character 4" in lone.text
    annotated = json.dumps({"annotation": [{"text": "Bad \ud800 text"}]})
    assert post(url, data=annotated, language="en-US").status_code == 400
    not_utf8 = requests.post(f"{url}/v2/check", data="language=en-US&text=caf%E9", timeout=30, headers=FORM)
    assert not_utf8.status_code == 400  # Latin-1 %E9 is not replaced by U+FFFD


JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_a_body_over_the_byte_limit_is_refused_before_it_is_read():
    small = create_app(FAST, ServerSettings(max_request_bytes=1_000))
    with running(small) as base:
        answer = requests.post(f"{base}/v2/check", data={"text": "word " * 400, "language": "en-US"}, timeout=30)
        assert answer.status_code == 413 and "max_request_bytes" in answer.text
        assert requests.post(f"{base}/v2/check", data=b"\xff\xfe", timeout=30).status_code == 400  # not UTF-8


# ------------------------------------------------------------------------------------------- a shared server


def test_a_token_protected_server_refuses_a_request_without_its_token():
    with running(create_app(FAST, ServerSettings(tokens=frozenset({"s3cret"})))) as base:
        refused = post(base, text=DRAFT, language="en-US")
        assert refused.status_code == 401 and "API token" in refused.text
        assert post(base, text=DRAFT, language="en-US", apiKey="wrong").status_code == 401
        assert post(base, text=DRAFT, language="en-US", apiKey="s3cret").status_code == 200
        bearer = requests.post(
            f"{base}/v2/check",
            data={"text": DRAFT, "language": "en-US"},
            headers={"Authorization": "Bearer s3cret"},
            timeout=60,
        )
        assert bearer.status_code == 200
        assert requests.get(f"{base}/v2/languages", timeout=10).status_code == 200  # clients ask before a key


def test_tokens_also_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("COPYDESK_SERVER_TOKENS", " one, two ,")
    house = Config({"server": {"tokens": ["three"]}})
    settings = ServerSettings.from_config(house)
    assert settings.tokens == {"one", "two", "three"}
    assert house.get("server", "tokens") == ["three"]  # the house style itself is left as it was
    with pytest.raises(ConfigError, match=r"\[server\] max_waiting must be a whole number of at least 0"):
        ServerSettings.from_config(Config({"server": {"max_waiting": -1}}))
    with pytest.raises(ConfigError, match=r"\[server\] port must be a whole number of at least 1, not True"):
        ServerSettings.from_config(Config({"server": {"port": True}}))


def test_cors_answers_the_origins_the_house_style_allows():
    with running(create_app(FAST, ServerSettings(cors_origins=("https://cms.example.org",)))) as base:
        allowed = post_with_origin(base, "https://cms.example.org")
        assert allowed.headers.get("access-control-allow-origin") == "https://cms.example.org"
        assert "access-control-allow-origin" not in post_with_origin(base, "https://elsewhere.example").headers
    with running(create_app(FAST)) as base:  # none by default
        assert "access-control-allow-origin" not in post_with_origin(base, "https://cms.example.org").headers


def post_with_origin(base: str, origin: str) -> requests.Response:
    fields = {"text": DRAFT, "language": "en-US"}
    return requests.post(f"{base}/v2/check", data=fields, headers={"Origin": origin}, timeout=60)


class HeldChecker:
    """The real pipeline, held until released: lets a test fill the server and watch it refuse."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = threading.Semaphore(0)

    def __call__(self, text: str, source: str, config: Config):
        if source != "<start>":  # the start-up check is not held
            self.entered.release()
            self.release.wait(timeout=60)
        return run_pipeline(text, source, config)


def test_an_overloaded_server_answers_503_at_once_and_recovers() -> None:
    held = HeldChecker()
    with running(create_app(FAST, ServerSettings(max_waiting=1), checker=held)) as base:
        answers: list[int] = []
        threads = [
            threading.Thread(target=lambda: answers.append(post(base, text=DRAFT, language="en-US").status_code))
        ]
        threads[0].start()
        assert held.entered.acquire(timeout=30)  # one is being checked
        threads.append(
            threading.Thread(target=lambda: answers.append(post(base, text=DRAFT, language="en-US").status_code))
        )
        threads[1].start()  # one waits
        time.sleep(0.5)
        refused = post(base, text=DRAFT, language="en-US")
        assert refused.status_code == 503 and "overloaded" in refused.text
        held.release.set()
        for thread in threads:
            thread.join(timeout=60)
        assert answers == [200, 200]
        assert post(base, text=DRAFT, language="en-US").status_code == 200


def test_a_check_past_the_deadline_gets_503_naming_the_setting():
    held = HeldChecker()
    with running(create_app(FAST, ServerSettings(deadline_seconds=0.3), checker=held)) as base:
        late = post(base, text=DRAFT, language="en-US")
        assert late.status_code == 503 and "deadline_seconds" in late.text
        held.release.set()


def test_the_log_has_a_line_per_request_without_the_text(url, caplog):
    secret = "Zyxwv confidential draft about keen fire."
    with caplog.at_level(logging.INFO, logger="checks.server"):
        post(url, text=secret, language="en-US")
        requests.get(f"{url}/v2/check", params={"text": secret, "language": "en-US"}, timeout=60)
    lines = [r.getMessage() for r in caplog.records if r.name == "checks.server"]
    assert any(line.startswith("POST /v2/check 200 chars=41 matches=") for line in lines), lines
    assert any(line.startswith("GET /v2/check 200") for line in lines), lines
    assert not any("Zyxwv" in line or "keen" in line for line in lines)


# ------------------------------------------------------------------------------------------- offsets


def test_text_map_points_flags_back_over_markup():
    text = TextMap([("<p>", ""), ("Hello ", None), ("<br/>", "\n"), ("world", None), ("</p>", "")])
    assert text.checked == "Hello \nworld"
    assert text.sent == "<p>Hello <br/>world</p>"
    world = text.checked.index("world")
    assert text.sent[text.start(world) : text.end(world + 5)] == "world"
    assert text.sent[text.start(0) : text.end(5)] == "Hello"
    assert text.sent[text.start(6) : text.end(7)] == "<br/>"  # the newline stands for the whole markup
    assert text.end(len(text.checked)) == len(text.sent) - len("</p>")


# ------------------------------------------------------------------------------------------- the command


def test_the_serve_command_answers_and_logs_without_the_text(tmp_path):
    """`python -m checks serve` as a user starts it: the house style's [server] table, uvicorn's worker process,
    LanguageTool's API; a log line per request on stderr, never the text; stopped cleanly."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    house = tmp_path / "copydesk.toml"
    house.write_text('[server]\nmax_text_chars = 500\n[dictionary]\nwords = ["Zyxwv"]\n', "utf-8")
    command = [sys.executable, "-m", "checks", "serve", "--port", str(port), "--config", str(house), "--fast"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        found = post(base, text="Zyxwv said the army used keen fire.", language="en-US").json()
        assert [m["rule"]["id"] for m in found["matches"]] == ["mistranslation.keen-fire"]  # Zyxwv is a house word
        assert post(base, text="x" * 501, language="en-US").status_code == 413  # the house style's limit
    finally:
        server.terminate()
        _, log = server.communicate(timeout=30)
    assert "POST /v2/check 200 chars=35 matches=1" in log
    assert "POST /v2/check 413" in log
    assert "Zyxwv" not in log and "keen" not in log


def test_a_refusal_quoting_the_request_is_plain_text_and_escaped(url):
    answer = post(url, text=DRAFT, language="<script>\x1b]0;x\x07")
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "\x1b" not in answer.text and "\\x1b" in answer.text
