"""textstat's automated_readability_index."""

from __future__ import annotations

from checks.readability.counts import Counts, _ratio


def automated_readability_index(c: Counts) -> float:
    wps = _ratio(c.words, c.sentences)
    cpw = _ratio(c.chars, c.raw_words)
    return 0.0 if cpw == 0 or wps == 0 else (4.71 * cpw) + (0.5 * wps) - 21.43
