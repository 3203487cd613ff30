"""The mistranslation family end to end: lexicon in context, the statistical layer, fixes, house style, the seed."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from checks import mistranslation
from checks.config import Config
from checks.document import Document
from checks.fixes import apply_fixes
from checks.registry import family

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "iraq-pm-drone-attack.txt"
SAMPLES = ROOT / "samples" / "mistranslation"


def flags_of(text: str, config: Config | None = None):
    flags = mistranslation.check(Document(text), config or Config())
    for flag in flags:
        assert flag.text == text[flag.start:flag.end]
        assert flag.category == "mistranslation"
    return flags


def test_family_is_registered():
    fam = family("mistranslation")
    ids = {r.id for r in fam.rules()}
    assert mistranslation.STATISTICAL_RULE in ids
    assert len(ids) >= 300


def test_keen_fire_message_and_fix():
    text = "Troops responded with keen fire when the convoy was ambushed."
    flags = flags_of(text)
    assert [f.text for f in flags] == ["keen fire"]
    flag = flags[0]
    assert flag.suggestions[0] == "live fire"
    assert "'keen' is a likely mistranslation of a word meaning both 'sharp' and 'live'" in flag.message
    assert "in English, 'live fire'" in flag.message
    assert apply_fixes(text, flags) == "Troops responded with live fire when the convoy was ambushed."


def test_deliberate_militias_has_no_fix_and_says_check_the_source():
    flags = flags_of("The town is held by the most powerful deliberate militias in the region.")
    assert [f.text for f in flags] == ["deliberate militias"]
    assert flags[0].suggestions == ()
    assert "Check the source text" in flags[0].message


@pytest.mark.parametrize("text", [
    "The two sides eventually agreed on a ceasefire.",
    "Volunteers assisted the police in the search.",
    "The actual number of victims is far higher.",
    "Soldiers fired live ammunition into the air.",
    "The minister has a keen interest in the fire service.",
    "Heavy rain and strong winds hit the coast.",
    "The current government took office in May.",
    "He made a visit to the hospital.",
    "Parliament passed the bill on Tuesday.",
])
def test_legitimate_uses_stay_silent(text):
    assert flags_of(text) == []


@pytest.mark.parametrize("text, span, first", [
    ("Hundreds of mourners assisted at the funeral on Friday.", "assisted at", "attended"),
    ("Tourists made photos of the burning cathedral.", "made", "took"),
    ("The treasury emitted bonds worth two billion.", "emitted", "issued"),
    ("He said me that he would resign.", "said me", "told me"),
])
def test_verb_fixes_keep_the_tense(text, span, first):
    flags = [f for f in flags_of(text) if f.text == span]
    assert flags and flags[0].suggestions[0] == first


@pytest.mark.parametrize("text, span, first", [
    ("Strong rain flooded the lower town on Sunday.", "Strong rain", "Heavy rain"),
    ("Two workers were heavily injured in the blast.", "heavily injured", "seriously injured"),
    ("The ancient president was questioned by prosecutors.", "ancient president", "former president"),
    ("The country declared three days of national grief.", "national grief", "national mourning"),
    # not in the lexicon at all: the sense sets and the reference model generalise
    ("The airline cut its interior flights by half.", "interior flights", "domestic flights"),
    ("The exterior debt rose to 40 billion.", "exterior debt", "external debt"),
    ("He was charged in a penal case last year.", "penal case", "criminal case"),
])
def test_statistical_layer_alone_finds_wrong_senses(text, span, first):
    flags = mistranslation.statistical_flags(Document(text), Config())
    assert [f.text for f in flags] == [span]
    assert flags[0].suggestions[0] == first
    assert flags[0].rule == mistranslation.STATISTICAL_RULE
    assert 0.5 <= flags[0].confidence <= 0.9


@pytest.mark.parametrize("text", [
    "Heavy rain flooded the lower town on Sunday.",
    "Two workers were seriously injured in the blast.",
    "The former president was questioned by prosecutors.",
    "She spoke with keen interest about the sharp fall in prices.",
    "The heavily armed men were arrested at the border.",
    "The superior court ruled against him.",
    "Strong storms hit the coast.",
])
def test_statistical_layer_is_quiet_on_natural_english(text):
    assert mistranslation.statistical_flags(Document(text), Config()) == []


def test_house_style_turns_the_statistical_layer_off_or_stricter():
    text = "The airline cut its interior flights by half."  # no lexicon entry: the statistical layer alone
    assert flags_of(text)
    assert flags_of(text, Config({"mistranslation": {"statistical": False}})) == []
    assert flags_of(text, Config({"mistranslation": {"threshold": 9.0}})) == []
    assert flags_of(text, Config({"rules": {"disabled": [mistranslation.STATISTICAL_RULE]}})) == []


def test_disabled_lexicon_rule_is_silent():
    text = "Police used water throwers against the crowd."
    assert [f.rule for f in flags_of(text)] == ["mistranslation.water-throwers"]
    assert flags_of(text, Config({"rules": {"disabled": ["mistranslation.water-throwers"]}})) == []


def test_sense_sets_are_well_formed():
    index = mistranslation.senses()
    assert "keen" in index and "live" not in index  # 'live' may be suggested, never flagged
    for entries in index.values():
        for sense, member, position in entries:
            assert sense.slot in ("modifier", "head")
            assert len(sense.words) >= 2
            assert position < len(sense.words[member])


def _read(name):
    with open(SAMPLES / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_labelled_set_meets_the_targets():
    rows, clean = _read("translationese.tsv"), _read("clean.tsv")
    assert len(rows) >= 150 and len(clean) >= 150
    found = 0
    for row in rows:
        text, span = row["sentence"], row["span"]
        start = text.index(span)
        if any(f.start < start + len(span) and start < f.end for f in flags_of(text)):
            found += 1
    false = sum(len(flags_of(row["sentence"])) for row in clean)
    assert found / len(rows) >= 0.7
    assert 100 * false / len(clean) <= 5


@pytest.mark.skipif(not SEED.is_file(), reason="../shared/seed not present")
def test_seed_article_examples():
    text = SEED.read_text("utf-8")
    flags = flags_of(text)
    keen = [f for f in flags if "keen fire" in f.text]
    deliberate = [f for f in flags if "deliberate militias" in f.text]
    assert keen and keen[0].suggestions[0].endswith("live fire")
    assert deliberate and not deliberate[0].suggestions
