"""textstat's flesch_reading_ease."""

from __future__ import annotations

from checks.readability.counts import Counts, _ratio


def flesch_reading_ease(c: Counts) -> float:
    wps = _ratio(c.words, c.sentences)
    spw = _ratio(c.syllables, c.words)
    return 0.0 if wps == 0 or spw == 0 else 206.835 - 1.015 * wps - 84.6 * spw
