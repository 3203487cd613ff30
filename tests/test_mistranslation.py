"""The mistranslation family end to end: lexicon in context, the statistical layer, fixes, house style, the seed."""

from __future__ import annotations

import csv

import pytest

from checks import mistranslation
from checks.config import Config
from checks.document import Document
from checks.fixes import apply_fixes
from checks.registry import family
from tests.conftest import ROOT

SAMPLES = ROOT / "samples" / "mistranslation"


def flags_of(text: str, config: Config | None = None):
    flags = mistranslation.check(Document(text), config or Config()).flags
    for flag in flags:
        assert flag.text == text[flag.start : flag.end]
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


@pytest.mark.parametrize(
    "text",
    [
        "The two sides eventually agreed on a ceasefire.",
        "Volunteers assisted the police in the search.",
        "The actual number of victims is far higher.",
        "Soldiers fired live ammunition into the air.",
        "The minister has a keen interest in the fire service.",
        "Heavy rain and strong winds hit the coast.",
        "The current government took office in May.",
        "He made a visit to the hospital.",
        "Parliament passed the bill on Tuesday.",
    ],
)
def test_legitimate_uses_stay_silent(text):
    assert flags_of(text) == []


@pytest.mark.parametrize(
    "text, span, first",
    [
        ("Hundreds of mourners assisted at the funeral on Friday.", "assisted at", "attended"),
        ("Tourists made photos of the burning cathedral.", "made", "took"),
        ("The treasury emitted bonds worth two billion.", "emitted", "issued"),
        ("He said me that he would resign.", "said me", "told me"),
        ("Tourists have made photos of the burning cathedral.", "made", "taken"),
        ("The minister assists at the ceremony every year.", "assists at", "attends"),
        ("Police were registering the house when he arrived.", "registering", "searching"),
        ("Temperatures descended sharply overnight.", "descended", "fell"),
        ("Officials opened the lights.", "opened", "turned on"),
    ],
)
def test_verb_fixes_keep_the_tense(text, span, first):
    flags = [f for f in flags_of(text) if f.text == span]
    assert flags and flags[0].suggestions[0] == first


@pytest.mark.parametrize(
    "text, span, first",
    [
        ("Strong rain flooded the lower town on Sunday.", "Strong rain", "Heavy rain"),
        ("Two workers were heavily injured in the blast.", "heavily injured", "seriously injured"),
        ("The ancient president was questioned by prosecutors.", "ancient president", "former president"),
        ("The country declared three days of national grief.", "national grief", "national mourning"),
        # not in the lexicon at all: the sense sets and the reference model generalise
        ("The airline cut its interior flights by half.", "interior flights", "domestic flights"),
        ("The exterior debt rose to 40 billion.", "exterior debt", "external debt"),
        ("He was charged in a penal case last year.", "penal case", "criminal case"),
    ],
)
def test_statistical_layer_alone_finds_wrong_senses(text, span, first):
    flags = mistranslation.statistical_flags(Document(text), Config())
    assert [f.text for f in flags] == [span]
    assert flags[0].suggestions[0] == first
    assert flags[0].rule == mistranslation.STATISTICAL_RULE
    assert 0.5 <= flags[0].confidence <= 0.9


@pytest.mark.parametrize(
    "text",
    [
        "Heavy rain flooded the lower town on Sunday.",
        "Two workers were seriously injured in the blast.",
        "The former president was questioned by prosecutors.",
        "She spoke with keen interest about the sharp fall in prices.",
        "The heavily armed men were arrested at the border.",
        "The superior court ruled against him.",
        "Strong storms hit the coast.",
    ],
)
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
    import tomllib

    data = tomllib.loads((ROOT / "checks" / "data" / "mistranslation-senses.toml").read_text("utf-8"))
    assert len(data["sense"]) >= 120
    for entry in data["sense"]:
        forms = {form for member in entry["words"] for form in member.split()}
        assert set(entry.get("flag", [])) <= forms, entry["source"]  # a `flag` that names no member flags nothing
        assert entry["gloss"] and entry["source"] and entry["pos"] and entry["partner"]


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


def test_seed_article_examples(seed_text):
    flags = flags_of(seed_text)
    keen = [f for f in flags if "keen fire" in f.text]
    deliberate = [f for f in flags if "deliberate militias" in f.text]
    assert keen and keen[0].suggestions[0].endswith("live fire")
    assert deliberate and not deliberate[0].suggestions


# --- the extended sense sets: real sentences, none of them in the lexicon's examples ---------------------------


@pytest.mark.parametrize(
    "text, span, first",
    [
        ("Police dispersed thousands of manifestants outside the embassy.", "of manifestants", "of protesters"),
        ("The president presented his demission on Friday evening.", "his demission", "his resignation"),
        (
            "Police opened an instruction into the death of the student.",
            "opened an instruction",
            "opened an investigation",
        ),
        ("The family filed a plaint with the police.", "filed a plaint", "filed a complaint"),
        ("Two police agents were injured in the clashes.", "police agents", "police officers"),
        ("The unemployment index rose to 12 percent.", "unemployment index", "unemployment rate"),
        ("Human rights militants were detained in Cairo.", "rights militants", "rights activists"),
        ("The new bridge was put into exploitation in May.", "into exploitation", "into service"),
        ("Ten people died in the plane catastrophe.", "plane catastrophe", "plane crash"),
        ("The law targets household violence against women.", "household violence", "domestic violence"),
        ("Two died in a transit accident on the highway.", "transit accident", "traffic accident"),
        ("The explosion provoked a fire in the warehouse.", "provoked a fire", "caused a fire"),
        ("The mayor evoked the possibility of a second vote.", "evoked the possibility", "raised the possibility"),
        ("Police arrested the presumed killer at his home on Monday.", "presumed killer", "alleged killer"),
        ("The ruling party won the elections with an ample majority.", "ample majority", "large majority"),
        ("The president expressed his deep preoccupation about the fighting.", "deep preoccupation", "deep concern"),
        ("The death balance rose to 40 after rescuers reached the village.", "death balance", "death toll"),
        ("The northern valleys suffered strong floods in the spring.", "strong floods", "severe floods"),
        ("Two people died in a road incident near Lyon.", "road incident", "road accident"),
        ("Older skin is more sensible to light.", "sensible to", "sensitive to"),
        ("The government will augment the minimum wage next year.", "augment the minimum", "increase the minimum"),
        # sets whose `flag` names a plural form (flagged nothing before that form was honoured)
        ("The government adopted new measurements against inflation.", "new measurements", "new measures"),
        ("The hospital lacks medical cadres.", "medical cadres", "medical staff"),
        ("The injured were taken to hospital in dangerous condition.", "dangerous condition", "critical condition"),
    ],
)
def test_extended_sense_sets_find_wrong_senses(text, span, first):
    flags = mistranslation.statistical_flags(Document(text), Config())
    assert [f.text for f in flags] == [span]
    assert flags[0].suggestions[0] == first


@pytest.mark.parametrize(
    "text",
    [
        "Allied troops liberated the city in 1944.",
        "The speech provoked anger among farmers.",
        "The ceremony evoked memories of the war.",
        "The prime minister denounced the attack as cowardly.",
        "Police apprehended the suspect near the station.",
        "The coach was nominated for an award.",
        "Rebels control the northern part of the country.",
        "The Dutch reclaimed land from the sea over centuries.",
        "The balance of power shifted in the region.",
        "The living room was destroyed in the fire.",
        "The formation of a coalition took six weeks.",
        "The book is a polemic against globalisation.",
        "He was a secret agent in Berlin.",
        "The couple had a quarrel at the party.",
        "Household spending fell in March.",
        "The report raised serious concerns about safety at the plant.",
        "Archaeologists found ancient tools in the cave.",
        "For the island and its closest large neighbour, the timing of the crisis is cruel.",
        "The goal is to produce enough teff for domestic consumption and a strong export market.",
        "The quality of a young person's introduction to sport can be a major factor in their sporting development.",
        "Scientists learn new lab techniques at the institute.",
        "There is no external instruction input.",
        "It would be sensible to invest in the project.",
        "That seems sensible to me.",
        "Party cadres met in Beijing.",
        "The army liberated two towns in the east.",
        "The army liberated the northern towns.",
        "Technicians took measurements of the water levels.",
        "The same measurement was used in both studies.",
    ],
)
def test_extended_sense_sets_stay_quiet_on_natural_english(text):
    assert mistranslation.statistical_flags(Document(text), Config()) == []


def test_a_seen_pair_needs_a_far_likelier_sibling():
    text = "The president presented his demission on Friday evening."  # "his demission" is in the model
    assert mistranslation.statistical_flags(Document(text), Config())
    strict = Config({"mistranslation": {"seen_threshold": 30.0}})
    assert mistranslation.statistical_flags(Document(text), strict) == []


def test_heldout_style_set_generalises_without_false_flags():
    """Written before the sense sets were extended: the statistical layer alone, on words the lexicon lacks."""
    rows, clean = _read("heldout-style.tsv"), _read("clean-2.tsv")
    assert len(rows) >= 60 and len(clean) >= 60
    found = 0
    for row in rows:
        text, span = row["sentence"], row["span"]
        start = text.index(span)
        flags = mistranslation.statistical_flags(Document(text), Config())
        found += any(f.start < start + len(span) and start < f.end for f in flags)
    assert found / len(rows) >= 0.4
    assert sum(len(flags_of(row["sentence"])) for row in clean) == 0
