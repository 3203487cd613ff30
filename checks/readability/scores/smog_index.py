"""textstat's smog_index."""

from __future__ import annotations

from checks.readability.counts import Counts


def smog_index(c: Counts) -> float:
    return (1.043 * (30 * (c.polysyllables / c.sentences)) ** 0.5) + 3.1291 if c.sentences else 0.0
