"""The family contract: every family is one module exposing one `Family`, listed once; the engine reads the rest
(house-style tables, status lines, secondary backends, archive tables) from those values."""

from __future__ import annotations

import importlib

from checks import Config, check_text
from checks.flags import CATEGORIES, Flag
from checks.pipeline import _finish
from checks.registry import FAMILY_MODULES, Family, Result, families, house_sections


def test_every_listed_module_exposes_one_family_under_a_unique_name():
    names = [importlib.import_module(module).FAMILY.name for module in FAMILY_MODULES]
    assert len(set(names)) == len(names) == len(families())
    for fam in families():
        assert isinstance(fam, Family)
        assert fam.category is None or fam.category in CATEGORIES
        assert all(rule.id.startswith((f"{fam.name}.", "LT:")) for rule in fam.rules()), fam.name


def test_house_style_tables_are_declared_once():
    names = [section.name for section in house_sections()]
    assert len(set(names)) == len(names)
    for section in house_sections():
        assert section.settings and all(s.doc for s in section.settings), section.name


def test_a_family_status_line_reaches_the_report():
    report = check_text(
        "The goverment met.", config=Config({"languagetool": {"mode": "off"}}), family_names=["languagetool"]
    )
    assert report.status == {"languagetool": 'off: [languagetool] mode = "off"'}


def test_a_secondary_family_gives_way_to_ours_on_the_same_words():
    ours = Flag("spelling", "spelling.typo", 4, 13, "goverment", "typo")
    theirs = [
        Flag("spelling", "LT:MORFOLOGIK", 4, 13, "goverment", "typo"),
        Flag("grammar", "LT:OTHER", 14, 17, "met", "other"),
    ]
    kept = _finish([ours], theirs, Config(), None)
    assert [f.rule for f in kept] == ["spelling.typo", "LT:OTHER"]


def test_every_check_returns_a_result():
    from checks.document import Document

    doc = Document("The goverment met on Tuesday.")
    for fam in families():
        if fam.offline:
            result = fam.check(doc, Config())
            assert isinstance(result, Result) and isinstance(result.status, str), fam.name
