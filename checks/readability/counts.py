"""Counting exactly as textstat 0.7.13 does (tests compare every metric with textstat's own functions): words,
sentences, syllables (the shipped CMU table, else Pyphen), easy words, and every count the formulas need."""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

SYLLABLE_TABLE = "readability_syllables.tsv"
PYPHEN_CACHE_WORDS = 65536  # pyphen memoises every word it hyphenates, unbounded; we empty it past this size

_NONCONTRACTION_APOSTROPHE = re.compile(r"\'(?![tsd]|ve|ll|re)")
_PUNCTUATION_BUT_APOSTROPHE = re.compile(r"[^\w\s\']")
_WORD_CHAR = re.compile(r"\w")
_TEXTSTAT_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")


def list_words(text: str) -> list[str]:
    """textstat's list_words: punctuation removed except apostrophes of contractions, split on white space."""
    return _PUNCTUATION_BUT_APOSTROPHE.sub("", _NONCONTRACTION_APOSTROPHE.sub("", text)).split()


def list_words_kept_apart(pieces: list[str]) -> list[str]:
    """Each white-space-free piece with textstat's punctuation removal applied (possibly empty)."""
    joined = "\n".join(pieces)
    return _PUNCTUATION_BUT_APOSTROPHE.sub("", _NONCONTRACTION_APOSTROPHE.sub("", joined)).split("\n")


def _count_sentences(text: str) -> int:
    """textstat's count_sentences: runs of non-terminal characters, ignoring pieces of two words or fewer."""
    if not text:
        return 0
    pieces = _TEXTSTAT_SENTENCE.findall(text)
    ignored = sum(1 for piece in pieces if _at_most_two_words(piece))
    return max(1, len(pieces) - ignored)


def _at_most_two_words(piece: str) -> bool:
    """len(list_words(piece)) <= 2, decided cheaply when possible (removing punctuation never adds a word, and a
    piece with a word character keeps it)."""
    chunks = piece.split(None, 3)  # the first three chunks decide the common case; no need to split them all
    if len(chunks) <= 2:
        return True
    # Three white-space-separated chunks with a word character each are three words. Tested chunk by chunk, not
    # matched with a regular expression: one that backtracks is cubic on long chunks ("x" * 3000 + " " + "x" * 3000).
    if all(_WORD_CHAR.search(chunk) for chunk in chunks[:3]):
        return False
    return len(list_words(piece)) <= 2


@lru_cache(maxsize=1)
def _syllable_table() -> dict[str, int]:
    """Word -> syllables of its first CMU pronunciation, from the shipped table (one line per syllable count)."""
    table: dict[str, int] = {}
    text = resources.files("checks.data").joinpath(SYLLABLE_TABLE).read_text("utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            count, _, words = line.partition("\t")
            table.update(dict.fromkeys(words.split(" "), int(count)))
    return table


@lru_cache(maxsize=1)
def _pyphen():
    from pyphen import Pyphen

    return Pyphen(lang="en_US")


@lru_cache(maxsize=65536)
def _pyphen_syllables(word: str) -> int:
    if len(word) < 4:  # Pyphen keeps two letters either side of a break (left=right=2): none fits, no load needed
        return 1
    hyphenator = _pyphen()
    count = len(hyphenator.positions(word)) + 1
    if len(hyphenator.hd.cache) > PYPHEN_CACHE_WORDS:  # its own per-word cache never forgets: bound it
        hyphenator.hd.cache.clear()
    return count


def syllables(word: str) -> int:
    """Syllables of one lower-case word as textstat counts them: CMU dictionary first, else Pyphen."""
    count = _syllable_table().get(word)
    return count if count is not None else _pyphen_syllables(word)


def syllable_counts(words: Iterable[str]) -> dict[str, int]:
    """Word as written -> syllables, looked up once per distinct word (news copy repeats its words)."""
    return {word: syllables(word.lower()) for word in set(words)}


@lru_cache(maxsize=1)
def _easy_words() -> frozenset[str]:
    """textstat's Dale-Chall easy-word list, read from its package without importing it (that imports NLTK)."""
    spec = importlib.util.find_spec("textstat")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("textstat is not installed (see requirements.txt)")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "en" / "easy_words.txt"
    with path.open() as handle:  # the platform's default encoding, exactly as textstat opens it
        return frozenset(line.strip() for line in handle)


@dataclass(frozen=True)
class Counts:
    words: int
    sentences: int
    syllables: int
    polysyllables: int  # words of 3+ syllables
    hard_words: int  # Gunning fog: 3+ syllables and not an easy word
    unfamiliar_words: int  # Dale-Chall: not an easy word
    letters: int
    chars: int  # non-space characters
    raw_words: int  # white-space separated pieces, punctuation included (ARI)
    linsear: float


def count_text(text: str, words: list[str] | None = None, syllables_of: dict[str, int] | None = None) -> Counts:
    """Every count textstat's formulas need, in one pass over the distinct words. `words` must be
    list_words(text) and `syllables_of` cover them, when the caller already has them."""
    words = list_words(text) if words is None else words
    syllables_of = syllable_counts(words) if syllables_of is None else syllables_of
    easy = _easy_words()
    total = poly = hard = unfamiliar = letters = 0
    for word, k in Counter(words).items():
        n = syllables_of[word]
        total += n * k
        poly += k if n >= 3 else 0
        if word.lower() not in easy:
            unfamiliar += k
            hard += k if n >= 3 else 0
        # textstat counts \w characters in the text; its word cleaning drops only \W ones, and a word keeps \w
        # characters and apostrophes alone, so counting in the words is the same and spares a pass over the text.
        letters += (len(word) - word.count("'")) * k
    pieces = text.split()
    return Counts(
        words=len(words),
        sentences=_count_sentences(text),
        syllables=total,
        polysyllables=poly,
        hard_words=hard,
        unfamiliar_words=unfamiliar,
        letters=letters,
        chars=sum(map(len, pieces)),  # textstat removes \s, which is exactly what str.split() splits on
        raw_words=len(pieces),
        linsear=_linsear_write(pieces, words, syllables_of),
    )


def _linsear_write(pieces: list[str], words: list[str], syllables_of: dict[str, int]) -> float:
    """textstat's linsear_write_formula(strict_lower=False, strict_upper=True): the first 100 words only."""
    if len(pieces) > 100:
        # Clean the pieces in one pass: a line break survives punctuation removal and no piece contains one. 128
        # pieces nearly always hold 100 words; the loop cleans any further piece it needs on its own.
        cleaned = list_words_kept_apart(pieces[:128])
        sample: list[str] = []
        used = 0
        while used < len(pieces) and len(sample) < 100:
            word = cleaned[used] if used < len(cleaned) else list_words_kept_apart([pieces[used]])[0]
            used += 1
            if word:
                sample.append(word)
    else:
        sample, used = words, len(pieces)
    easy_word = difficult_word = 0
    for word in sample:
        n = syllables_of.get(word)  # the sample is the text's first words, so already counted
        n = syllables(word.lower()) if n is None else n
        if n >= 3:
            difficult_word += 1
        elif n > 0:
            easy_word += 1
    sentences = _count_sentences(" ".join(pieces[:used]))
    if sentences == 0:
        return 0.0
    number = float((easy_word * 1 + difficult_word * 3) / sentences)
    if number <= 20:
        number -= 2
    return number / 2


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0
