"""textstat's formulas, one module each as in textstat/backend/metrics, on counts shared by all of them (counts.py),
written in textstat's operation order so floats match exactly; `formulas` computes them all."""

from __future__ import annotations

from checks.readability.counts import Counts
from checks.readability.scores.automated_readability_index import automated_readability_index
from checks.readability.scores.coleman_liau_index import coleman_liau_index
from checks.readability.scores.consensus_grade import GRADE_FORMULAS, consensus_grade
from checks.readability.scores.dale_chall_readability_score import dale_chall_readability_score
from checks.readability.scores.flesch_kincaid_grade import flesch_kincaid_grade, sentence_grade
from checks.readability.scores.flesch_reading_ease import flesch_reading_ease
from checks.readability.scores.gunning_fog import gunning_fog
from checks.readability.scores.smog_index import smog_index
from checks.readability.scores.text_standard import text_standard

__all__ = [
    "GRADE_FORMULAS",
    "automated_readability_index",
    "coleman_liau_index",
    "consensus_grade",
    "dale_chall_readability_score",
    "flesch_kincaid_grade",
    "flesch_reading_ease",
    "formulas",
    "gunning_fog",
    "sentence_grade",
    "smog_index",
    "text_standard",
]


def formulas(c: Counts) -> dict[str, float]:
    """textstat's formulas on shared counts, written in textstat's operation order so floats match exactly."""
    out: dict[str, float] = {}
    out["flesch_reading_ease"] = flesch_reading_ease(c)
    out["flesch_kincaid_grade"] = flesch_kincaid_grade(c)
    out["gunning_fog"] = gunning_fog(c)
    out["smog_index"] = smog_index(c)
    out["coleman_liau_index"] = coleman_liau_index(c)
    out["automated_readability_index"] = automated_readability_index(c)
    out["dale_chall_readability_score"] = dale_chall_readability_score(c)
    out["linsear_write_formula"] = c.linsear  # counted with the words: it reads the text's first 100 words
    out["text_standard"] = text_standard(out)
    out["consensus_grade"] = consensus_grade(out)
    return out
