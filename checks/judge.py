"""The model judge: a neural language model (checks.lm) adjudicates candidate rewrites of suspicious words.

A word list cannot generalise and trigram counts cannot read context; a language model reads the whole sentence
but, used as a free detector (high surprisal = error), flags ordinary words. So it only ever *compares* the sentence
as written with rewrites that a cheap cascade proposes:

1. Proposal (lexical tests and n-gram look-ups, every sentence). The mistranslation family proposes its statistical
   layer's candidates: a word from a sense set (data/mistranslation-senses.toml: the renderings of one ambiguous
   source word, "keen" and "live" for German "scharf") whose sibling the n-gram reference strongly prefers; with
   `[judge] propose`, also the siblings of other words that the reference finds at least `prefilter` (log10)
   likelier in the slot (see `siblings`): translation siblings from bilingual dictionaries (data/judge_translations.tsv:
   the English words one foreign headword translates to) and WordNet's (data/judge_siblings.tsv). Other families
   (spelling, grammar) propose their own rewrites.
2. Budget: at most `passages_per_1000_words` passages per document, the surest kinds first, then the most
   promising; what is left unjudged is said in the status line (the statistical layer's flags left unread stand on
   the n-gram reference alone).
3. Judgement (the model, once per sentence window): the words before the passage (at most `CONTEXT_WORDS`, from the
   start of the sentence where it is nearer), the passage, and `AFTER_WORDS` words after; every rewrite of every
   passage in the window is scored against the same evaluation of the window as written (`Scorer.rewrite_gains`).
   A sentence of any length costs no more than its passages' windows.

A rewrite counts when it makes the sentence at least so many bits more probable (2^bits times): `veto_bits` for the
statistical layer's own flags (the n-gram reference already strongly prefers the sibling; below it the model vetoes
the flag), `sibling_bits` for the siblings of `propose`. Both were calibrated by evaluation/calibrate_judge.py on
data the reported figures never use.

Deterministic: llama.cpp's scores do not depend on the thread count, windows are scored in text order, and gains are
compared after rounding to 0.01 bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from checks.config import Config, ConfigError, Section, Setting
from checks.document import Document, Sentence

TABLES = ("judge_translations.tsv", "judge_siblings.tsv")  # candidate rewrites, stronger source first
CONTEXT_WORDS = 20  # words before a passage the model reads (the sentence start, when it is nearer)
AFTER_WORDS = 6  # words after it: the words after a wrong word pay for it too
MAX_WINDOW_WORDS = 60  # passages of one sentence share a window up to this size
MAX_SIBLINGS = 3  # rewrites judged per passage
MIN_PASSAGES = 3  # per document, whatever its length

SECTION = Section(
    "judge",
    "The model judge (checks/judge.py): a small neural language model (SmolLM2-135M, run by llama.cpp on the CPU) "
    "compares a suspicious word with the words a translation engine confuses it with, in its sentence. "
    "`--fast` on the command line turns it off for one run; without the model, the statistical layer falls back "
    "to the n-gram reference alone and the status line says why.",
    (
        Setting("enabled", True, "Run the judge (about 0.1 s per judged passage on 2 cores)."),
        Setting(
            "veto_bits",
            3.0,
            "The statistical layer's own flag (a sense-set sibling the n-gram reference strongly prefers) stands only "
            "when the model also prefers the sibling by at least this many bits (2^bits times); else it is vetoed. "
            "Calibrated by evaluation/calibrate_judge.py on samples/mistranslation/judge-calibration.tsv: at 3 bits "
            "91% of calque fixes pass and 6% of swaps of correct words.",
        ),
        Setting(
            "propose",
            False,
            "Also judge the translation and WordNet siblings of words no sense set lists (rule "
            "mistranslation.model-judged). Off by default: on real machine translation (the even half of "
            "../shared/eval/mt-errors) fewer than half of its flags fall on a marked error at any threshold, and "
            "neither the n-gram reference's preference nor the model's gain without the sentence around the word "
            "separates them better (evaluation/calibrate_judge.py), below the precision the default checks keep.",
        ),
        Setting(
            "sibling_bits",
            16.0,
            "With propose: a sibling is suggested when it makes the sentence at least this many bits more "
            "probable. Higher than veto_bits: a near-synonym is often just likelier, not a fix. No threshold reaches "
            "precision 0.7 on real machine translation alone (evaluation/calibrate_judge.py); pooled with our "
            "calibration sentences, 16 bits is the lowest that does, with at most one flag per 100 clean sentences.",
        ),
        Setting(
            "prefilter",
            0.0,
            "With propose, the cheap filter before the model: the n-gram reference must find the sibling at "
            "least this much (log10) likelier in the slot than the word as written.",
        ),
        Setting(
            "passages_per_1000_words",
            12,
            "At most this many passages judged per 1,000 words (at least 3 per document): sense sets first, then "
            "the most promising. Each costs about 0.1 s on 2 cores.",
        ),
    ),
)


@dataclass(frozen=True)
class Settings:
    enabled: bool
    veto_bits: float
    propose: bool
    sibling_bits: float
    prefilter: float
    passages_per_1000_words: float


_NUMBERS = ("veto_bits", "sibling_bits", "prefilter", "passages_per_1000_words")


def settings(config: Config) -> Settings:
    values = {**{s.key: s.default for s in SECTION.settings}, **config.section("judge")}
    for key in _NUMBERS:
        if isinstance(values[key], bool) or not isinstance(values[key], (int, float)):
            raise ConfigError(f"{config.path or 'house style'}: [judge] {key} must be a number")
    for key in ("enabled", "propose"):
        if not isinstance(values[key], bool):
            raise ConfigError(f"{config.path or 'house style'}: [judge] {key} must be true or false")
    return Settings(
        enabled=values["enabled"] and not config.fast,
        veto_bits=float(values["veto_bits"]),
        propose=values["propose"],
        sibling_bits=float(values["sibling_bits"]),
        prefilter=float(values["prefilter"]),
        passages_per_1000_words=float(values["passages_per_1000_words"]),
    )


@lru_cache(maxsize=1)
def siblings() -> dict[str, tuple[str, ...]]:
    """word form -> the words a translation engine confuses it with: its translation siblings
    (data/judge_translations.tsv, from bilingual dictionaries), then its WordNet siblings (data/judge_siblings.tsv)."""
    table: dict[str, tuple[str, ...]] = {}
    for name in TABLES:
        text = resources.files("checks.data").joinpath(name).read_text("utf-8")
        for line in text.splitlines():
            if line and not line.startswith("#"):
                word, _, rest = line.partition("\t")
                table[word] = tuple(dict.fromkeys((*table.get(word, ()), *rest.split(","))))
    return table


@dataclass(frozen=True)
class Passage:
    """Tokens first..last (inclusive) of a sentence, and the rewrites of their text to compare with it."""

    sentence: Sentence
    first: int
    last: int
    rewrites: tuple[str, ...]
    promise: float = 0.0  # the cheap filter's score: the most promising passages are judged first
    priority: int = 0  # lower first: the budget serves the surest kinds of candidate first

    @property
    def start(self) -> int:
        return self.sentence.tokens[self.first].start

    @property
    def end(self) -> int:
        return self.sentence.tokens[self.last].end


@dataclass(frozen=True)
class Verdict:
    passage: Passage
    gains: tuple[tuple[str, float], ...]  # (rewrite, bits), best first; empty when it was too long for the model

    def above(self, bits: float) -> tuple[tuple[str, float], ...]:
        """The rewrites that gain at least `bits`, best first."""
        return tuple((r, g) for r, g in self.gains if g >= bits)


def judge(doc: Document, passages: Sequence[Passage]) -> list[Verdict]:
    """The model's gain for every rewrite of every passage, in the order given (raises checks.lm.Unavailable).
    Passages must not overlap."""
    if not passages:
        return []  # nothing to judge: the model is not even loaded
    from checks.lm import scorer

    model = scorer()
    found: dict[int, Verdict] = {}
    for window in _windows(passages):
        tokens = window[0].sentence.tokens
        lo = max(0, window[0].first - CONTEXT_WORDS)
        hi = min(len(tokens) - 1, window[-1].last + AFTER_WORDS)
        offset = tokens[lo].start
        edits = [_edit(p, offset) for p in window]
        try:
            gains = model.rewrite_gains(doc.text[offset : tokens[hi].end], edits)
        except ValueError:  # over the model's context (text of many tokens per word): judged alone, closer in
            gains = [_alone(doc, p) for p in window]
        for passage, row in zip(window, gains, strict=True):
            ranked = sorted(((r, round(g, 2)) for r, g in zip(passage.rewrites, row, strict=False)), key=_best_first)
            found[id(passage)] = Verdict(passage, tuple(ranked))
    return [found[id(p)] for p in passages]


def _best_first(item: tuple[str, float]) -> tuple[float, str]:
    return -item[1], item[0]


def _edit(passage: Passage, offset: int):
    from checks.lm import Edit

    return Edit(passage.start - offset, passage.end - offset, passage.rewrites)


def _alone(doc: Document, passage: Passage) -> tuple[float, ...]:
    """A passage whose window is too long for the model, judged with three words either side, or not at all (no
    gains: a text of very many tokens per word)."""
    try:
        return gains_near(doc, passage, passage.rewrites, before=3, after=3)
    except ValueError:
        return ()


def gains_near(doc: Document, passage: Passage, rewrites: Sequence[str], before: int, after: int) -> tuple[float, ...]:
    """The model's gain for each rewrite when it reads only the passage with `before` words before it and `after`
    words after it, within its sentence (raises ValueError when even that is over the model's context, and
    checks.lm.Unavailable)."""
    from checks.lm import Edit, scorer

    tokens = passage.sentence.tokens
    start = tokens[max(0, passage.first - before)].start
    end = tokens[min(len(tokens) - 1, passage.last + after)].end
    edit = Edit(passage.start - start, passage.end - start, tuple(rewrites))
    return scorer().rewrite_gains(doc.text[start:end], [edit])[0]


def times(bits: float) -> str:
    """2^bits for a message: "about 1,024 times more probable"."""
    value = 2**bits
    return f"{value:,.0f}" if value < 1e6 else f"{value:.0e}"


def _windows(passages: Sequence[Passage]) -> list[list[Passage]]:
    """Passages grouped into the sentence windows the model reads, in text order: passages of one sentence share
    a window while it stays within MAX_WINDOW_WORDS."""
    ordered = sorted(passages, key=lambda p: (p.sentence.start, p.first))
    windows: list[list[Passage]] = []
    for passage in ordered:
        current = windows[-1] if windows else None
        if (
            current is not None
            and current[-1].sentence is passage.sentence
            and passage.first > current[-1].last
            and passage.last + AFTER_WORDS - max(0, current[0].first - CONTEXT_WORDS) <= MAX_WINDOW_WORDS
        ):
            current.append(passage)
        else:
            windows.append([passage])
    return windows


def budget(doc: Document, chosen: Settings) -> int:
    return max(MIN_PASSAGES, int(chosen.passages_per_1000_words * len(doc.words) / 1000))


def select(passages: Sequence[Passage], limit: int) -> tuple[list[Passage], int]:
    """At most `limit` passages, sense sets first and then the most promising, without two on the same token; and
    how many were left out."""
    ranked = sorted(passages, key=lambda p: (p.priority, -p.promise, p.sentence.start, p.first))
    chosen: list[Passage] = []
    taken: set[tuple[int, int]] = set()
    for passage in ranked:
        where = {(passage.sentence.index, i) for i in range(passage.first, passage.last + 1)}
        if not where & taken:
            chosen.append(passage)
            taken |= where
    return chosen[:limit], max(0, len(chosen) - limit)


def propose(doc: Document, ref, chosen: Settings, skip: set[tuple[int, int]], priority: int = 1) -> list[Passage]:
    """Lower-case words with siblings (`siblings`) that the n-gram reference finds likelier in their slot; `skip` holds
    (sentence index, token index) pairs that other layers already cover."""
    from checks.mistranslation import window_lp, word_context

    table = siblings()
    found = []
    for sentence in doc.sentences:
        tokens = sentence.tokens
        for i in range(1, len(tokens)):
            word = tokens[i].text  # the table is lower case: capitalised words (names, sentence starts) never match
            options = table.get(word)
            if not options or (sentence.index, i) in skip or not ref.known(word):
                continue
            before, after = word_context(sentence.tokens, i)
            base = window_lp(ref, before, word, after)
            scored = sorted(
                ((window_lp(ref, before, s, after) - base, s) for s in options if ref.known(s)), reverse=True
            )
            kept = [(g, s) for g, s in scored[:MAX_SIBLINGS] if g >= chosen.prefilter]
            if kept:
                found.append(Passage(sentence, i, i, tuple(s for _, s in kept), kept[0][0], priority))
    return found


def status_line(judged: int, flagged: int, vetoed: int, left: int, skipped: int = 0) -> str:
    """What the judge did, without timings: the same text always gets the same status (a resumed batch compares)."""
    line = f"judge: on, {judged} passages judged, {flagged} flagged, {vetoed} vetoed"
    if left:
        line += f"; {left} more left unjudged (passages_per_1000_words)"
    if skipped:
        line += f"; {skipped} too long for the model, left to the n-gram reference"
    return line
