"""Australian and Canadian spelling ([spelling] variant = "au" | "ca", --dialect en-AU | en-CA): each dialect's own
forms and words pass, the forms its SCOWL list lacks are flagged as info with the dialect's form as the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checks import spelling
from checks.config import DIALECT_VARIANTS, Config
from checks.document import Document
from checks.fixes import apply_fixes
from checks.spelling import dialect_regeneration as regen
from checks.spelling.lexicon import DIALECT_WORDS_FILE, DIALECTS_FILE, VARIANTS_FILE, dialect_forms, dialect_words
from tests.conftest import ROOT

DATA = ROOT / "checks" / "data"


def variant_flags(text: str, variant: str) -> dict[str, str]:
    """The variant flags of a text under a dialect: flagged word -> its first suggestion (all at info)."""
    found = spelling.check(Document(text), Config({"spelling": {"variant": variant}})).flags
    assert all(f.severity == "info" for f in found if f.rule == spelling.RULE_VARIANT)
    return {f.text: f.suggestions[0] for f in found if f.rule == spelling.RULE_VARIANT}


# Words from the lists (hunspell en_AU, en_CA): each dialect's own forms, and forms it lacks -> its form.
AU_QUIET = "colour centre organise organisation analyse travelled defence grey program programs tyre kerb tire curb"
AU_FLAGGED = {
    "color": "colour",
    "center": "centre",
    "organize": "organise",
    "organization": "organisation",
    "analyze": "analyse",
    "traveled": "travelled",
    "defense": "defence",
    "gray": "grey",
    "programme": "program",  # the Australian list has program in every sense
}
CA_QUIET = "colour centre organize organization analyze travelled defence grey program tire curb cheque"
CA_FLAGGED = {
    "color": "colour",
    "center": "centre",
    "organise": "organize",
    "organisation": "organization",
    "analyse": "analyze",
    "traveled": "travelled",
    "gray": "grey",
    "programme": "program",
    "tyre": "tire",
    "kerb": "curb",
}


@pytest.mark.parametrize(
    "variant, quiet, flagged", [("au", AU_QUIET, AU_FLAGGED), ("ca", CA_QUIET, CA_FLAGGED)], ids=["en-AU", "en-CA"]
)
def test_each_dialect_keeps_its_own_forms_and_flags_the_others_as_info(variant, quiet, flagged):
    for word in quiet.split():
        assert variant_flags(f"They spoke of the {word} on Monday.", variant) == {}, word
    for word, fix in flagged.items():
        assert variant_flags(f"They spoke of the {word} on Monday.", variant) == {word: fix}, word


def test_a_news_paragraph_under_each_dialect():
    text = (
        "The organisation said the colour of the new program was chosen at the centre. Drivers who travelled "
        "on worn tyres were fined; the organization's color scheme was criticized."
    )
    assert variant_flags(text, "au") == {"organization": "organisation", "color": "colour", "criticized": "criticised"}
    assert variant_flags(text, "ca") == {"organisation": "organization", "tyres": "tires", "color": "colour"}
    # the fix keeps the case: Colour at the start of a sentence
    found = spelling.check(Document("Color matters."), Config({"spelling": {"variant": "ca"}})).flags
    assert apply_fixes("Color matters.", found) == "Colour matters."


def test_a_word_of_its_own_in_another_sense_is_never_flagged():
    # judgment (of a court), the verb tire: UK English has them too, and no list tells the senses apart
    for variant in ("au", "uk"):
        assert variant_flags("The judges will deliver their judgment; the long days tire them.", variant) == {}


def test_each_dialect_knows_its_own_words_and_only_it():
    text = "She ate yogourt at brekky."

    def typos(variant: str) -> set[str]:
        found = spelling.check(Document(text), Config({"spelling": {"variant": variant}})).flags
        return {f.text for f in found if f.rule == spelling.RULE_TYPO}

    assert typos("au") == {"yogourt"}  # brekky: Australian (SCOWL en_AU)
    assert typos("ca") == {"brekky"}  # yogourt: Canadian (SCOWL en_CA)
    assert typos("uk") == typos("us") == {"yogourt", "brekky"}


def test_names_keep_their_spelling_under_each_dialect():
    text = "She joined the World Health Organization and the Labour Party."
    assert variant_flags(text, "au") == {} and variant_flags(text, "ca") == {}


def test_dialects_map_to_their_own_variants():
    from checks.server.protocol import CheckRequest, request_config

    assert DIALECT_VARIANTS["en-AU"] == "au" and DIALECT_VARIANTS["en-CA"] == "ca"
    for language, variant in (("en-AU", "au"), ("en-CA", "ca")):  # the server's language codes, the same table
        config = request_config(Config(), CheckRequest(text=None, language=language))
        assert spelling.checker.Settings.from_config(config).variant == variant


def test_oxford_ize_lets_ize_pass_under_au_too():
    style = Config({"spelling": {"variant": "au", "oxford_ize": True}})
    found = spelling.check(Document("The organization realized the color was wrong."), style).flags
    assert {f.text for f in found if f.rule == spelling.RULE_VARIANT} == {"color"}


def test_auto_still_chooses_between_us_and_uk_and_flags_nothing_the_choice_accepts():
    # Canadian text (colour, centre, organize): auto chooses UK with -ize accepted (Oxford), so nothing is flagged
    text = "The colour of the centre was organized by the council; the centre's colour was recognized."
    result = spelling.check(Document(text), Config())
    assert [f for f in result.flags if f.rule == spelling.RULE_VARIANT] == []


def test_the_table_follows_the_shipped_pairs():
    """Every pair of spelling_variants.tsv has a row, and every flagged form is one side of its pair."""
    pairs = {
        tuple(line.split("\t")[:2])
        for line in (DATA / VARIANTS_FILE).read_text("utf-8").splitlines()
        if line and line[0] != "#"
    }
    rows = [line.split("\t") for line in (DATA / DIALECTS_FILE).read_text("utf-8").splitlines() if line[:1] != "#"]
    assert rows[0] == ["uk", "us", "au", "ca"]
    assert {tuple(row[:2]) for row in rows[1:]} == pairs
    assert all(form in ("uk", "us", "both") for row in rows[1:] for form in row[2:])
    for forms in dialect_forms().values():
        assert all((flagged, fix) in pairs or (fix, flagged) in pairs for flagged, fix in forms.items())


def _installed() -> bool:
    return all(path.is_file() for source in regen.SOURCES.values() for path, _ in source.files())


@pytest.mark.skipif(not _installed(), reason="hunspell-en-au, hunspell-en-ca or wcanadian-huge not installed")
def test_the_shipped_table_is_what_the_lists_give(tmp_path: Path):
    shutil.copy(DATA / VARIANTS_FILE, tmp_path / VARIANTS_FILE)
    try:
        regen.regenerate_dialects(tmp_path)
    finally:
        dialect_forms.cache_clear()
        dialect_words.cache_clear()
    for name in (DIALECTS_FILE, DIALECT_WORDS_FILE):
        assert (tmp_path / name).read_text("utf-8") == (DATA / name).read_text("utf-8"), (
            f"{name} is out of date: run python -m checks regenerate-data"
        )


@pytest.mark.skipif(not _installed(), reason="hunspell-en-au, hunspell-en-ca or wcanadian-huge not installed")
def test_the_affix_expansion_reads_the_lists_as_hunspell_does():
    au = regen.hunspell_words(regen.HUNSPELL_DIR / "en_AU.aff", regen.HUNSPELL_DIR / "en_AU.dic")
    ca = regen.hunspell_words(regen.HUNSPELL_DIR / "en_CA.aff", regen.HUNSPELL_DIR / "en_CA.dic")
    # from stems with affix flags: colour/AEGDS -> recoloured; organise/AESDG -> reorganising
    assert {"colours", "recoloured", "reorganising", "organisations"} <= au
    assert {"colours", "recoloured", "reorganizing", "organizations"} <= ca
    assert not {"color", "organizing", "programme"} & au
    assert not {"color", "organising", "programme", "tyre"} & ca


def test_the_currency_of_russia_is_a_dialect_pair_not_a_slip_for_rubble():
    # WMT21 zh-en news, one system's output: "ruble" was flagged as a rare word, 'rubble'?
    text = "Marinichev said that changes in value are affected by the devaluation of the ruble and the epidemic."
    assert variant_flags(text, "uk") == {"ruble": "rouble"}
    assert variant_flags(text, "us") == {}
    assert spelling.check(Document(text), Config()).flags == []
