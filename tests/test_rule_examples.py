"""Every pattern rule's own examples are its tests: `fire` examples must flag (and, with "=> fixed", the first
suggestion must give exactly that text), `quiet` examples must not flag."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from checks.document import Document
from checks.fixes import apply_fixes
from checks.generated import rule_files
from checks.patterns import RuleSet, parse_rules, split_example
from checks.style import spacing_flags, spacing_rules


def _rules():
    for name in rule_files():
        data = tomllib.loads(resources.files("checks.data").joinpath(name).read_text("utf-8"))
        yield from parse_rules(data, name)


RULES = list(_rules())


def test_rule_ids_are_unique():
    ids = [r.id for r in RULES] + [r.id for r in spacing_rules()]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_has_examples_both_ways(rule):
    assert rule.fire, f"{rule.id} has no example that must fire"
    assert rule.quiet, f"{rule.id} has no example that must not fire"


def _assert_examples(rule_id: str, fire, quiet, run) -> None:
    """`fire` examples flag (with exact offsets, and the first suggestions give the "=> fixed" text); `quiet` do not."""
    for example in fire:
        text, fixed = split_example(example)
        flags = run(text)
        assert flags, f"{rule_id} should fire on: {text!r}"
        for flag in flags:
            assert text[flag.start : flag.end] == flag.text
        if fixed is not None:
            assert apply_fixes(text, flags) == fixed, f"{rule_id}: first suggestion on {text!r}"
    for text in quiet:
        flags = run(text)
        assert not flags, f"{rule_id} should not fire on {text!r}: {[f.text for f in flags]}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_examples(rule):
    ruleset = RuleSet([rule])
    on = {rule.id}  # a rule that is off by default is tested switched on
    _assert_examples(rule.id, rule.fire, rule.quiet, lambda text: ruleset.check(Document(text), switched_on=on))


def test_a_rule_off_by_default_runs_only_where_the_house_style_switches_it_on(tmp_path):
    from checks.config import Config
    from checks.pipeline import check_text

    text = "However the talks collapsed on Monday."
    assert not [f for f in check_text(text, config=Config(offline=True, fast=True)).issues if f.category == "style"]
    on = Config({"rules": {"enabled": ["style.comma-after-linking-adverb"]}}, offline=True, fast=True)
    (flag,) = [f for f in check_text(text, config=on).issues if f.category == "style"]
    assert (flag.rule, flag.text, flag.suggestions[0], flag.severity) == (
        "style.comma-after-linking-adverb",
        "However",
        "However,",
        "info",
    )
    both = Config(
        {"rules": {"enabled": ["style.comma-after-linking-adverb"], "disabled": ["style.comma-after-linking-adverb"]}},
        offline=True,
        fast=True,
    )
    assert not [f for f in check_text(text, config=both).issues if f.category == "style"]  # disabled wins


SPACING_RULES = list(spacing_rules())


@pytest.mark.parametrize("rule", SPACING_RULES, ids=lambda r: r.id)
def test_spacing_rule_examples(rule):
    """The `[[spacing]]` rules of style.toml (regular expressions over characters) are held to their examples too."""
    assert rule.fire and rule.quiet, f"{rule.id} needs examples both ways"
    _assert_examples(rule.id, rule.fire, rule.quiet, lambda text: spacing_flags(text, lambda i: i == rule.id))
