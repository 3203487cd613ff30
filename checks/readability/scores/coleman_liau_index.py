"""textstat's coleman_liau_index."""

from __future__ import annotations

from checks.readability.counts import Counts, _ratio


def coleman_liau_index(c: Counts) -> float:
    letters, sentences = _ratio(c.letters, c.words) * 100, _ratio(c.sentences, c.words) * 100
    return 0.0 if letters == 0 or sentences == 0 else ((0.058 * letters) - (0.296 * sentences) - 15.8)
