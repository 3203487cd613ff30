"""Generated data kept in the repository: the inflection table for rule lemmas and docs/rules.md.

`python -m checks regenerate-data` rewrites both; tests fail when either is out of date.
"""
from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from checks.inflect import TABLE, write_table
from checks.patterns import lemmas_used

ROOT = Path(__file__).resolve().parent.parent
RULES_DOC = ROOT / "docs" / "rules.md"


def rule_files() -> list[str]:
    """Every TOML rule file shipped in checks/data (files with [[rule]] tables)."""
    names = []
    for entry in resources.files("checks.data").iterdir():
        if entry.name.endswith(".toml") and "[[rule]]" in entry.read_text("utf-8"):
            names.append(entry.name)
    return sorted(names)


def all_lemmas() -> set[str]:
    lemmas: set[str] = set()
    for name in rule_files():
        data = tomllib.loads(resources.files("checks.data").joinpath(name).read_text("utf-8"))
        lemmas |= lemmas_used(data)
    return lemmas


def inflection_table_text() -> str:
    return write_table(all_lemmas())


def rules_doc_text() -> str:
    from checks.cli import rules_markdown
    from checks.registry import all_rules

    return rules_markdown(all_rules())


def regenerate() -> list[Path]:
    table = Path(str(resources.files("checks.data").joinpath(TABLE)))
    table.write_text(inflection_table_text(), "utf-8")
    from checks.inflect import _table

    _table.cache_clear()
    RULES_DOC.parent.mkdir(exist_ok=True)
    RULES_DOC.write_text(rules_doc_text(), "utf-8")
    return [table, RULES_DOC]
