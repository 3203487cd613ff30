"""Mistranslation: calques, false friends and wrong-sense words in translated news copy.

Two layers:
- a curated lexicon (`data/mistranslation.toml`, pattern rules with lemmas, parts of speech and antipatterns):
  "assist at", "since three years", "water throwers", "heavily injured", "deliberate militias" ...;
- a statistical layer that generalises beyond it. `data/mistranslation-senses.toml` lists ambiguous source words
  with their English renderings (German "scharf": sharp / keen / live). Where a text uses one member of such a
  set, a reference model of English (see `checks.reference`) compares the words around it with each sibling in
  its place. The word is flagged when its pair with the neighbouring word was never seen by the model, the
  sibling's pair was, and the sibling makes the local word sequence much more likely (`threshold`, in log10).
  The siblings the model prefers are the suggestions, best first. Only sentences with such a candidate are tagged,
  to confirm the parts of speech.

The model judge (`checks.judge`, on unless `--fast` or `[judge] enabled = false`) then reads each of the statistical
layer's candidates in its sentence: the flag stands only when the language model also prefers the sibling by
`[judge] veto_bits`, and its suggestions come in the model's order. With `[judge] propose` it also judges the
translation and WordNet siblings of other words (rule mistranslation.model-judged). Without the model, the n-gram
decision stands alone and the status line says why.

House style `[mistranslation]`: `statistical` (true), `threshold` (1.0: the sibling must make the words around the
slot at least 10 times more likely), `seen_threshold` (2.5: the same when the model has seen the word with its
partner, which is then rarely wrong), `reference` (a file from `python -m checks build-reference`; default the
built-in model), `reference_min_count` (2, used when building).
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from checks import judge
from checks.config import Config, ConfigError, Section, Setting
from checks.document import Document, Sentence, Token
from checks.flags import Flag, RuleInfo, make_flag, overlaps
from checks.lm import Unavailable
from checks.patterns import RuleSet, load_rule_file, match_case
from checks.registry import Family, Result

STATISTICAL_RULE = "mistranslation.unlikely-sense"
JUDGED_RULE = "mistranslation.model-judged"
DEFAULT_THRESHOLD = 1.0
DEFAULT_SEEN_THRESHOLD = 2.5
ARTICLES = frozenset({"a", "an", "the"})
_SENTENCE_START, _SENTENCE_END = "<s>", "</s>"


@dataclass(frozen=True)
class Sense:
    """One ambiguous source word: its English renderings (each a tuple of forms), and where its partner is."""

    source: str
    gloss: str
    pos: frozenset[str]
    partner: frozenset[str]
    slot: str  # "modifier": partner follows; "head": partner precedes
    words: tuple[tuple[str, ...], ...]
    min_gain: float = 0.0  # a stricter threshold for sets whose members are often right


@lru_cache(maxsize=1)
def lexicon() -> RuleSet:
    return load_rule_file("mistranslation.toml")


@lru_cache(maxsize=1)
def senses() -> dict[str, list[tuple[Sense, int, int]]]:
    """Index: word form -> (sense, which member, which form) for the forms of the members that may be flagged."""
    data = tomllib.loads(resources.files("checks.data").joinpath("mistranslation-senses.toml").read_text("utf-8"))
    index: dict[str, list[tuple[Sense, int, int]]] = {}
    for entry in data["sense"]:
        sense = Sense(
            entry["source"],
            entry["gloss"],
            frozenset(entry["pos"]),
            frozenset(entry["partner"]),
            entry["slot"],
            tuple(tuple(w.split()) for w in entry["words"]),
            float(entry.get("min_gain", 0.0)),
        )
        flaggable = set(entry.get("flag", [forms[0] for forms in sense.words]))
        for member, forms in enumerate(sense.words):
            whole = forms[0] in flaggable  # a member named by its first form: all its forms; else the named ones
            for position, form in enumerate(forms):
                if whole or form in flaggable:
                    index.setdefault(form, []).append((sense, member, position))
    return index


@dataclass(frozen=True)
class Settings:
    statistical: bool
    threshold: float
    reference: str | None
    seen_threshold: float = DEFAULT_SEEN_THRESHOLD


def settings(config: Config) -> Settings:
    section = config.section("mistranslation")
    reference = section.get("reference")
    if reference and config.path is not None and not Path(reference).is_absolute():
        reference = str(Path(config.path).parent / reference)
    if reference and not Path(reference).is_file():
        raise ConfigError(f"{config.path or 'house style'}: [mistranslation] reference file not found: {reference}")
    return Settings(
        bool(section.get("statistical", True)),
        float(section.get("threshold", DEFAULT_THRESHOLD)),
        reference or None,
        float(section.get("seen_threshold", DEFAULT_SEEN_THRESHOLD)),
    )


@dataclass(frozen=True)
class Candidate:
    sentence: Sentence
    index: int  # token index of the suspicious word
    partner: int  # token index of the word it pairs with
    sense: Sense
    suggestions: tuple[tuple[str, float], ...]  # (sibling, log10 gain), best first


def word_context(tokens: Sequence[Token], first: int, last: int | None = None) -> tuple[list[str], list[str]]:
    """The two words before token `first` (nearest first) and the two after token `last` (default: `first`), cut at
    punctuation and padded with the sentence's start and end marks."""
    last = first if last is None else last
    before: list[str] = []
    j = first - 1
    while j >= 0 and len(before) < 2 and tokens[j].is_word:
        before.append(tokens[j].lower)
        j -= 1
    if len(before) < 2:
        before.append(_SENTENCE_START)
    after: list[str] = []
    j = last + 1
    while j < len(tokens) and len(after) < 2 and tokens[j].is_word:
        after.append(tokens[j].lower)
        j += 1
    if len(after) < 2:
        after.append(_SENTENCE_END)
    return before, after


def window_lp(ref, before: list[str], word: str, after: list[str]) -> float:
    """log10 probability of `word` and the (up to) two words after it, given the two words before."""
    sequence = [*reversed(before[:2]), word, *after[:2]]
    start = len(before[:2])
    total = 0.0
    for j in range(start, len(sequence)):
        total += ref.lp(sequence[j], *reversed(sequence[max(0, j - 2) : j]))
    return total


def _partner(sentence: Sentence, i: int, sense: Sense) -> int | None:
    tokens = sentence.tokens
    if sense.slot == "head":
        j = i - 1
        if "VERB" in sense.partner and j > 0 and tokens[j].lower in ARTICLES:
            j -= 1  # "made a declaration": the noun's partner is the verb
    else:
        j = i + 1
        if "VERB" in sense.pos and j < len(tokens) and tokens[j].lower in ARTICLES:
            j += 1
    if 0 <= j < len(tokens) and tokens[j].is_word and tokens[j].text[:1].islower():
        return j
    return None


def _pair_seen(ref, sentence: Sentence, i: int, j: int, word: str) -> bool:
    """Whether the reference saw `word` (in token i's place) with its partner at token j, article included."""
    tokens = sentence.tokens
    if j > i:
        between = [t.lower for t in tokens[i + 1 : j]]
        return ref.seen(tokens[j].lower, *reversed([word, *between]))
    return ref.seen(word, *reversed([t.lower for t in tokens[j:i]]))


def candidates_in(
    sentence: Sentence, ref, threshold: float, seen_threshold: float = DEFAULT_SEEN_THRESHOLD
) -> list[Candidate]:
    """Members of sense sets whose pair with the partner word is unseen while a sibling's is seen and much likelier
    (lexical tests and reference look-ups only; parts of speech are confirmed later, on these sentences alone).
    A pair the model has seen may still be a wrong sense ("the demission"), but only a far likelier sibling
    (`seen_threshold`) outweighs it."""
    found = []
    tokens = sentence.tokens
    index = senses()
    # the few tokens that are members of a sense set, found in one pass (most sentences have none)
    members = [(i, entries) for i, token in enumerate(tokens) if (entries := index.get(token.text.lower()))]
    for i, entries in members:
        token = tokens[i]
        if i > 0 and token.text[:1].isupper():
            continue
        for sense, member, position in entries:
            j = _partner(sentence, i, sense)
            if j is None:
                continue
            required = max(threshold, sense.min_gain)
            if _pair_seen(ref, sentence, i, j, token.lower):
                required = max(required, seen_threshold)
            before, after = word_context(sentence.tokens, i)
            base = window_lp(ref, before, token.lower, after)
            scored = []
            for other, forms in enumerate(sense.words):
                sibling = forms[min(position, len(forms) - 1)]
                if other == member or not ref.known(sibling) or not _pair_seen(ref, sentence, i, j, sibling):
                    continue
                gain = window_lp(ref, before, sibling, after) - base
                if gain >= required:
                    scored.append((sibling, gain))
            if scored:
                scored.sort(key=lambda s: -s[1])
                found.append(Candidate(sentence, i, j, sense, tuple(scored)))
                break
    return found


def _confirmed(doc: Document, candidate: Candidate) -> bool:
    tags = doc.tags(candidate.sentence)
    word, partner = tags[candidate.index], tags[candidate.partner]
    return word.pos in candidate.sense.pos and partner.pos in candidate.sense.partner


def _flag(doc: Document, candidate: Candidate, judged: bool = False) -> Flag:
    """The statistical layer's flag; `judged`: the suggestions' gains are the model's bits, not n-gram log10."""
    tokens = candidate.sentence.tokens
    word = tokens[candidate.index]
    lo, hi = sorted((candidate.index, candidate.partner))
    start, end = tokens[lo].start, tokens[hi].end
    phrase = doc.text[start:end]
    rel = word.start - start
    replacements = [
        phrase[:rel] + match_case(sibling, word.text) + phrase[rel + len(word.text) :]
        for sibling, _gain in candidate.suggestions
    ]
    best, gain = candidate.suggestions[0]
    gloss = candidate.sense.gloss if candidate.sense.gloss not in (word.lower, best) else word.lower
    why = f"'{word.text}' is a likely mistranslation of a word meaning both '{gloss}' and '{best}'"
    if judged:
        message = (
            f"'{phrase}': in this context '{replacements[0]}' is far more usual English (a language model finds it "
            f"about {judge.times(gain)} times more probable); {why} ({candidate.sense.source})."
        )
        confidence = round(min(0.95, 0.5 + 0.03 * gain), 2)
    else:
        message = f"'{phrase}': {why} ({candidate.sense.source}); in English, '{replacements[0]}'."
        confidence = round(min(0.9, 0.5 + 0.1 * gain), 2)
    return make_flag(
        doc.text,
        start,
        end,
        category="mistranslation",
        rule=STATISTICAL_RULE,
        message=message,
        suggestions=tuple(replacements),
        severity="warning",
        confidence=confidence,
    )


def statistical_flags(doc: Document, config: Config) -> list[Flag]:
    """The statistical layer with the n-gram reference alone (the model judge off or unavailable)."""
    return [_flag(doc, c) for c in confirmed_candidates(doc, config)]


def confirmed_candidates(doc: Document, config: Config) -> list[Candidate]:
    """The statistical layer's candidates whose parts of speech the tagger confirms."""
    chosen = settings(config)
    if not chosen.statistical:
        return []
    found = _statistical_candidates(doc, chosen)
    if not found:
        return []
    doc.tag_many({c.sentence.index: c.sentence for c in found}.values())
    return [c for c in found if _confirmed(doc, c)]


def _statistical_candidates(doc: Document, chosen: Settings) -> list:
    """Suspicious word pairs in the document, found once (tag_requests and the check both need them)."""
    found = doc.cache.get("mistranslation:candidates")
    if found is None:
        from checks.reference import load_reference

        ref = load_reference(chosen.reference)
        found = [
            c
            for sentence in doc.sentences
            for c in candidates_in(sentence, ref, chosen.threshold, chosen.seen_threshold)
        ]
        doc.cache["mistranslation:candidates"] = found
    return found


def tag_requests(doc: Document, config: Config):
    sentences = lexicon().sentences_needing_tags(doc, config.rule_enabled, config.enabled_rules)
    chosen = settings(config)
    if chosen.statistical and config.rule_enabled(STATISTICAL_RULE):
        sentences += [c.sentence for c in _statistical_candidates(doc, chosen)]
    return sentences


def check(doc: Document, config: Config) -> Result:
    flags = lexicon().check(doc, config.rule_enabled, config.enabled_rules)
    chosen = judge.settings(config)
    judged: list[Flag] | None = None
    status = "judge: off ([judge] enabled = false, or --fast)"
    if chosen.enabled:
        try:
            judged, status = _judged_flags(doc, config, chosen, flags)
        except Unavailable as exc:  # every other check still runs; the user is told why
            status = f"judge: off ({exc}); unlikely senses judged by the n-gram reference alone"
    if judged is None:
        judged = statistical_flags(doc, config) if config.rule_enabled(STATISTICAL_RULE) else []
    flags.extend(f for f in judged if not any(overlaps(f, g) for g in flags))
    return Result(flags, status)


@dataclass(frozen=True)
class Reading:
    """One passage the model read, and the statistical layer's candidate behind it: a "sense" reading, that layer's
    own flag, which the model vetoes unless it prefers the sibling too (veto_bits); or None, a "sibling" reading, a
    translation or WordNet sibling of another word ([judge] propose, sibling_bits)."""

    verdict: judge.Verdict
    candidate: Candidate | None

    @property
    def kind(self) -> str:
        return "sibling" if self.candidate is None else "sense"

    def agreed(self, chosen: judge.Settings) -> tuple[tuple[str, float], ...]:
        """The rewrites the model prefers by the bits this kind of reading needs, best first."""
        return self.verdict.above(chosen.sibling_bits if self.candidate is None else chosen.veto_bits)


@dataclass(frozen=True)
class Judged:
    """What the judge made of one document: the passages it read, the statistical layer's own candidates it did not
    read (the budget), and how many passages the budget left out."""

    readings: list[Reading]
    unjudged: list[Candidate]
    left: int


def judged(doc: Document, config: Config, chosen: judge.Settings, lexicon_flags: list[Flag]) -> Judged:
    """The model's gains for the statistical layer's candidates and, with propose, for the siblings of other
    words, within the budget (raises checks.lm.Unavailable). Words the lexicon flagged are left to it."""
    from checks.reference import load_reference

    covered = _covered(doc, lexicon_flags)
    proposed: dict[judge.Passage, Candidate | None] = {}
    if config.rule_enabled(STATISTICAL_RULE):
        for candidate in confirmed_candidates(doc, config):
            if (candidate.sentence.index, candidate.index) not in covered:
                covered.add((candidate.sentence.index, candidate.index))
                proposed[_passage(candidate)] = candidate
    if chosen.propose and config.rule_enabled(JUDGED_RULE):
        ref = load_reference(settings(config).reference)
        for passage in judge.propose(doc, ref, chosen, covered, priority=1):  # after the statistical layer's
            proposed[passage] = None
    selected, left = judge.select(list(proposed), judge.budget(doc, chosen))
    readings = [Reading(v, proposed[v.passage]) for v in judge.judge(doc, selected)]
    taken = set(selected)
    unjudged = [c for p, c in proposed.items() if c is not None and p not in taken]
    return Judged(readings, unjudged, left)


def _judged_flags(
    doc: Document, config: Config, chosen: judge.Settings, lexicon_flags: list[Flag]
) -> tuple[list[Flag], str]:
    """A passage is flagged when the model prefers a rewrite by the bits its kind needs (a statistical-layer flag it
    does not confirm is vetoed); the statistical layer's flags the budget left unread stand on the n-gram reference
    alone, as without the judge."""
    found = judged(doc, config, chosen, lexicon_flags)
    flags, vetoed, skipped = [], 0, 0
    for reading in found.readings:
        if not reading.verdict.gains:  # too long for the model: as if the budget had left it out
            skipped += 1
            if reading.candidate is not None:
                flags.append(_flag(doc, reading.candidate))
            continue
        agreed = reading.agreed(chosen)
        if reading.candidate is None:
            if agreed:
                flags.append(_judged_flag(doc, reading.verdict.passage, agreed))
        elif agreed:
            flags.append(_flag(doc, replace(reading.candidate, suggestions=agreed), judged=True))
        else:
            vetoed += 1
    flags.extend(_flag(doc, c) for c in found.unjudged)
    judged_count = len(found.readings) - skipped
    return flags, judge.status_line(judged_count, len(flags), vetoed, found.left, skipped)


def _passage(candidate: Candidate) -> judge.Passage:
    siblings = tuple(s for s, _ in candidate.suggestions[: judge.MAX_SIBLINGS])
    return judge.Passage(candidate.sentence, candidate.index, candidate.index, siblings, candidate.suggestions[0][1])


def _covered(doc: Document, flags: list[Flag]) -> set[tuple[int, int]]:
    """(sentence index, token index) of every token under one of `flags`."""
    covered = set()
    for flag in flags:
        sentence = doc.sentence_at(flag.start)
        if sentence is not None:
            covered |= {(sentence.index, i) for i, t in enumerate(sentence.tokens) if flag.start <= t.start < flag.end}
    return covered


def _judged_flag(doc: Document, passage: judge.Passage, agreed: tuple[tuple[str, float], ...]) -> Flag:
    token = passage.sentence.tokens[passage.first]
    suggestions = tuple(match_case(s, token.text) for s, _ in agreed)
    bits = agreed[0][1]
    message = (
        f"'{token.text}': in this context '{suggestions[0]}' is far more usual English (a language model finds "
        f"it about {judge.times(bits)} times more probable here); '{token.text}' may be a mistranslation of a "
        f"source word that can mean both. Check the source."
    )
    return make_flag(
        doc.text,
        token.start,
        token.end,
        category="mistranslation",
        rule=JUDGED_RULE,
        message=message,
        suggestions=suggestions,
        severity="warning",
        confidence=round(min(0.9, 0.4 + 0.03 * bits), 2),
    )


def rules() -> list[RuleInfo]:
    statistical = RuleInfo(
        STATISTICAL_RULE,
        "mistranslation",
        "A word from a set of renderings of one ambiguous source word, where the reference model of English "
        "strongly prefers a sibling in the same slot (data/mistranslation-senses.toml).",
        "Troops answered with keen fire. (→ live fire)",
        "warning",
        "checks/mistranslation.py",
    )
    judged = RuleInfo(
        JUDGED_RULE,
        "mistranslation",
        "A word whose sibling (a word a translation engine confuses it with: data/judge_translations.tsv, from "
        "bilingual dictionaries, and data/judge_siblings.tsv, from WordNet) a "
        "neural language model finds far more probable in its context (checks/judge.py).",
        "The army answered with keen fire. (→ live fire)",
        "warning",
        "checks/judge.py",
    )
    return [*lexicon().infos(), statistical, judged]


SECTION = Section(
    "mistranslation",
    "[mistranslation]: the mistranslation check family (checks/mistranslation.py). Every key is optional.",
    (
        Setting(
            "statistical",
            True,
            "The statistical layer: flag a word from a set of renderings of one ambiguous "
            'source word (German "scharf": sharp / keen / live) when the reference model of English strongly '
            "prefers a sibling in the same slot.",
        ),
        Setting(
            "threshold",
            DEFAULT_THRESHOLD,
            "How much more likely (log10) the sibling must make the words around "
            "the slot: 1.0 = ten times. Raise it for fewer, surer flags; lower it for more.",
        ),
        Setting(
            "seen_threshold",
            DEFAULT_SEEN_THRESHOLD,
            "A word the model has seen beside its neighbour is flagged "
            "only when a sibling makes the words around the slot this much more likely (log10; 2.5 = about 300 "
            'times): "his demission" -> "his resignation".',
        ),
        Setting(
            "reference",
            None,
            "Reference statistics: by default the English trigram model shipped with "
            "pocketsphinx. A newsroom can build its own from a clean archive and name it here (a path relative to "
            "this file):\n  python -m checks build-reference archive/ --out newsroom-reference.tsv.gz",
            example="newsroom-reference.tsv.gz",
        ),
        Setting(
            "reference_min_count",
            2,
            "Bigrams and trigrams seen fewer times than this are left out of a built reference.",
        ),
    ),
)

FAMILY = Family(
    name="mistranslation",
    category="mistranslation",
    check=check,
    rules=rules,
    sections=(SECTION, judge.SECTION),
    tag_requests=tag_requests,
)
