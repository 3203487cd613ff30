"""The machine formats linters offer, run through the real command line on real text: reviewdog's rdjson and
GitHub Actions workflow commands; and the terminal escaping every text output shares."""

from __future__ import annotations

import json
import re

import pytest

from checks.cli import main
from checks.formats import escape_controls, escape_controls_in_text, plural

TEXT = (
    "Le Monde reported it.\r\n😀 Officials said it took a hour.\nMany éditeurs said it took a hour too.\n\n"
    "Leave a Comment"
)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def draft(tmp_path):
    path = tmp_path / "draft.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    return path


def contract(capsys, path) -> list[dict]:
    _, out, _ = run(capsys, "check", "--format", "json", "--offline", "--fast", str(path))
    return json.loads(out)["documents"][0]["issues"]


def utf8_position(text: str, offset: int) -> dict:
    """reviewdog's Position of a code-point offset, worked out independently: line, and column in UTF-8 bytes."""
    before = text[:offset]
    line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return {"line": len(re.findall(r"\r\n|\r|\n", before)) + 1, "column": len(before[line_start:].encode()) + 1}


def test_rdjson_is_reviewdogs_diagnostic_result(capsys, draft):
    issues = contract(capsys, draft)
    code, out, _ = run(capsys, "check", "--format", "rdjson", "--offline", "--fast", str(draft))
    result = json.loads(out)
    assert code == 1 and result["source"] == {"name": "copydesk"}
    diagnostics = result["diagnostics"]
    assert [d["code"]["value"] for d in diagnostics] == [i["rule"] for i in issues]
    a_an = [(d, i) for d, i in zip(diagnostics, issues, strict=True) if i["rule"] == "grammar.a-an"]
    assert len(a_an) == 2
    for diagnostic, issue in zip(diagnostics, issues, strict=True):
        span = {"start": utf8_position(TEXT, issue["start"]), "end": utf8_position(TEXT, issue["end"])}
        assert diagnostic["location"] == {"path": str(draft), "range": span}
        assert diagnostic["severity"] == issue["severity"].upper()
        assert diagnostic["message"] == issue["message"]
        if issue["suggestions"]:
            assert diagnostic["suggestions"] == [{"range": span, "text": issue["suggestions"][0]}]
    first = a_an[0][0]["location"]["range"]["start"]
    assert first == {"line": 2, "column": len("😀 Officials said it took ".encode()) + 1}  # bytes, not characters


def test_rdjson_gives_no_range_for_html(capsys, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>It took a hour.</p><p>Leave a Comment</p></body></html>", "utf-8")
    _, out, _ = run(capsys, "check", "--format", "rdjson", "--offline", "--fast", str(page))
    diagnostics = json.loads(out)["diagnostics"]
    assert diagnostics and all(d["location"] == {"path": str(page)} for d in diagnostics)
    assert all("suggestions" not in d for d in diagnostics)


def test_github_annotations(capsys, draft):
    issues = contract(capsys, draft)
    code, out, _ = run(capsys, "check", "--format", "github", "--offline", "--fast", str(draft))
    lines = out.splitlines()
    assert code == 1 and len(lines) == len(issues)
    pattern = re.compile(
        r"::(error|warning|notice) file=([^,]*),line=(\d+),endLine=(\d+)(?:,col=(\d+),endColumn=(\d+))?,"
        r"title=Copydesk \(([^)]*)\)::(.*)"
    )
    for line, issue in zip(lines, issues, strict=True):
        match = pattern.fullmatch(line)
        assert match, line
        command, path, start_line, end_line, col, end_col, rule, message = match.groups()
        assert command == {"error": "error", "warning": "warning", "info": "notice"}[issue["severity"]]
        assert path == str(draft).replace(":", "%3A").replace(",", "%2C") and rule == issue["rule"]
        assert int(start_line) == issue["line"] and int(col) == issue["column"]
        assert int(end_col) == issue["column"] + issue["end"] - issue["start"]  # one line: end exclusive
        assert message.startswith(issue["message"].replace("%", "%25"))


def test_github_escapes_properties_and_messages(capsys, tmp_path):
    path = tmp_path / "a,b:c%.txt"
    path.write_text("It took a hour.\n\nLeave a Comment", "utf-8")
    _, out, _ = run(capsys, "check", "--format", "github", "--offline", "--fast", str(path))
    escaped = str(path).replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
    assert f"::warning file={escaped},line=1,endLine=1,col=9,endColumn=10,title=Copydesk (grammar.a-an)::" in out


def test_github_on_standard_input_has_no_file(capsys, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"It took a hour.")))
    _, out, _ = run(capsys, "check", "--format", "github", "--offline", "--fast", "-")
    assert out.startswith("::warning title=Copydesk (grammar.a-an)::")


def test_escaping_leaves_ordinary_text_alone():
    assert escape_controls("Café “quoted” — 😀 al-Kadhimi") == "Café “quoted” — 😀 al-Kadhimi"
    assert escape_controls("a\x1b]0;t\x07b\u202ec\r\n\x9b") == "a\\x1b]0;t\\x07b\\u202ec\\r\\n\\x9b"
    assert escape_controls_in_text("line\r\nnext\tcell\rover\x1b[2J") == "line\r\nnext\tcell\\rover\\x1b[2J"


@pytest.mark.parametrize(
    "count, words, expected",
    [
        (0, ("fix", "fixes"), "0 fixes"),
        (1, ("fix", "fixes"), "1 fix"),
        (2, ("flag",), "2 flags"),
        (12345, ("flag",), "12,345 flags"),
    ],
)
def test_plural_agrees_with_the_count(count, words, expected):
    assert plural(count, *words) == expected
