"""Reference statistics of English for the mistranslation check, and `python -m checks build-reference`.

A reference answers three questions about word sequences: how likely a word is after one or two words
(`lp`, log10), whether an n-gram was actually seen (`seen`, as opposed to a back-off estimate) and whether a word is
known. Two implementations answer them the same way:

- `SphinxReference` (default): the English trigram model shipped in the `pocketsphinx` package (72k words,
  2M bigrams, 1.7M trigrams; loads in under 0.1 s). Its `prob` returns integer logs in base 1.0001 and does not say
  whether it backed off, so `seen` compares the probability with the back-off estimate: the back-off weight of a
  history is read from a word that never follows anything ("<s>").
- `CountsReference`: n-gram counts from a newsroom's own clean archive, written by `build-reference` (a gzip'd TSV:
  `1|2|3 <tab> words <tab> count`), with stupid-backoff probabilities. The house style names the file in
  `[mistranslation] reference`.
"""

from __future__ import annotations

import gzip
import math
import os
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path

SPHINX_TO_LOG10 = math.log10(1.0001)
_SPHINX_TOLERANCE = 3  # integer log units: rounding noise between a stored and a backed-off probability
UNKNOWN_LP = -20.0
FORMAT_LINE = "#copydesk-reference 1"
BACKOFF_LP = math.log10(0.4)  # stupid backoff (Brants et al. 2007)
DEFAULT_MIN_COUNT = 2


class SphinxReference:
    """The built-in reference: pocketsphinx's general English trigram model (lower case, no punctuation)."""

    name = "built-in English trigram model (pocketsphinx en-us)"

    def __init__(self, path: str | None = None) -> None:
        if path is None:
            from checks.resources import sphinx_language_model

            self._lm = sphinx_language_model()
            if self._lm is None:
                raise RuntimeError("pocketsphinx's English model is not installed (pip install -r requirements.txt)")
        else:
            import pocketsphinx

            self._lm = pocketsphinx.NGramModel.readfile(path)
        self._prob = self._lm.prob
        self._bow: dict[tuple[str, ...], int] = {}
        self._never = self._prob(["<s>"])

    def _raw(self, words: list[str]) -> int:
        return self._prob(words)

    def lp(self, word: str, *history: str) -> float:
        """log10 P(word | history), history nearest word first (w[-1], w[-2])."""
        value = self._prob([word, *history])
        return value * SPHINX_TO_LOG10 if value > -500_000_000 else UNKNOWN_LP

    def known(self, word: str) -> bool:
        return self._prob([word]) > -500_000_000

    def _backoff(self, history: tuple[str, ...]) -> int:
        """The back-off weight of a history, from "<s>", which the model never predicts after a word."""
        cached = self._bow.get(history)
        if cached is None:
            shorter = self._prob(["<s>", *history[:-1]]) if len(history) > 1 else self._never
            cached = self._prob(["<s>", *history]) - shorter
            self._bow[history] = cached
        return cached

    def seen(self, word: str, *history: str) -> bool:
        """Whether the n-gram (history reversed, then word) is stored in the model rather than backed off."""
        if not history:
            return self.known(word)
        full = self._prob([word, *history])
        estimate = self._backoff(tuple(history)) + self._prob([word, *history[:-1]])
        return abs(full - estimate) > _SPHINX_TOLERANCE


class CountsReference:
    """A reference built from a newsroom's own archive by `build-reference`."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.name = f"reference file {path}"
        self.counts: list[dict] = [{}, {}, {}]
        self.min_count = 1
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            first = handle.readline().rstrip("\n")
            if first != FORMAT_LINE:
                raise ValueError(f"{path}: not a Copydesk reference file (first line {first!r})")
            for line in handle:
                order, words, count = line.rstrip("\n").split("\t")
                self.counts[int(order) - 1][tuple(words.split(" "))] = int(count)
        unigrams = self.counts[0]
        self.total = sum(unigrams.values()) or 1
        self.vocabulary = len(unigrams) or 1
        # how often each history is followed by a word
        self.history_counts: list[Counter[tuple[str, ...]]] = [Counter(), Counter()]
        for n in (1, 2):
            for gram, count in self.counts[n].items():
                self.history_counts[n - 1][gram[:-1]] += count

    def known(self, word: str) -> bool:
        return (word,) in self.counts[0]

    def _unigram(self, word: str) -> float:
        count = self.counts[0].get((word,), 0)
        if not count:
            return UNKNOWN_LP
        return math.log10(count / self.total)

    def lp(self, word: str, *history: str) -> float:
        history = history[:2]
        penalty = 0.0
        while history:
            gram = (*reversed(history), word)
            count = self.counts[len(gram) - 1].get(gram, 0)
            if count:
                return penalty + math.log10(count / self.history_counts[len(gram) - 2][gram[:-1]])
            penalty += BACKOFF_LP
            history = history[:-1]
        return penalty + self._unigram(word)

    def seen(self, word: str, *history: str) -> bool:
        gram = (*reversed(history[:2]), word)
        return self.counts[len(gram) - 1].get(gram, 0) > 0


@lru_cache(maxsize=4)
def load_reference(path: str | None = None):
    """The reference to use: a built file when the house style names one, else the built-in model."""
    if path:
        return CountsReference(path)
    return SphinxReference()


# --- build-reference -----------------------------------------------------------------------------------------


def sentence_words(text: str) -> list[list[str]]:
    """Lower-cased word sequences, one per sentence; punctuation breaks a sequence (as in the built-in model)."""
    from checks.document import Document

    runs: list[list[str]] = []
    for sentence in Document(text).sentences:
        run: list[str] = []
        for token in sentence.tokens:
            if token.is_word:
                run.append(token.lower)
            elif token.text not in "'’\"“”":
                if run:
                    runs.append(run)
                run = []
        if run:
            runs.append(run)
    return runs


def count_ngrams(texts) -> list[Counter]:
    counts: list[Counter[tuple[str, ...]]] = [Counter(), Counter(), Counter()]
    for text in texts:
        for run in sentence_words(text):
            padded = ["<s>", *run, "</s>"]
            counts[0].update((w,) for w in run)
            for n in (2, 3):
                counts[n - 1].update(tuple(padded[i : i + n]) for i in range(len(padded) - n + 1))
    return counts


def write_reference(counts: list[Counter], out: str | os.PathLike, min_count: int = DEFAULT_MIN_COUNT) -> dict:
    """Write the counts (bigrams and trigrams seen fewer than `min_count` times are dropped); returns sizes."""
    sizes = {}
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=6) as handle:
        handle.write(FORMAT_LINE + "\n")
        for order, table in enumerate(counts, start=1):
            kept = 0
            floor = 1 if order == 1 else min_count
            for gram, count in sorted(table.items()):
                if count >= floor:
                    handle.write(f"{order}\t{' '.join(gram)}\t{count}\n")
                    kept += 1
            sizes[order] = kept
    return sizes


def input_files(inputs) -> list[Path]:
    """The files named, and the supported documents inside any folder named (recursively, sorted)."""
    from checks.inputs import SUPPORTED_SUFFIXES

    files: list[Path] = []
    for name in inputs:
        path = Path(name)
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")
            )
        else:
            files.append(path)
    return files


def main(args) -> int:
    """`python -m checks build-reference INPUT... --out FILE`: n-gram statistics of a clean archive."""
    from checks.config import load_config
    from checks.inputs import InputError, read_document

    config = load_config(getattr(args, "config", None), offline=True)
    min_count = int(config.get("mistranslation", "reference_min_count", DEFAULT_MIN_COUNT))
    files = input_files(args.inputs)
    texts, errors = [], 0
    for path in files:
        try:
            texts.append(read_document(str(path)).text)
        except InputError as exc:
            print(f"copydesk: {exc}", file=sys.stderr)
            errors += 1
    if not texts:
        print("copydesk: build-reference: no readable documents in the inputs", file=sys.stderr)
        return 2
    counts = count_ngrams(texts)
    sizes = write_reference(counts, args.out, min_count)
    words = sum(counts[0].values())
    print(
        f"wrote {args.out}: {len(texts)} documents, {words} running words, a vocabulary of {sizes[1]}, "
        f"{sizes[2]} bigrams and {sizes[3]} trigrams seen at least {min_count} times. Name it in the house "
        f'style: [mistranslation] reference = "{args.out}"'
    )
    return 2 if errors else 0
