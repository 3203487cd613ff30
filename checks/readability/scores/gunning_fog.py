"""textstat's gunning_fog."""

from __future__ import annotations

from checks.readability.counts import Counts, _ratio


def gunning_fog(c: Counts) -> float:
    wps = _ratio(c.words, c.sentences)
    return 0.4 * (wps + 100 * c.hard_words / c.words) if c.words else 0.0
