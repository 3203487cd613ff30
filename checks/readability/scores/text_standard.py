"""textstat's text_standard, from the other formulas' scores."""

from __future__ import annotations

import math
from collections import Counter


def text_standard(scores: dict[str, float]) -> float:
    """textstat's text_standard(float_output=True): the most common grade the formulas vote for, clamped 1..18."""
    grade: list[int] = []

    def vote(score: float) -> None:
        grade.extend([math.floor(score), math.ceil(score), round(score)])

    vote(scores["flesch_kincaid_grade"])
    ease = scores["flesch_reading_ease"]
    for low, votes in ((90, [5]), (80, [6]), (70, [7]), (60, [8, 9]), (50, [10]), (40, [11]), (30, [12])):
        if low <= ease < (100 if low == 90 else low + 10):
            grade.extend(votes)
            break
    else:
        grade.append(13)
    for name in (
        "smog_index",
        "coleman_liau_index",
        "automated_readability_index",
        "dale_chall_readability_score",
        "linsear_write_formula",
        "gunning_fog",
    ):
        vote(scores[name])
    return float(max(1, min(Counter(grade).most_common(1)[0][0], 18)))
