"""textstat's flesch_kincaid_grade, and the same grade for one sentence."""

from __future__ import annotations

from checks.readability.counts import Counts, _ratio


def flesch_kincaid_grade(c: Counts) -> float:
    wps = _ratio(c.words, c.sentences)
    spw = _ratio(c.syllables, c.words)
    return 0.0 if wps == 0 or spw == 0 else (0.39 * wps) + (11.8 * spw) - 15.59


def sentence_grade(words: int, syllable_count: int) -> float:
    """Flesch-Kincaid grade of one sentence (sentence length is simply its word count)."""
    return 0.0 if words == 0 else 0.39 * words + 11.8 * syllable_count / words - 15.59
