"""The model judge: a neural language model (checks.lm) adjudicates candidate rewrites of suspicious words.

A word list cannot generalise and trigram counts cannot read context; a language model reads the whole passage but,
used as a free detector (high surprisal = error), flags ordinary words. So it only ever *compares*: a cheap cascade
proposes, the model decides.

The judge always vets the statistical layer (below). With `[judge] propose = true` it also proposes on its own:
1. Proposal (cheap, every sentence): a lower-case content word inside a sentence whose pairing with a neighbour the
   reference n-gram model has never seen (`checks.reference`) and for which a sibling from `data/judge_siblings.tsv`
   (words that translate or mean nearly the same, the words a translation engine confuses: WordNet synonyms and
   near neighbours) makes the words around it much more likely (`[judge] proposal_gain`, log10).
2. Budget: at most `passages_per_1000_words` passages per document (the most promising first); what is left
   unjudged is said in the status line.
3. Judgement (the model, once per passage): the words before (at most `CONTEXT_WORDS`), the word or its rewrites,
   and a few words after (`AFTER_WORDS`), so a sentence of any length costs the same per passage. A rewrite that makes
   the passage at least `min_gain_bits` more probable is suggested, best first.

The same judge vetoes the statistical layer's flags (`checks.mistranslation`): a sense-set flag stands only when the
model prefers the sibling by at least `veto_bits`, and its suggestions are ranked by the model.

Deterministic: llama.cpp's scores do not depend on the thread count, passages are judged in text order, and gains
are compared after rounding to 0.01 bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from checks.config import Config, ConfigError, Section, Setting
from checks.document import Document, Sentence

SIBLINGS = "judge_siblings.tsv"
CONTEXT_WORDS = 10  # words before the passage the model reads
AFTER_WORDS = 4  # words after it: measured, 4-8 keep nearly all of the signal of the whole rest of the sentence
MAX_SIBLINGS = 2  # rewrites judged per passage

SECTION = Section(
    "judge",
    "The model judge (checks/judge.py): a small neural language model (SmolLM2-135M, run "
    "by llama.cpp on the CPU) compares a suspicious word with its likelier siblings in context. "
    "`--fast` on the command line turns it off for one run.",
    (
        Setting("enabled", True, "Run the judge (about 0.1 s per judged passage)."),
        Setting(
            "veto_bits",
            2.0,
            "A statistical-layer flag stands only when the model prefers its "
            "suggestion by at least this many bits (calibrated by evaluation/calibrate_judge.py on "
            "samples/mistranslation/judge-calibration.tsv: 30 of 32 calque fixes pass, 3 of 32 "
            "swaps of correct words).",
        ),
        Setting(
            "propose",
            False,
            "Also let the judge flag words no list names: a word whose sibling "
            "the model finds far likelier (rule mistranslation.model-judged). Off by default: on "
            "real machine translation only about 45% of its flags fall on a marked error "
            "(evaluation/calibrate_judge.py), below the precision the default checks keep.",
        ),
        Setting(
            "min_gain_bits",
            6.0,
            "With propose: a sibling is suggested when it makes the passage "
            "at least this many bits (2^bits times) more probable than the word as written.",
        ),
        Setting(
            "proposal_gain",
            1.0,
            "Cheap filter before the model: the n-gram model must find the "
            "sibling's word sequence at least this much (log10) more likely.",
        ),
        Setting(
            "passages_per_1000_words",
            6,
            "At most this many passages judged per 1,000 words (at least 3 per document); the most promising first.",
        ),
    ),
)


@dataclass(frozen=True)
class Settings:
    enabled: bool
    propose: bool
    min_gain_bits: float
    veto_bits: float
    proposal_gain: float
    passages_per_1000_words: float


def settings(config: Config) -> Settings:
    section = config.section("judge")
    defaults = {s.key: s.default for s in SECTION.settings}
    values = {**defaults, **section}
    for key in ("min_gain_bits", "veto_bits", "proposal_gain", "passages_per_1000_words"):
        if isinstance(values[key], bool) or not isinstance(values[key], (int, float)):
            raise ConfigError(f"{config.path or 'house style'}: [judge] {key} must be a number")
    return Settings(
        bool(values["enabled"]),
        bool(values["propose"]),
        float(values["min_gain_bits"]),
        float(values["veto_bits"]),
        float(values["proposal_gain"]),
        float(values["passages_per_1000_words"]),
    )


@lru_cache(maxsize=1)
def siblings() -> dict[str, tuple[str, ...]]:
    """word -> its siblings (single lower-case words): data/judge_siblings.tsv, then the other renderings of the
    ambiguous source words of data/mistranslation-senses.toml (keen -> live)."""
    from checks.mistranslation import senses

    table: dict[str, tuple[str, ...]] = {}
    text = resources.files("checks.data").joinpath(SIBLINGS).read_text("utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            word, _, rest = line.partition("\t")
            table[word] = tuple(rest.split(","))
    for form, entries in senses().items():
        extra = [
            forms[min(position, len(forms) - 1)]
            for sense, member, position in entries
            for other, forms in enumerate(sense.words)
            if other != member
        ]
        table[form] = tuple(dict.fromkeys([*(w for w in extra if " " not in w), *table.get(form, ())]))
    return table


@dataclass(frozen=True)
class Passage:
    """A word to judge: the sentence, the token range it covers, and the rewrites of that range to compare."""

    sentence: Sentence
    first: int
    last: int  # inclusive
    rewrites: tuple[str, ...]
    promise: float = 0.0  # the cheap filter's score: the most promising passages are judged first


@dataclass(frozen=True)
class Verdict:
    passage: Passage
    gains: tuple[tuple[str, float], ...]  # (rewrite, bits), best first

    @property
    def best(self) -> tuple[str, float]:
        return self.gains[0]


def _window(doc: Document, passage: Passage) -> tuple[str, str, str]:
    """(before, original, after) as the text has them: up to CONTEXT_WORDS words before, AFTER_WORDS after."""
    tokens = passage.sentence.tokens
    lo = max(0, passage.first - CONTEXT_WORDS)
    hi = min(len(tokens) - 1, passage.last + AFTER_WORDS)
    start, word_start = tokens[lo].start, tokens[passage.first].start
    word_end, end = tokens[passage.last].end, tokens[hi].end
    return doc.text[start:word_start], doc.text[word_start:word_end], doc.text[word_end:end]


def judge(doc: Document, passages: list[Passage]) -> list[Verdict]:
    """The model's gain for every rewrite of every passage (raises checks.lm.Unavailable)."""
    if not passages:
        return []  # nothing to judge: the model is not even loaded
    from checks.lm import scorer

    model = scorer()
    verdicts = []
    for passage in sorted(passages, key=lambda p: (p.sentence.start, p.first)):
        before, original, after = _window(doc, passage)
        gains = model.gains(before, original, passage.rewrites, after)
        ranked = sorted(
            ((r, round(g, 2)) for r, g in zip(passage.rewrites, gains, strict=True)), key=lambda x: (-x[1], x[0])
        )
        verdicts.append(Verdict(passage, tuple(ranked)))
    return verdicts


def budget(doc: Document, chosen: Settings) -> int:
    return max(3, int(chosen.passages_per_1000_words * len(doc.words) / 1000))


def propose(doc: Document, ref, chosen: Settings, skip: set[tuple[int, int]]) -> list[Passage]:
    """Words whose pair with a neighbour the reference never saw, with siblings it finds much likelier in their
    place; `skip` holds (sentence index, token index) already covered by other flags."""
    from checks.mistranslation import window_lp, word_context

    table = siblings()
    found = []
    for sentence in doc.sentences:
        tokens = sentence.tokens
        for i in range(1, len(tokens)):
            word = tokens[i].text  # the table is lower case: capitalised words (names, sentence starts) never match
            options = table.get(word)
            if not options or (sentence.index, i) in skip or not ref.known(word) or not _unseen_pair(ref, tokens, i):
                continue
            before, after = word_context(sentence, i)
            base = window_lp(ref, before, word, after)
            scored = sorted(
                ((window_lp(ref, before, s, after) - base, s) for s in options if ref.known(s)), reverse=True
            )
            kept = [(g, s) for g, s in scored[:MAX_SIBLINGS] if g >= chosen.proposal_gain]
            if kept:
                found.append(Passage(sentence, i, i, tuple(s for _, s in kept), kept[0][0]))
    return found


def _unseen_pair(ref, tokens, i: int) -> bool:
    """The word with the word before it, or with the word after it, is a pair the reference never saw."""
    word = tokens[i].lower
    prev = tokens[i - 1]
    if prev.is_word and not ref.seen(word, prev.lower):
        return True
    return i + 1 < len(tokens) and tokens[i + 1].is_word and not ref.seen(tokens[i + 1].lower, word)


def most_promising(passages: list[Passage], limit: int) -> tuple[list[Passage], int]:
    """The `limit` passages the cheap filter likes best, and how many were left out."""
    ranked = sorted(passages, key=lambda p: (-p.promise, p.sentence.start, p.first))
    return ranked[:limit], max(0, len(passages) - limit)


def status_line(judged: int, flagged: int, vetoed: int, left: int) -> str:
    """What the judge did, without timings: the same text always gets the same status (a resumed batch compares)."""
    line = f"judge: on, {judged} passages judged, {flagged} flagged, {vetoed} vetoed"
    return line + (f"; {left} more left unjudged (passages_per_1000_words)" if left else "")
