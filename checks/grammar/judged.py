"""The model-judged grammar layer: language-model error correction without annotated data (Bryant and Briscoe,
"Language Model Based Grammatical Error Correction without Annotated Training Data", BEA 2018), in three steps.

1. Proposal (lexical tests and n-gram look-ups, every sentence): a preposition may become another of its confusion
   set; an article may become another ("a"/"an" by the sound of the next word) or go, and one may come in before a
   word no determiner precedes; a verb after an auxiliary, a modal or "to" may take the form the auxiliary asks
   for (the sets: data/grammar-confusions.toml and data/grammar-verb-forms.tsv, see `confusions.py`). A rewrite
   is proposed only where the n-gram reference (checks/reference.py) finds the words around the slot at least
   `judge_prefilter` (log10) likelier with it. Tokens a grammar rule already flagged are left to the rule.
2. Budget: at most `judge_passages_per_1000_words` passages per document (at least `MIN_PASSAGES`), the
   ones the reference likes best first; the rest are left unjudged and the status line says how many.
3. Judgement: the model judge (checks/judge.py) scores every rewrite in its sentence; a passage is flagged when its
   best rewrite makes the sentence at least `judge_<kind>_bits` more probable (2^bits times) and, for prepositions
   and articles, passes the context test: the rewrite must gain at least `judge_context_bits` more in its sentence
   than with the words before the passage left out (one more short model pass, only for a passage that cleared its
   threshold). A slip is wrong for what precedes it ("the source about the water"); a rewrite that gains as much
   without it is only the commoner phrase ("toward the Middle East" -> "in the Middle East").

The thresholds were calibrated by `evaluation/eval_grammar.py --calibrate` on one half (a stable hash of the sentence)
of JFLEG dev, DEMETR (with its unperturbed MT and human references as clean text) and WMT 2021 zh-en news MQM: per
kind, the lowest threshold at which precision stays at 0.9 or more and clean text gets at most 0.05 false alarms per
1,000 words, or higher where that rate would still be too many on long clean news.
`evaluation/eval_grammar.py` reports the other halves and all of OneStopEnglish, never tuned on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checks import judge
from checks.config import Config, ConfigError, Section, Setting
from checks.document import OPENERS, Document, Sentence, Token
from checks.flags import Flag, RuleInfo, make_flag
from checks.grammar.confusions import confusion_sets, verb_forms
from checks.grammar.mechanisms import VOWEL, initial_sound
from checks.lm import Unavailable
from checks.mistranslation import word_context

PREPOSITION, ARTICLE, VERB_FORM = "preposition", "article", "verb-form"
KINDS = (PREPOSITION, ARTICLE, VERB_FORM)
RULES = {kind: f"grammar.model-judged-{kind}" for kind in KINDS}
SOURCE = "checks/grammar/judged.py"
# The kinds whose flags must pass the context test (owed_to_context). Not verb forms: the auxiliary before the verb
# is the whole case, and a bare verb alone reads as an order ("visit the region next week"), so the test is moot.
CONTEXT_TESTED = (PREPOSITION, ARTICLE)
MAX_REWRITES = 3  # per passage: the ones the reference likes best
MIN_PASSAGES = 1  # judged per document, whatever its length
_FORMS_AFTER = {"base": ("VB",), "have": ("VBN",), "be": ("VBG", "VBN")}

SECTION = Section(
    "grammar",
    "[grammar]: the grammar family (checks/grammar/). Its model-judged layer proposes prepositions, articles and "
    "verb forms that the n-gram reference prefers and lets the model judge ([judge], checks/judge.py) decide; "
    "`--fast`, `[judge] enabled = false` or a missing model leave the pattern rules alone, as before.",
    (
        Setting(
            "judge",
            True,
            "Run the model-judged layer (rules grammar.model-judged-preposition, -article, -verb-form) whenever the "
            "model judge runs ([judge] enabled, not --fast). Its flags must clear a per-kind threshold and the context "
            "test (judge_context_bits); see evaluation/eval_grammar.py for what it finds and its false alarms.",
        ),
        Setting(
            "judge_passages_per_1000_words",
            2,
            "At most this many passages judged per 1,000 words (at least 1 per document), the ones the n-gram "
            "reference likes best first; about 0.2 s each on 2 cores (a window of up to 26 words around each). The "
            "rest are left unjudged and the status line says how many.",
        ),
        Setting(
            "judge_prefilter",
            0.5,
            "A rewrite goes to the model only when the n-gram reference finds the words around it at least this "
            "much (log10) likelier with it.",
        ),
        Setting(
            "judge_context_bits",
            8.0,
            "A preposition or article the model agrees with is suggested only when it gains at least this many bits "
            "more in its sentence than it gains with the words before the passage left out: a slip is wrong for its "
            "context, while a rewrite that gains as much without it is only the more usual phrase ('in the Middle "
            "East' for 'toward the Middle East'). Chosen with the thresholds below (evaluation/eval_grammar.py "
            "--calibrate: at 8 bits no article flag on clean text of the tune halves).",
        ),
        Setting(
            "judge_preposition_bits",
            13.0,
            "Another preposition is suggested when it makes the sentence at least this many bits (2^bits times) "
            "more probable. Calibrated by evaluation/eval_grammar.py --calibrate on the tune halves of JFLEG, DEMETR "
            "and WMT 2021 news: with the context test, the lowest threshold keeping precision at 0.9 or more and at "
            "most 0.05 false alarms per 1,000 words of clean text is 10 bits (21 of 22 flags right); kept at 13 "
            "(about 17 of 18), since 0.05 per 1,000 words would still be about 9 false alarms on OneStopEnglish.",
        ),
        Setting(
            "judge_article_bits",
            13.0,
            "An article changed, removed or added is suggested when it makes the sentence at least this many bits "
            "more probable. Calibrated likewise, with the context test (8 of 8 flags right, none on clean text).",
        ),
        Setting(
            "judge_verb_form_bits",
            8.0,
            "Another form of a verb after an auxiliary, a modal or 'to' is suggested when it makes the sentence at "
            "least this many bits more probable. Calibrated likewise, on only 2 flags (the rules catch most of these "
            "slips first).",
        ),
    ),
)


@dataclass(frozen=True)
class Settings:
    judge: bool
    passages_per_1000_words: float
    prefilter: float
    context_bits: float  # the least gain owed to the words before the passage
    bits: dict[str, float]  # kind -> bits needed


def _key(kind: str) -> str:
    return f"judge_{kind.replace('-', '_')}_bits"


def settings(config: Config) -> Settings:
    values = {**{s.key: s.default for s in SECTION.settings}, **config.section("grammar")}
    where = f"{config.path or 'house style'}: [grammar]"
    if not isinstance(values["judge"], bool):
        raise ConfigError(f"{where} judge must be true or false")
    for setting in SECTION.settings[1:]:
        value = values[setting.key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where} {setting.key} must be a number")
    return Settings(
        judge=values["judge"],
        passages_per_1000_words=float(values["judge_passages_per_1000_words"]),
        prefilter=float(values["judge_prefilter"]),
        context_bits=float(values["judge_context_bits"]),
        bits={kind: float(values[_key(kind)]) for kind in KINDS},
    )


# ---- proposal --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """A passage for the judge and what it is: its kind, and the n-gram gain (log10) of each rewrite."""

    kind: str
    passage: judge.Passage
    ngram: tuple[float, ...]


class _Reference:
    """The n-gram reference with the look-ups this layer makes, and a memory of the words it knows."""

    def __init__(self, ref) -> None:
        self.lp = ref.lp
        self._known_word = ref.known
        self._known: dict[str, bool] = {}

    def known(self, word: str) -> bool:
        found = self._known.get(word)
        if found is None:
            found = self._known[word] = self._known_word(word)
        return found

    def window(self, before: list[str], words: Sequence[str], after: list[str]) -> float:
        """log10 probability of `words` and the words after them, given the two words before (nearest first)."""
        sequence = [*reversed(before[:2]), *words, *after]
        lp = self.lp
        total = 0.0
        for k in range(len(before[:2]), len(sequence)):
            total += lp(sequence[k], *reversed(sequence[max(0, k - 2) : k]))
        return total


class _Slot:
    """Tokens first..last of a sentence, with the n-gram score of the words as written, to compare rewrites with."""

    def __init__(self, ref: _Reference, tokens: Sequence[Token], first: int, last: int) -> None:
        self.ref = ref
        self.before, self.after = word_context(tokens, first, last)
        self.base = ref.window(self.before, [t.lower for t in tokens[first : last + 1]], self.after)

    def gain(self, rewrite: str) -> float:
        words = rewrite.lower().split()
        if not all(self.ref.known(w) for w in words):
            return float("-inf")
        return self.ref.window(self.before, words, self.after) - self.base


def _proposal(
    kind: str, sentence: Sentence, first: int, last: int, rewrites: Sequence[str], ref: _Reference, prefilter: float
) -> Proposal | None:
    """The rewrites the reference likes at least `prefilter` better, best first (at most MAX_REWRITES), or None."""
    slot = _Slot(ref, sentence.tokens, first, last)
    scored = sorted(((slot.gain(r), r) for r in dict.fromkeys(rewrites)), key=lambda x: -x[0])
    kept = [(g, r) for g, r in scored[:MAX_REWRITES] if g >= prefilter]
    if not kept:
        return None
    passage = judge.Passage(sentence, first, last, tuple(r for _, r in kept), round(kept[0][0], 4))
    return Proposal(kind, passage, tuple(g for g, _ in kept))


def _first_word(sentence: Sentence) -> int:
    """The index of the sentence's first token after any opening quotes and brackets."""
    return next((i for i, t in enumerate(sentence.tokens) if t.text not in OPENERS), 0)


def _is_plain_word(token: Token) -> bool:
    return token.is_word and token.text.isalpha()


def preposition_proposals(sentence: Sentence, ref: _Reference, prefilter: float, free) -> list[Proposal]:
    sets = confusion_sets()
    found = []
    first = _first_word(sentence)
    for i, token in enumerate(sentence.tokens):
        if token.lower not in sets.prepositions or not free(i) or i == first or not token.text.islower():
            continue  # a sentence's first word opens a phrase freely; a capitalised one belongs to a name or a title
        rewrites = [p for p in sets.preposition_rewrites if p != token.lower]
        proposal = _proposal(PREPOSITION, sentence, i, i, rewrites, ref, prefilter)
        if proposal:
            found.append(proposal)
    return found


def _article_for(word: str) -> str | None:
    sound = initial_sound(word)
    if sound is None:
        return None
    return "an" if sound == VOWEL else "a"


def article_proposals(sentence: Sentence, ref: _Reference, prefilter: float, free) -> list[Proposal]:
    """An article changed or removed (the passage is the article and the next word), or one inserted before a
    lower-case word that no determiner precedes (the passage is that word)."""
    sets = confusion_sets()
    tokens = sentence.tokens
    first = _first_word(sentence)
    found = []
    for i, token in enumerate(tokens):
        if not free(i) or i <= first or not token.text.islower():
            continue  # the subject's article is a writer's choice ("The experts", "Experts"); "The Hague" a name
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.lower in sets.articles and nxt is not None and _is_plain_word(nxt) and free(i + 1):
            word = nxt.text
            other = "the" if token.lower in ("a", "an") else _article_for(word)
            rewrites = [f"{other} {word}"] if other else []
            if word[:1].islower():  # an article before a name stays: "the BBC"
                rewrites.append(word)
            proposal = _proposal(ARTICLE, sentence, i, i + 1, rewrites, ref, prefilter) if rewrites else None
            if proposal:
                found.append(proposal)
            continue
        if not _is_plain_word(token) or token.lower in sets.never_before_article:
            continue
        previous = tokens[i - 1]
        if previous.lower in sets.never_after_article or previous.lower in sets.articles:
            continue
        rewrites = [f"the {token.text}"]
        article = _article_for(token.text)
        if article:
            rewrites.append(f"{article} {token.text}")
        proposal = _proposal(ARTICLE, sentence, i, i, rewrites, ref, prefilter)
        if proposal:
            found.append(proposal)
    return found


def _auxiliary_before(tokens: Sequence[Token], i: int) -> str | None:
    """The kind of auxiliary ("base", "have", "be") right before token i, or before one adverb before it."""
    sets = confusion_sets()
    j = i - 1
    if j >= 0 and tokens[j].lower in sets.between:
        j -= 1
    if j < 0 or not tokens[j].is_word or (tokens[j].text[:1].isupper() and j > 0):
        return None  # "May" inside a sentence is the month
    return sets.auxiliaries.get(tokens[j].lower)


def verb_form_proposals(sentence: Sentence, ref: _Reference, prefilter: float, free) -> list[Proposal]:
    found = []
    tokens = sentence.tokens
    for i, token in enumerate(tokens):
        if i == 0 or not free(i) or not (_is_plain_word(token) and token.text.islower()):
            continue
        kind = _auxiliary_before(tokens, i)
        if kind is None:
            continue
        rewrites = verb_forms(token.lower, _FORMS_AFTER[kind])
        proposal = _proposal(VERB_FORM, sentence, i, i, rewrites, ref, prefilter) if rewrites else None
        if proposal:
            found.append(proposal)
    return found


PROPOSERS = {PREPOSITION: preposition_proposals, ARTICLE: article_proposals, VERB_FORM: verb_form_proposals}
# What decides the proposals (evaluation/eval_grammar.py keeps the model's readings while these stay the same).
PROPOSAL_CODE = (
    "_Reference",
    "_Slot",
    "_proposal",
    "_first_word",
    "_is_plain_word",
    "_article_for",
    "_auxiliary_before",
    "preposition_proposals",
    "article_proposals",
    "verb_form_proposals",
    "proposals",
)


def proposals(doc: Document, ref, prefilter: float, covered: set[tuple[int, int]], kinds=KINDS) -> list[Proposal]:
    """Every passage the reference would rewrite, in text order; `covered` holds the (sentence index, token index)
    pairs that grammar rules already flagged, which are left to them. Passages of different kinds may overlap."""
    found: list[Proposal] = []
    scorer = _Reference(ref)
    for sentence in doc.sentences:

        def free(i: int, index: int = sentence.index) -> bool:
            return (index, i) not in covered

        for kind in kinds:
            found.extend(PROPOSERS[kind](sentence, scorer, prefilter, free))
    return found


def covered_tokens(doc: Document, flags: Sequence[Flag]) -> set[tuple[int, int]]:
    """(sentence index, token index) of every token a flag touches."""
    covered = set()
    for flag in flags:
        sentence = doc.sentence_at(flag.start)
        if sentence is not None:
            covered |= {
                (sentence.index, i) for i, t in enumerate(sentence.tokens) if t.start < flag.end and flag.start < t.end
            }
    return covered


# ---- judgement -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Judged:
    """What the model made of one document's proposals: (proposal, verdict) pairs, and how many the budget left."""

    readings: list[tuple[Proposal, judge.Verdict]]
    left: int


def budget(doc: Document, chosen: Settings) -> int:
    return max(MIN_PASSAGES, int(chosen.passages_per_1000_words * len(doc.words) / 1000))


def _reference(config: Config):
    from checks.mistranslation import settings as mistranslation_settings
    from checks.reference import load_reference

    return load_reference(mistranslation_settings(config).reference)


def judged(doc: Document, config: Config, chosen: Settings, rule_flags: Sequence[Flag], limit: int | None = None):
    """The model's verdicts on the passages the budget (or `limit`) lets through, the surest by the reference
    first (raises checks.lm.Unavailable)."""
    kinds = tuple(k for k in KINDS if config.rule_enabled(RULES[k]))
    found = proposals(doc, _reference(config), chosen.prefilter, covered_tokens(doc, rule_flags), kinds)
    by_passage = {id(p.passage): p for p in found}
    selected, left = judge.select([p.passage for p in found], budget(doc, chosen) if limit is None else limit)
    verdicts = judge.judge(doc, selected)
    return Judged([(by_passage[id(v.passage)], v) for v in verdicts], left)


def check(doc: Document, config: Config, rule_flags: Sequence[Flag]) -> tuple[list[Flag], str]:
    """The layer's flags and its status line; none, and the rules alone, when the judge is off or unavailable."""
    chosen = settings(config)
    if not chosen.judge or not any(config.rule_enabled(r) for r in RULES.values()):
        return [], ""
    if not judge.settings(config).enabled:
        return [], ""  # --fast or [judge] enabled = false: the judge's own status line says so, once
    try:
        found = judged(doc, config, chosen, rule_flags)
    except Unavailable as exc:
        return [], f"judge: off ({exc}); grammar rules only"
    flags = []
    for proposal, verdict in found.readings:
        agreed = verdict.above(chosen.bits[proposal.kind])
        if agreed and proposal.kind in CONTEXT_TESTED:
            agreed = owed_to_context(doc, proposal.passage, agreed, chosen.context_bits)
        if agreed:
            flags.append(judged_flag(doc, proposal, agreed))
    status = f"judge: on, {len(found.readings)} passages judged, {len(flags)} flagged"
    if found.left:
        status += f"; {found.left} more left unjudged (judge_passages_per_1000_words)"
    return flags, status


def gains_without_context(doc: Document, passage: judge.Passage, rewrites: Sequence[str]) -> tuple[float, ...]:
    """The model's gain for each rewrite when it reads only the passage and the words after it, nothing before
    (raises checks.lm.Unavailable)."""
    try:
        return judge.gains_near(doc, passage, rewrites, before=0, after=judge.AFTER_WORDS)
    except ValueError:  # over the model's context: no contrast to be had, so no flag
        return tuple(float("inf") for _ in rewrites)


def owed_to_context(
    doc: Document, passage: judge.Passage, agreed: tuple[tuple[str, float], ...], context_bits: float
) -> tuple[tuple[str, float], ...]:
    """The agreed rewrites whose gain in the sentence is at least `context_bits` more than their gain without the
    words before the passage. A slip is wrong for its context ("the source about the water"); a rewrite that gains
    as much with no context at all is only the more usual phrase ("in the Middle East" for "toward the Middle
    East"), which says nothing about what the writer meant."""
    alone = gains_without_context(doc, passage, [r for r, _ in agreed])
    return tuple((r, g) for (r, g), a in zip(agreed, alone, strict=True) if g - a >= context_bits)


# ---- flags -----------------------------------------------------------------------------------------------------


def _explain(proposal: Proposal, written: str, fix: str) -> str:
    tokens = proposal.passage.sentence.tokens
    first = tokens[proposal.passage.first]
    if proposal.kind == PREPOSITION:
        return f"'{written}' is probably the wrong preposition here: '{fix}' is what English uses in this context."
    if proposal.kind == VERB_FORM:
        before = tokens[proposal.passage.first - 1].text
        return f"After '{before}', the verb takes another form: '{fix}', not '{written}'."
    if len(fix.split()) > len(written.split()):
        return f"An article seems to be missing before '{first.text}': '{fix}'."
    if len(fix.split()) < len(written.split()):
        return f"'{first.text}' seems out of place here: '{fix}' reads as English."
    return f"'{fix.split()[0]}' fits this noun phrase better than '{first.text}'."


def judged_flag(doc: Document, proposal: Proposal, agreed: tuple[tuple[str, float], ...]) -> Flag:
    passage = proposal.passage
    written = doc.text[passage.start : passage.end]
    fix, bits = agreed[0]
    message = (
        f"{_explain(proposal, written, fix)} A language model finds the sentence about {judge.times(bits)} times more "
        "probable with it; check the meaning."
    )
    return make_flag(
        doc.text,
        passage.start,
        passage.end,
        category="grammar",
        rule=RULES[proposal.kind],
        message=message,
        suggestions=tuple(r for r, _ in agreed),
        severity="warning",
        confidence=round(min(0.9, 0.5 + 0.02 * bits), 2),
    )


_DESCRIPTIONS = {
    PREPOSITION: (
        "A preposition governed by a neighbouring word where the n-gram reference and a neural language model "
        "(checks/judge.py) both find another of its confusion set far more probable, for the words before it and not "
        "only as the commoner phrase (data/grammar-confusions.toml).",
        "Comets may have been the source about the water on Earth. (→ of)",
    ),
    ARTICLE: (
        "An article (a, an, the) that a neural language model finds far better changed, removed or added, for the "
        "words before it, where the n-gram reference agrees.",
        "He went to the school by a bus. (→ by bus)",
    ),
    VERB_FORM: (
        "A verb after an auxiliary, a modal or 'to' in a form a neural language model finds far less probable than "
        "the one the auxiliary asks for (data/grammar-verb-forms.tsv).",
        "The minister can went home. (→ go)",
    ),
}


def rules() -> list[RuleInfo]:
    return [
        RuleInfo(RULES[kind], "grammar", description, example, "warning", SOURCE)
        for kind, (description, example) in _DESCRIPTIONS.items()
    ]
