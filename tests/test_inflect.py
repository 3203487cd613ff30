"""Suggestion-template inflection from the shipped lexicon gives what lemminflect gives, without importing it for
dictionary words."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from checks import inflect
from checks.generated import template_lemmas
from checks.inflect import LEXICON_TAGS, TRANSFORMS

# Regular, irregular, noun-only, plural-only, capitalised and out-of-dictionary words.
WORDS = [
    "pressured", "went", "attending", "children", "criteria", "data", "sheep", "found", "lying", "lay", "be", "is",
    "Pressured", "Went", "quickly", "the", "zorbify", "blorked", "xyzzies", "mustafa", "drones", "attacked",
]  # fmt: skip


def _lemminflect_inflect(lm, word: str, transform: str) -> str:
    """What inflect() did before the lexicon: lemminflect's lemma, then its form."""
    lemmas = lm.getAllLemmas(word.lower())
    lemma = next(iter(lemmas.get("VERB", lemmas.get("NOUN", ()))), word.lower()) if lemmas else word.lower()
    for tag in TRANSFORMS[transform]:
        forms = lm.getInflection(lemma, tag=tag)
        if forms:
            return forms[0]
    return word


def test_inflect_agrees_with_lemminflect_on_dictionary_and_other_words() -> None:
    lm = pytest.importorskip("lemminflect")
    words = WORDS + random.Random(18).sample(sorted(inflect._dictionary_words()), 400)
    for word in words:
        for transform in TRANSFORMS:
            assert inflect.inflect(word, transform) == _lemminflect_inflect(lm, word, transform), (word, transform)


def test_inflect_lemma_agrees_with_lemminflect_for_every_template_lemma() -> None:
    lm = pytest.importorskip("lemminflect")
    for lemma in sorted(template_lemmas()) + ["found", "lie", "zorbify"]:
        for tag in ("VBD", "VBN", "VBZ", "VBG"):
            expected = (lm.getInflection(lemma, tag=tag) or (lemma,))[0]
            assert inflect.inflect_lemma(lemma, tag) == expected, (lemma, tag)


def test_the_lexicon_is_searched_in_place() -> None:
    data, start = inflect._lexicon()
    rows = data[start:].decode("utf-8").splitlines()
    keys = [row.split("\t", 1)[0] for row in rows]
    assert keys == sorted(keys, key=lambda k: k.encode("utf-8")), "rows must be sorted by UTF-8 bytes"
    for key in [keys[0], keys[1], keys[len(keys) // 2], keys[-1], "went", "attend"]:
        assert inflect._lexicon_row(key) == rows[keys.index(key)].split("\t")[1:]
        assert len(inflect._lexicon_row(key) or ()) == 1 + len(LEXICON_TAGS)
    for absent in ["", "zorbify", "aaaaaa", "\uffff", "went\tgo", "a\nb"]:
        assert inflect._lexicon_row(absent) is None


def test_template_lemmas_have_every_form_in_the_lexicon() -> None:
    for lemma in template_lemmas():
        row = inflect._lexicon_row(lemma)
        assert row is not None and all(row[1:]), f"{lemma}: run python -m checks regenerate-data"


def test_dictionary_words_are_inflected_without_importing_lemminflect() -> None:
    script = (
        "import sys\nfrom checks.inflect import inflect, inflect_lemma\n"
        "print(inflect('pressured', 'ing'), inflect('went', 'pp'), inflect('children', 'singular'),"
        " inflect('attend', 's'), inflect_lemma('found', 'VBD'), 'lemminflect' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["pressuring", "gone", "child", "attends", "founded", "False"]


def test_thousands_groups_ascii_digits_only():
    assert inflect.inflect("64847", "thousands") == "64,847"
    assert inflect.inflect("150000", "thousands") == "150,000"
    assert inflect.inflect("١٢٣٤٥", "thousands") == "١٢٣٤٥"  # Arabic-Indic digits stay as written
    assert inflect.inflect("12a45", "thousands") == "12a45"
