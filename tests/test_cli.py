"""The command line's contract: formats, exit codes, stdin, unreadable files, fix, rules."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest

from checks.cli import main
from tests.conftest import ROOT

DRAFT = "The talks ended without a deal.\n\nLeave a Comment"


@pytest.fixture
def draft(tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text(DRAFT, "utf-8")
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract(capsys, draft):
    code, out, _ = run(capsys, "check", "--format", "json", "--offline", str(draft))
    data = json.loads(out)
    assert code == 1
    (document,) = data["documents"]
    assert document["source"] == str(draft)
    assert isinstance(document["metrics"], dict)
    furniture = [i for i in document["issues"] if i["rule"] == "style.page-furniture"]
    assert furniture, document["issues"]
    for issue in document["issues"]:
        assert set(issue) == {
            "category",
            "rule",
            "start",
            "end",
            "text",
            "message",
            "suggestions",
            "severity",
            "confidence",
            "line",  # added: the contract is only ever extended
            "column",
        }
        assert DRAFT[issue["start"] : issue["end"]] == issue["text"]
        assert 0 <= issue["confidence"] <= 1
    assert (furniture[0]["line"], furniture[0]["column"]) == (3, 1)


def test_text_format_has_line_and_column(capsys, draft):
    code, out, _ = run(capsys, "check", "--offline", str(draft))
    line = next(line for line in out.splitlines() if "style.page-furniture" in line)
    assert line.startswith(f"{draft}:3:1: warning style style.page-furniture ")


def test_fail_on_error_ignores_warnings(capsys, draft):
    code, out, _ = run(capsys, "check", "--offline", "--fail-on", "error", "--format", "json", str(draft))
    severities = {i["severity"] for i in json.loads(out)["documents"][0]["issues"]}
    assert code == (1 if "error" in severities else 0)


def test_unreadable_file_is_reported_and_others_are_still_checked(capsys, draft, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x81\x8d\x8f\x90\x9d" * 50)  # undefined in cp1252 and not UTF-8
    code, out, err = run(
        capsys, "check", "--format", "json", "--offline", str(tmp_path / "missing.txt"), str(bad), str(draft)
    )
    assert code == 2
    docs = json.loads(out)["documents"]
    assert [d["source"] for d in docs] == [str(tmp_path / "missing.txt"), str(bad), str(draft)]
    assert "no such file" in docs[0]["error"] and "missing.txt" in err
    assert "bad.txt" in docs[1]["error"]
    assert docs[2]["issues"]


def test_csv_format(capsys, draft):
    _, out, _ = run(capsys, "check", "--format", "csv", "--offline", str(draft))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and rows[0]["source"] == str(draft)
    assert any(r["rule"] == "style.page-furniture" and r["line"] == "3" for r in rows)


def test_fix_applies_chosen_rules_only(capsys, draft):
    code, out, _ = run(capsys, "fix", "--offline", "--rules", "style.page-furniture", str(draft))
    assert code == 0
    assert out == "The talks ended without a deal.\n\n"
    _, out, _ = run(capsys, "fix", "--offline", "--rules", "no.such-rule", str(draft))
    assert out == DRAFT


def test_fix_rejects_unknown_category(capsys, draft):
    code, _, err = run(capsys, "fix", "--categories", "nonsense", str(draft))
    assert code == 2 and "nonsense" in err


def test_rules_lists_every_rule_with_category(capsys):
    code, out, _ = run(capsys, "rules", "--format", "json")
    rules = json.loads(out)
    assert code == 0
    assert any(r["id"] == "style.page-furniture" and r["category"] == "style" for r in rules)
    assert len({r["id"] for r in rules}) == len(rules)


def test_usage_error_exits_2(capsys):
    assert main(["check"]) == 2
    assert main(["nonsense"]) == 2


def test_bad_config_is_a_clear_error(capsys, draft, tmp_path):
    cfg = tmp_path / "style.toml"
    cfg.write_text("[rules\n", "utf-8")
    code, _, err = run(capsys, "check", "--config", str(cfg), str(draft))
    assert code == 2 and "not valid TOML" in err


def test_config_disables_rules(capsys, draft, tmp_path):
    cfg = tmp_path / "style.toml"
    cfg.write_text('[rules]\ndisabled = ["style.page-furniture"]\n', "utf-8")
    _, out, _ = run(capsys, "check", "--format", "json", "--config", str(cfg), "--offline", str(draft))
    assert all(i["rule"] != "style.page-furniture" for i in json.loads(out)["documents"][0]["issues"])


def test_stdin_in_a_real_process():
    result = subprocess.run(
        [sys.executable, "-m", "checks", "check", "--format", "json", "--offline", "-"],
        input=DRAFT.encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr.decode()
    doc = json.loads(result.stdout)["documents"][0]
    assert doc["source"] == "-"
    assert any(i["rule"] == "style.page-furniture" for i in doc["issues"])


def test_generated_rule_list_is_current():
    from checks.generated import RULES_DOC, rules_doc_text

    assert RULES_DOC.read_text("utf-8") == rules_doc_text(), "run: python -m checks regenerate-data"


def test_inflection_table_is_current():
    from importlib import resources

    from checks.generated import inflection_table_text
    from checks.inflect import TABLE

    shipped = resources.files("checks.data").joinpath(TABLE).read_text("utf-8")
    assert shipped == inflection_table_text(), "run: python -m checks regenerate-data"


# ------------------------------------------------------------------ the command line as linter users expect it

COLOURS = "The council said the colour of the flag would not change. It took a hour to agree."
ESCAPE = "\x1b]0;title\x07"  # an OSC sequence: sets the terminal's title when printed raw


def cli(*argv, input: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real command in its own process (bytes in, bytes out)."""
    return subprocess.run(
        [sys.executable, "-m", "checks", *argv],
        input=input,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        env=env,
    )


def json_issues(capsys, *argv) -> list[dict]:
    main(["check", "--format", "json", "--offline", "--fast", *argv])
    return [i for d in json.loads(capsys.readouterr().out)["documents"] for i in d["issues"]]


def test_json_line_and_column_count_code_points_and_crlf(capsys, tmp_path):
    text = "Le Monde said so.\r\n😀 It took a hour."
    path = tmp_path / "draft.txt"
    path.write_bytes(text.encode("utf-8"))
    (flag,) = [i for i in json_issues(capsys, str(path)) if i["rule"] == "grammar.a-an"]
    line_start = text.index("😀")
    assert (flag["line"], flag["column"]) == (2, flag["start"] - line_start + 1) == (2, 11)


def test_summary_line_counts_the_flags_shown(capsys, draft, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text(COLOURS, "utf-8")
    issues = json_issues(capsys, str(draft), str(other))
    code, out, _ = run(capsys, "check", "--offline", "--fast", str(draft), str(other))
    lines = out.splitlines()
    assert len(lines) == len(issues) + 1
    count = {s: sum(1 for i in issues if i["severity"] == s) for s in ("error", "warning", "info")}
    assert lines[-1] == (
        f"{len(issues)} flags in 2 files: {count['error']} errors, {count['warning']} warnings, {count['info']} info"
    )


def test_min_severity_hides_output_but_not_the_exit_code(capsys, draft):
    code, out, _ = run(capsys, "check", "--offline", "--fast", "--min-severity", "error", str(draft))
    assert code == 1  # --fail-on warning still sees the page furniture
    assert "style.page-furniture" not in out
    assert out.splitlines()[-1].startswith("0 flags in 1 file; ")
    assert out.splitlines()[-1].endswith(" below --min-severity not shown")
    _, out, _ = run(capsys, "check", "--format", "json", "--offline", "--min-severity", "error", str(draft))
    assert all(i["severity"] == "error" for i in json.loads(out)["documents"][0]["issues"])


def test_status_lines_once_per_run(capsys, draft, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text(COLOURS, "utf-8")
    _, _, err = run(capsys, "check", "--offline", "--fast", str(draft), str(other))
    assert err.splitlines() == ["copydesk: mistranslation: judge: off ([judge] enabled = false, or --fast)"]


def test_a_status_some_files_share_names_them(capsys, draft, tmp_path):
    guessed = tmp_path / "windows.txt"  # not UTF-8: its encoding is guessed, which only this file's status says
    guessed.write_bytes(SAMPLE.encode("cp1252"))
    main(["check", "--format", "json", "--offline", "--fast", str(draft), str(guessed)])
    first, second = (d["status"] for d in json.loads(capsys.readouterr().out)["documents"])
    assert first != second  # the guessed encoding is the second file's alone (checks.inputs)
    _, _, err = run(capsys, "check", "--offline", "--fast", str(draft), str(guessed))
    lines = err.splitlines()
    for name in first.keys() | second.keys():
        if first.get(name) == second.get(name):
            assert lines.count(f"copydesk: {name}: {first[name]}") == 1
        for status, path in ((first.get(name), draft), (second.get(name), guessed)):
            if status is not None and first.get(name) != second.get(name):
                assert f"copydesk: {name}: {status} ({path})" in lines
    assert len(lines) == len(first.keys() | second.keys()) + sum(
        1 for n in first.keys() & second.keys() if first[n] != second[n]
    )


def test_disable_enable_and_categories(capsys, draft, tmp_path):
    rules = {i["rule"] for i in json_issues(capsys, str(draft))}
    assert "style.page-furniture" in rules
    assert "style.page-furniture" not in {
        i["rule"] for i in json_issues(capsys, "--disable", "style.page-furniture", str(draft))
    }
    cfg = tmp_path / "style.toml"
    cfg.write_text('[rules]\ndisabled = ["style.page-furniture"]\n', "utf-8")
    assert "style.page-furniture" in {
        i["rule"] for i in json_issues(capsys, "--config", str(cfg), "--enable", "style.page-furniture", str(draft))
    }
    other = tmp_path / "other.txt"
    other.write_text(DRAFT + " It took a hour.", "utf-8")
    assert {i["category"] for i in json_issues(capsys, "--categories", "grammar", str(other))} == {"grammar"}


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--disable", "style.no-such-rule"], "unknown rule ids: style.no-such-rule"),
        (["--disable", "grammar.a-an", "--enable", "grammar.a-an"], "both enabled and disabled: grammar.a-an"),
        (["--categories", "grammar,nonsense"], "unknown categories: nonsense"),
    ],
)
def test_wrong_rule_ids_and_categories_are_usage_errors(capsys, draft, argv, message):
    code, out, err = run(capsys, "check", "--offline", *argv, str(draft))
    assert code == 2 and message in err and out == ""


@pytest.mark.parametrize(
    "dialect, flagged",
    [
        ("en-US", {"colour": "color"}),
        ("en-GB", {"color": "colour"}),
        ("en-AU", {"color": "colour"}),
        ("en-CA", {"color": "colour"}),
    ],
)
def test_dialect_sets_the_spelling_variant(capsys, tmp_path, dialect, flagged):
    path = tmp_path / "draft.txt"
    path.write_text("The colour of the flag. The color of the sky.", "utf-8")
    issues = json_issues(capsys, "--dialect", dialect, str(path))
    assert {i["text"]: i["suggestions"][0] for i in issues if i["rule"] == "spelling.variant"} == flagged


def test_dialect_auto_keeps_the_house_style(capsys, tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text("The colour of the flag. The color of the sky.", "utf-8")
    assert not [i for i in json_issues(capsys, "--dialect", "auto", str(path)) if i["rule"] == "spelling.variant"]
    cfg = tmp_path / "style.toml"
    cfg.write_text('[spelling]\nvariant = "uk"\n', "utf-8")  # auto keeps the house style's variant
    issues = json_issues(capsys, "--config", str(cfg), "--dialect", "auto", str(path))
    assert [i["text"] for i in issues if i["rule"] == "spelling.variant"] == ["color"]


def test_version_matches_the_project(capsys):
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith(f"copydesk {version} ")


def test_colour_only_when_asked_or_on_a_terminal(capsys, draft):
    _, plain, _ = run(capsys, "check", "--offline", "--fast", str(draft))
    _, coloured, _ = run(capsys, "check", "--offline", "--fast", "--color", "always", str(draft))
    assert "\x1b[" not in plain
    assert "\x1b[33mwarning\x1b[0m" in coloured
    assert _strip_colour(coloured) == plain


def _strip_colour(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _on_a_terminal(*argv, env_extra: dict | None = None) -> str:
    """Standard output of the real command when it is a (pseudo-)terminal."""
    import os
    import pty

    leader, follower = pty.openpty()
    env = {name: value for name, value in os.environ.items() if name != "NO_COLOR"}
    env.update({"TERM": "xterm", **(env_extra or {})})
    process = subprocess.Popen(
        [sys.executable, "-m", "checks", *argv], stdout=follower, stderr=subprocess.DEVNULL, cwd=ROOT, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8")


def test_colour_on_a_terminal_unless_no_color(draft):
    assert "\x1b[33mwarning" in _on_a_terminal("check", "--offline", "--fast", str(draft))
    assert "\x1b[" not in _on_a_terminal("check", "--offline", "--fast", str(draft), env_extra={"NO_COLOR": "1"})


def test_control_characters_in_file_names_are_shown_escaped(capsys, tmp_path):
    path = tmp_path / f"draft{ESCAPE}.txt"
    path.write_text(DRAFT, "utf-8")
    code, out, err = run(capsys, "check", "--offline", "--fast", str(path), str(tmp_path / f"gone{ESCAPE}.txt"))
    assert code == 2
    for shown in (out, err):
        assert "\x1b" not in shown and "\x07" not in shown
    assert "draft\\x1b]0;title\\x07.txt:3:1: warning style style.page-furniture" in out
    assert "gone\\x1b]0;title\\x07.txt: no such file" in err


def test_fix_on_a_terminal_shows_control_characters_escaped(tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text(f"It took a hour.{ESCAPE}\nNext line.\n", "utf-8")
    shown = _on_a_terminal("fix", "--offline", "--fast", "--rules", "grammar.a-an", str(path))
    assert "\x1b" not in shown and "\x07" not in shown
    assert "It took an hour.\\x1b]0;title\\x07" in shown
    redirected = cli("fix", "--offline", "--fast", "--rules", "grammar.a-an", str(path)).stdout  # the file itself
    assert redirected.decode("utf-8") == f"It took an hour.{ESCAPE}\nNext line.\n"


def test_rules_show_the_example_and_the_fix_the_rule_makes(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0
    _, listing, _ = run(capsys, "rules", "--format", "json")
    rules = json.loads(listing)
    lines = {line.split("\t")[0]: line for line in out.splitlines()}
    assert set(lines) == {r["id"] for r in rules}
    assert not [line for line in out.splitlines() if re.search(r"\{\d", line)]  # no raw suggestion template
    documented = [r for r in rules if " => " in r["example"] and r["source"].endswith(".toml")]  # pattern rules
    assert len(documented) > 100
    for rule in documented:
        text, fixed = rule["example"].split(" => ")
        assert rule["example_fixed"] == fixed, rule["id"]
        assert f'e.g. "{text}" → "{fixed}"' in lines[rule["id"]], rule["id"]
    templated = next(r for r in rules if r["id"] == "grammar.adjective-for-adverb")
    assert "{2}" in templated["description"] and "{" not in templated["example_message"]
    assert templated["example_message"] in lines["grammar.adjective-for-adverb"]


SAMPLE = (
    "Café owners said the naïve plan would cost the city five million euros, and the mayor agreed with them. "
    "It took a hour to agree on the details of the plan.\r\n\r\nLeave a Comment"
)


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
        lambda t: t.encode("cp1252"),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16 with BOM", "cp1252"],
)
def test_fix_keeps_the_file_encoding_and_byte_order_mark(tmp_path, encode):
    path = tmp_path / "draft.txt"
    path.write_bytes(encode(SAMPLE))
    result = cli("fix", "--offline", "--fast", "--rules", "grammar.a-an", str(path))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == encode(SAMPLE.replace("a hour", "an hour"))


def test_fix_from_standard_input_writes_utf8():
    result = cli("fix", "--offline", "--fast", "--rules", "grammar.a-an", "-", input=b"\xef\xbb\xbf" + SAMPLE.encode())
    assert result.stdout == SAMPLE.replace("a hour", "an hour").encode("utf-8")


def test_fix_diff_is_a_unified_diff_that_patch_applies(tmp_path):
    import shutil

    path = tmp_path / "draft.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"))
    fixed = cli("fix", "--offline", "--fast", str(path)).stdout
    result = cli("fix", "--offline", "--fast", "--diff", str(path))
    assert result.returncode == 1  # there is a change
    diff = result.stdout.decode("utf-8")
    assert diff.startswith(f"--- {path}\n+++ {path}\n@@ ")
    assert "\n-Leave a Comment\n\\ No newline at end of file\n" in diff
    assert "+\ufeffCafé owners" in diff and "It took an hour" in diff
    if shutil.which("patch"):
        subprocess.run(["patch", "--quiet", str(path)], input=result.stdout, check=True, timeout=60)
        assert path.read_bytes() == fixed
    unchanged = tmp_path / "clean.txt"
    unchanged.write_text("The talks ended without a deal.\n", "utf-8")
    result = cli("fix", "--offline", "--fast", "--diff", str(unchanged))
    assert result.returncode == 0 and result.stdout == b""


def test_fix_writes_stray_bytes_back_as_they_were(tmp_path):
    data = SAMPLE.replace("owners", "owners\x00").encode("utf-8").replace(b"\x00", b"\x92")  # a cp1252 apostrophe
    path = tmp_path / "draft.txt"
    path.write_bytes(data)
    result = cli("fix", "--offline", "--fast", "--rules", "grammar.a-an", str(path))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == data.replace(b"a hour", b"an hour")


def test_fix_takes_the_dialect(capsys, tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text("The colour of the flag.", "utf-8")
    code, out, _ = run(capsys, "fix", "--offline", "--fast", "--dialect", "en-US", str(path))
    assert code == 0 and out == "The color of the flag."
    _, out, _ = run(capsys, "fix", "--offline", "--fast", str(path))
    assert out == "The colour of the flag."


def test_enable_switches_on_a_rule_that_is_off_by_default(capsys, tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text("However the talks collapsed on Monday.", "utf-8")
    rule = "style.comma-after-linking-adverb"
    assert rule not in {i["rule"] for i in json_issues(capsys, str(path))}
    assert [i["text"] for i in json_issues(capsys, "--enable", rule, str(path)) if i["rule"] == rule] == ["However"]
    main(["rules", "--format", "json"])
    listed = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed[rule]["off_by_default"] is True and listed["style.page-furniture"]["off_by_default"] is False
