"""Spelling suggestions re-ranked in context by the model judge (checks/judge.py).

The candidate model (ranking.py) scores each correction by edit cost, frequency and the two neighbouring words
(n-grams); it cannot read the sentence. The judge's language model can: for each typo flag with two or more
suggestions, it says how many bits more probable the sentence becomes with each suggestion in place of the typo
(the words before it and a few after are read). A noisy-channel combination orders them:

    bits gained in context + PRIOR_WEIGHT * the candidate model's score (log10 units)

The model brings the language side (which word the sentence wants); the candidate score brings the channel side
(which slip makes this typo) and keeps a well-supported first suggestion first. PRIOR_WEIGHT was chosen on one half
of DEMETR's misspelled machine translations (split by a stable hash of the item id) and one half of JFLEG's learner
sentences (by a hash of the sentence), and is reported on the other halves (`evaluation/eval_spelling.py
--calibrate` prints the tuning): from 1 to 10 it is as good on DEMETR, and JFLEG's ungrammatical sentences want the
candidate model to count for more, so the model decides only close calls. A sentence that is just the word gives
the model nothing to read but the word itself, and its preference then only repeats the frequency the candidate
score already holds: on one half of Birkbeck's misspellings it lowered top-1 at every weight, so such flags are not
judged (ALONE_WEIGHT None).

Only the order of the suggestions may change: the same flags, spans and suggestions (the message names the new
first one). Each judged flag costs one model pass over its window and one short pass per suggestion (about 0.2 s
on 2 cores, `evaluation/eval_spelling.py` measures it), so at most MIN_FLAGS per document and FLAGS_PER_1000_WORDS
more per 1,000 words are judged, those whose first two suggestions score closest first; the rest keep the candidate
model's order, and the status line says how many were re-ranked. Without the model (checks.lm.Unavailable), with the
judge off (`[judge] enabled = false`, `--fast`) or with `[spelling] context = false`, every flag keeps the
candidate model's order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from checks import judge
from checks.config import Config
from checks.document import Document
from checks.flags import Flag
from checks.lm import Unavailable
from checks.spelling.ranking import Scored

PRIOR_WEIGHT = 10.0  # bits per point of the candidate model's score (log10); see the module docstring
ALONE_WEIGHT: float | None = None  # the same for a sentence that is just the word; None: not judged
MIN_FLAGS = 10  # flags judged per document, whatever its length ...
FLAGS_PER_1000_WORDS = 5  # ... and this many more per 1,000 words


@dataclass(frozen=True)
class Found:
    """A spelling flag and, for a ranked typo, the candidate model's scoring of each of its suggestions (same
    order); empty for flags whose suggestions were not ranked (variants, capitalised words, unknown words)."""

    flag: Flag
    scored: tuple[Scored, ...] = ()


def passage(doc: Document, flag: Flag) -> judge.Passage | None:
    """The tokens that hold the flagged characters and each suggestion written in their place: a flag on part of a
    hyphenated token (well-knwon) rewrites the whole token with that part replaced (well-known)."""
    sentence = doc.sentence_at(flag.start)
    if sentence is None:
        return None
    tokens = sentence.tokens
    first = next((i for i, t in enumerate(tokens) if t.start <= flag.start < t.end), None)
    last = next((i for i, t in enumerate(tokens) if t.start < flag.end <= t.end), None)
    if first is None or last is None:
        return None
    head = doc.text[tokens[first].start : flag.start]
    tail = doc.text[flag.end : tokens[last].end]
    return judge.Passage(sentence, first, last, tuple(head + s + tail for s in flag.suggestions))


def is_alone(item: judge.Passage) -> bool:
    """The sentence is just the word: nothing around it for the model to read."""
    return len(item.sentence.words) == 1


def gains(doc: Document, passages: Sequence[judge.Passage]) -> list[tuple[float, ...]]:
    """The model's gain in bits for each rewrite of each passage, in the passages' and the rewrites' order (raises
    checks.lm.Unavailable). Passages must not overlap."""
    found = []
    for item, verdict in zip(passages, judge.judge(doc, passages), strict=True):
        by_rewrite = dict(verdict.gains)  # empty for a passage too long for the model: -inf keeps today's order
        found.append(tuple(by_rewrite.get(r, float("-inf")) for r in item.rewrites))
    return found


def order(scored: Sequence[Scored], bits: Sequence[float], weight: float) -> tuple[int, ...]:
    """The suggestions' new order (indices) by bits gained plus `weight` times the candidate score; ties keep the
    candidate model's order, and so does a passage the model could not read (-inf)."""
    if not all(math.isfinite(b) for b in bits):
        return tuple(range(len(scored)))
    combined = [round(b + weight * s.score, 2) for b, s in zip(bits, scored, strict=True)]
    return tuple(sorted(range(len(scored)), key=lambda i: (-combined[i], i)))


def budget(doc: Document) -> int:
    return MIN_FLAGS + int(FLAGS_PER_1000_WORDS * len(doc.words) / 1000)


def new_orders(doc: Document, found: Sequence[Found], config: Config) -> tuple[dict[int, tuple[int, ...]], str]:
    """For the flags (indices into `found`) whose suggestions the model judge re-ranks, their new order; and the
    status line. Nothing to judge, or the judge off: no change and nothing to say."""
    if not judge.settings(config).enabled:
        return {}, ""
    open_ = []
    for index, one in enumerate(found):
        if len(one.scored) < 2:
            continue
        item = passage(doc, one.flag)
        if item is not None and (ALONE_WEIGHT is not None or not is_alone(item)):
            open_.append((index, item))
    if not open_:
        return {}, ""  # the model is not even loaded
    # the closest calls first: where the candidate model is least sure, the context has the most to say
    open_.sort(key=lambda pair: (found[pair[0]].scored[0].score - found[pair[0]].scored[1].score, pair[0]))
    chosen: list[tuple[int, judge.Passage]] = []
    taken: set[tuple[int, int]] = set()
    limit = budget(doc)
    for index, item in open_:
        where = {(item.sentence.index, i) for i in range(item.first, item.last + 1)}
        if len(chosen) < limit and not where & taken:  # two flags in one token: one is judged
            chosen.append((index, item))
            taken |= where
    try:
        bits = gains(doc, [item for _, item in chosen])
    except Unavailable as exc:
        return {}, f"judge: off ({exc}); spelling suggestions in the candidate model's order"
    orders = {}
    for (index, item), row in zip(chosen, bits, strict=True):
        weight = ALONE_WEIGHT if is_alone(item) else PRIOR_WEIGHT
        assert weight is not None  # a word alone is only chosen with ALONE_WEIGHT
        orders[index] = order(found[index].scored, row, weight)
    return orders, status_line(len(chosen), sum(new[0] != 0 for new in orders.values()), len(open_) - len(chosen))


def status_line(judged: int, new_first: int, left: int) -> str:
    """What the judge did, without timings: the same text always gets the same status (a resumed batch compares).
    Worded as the other families' judges word theirs ("N passages judged"), which bench/bench_engine.py counts."""
    line = f"judge: on, {judged} passages judged (typo flags re-ranked in context), {new_first} with a new first "
    line += "suggestion"
    return line + (f"; {left} more kept in the candidate model's order" if left else "")
