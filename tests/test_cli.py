"""The command line's contract: formats, exit codes, stdin, unreadable files, fix, rules."""

from __future__ import annotations

import csv
import io
import json
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
        }
        assert DRAFT[issue["start"] : issue["end"]] == issue["text"]
        assert 0 <= issue["confidence"] <= 1


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
