"""The archive quality score (checks.scoring.quality_score): the documented formula, its per-rule breakdown, that
more or worse flags never raise it, that it ranks real broken copy below the same copy corrected, and the n-gram
fluency measure that evaluation/eval_quality_score.py reports beside it."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checks.config import Config
from checks.document import Document
from checks.flags import CATEGORIES, SEVERITIES, Flag
from checks.pipeline import check_document
from checks.scoring import quality_score, score_breakdown
from evaluation.common import planted_sample
from evaluation.eval_quality_score import FLUENCY_PAIR_COST, Fluency
from tests.conftest import EVAL

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ONESTOP = EVAL / "onestopenglish" / "texts"
FAST = Config(offline=True, fast=True)
RULES = (
    "spelling.typo",
    "grammar.repeated-word",
    "mistranslation.assist-at",
    "names.variant-spelling",
    "style.page-furniture",
    "readability.wordy-in-order-to",
    "readability.long-sentence",
    "readability.very-hard-sentence",
    "readability.hard-sentence",
    "readability.audience-grade",
)


def sentence(words: int) -> str:
    return " ".join(["word"] * words) + "."


def flag(category: str, rule: str, severity: str = "warning", confidence: float = 1.0, words: int = 1) -> Flag:
    text = sentence(words)
    return Flag(category, rule, 0, len(text), text, "m", severity=severity, confidence=confidence)


flags_strategy = st.builds(
    lambda rule, severity, confidence, words: flag(rule.split(".")[0], rule, severity, confidence, words),
    st.sampled_from(RULES),
    st.sampled_from(SEVERITIES),
    st.floats(0.0, 1.0),
    st.integers(1, 90),
)


def test_the_documented_formula():
    warning = flag("grammar", "grammar.repeated-word")
    mistranslation = flag("mistranslation", "mistranslation.assist-at", confidence=0.5)
    assert quality_score([], 500) == 100.0
    assert quality_score([warning] * 23, 2000) == 50.0  # 11.5 points per 1,000 words halve the score
    assert quality_score([warning] * 46, 2000) == 25.0
    assert quality_score([warning], 10) == round(100 * 0.5 ** (10 / 11.5), 1)  # short texts count as 100 words
    assert quality_score([mistranslation], 1000) == round(100 * 0.5 ** (5 * 0.5 / 11.5), 1)  # meaning weighs 5
    error = flag("spelling", "spelling.typo", severity="error", confidence=0.5)
    assert quality_score([error], 1000) == round(100 * 0.5 ** (1.5 / 11.5), 1)


def test_a_sentence_costs_by_its_words_beyond_35_and_the_audience_summary_costs_nothing():
    long_45 = flag("readability", "readability.long-sentence", confidence=0.9, words=45)
    assert quality_score([long_45], 1000) == round(100 * 0.5 ** (1.8 / 11.5), 1)  # 10 words x 0.2 x 0.9
    assert quality_score([flag("readability", "readability.hard-sentence", "info", 0.9, words=30)], 1000) == 100.0
    assert quality_score([flag("readability", "readability.audience-grade", words=0)] * 5, 100) == 100.0


@given(st.lists(flags_strategy, max_size=12), st.integers(0, 3000))
def test_the_breakdown_sums_to_the_points_lost(flags, words):
    breakdown = score_breakdown(flags, words)
    assert all(points >= 0 for points in breakdown.values())
    assert math.isclose(100.0 - sum(breakdown.values()), quality_score(flags, words), abs_tol=0.05 + 1e-9)
    for category, rule in breakdown:
        assert any(f.category == category and f.rule == rule for f in flags)


@given(st.lists(flags_strategy, max_size=12), flags_strategy, st.integers(0, 3000))
def test_one_more_flag_never_raises_the_score(flags, extra, words):
    assert quality_score([*flags, extra], words) <= quality_score(flags, words)


@given(st.lists(flags_strategy, min_size=1, max_size=12), st.integers(0, 3000), st.data())
def test_a_worse_severity_or_a_higher_confidence_never_raises_the_score(flags, words, data):
    i = data.draw(st.integers(0, len(flags) - 1))
    f = flags[i]
    worse = data.draw(st.sampled_from([s for s in SEVERITIES if SEVERITIES.index(s) <= SEVERITIES.index(f.severity)]))
    surer = data.draw(st.floats(f.confidence, 1.0))
    changed = flag(f.category, f.rule, worse, surer, len(f.text.split()))
    assert quality_score([*flags[:i], changed, *flags[i + 1 :]], words) <= quality_score(flags, words)


def test_every_category_costs_something():
    for category in CATEGORIES:
        assert quality_score([flag(category, f"{category}.x")], 1000) < 100.0


def check(text: str) -> float:
    doc = Document(text, "<sample>")
    return quality_score(check_document(doc, FAST).issues, len(doc.words))


def test_real_drafts_with_planted_typos_score_below_the_same_drafts_corrected():
    for path in sorted((SAMPLES / "spelling").glob("*.txt")):
        typed, gold = planted_sample(path.read_text("utf-8"))
        corrected = typed
        for start, end, intended in reversed(gold):
            corrected = corrected[:start] + intended + corrected[end:]
        assert check(typed) < check(corrected), path.name


def test_a_clean_article_scores_above_a_translated_draft():
    clean = check((SAMPLES / "readability" / "school-meals-plain.txt").read_text("utf-8"))
    translated = check((SAMPLES / "drafts" / "river-floods.txt").read_text("utf-8"))
    assert clean >= 90.0 and translated < 50.0


def checked(text: str) -> tuple[list[Flag], int]:
    doc = Document(text, "<sample>")
    return list(check_document(doc, FAST).issues), len(doc.words)


@pytest.mark.skipif(not ONESTOP.is_dir(), reason="../shared/eval/onestopenglish absent")
def test_the_translated_seed_scores_below_the_boundary_and_an_edited_article_above_it_at_every_level(seed_text):
    seed = quality_score(*checked(seed_text))
    for level in ("ele", "int", "adv"):
        edited = quality_score(*checked((ONESTOP / level / f"Denmark-{level}.txt").read_text("utf-8")))
        assert edited >= 50.0 > seed, level  # score 50: the documented boundary


def test_a_real_articles_breakdown_sums_to_its_score_and_names_what_cost_it(seed_text):
    flags, words = checked(seed_text)
    breakdown = score_breakdown(flags, words)
    assert math.isclose(100.0 - sum(breakdown.values()), quality_score(flags, words), abs_tol=0.05)
    assert {"mistranslation", "names"} <= {category for category, _ in breakdown}  # "keen fire", name variants
    assert list(breakdown.values()) == sorted(breakdown.values(), reverse=True)  # the costliest first


def test_the_fluency_measure_counts_only_pairs_of_ordinary_words_and_sees_unidiomatic_ones():
    fluency = Fluency(FAST)
    assert fluency("Mohammadbagher Qalibaf met Xi Jinping in 2021 in Tehran.") == [(0, 0)]  # names and numbers
    pairs = fluency("He said “the government is playing its part” today.")
    assert pairs[0][0] == 7  # a quotation mark does not break a pair ("He" is capitalised)
    translated = "The scene screen reported by the news agency showed thick smoke."
    edited = "Footage from the news agency showed thick smoke."
    assert fluency.unseen_share(translated) > fluency.unseen_share(edited)
    assert fluency.penalty(edited) == 0.0 < fluency.penalty(translated) <= FLUENCY_PAIR_COST * 4
