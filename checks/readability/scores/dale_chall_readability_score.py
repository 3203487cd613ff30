"""textstat's dale_chall_readability_score."""

from __future__ import annotations

from checks.readability.counts import Counts, _ratio


def dale_chall_readability_score(c: Counts) -> float:
    wps = _ratio(c.words, c.sentences)
    if c.words:
        per_difficult = 100 * c.unfamiliar_words / c.words
        score = (0.1579 * per_difficult) + (0.0496 * wps)
        return score + 3.6365 if per_difficult > 5 else score
    return 0.0
