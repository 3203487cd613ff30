"""Candidate generation and ranking: suggestable words a few weighted edits away, scored by edit cost,
frequency and (through the n-gram model) the neighbouring words."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from checks.spelling.lexicon import _LETTERS, MAX_WORD_LENGTH, language_model, lexicon

_VOWELS = frozenset("aeiouy")
_LOG10_LM = math.log10(1.0001)  # pocketsphinx returns log probabilities in base 1.0001


@lru_cache(maxsize=1)
def _candidate_index() -> tuple[dict, dict]:
    """Suggestable words by (first letter, length) and by (second letter, length), built on the first typo."""
    by_first: dict[tuple[str, int], list[str]] = {}
    by_second: dict[tuple[str, int], list[str]] = {}
    for word in lexicon().suggestable:
        by_first.setdefault((word[0], len(word)), []).append(word)
        if len(word) > 1:
            by_second.setdefault((word[1], len(word)), []).append(word)
    return by_first, by_second


_ADJACENT = {
    a: set(b)
    for a, b in {
        "q": "wa",
        "w": "qes",
        "e": "wrd",
        "r": "etf",
        "t": "ryg",
        "y": "tuh",
        "u": "yij",
        "i": "uok",
        "o": "ipl",
        "p": "ol",
        "a": "qsz",
        "s": "awdxz",
        "d": "sefcx",
        "f": "drgvc",
        "g": "fthbv",
        "h": "gyjnb",
        "j": "hukmn",
        "k": "jilm",
        "l": "kop",
        "z": "asx",
        "x": "zsdc",
        "c": "xdfv",
        "v": "cfgb",
        "b": "vghn",
        "n": "bhjm",
        "m": "njk",
    }.items()
}
_SOUND_ALIKE = {frozenset(p) for p in ("cs", "ck", "sz", "ck", "fv", "gj", "ij", "iy", "ey", "mn", "dt", "bp")}


def _sub_cost(a: str, b: str) -> float:
    if a in _VOWELS and b in _VOWELS:
        return 0.6
    if frozenset((a, b)) in _SOUND_ALIKE:
        return 0.7
    if b in _ADJACENT.get(a, ()):
        return 0.8
    return 1.0


@lru_cache(maxsize=65536)
def edit_cost(typo: str, word: str) -> float:
    """Weighted Damerau-Levenshtein (optimal string alignment) from the intended word to the typo: swapping two
    letters, doubling or undoubling a letter, and confusing vowels cost less than other edits."""
    n, m = len(word), len(typo)
    prev2: list[float] = []
    prev = [j * 1.0 for j in range(m + 1)]
    for i in range(1, n + 1):
        cur = [i * 1.0] + [0.0] * m
        for j in range(1, m + 1):
            a, b = word[i - 1], typo[j - 1]
            if a == b:
                cur[j] = prev[j - 1]
                continue
            ins = 0.5 if (j > 1 and typo[j - 2] == b) or (j < m and typo[j] == b) else 1.0  # doubled letter
            dele = 0.5 if (i > 1 and word[i - 2] == a) or (i < n and word[i] == a) else 1.0  # undoubled letter
            if a in _VOWELS:
                dele = min(dele, 0.8)
            best = min(prev[j] + dele, cur[j - 1] + ins, prev[j - 1] + _sub_cost(a, b))
            if i > 1 and j > 1 and a == typo[j - 2] and word[i - 2] == b:
                best = min(best, prev2[j - 2] + 0.6)
            cur[j] = best
        prev2, prev = prev, cur
    return prev[m]


@lru_cache(maxsize=4096)  # archives repeat their typos; the ranking by context is still done per occurrence
def candidates(word: str, max_distance: int = 2) -> tuple[tuple[str, int], ...]:
    """Suggestable words within `max_distance` Damerau edits, with their distance. The search keeps the first or
    the second letter (or finds it dropped); only when that finds nothing one edit away are words with another
    first letter tried (wupport -> support). Two common words run together ('alot') come in at distance 1."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    lex = lexicon()
    by_first, by_second = _candidate_index()
    n = len(word)
    lengths = range(max(1, n - max_distance), n + max_distance + 1)
    letters = {word[0]} | ({word[1]} if n > 1 else set())
    pool: list[str] = []
    for letter in letters:
        for length in lengths:
            pool.extend(by_first.get((letter, length), ()))
    for length in lengths:  # first letter dropped: nowledge (a word met twice is harmless)
        pool.extend(by_second.get((word[0], length), ()))

    def search(choices) -> dict[str, int]:
        return {
            c: int(d)
            for c, d, _ in process.extract(word, choices, scorer=OSA.distance, score_cutoff=max_distance, limit=None)
        }

    found = search(pool)
    if n > 2 and not any(d <= 1 for d in found.values()):  # first letter wrong: vetween, wupport
        found.update(search([w for length in lengths for w in by_second.get((word[1], length), ())]))
    for i in range(1, n):
        left, right = word[:i], word[i:]
        if (
            (left in ("a", "i") or len(left) > 2)
            and len(right) > 2
            and lex.freq(left) >= 4.5
            and lex.freq(right) >= 4.5
        ):
            found.setdefault(f"{left} {right}", 1)
    return tuple(sorted(found.items()))


@dataclass(frozen=True)
class Scored:
    word: str
    distance: int
    cost: float
    score: float


# Weights of the ranking: one unit of edit cost is worth this many zipf points (a factor of 10 each), and the
# context's log10 probability counts this much. COST_WEIGHT was checked on Holbrook (2.6 to 3.2 rank alike),
# CONTEXT_WEIGHT on DEMETR's misspelled items (0.5 to 1.5 rank alike); Norvig set 1 was not used for tuning.
COST_WEIGHT = 2.6
CONTEXT_WEIGHT = 1.0
RANK_POOL = 15  # candidates scored in full
SPLIT_COST = 0.6  # a missing space (alot, infact) is a cheap slip


def _phrase_freq(candidate: str) -> float:
    """A word's frequency; for two words run together, the rarer one's."""
    lex = lexicon()
    return min(lex.freq(w) for w in candidate.split(" "))


def rank(word: str, before: tuple[str, ...] = (), after: str | None = None, max_distance: int = 2) -> list[Scored]:
    """Corrections for a non-word, best first. `before` holds up to two preceding words and `after` the next
    word (lower case); with them the n-gram model re-ranks by how well each candidate fits its neighbours."""
    return _score(word, candidates(word, max_distance), before, after)


def _score(word: str, found: Sequence[tuple[str, int]], before: tuple[str, ...], after: str | None) -> list[Scored]:
    # The weighted cost is at least half the distance, so candidates far down this optimistic order cannot win.
    found = sorted(found, key=lambda cd: COST_WEIGHT * 0.5 * cd[1] - _phrase_freq(cd[0]))[:RANK_POOL]
    lm = language_model() if (before or after) else None
    scored = []
    for cand, dist in found:
        cost = SPLIT_COST if " " in cand else edit_cost(word, cand)
        score = _phrase_freq(cand) - COST_WEIGHT * cost
        if lm is not None:
            score += CONTEXT_WEIGHT * context_logprob(lm, cand, before, after)
        scored.append(Scored(cand, dist, cost, score))
    scored.sort(key=lambda s: (-s.score, s.word))
    return scored


def context_logprob(lm, word: str, before: tuple[str, ...], after: str | None) -> float:
    """log10 P(word | previous words) + log10 P(next word | ..., word), relative to the word's own unigram
    probability, so it measures fit to the neighbours and not frequency twice."""
    pieces = word.split()
    history = list(reversed(before[-2:]))
    total = 0.0
    for piece in pieces:
        total += (lm.prob([piece, *history]) - lm.prob([piece])) * _LOG10_LM
        history = [piece, *history][:2]
    if after:
        total += (lm.prob([after, *history]) - lm.prob([after])) * _LOG10_LM
    return total


@lru_cache(maxsize=4096)
def _cheap_slips(folded: str) -> tuple[str, ...]:
    """Very common words (zipf >= 4) that a cheap slip turns into `folded`, most frequent first."""
    if len(folded) > MAX_WORD_LENGTH:
        return ()
    zipf = lexicon().zipf
    found = [c for c in _cheap_edits(folded) if zipf.get(c, 0.0) >= 4.0 and edit_cost(folded, c) <= 0.8]
    return tuple(sorted(found, key=lambda c: -zipf[c]))


_SOUND_PARTNERS = {a: {b for pair in _SOUND_ALIKE if a in pair for b in pair if b != a} for a in _LETTERS}


def _cheap_edits(word: str) -> set[str]:
    """The words a cheap slip could have come from (a subset of _edits1, about a fifth of its size): swapped
    letters, a doubled letter undone or done, a vowel dropped or changed, a sound-alike or neighbouring key."""
    out: set[str] = set()
    for i in range(len(word)):
        a, b = word[:i], word[i:]
        if len(b) > 1:
            out.add(a + b[1] + b[0] + b[2:])
        if i and word[i] == word[i - 1]:
            out.add(a + b[1:])
        out.add(a + word[i] + b)
        letter = word[i]
        partners = _VOWELS if letter in _VOWELS else _SOUND_PARTNERS.get(letter, set()) | _ADJACENT.get(letter, set())
        for c in partners:
            out.add(a + c + b[1:])
        for v in _VOWELS:
            out.add(a + v + b)
    for v in _VOWELS:
        out.add(word + v)
    out.discard(word)
    return out
