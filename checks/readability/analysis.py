"""Per-document analysis, shared by `metrics` and `check` through doc.cache: the document metrics and each
sentence's grade."""

from __future__ import annotations

import string
from dataclasses import dataclass
from itertools import chain
from typing import Any

from checks.config import Config
from checks.document import Document, Sentence
from checks.readability.counts import _ratio, count_text, list_words, syllable_counts
from checks.readability.house_style import settings
from checks.readability.scores import formulas, sentence_grade

MS_PER_CHAR = 14.69  # textstat's reading_time default
_EDGE_PUNCTUATION = string.punctuation + "“”‘’«»–—…"  # stripped from a word's ends when comparing it as written


@dataclass(frozen=True)
class SentenceStats:
    sentence: Sentence
    words: int
    syllables: int
    grade: float
    long_words: tuple[str, ...]  # its lower-case words of 3+ syllables as written, longest first: swap candidates


@dataclass(frozen=True)
class Analysis:
    metrics: dict
    sentences: tuple[SentenceStats, ...]


def analyse(doc: Document) -> Analysis:
    cached = doc.cache.get("readability")
    if cached is not None:
        return cached
    sentence_words = [list_words(sentence.text) for sentence in doc.sentences]
    if _only_space_between_sentences(doc):
        words = list(chain.from_iterable(sentence_words))
        syllables_of = syllable_counts(words)
    else:  # never seen (sentences cover all non-space text), but then the sentences' words may not be the text's
        words = list_words(doc.text)
        syllables_of = syllable_counts(chain(words, *sentence_words))
    counts = count_text(doc.text, words, syllables_of)
    metrics: dict[str, Any] = formulas(counts)  # and then the sentence grades, a list
    del metrics["linsear_write_formula"]  # a consensus input only, not asked for
    metrics.update(
        lexicon_count=counts.words,
        sentence_count=counts.sentences,
        avg_sentence_length=_ratio(counts.words, counts.sentences),
        reading_time=MS_PER_CHAR * counts.chars / 1000,
    )
    stats = []
    for sentence, ws in zip(doc.sentences, sentence_words, strict=True):
        n_syllables = sum(map(syllables_of.__getitem__, ws))
        stats.append(
            SentenceStats(
                sentence,
                len(ws),
                n_syllables,
                sentence_grade(len(ws), n_syllables),
                _long_words(sentence.text, ws, syllables_of),
            )
        )
    metrics["sentence_grades"] = [
        {"start": s.sentence.start, "end": s.sentence.end, "words": s.words, "grade": round(s.grade, 1)} for s in stats
    ]
    result = Analysis(metrics, tuple(stats))
    doc.cache["readability"] = result
    return result


def _long_words(text: str, words: list[str], syllables_of: dict[str, int]) -> tuple[str, ...]:
    """Distinct words of 3+ syllables, most syllables first (ties in text order: the sort is stable). Capitalised
    words are left out (names: "Alkadhimi"), and so are words textstat's cleaning changed ("al-Khazali" becomes
    "alKhazali", "community’s" "communitys"): neither is a word an editor could swap."""
    longest = [w for w in words if syllables_of[w] >= 3 and not w[0].isupper()]
    if not longest:
        return ()
    as_written = {piece.strip(_EDGE_PUNCTUATION) for piece in text.split()}
    longest = sorted([w for w in longest if w in as_written], key=syllables_of.__getitem__, reverse=True)
    return tuple(dict.fromkeys(longest))


def _only_space_between_sentences(doc: Document) -> bool:
    """True when white space alone surrounds the sentences and separates each from the next: then list_words of
    the whole text is the sentences' words in order (textstat's cleaning only looks ahead, and sees a white-space
    gap just as it sees the end of a sentence), so it need not be run over the text again."""
    text, end = doc.text, 0
    for sentence in doc.sentences:
        gap = text[end : sentence.start]
        if not (gap.isspace() or (not gap and sentence.index == 0)):
            return False
        end = sentence.end
    return not text[end:] or text[end:].isspace()


def metrics(doc: Document, config: Config) -> dict:
    chosen = settings(config)
    out = dict(analyse(doc).metrics)
    out["audience"] = chosen.audience
    out["target_grade"] = chosen.target_grade
    return out
