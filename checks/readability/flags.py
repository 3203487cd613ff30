"""The readability flags: hard, very hard and very long sentences, the audience target, passive voice, adverb-heavy
sentences and wordy phrases; `check` gathers them."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from checks.config import Config
from checks.document import Document, Sentence
from checks.flags import Flag, make_flag
from checks.patterns import RuleSet, load_rule_file
from checks.readability.analysis import Analysis, SentenceStats, analyse
from checks.readability.house_style import Settings, settings
from checks.registry import Result

WORDY_RULES = "wordy.toml"
WORD_LISTS = "readability_words.toml"
_BETWEEN_TAGS = frozenset({"RB", "RBR", "RBS", "VBG", "PDT", "DT"})  # not, widely, being, all


def _opening(sentence: Sentence, words: int = 6) -> str:
    tokens = [t for t in sentence.tokens if t.is_word][:words]
    if not tokens:
        return sentence.text[:40]
    quote = sentence.text[: tokens[-1].end - sentence.start]
    return quote + ("…" if len([t for t in sentence.tokens if t.is_word]) > words else "")


def _examples(s: SentenceStats, lists: WordLists) -> str:
    """Up to three of the sentence's long words worth swapping: rare enough that a news reader may stumble."""
    swap = [w for w in s.long_words if w in lists.always_swap or _zipf(w) < lists.known_zipf][:3]
    return f" ({', '.join(swap)})" if swap else ""


def _zipf(word: str) -> float:
    from checks.spelling.lexicon import lexicon  # loaded only when a hard sentence is flagged

    return lexicon().freq(word.lower().removesuffix("'s"))  # "administration's" is as known as "administration"


def _sentence_flags(doc: Document, config: Config, chosen: Settings, stats: tuple[SentenceStats, ...]):
    lists = word_lists()
    for s in stats:
        rule = None
        if s.words >= chosen.long_sentence_words and config.rule_enabled("readability.long-sentence"):
            rule = "readability.long-sentence"
            message = (
                f"Very long sentence: {s.words} words (house style: under {chosen.long_sentence_words} for "
                f"{chosen.audience}), grade {s.grade:.1f}. Split it where a new idea starts; one idea per sentence."
            )
            severity = "warning"
        elif (
            s.words >= chosen.min_sentence_words
            and s.grade >= chosen.very_hard_grade
            and config.rule_enabled("readability.very-hard-sentence")
        ):
            rule, severity = "readability.very-hard-sentence", "warning"
            message = (
                f"Very hard to read: grade {s.grade:.1f} (very hard from {chosen.very_hard_grade:g} for "
                f"{chosen.audience}). Split it and swap long words{_examples(s, lists)} for short ones."
            )
        elif (
            s.words >= chosen.min_sentence_words
            and s.grade >= chosen.hard_grade
            and config.rule_enabled("readability.hard-sentence")
        ):
            rule, severity = "readability.hard-sentence", "info"
            message = (
                f"Hard to read: grade {s.grade:.1f} (hard from {chosen.hard_grade:g} for {chosen.audience}). "
                f"Shorten it or swap long words{_examples(s, lists)} for short ones."
            )
        if rule:
            yield make_flag(
                doc.text,
                s.sentence.start,
                s.sentence.end,
                category="readability",
                rule=rule,
                message=message,
                severity=severity,
                confidence=0.9,
            )


def _audience_flag(doc: Document, chosen: Settings, analysis: Analysis) -> Flag | None:
    grade = analysis.metrics["consensus_grade"]
    if not doc.sentences or analysis.metrics["lexicon_count"] < chosen.min_document_words:
        return None
    if grade <= chosen.target_grade:
        return None
    # The sentences that matter most: the most grade points above target, weighted by length.
    ranked = sorted(
        (s for s in analysis.sentences if s.grade > chosen.target_grade and s.words >= chosen.min_sentence_words),
        key=lambda s: (s.grade - chosen.target_grade) * s.words,
        reverse=True,
    )[: chosen.worst_sentences]
    worst = "; ".join(
        f'sentence {s.sentence.index + 1} (grade {s.grade:.1f}: "{_opening(s.sentence)}")' for s in ranked
    )
    message = (
        f"The text reads at grade {grade:.1f} (median of five readability formulas), "
        f"{grade - chosen.target_grade:.1f} above the {chosen.audience} target of {chosen.target_grade:g}."
        + (f" Fix these first: {worst}." if ranked else " No single sentence stands out: shorten words throughout.")
    )
    # About the whole document, so it points at no text (start == end == 0, empty quote): anchored on the first
    # sentence it read as a verdict on the headline.
    return make_flag(
        doc.text,
        0,
        0,
        category="readability",
        rule="readability.audience-grade",
        message=message,
        severity="warning",
        confidence=0.8,
    )


def check(doc: Document, config: Config) -> Result:
    chosen = settings(config)
    analysis = analyse(doc)
    flags: list[Flag] = list(_sentence_flags(doc, config, chosen, analysis.sentences))
    if config.rule_enabled("readability.audience-grade"):
        flag = _audience_flag(doc, chosen, analysis)
        if flag:
            flags.append(flag)
    if chosen.passive_voice and config.rule_enabled("readability.passive-voice"):
        flags.extend(passive_flags(doc, chosen.use_tagger))
    if config.rule_enabled("readability.adverbs"):
        flags.extend(adverb_flags(doc, chosen.adverbs_per_sentence, chosen.use_tagger))
    flags.extend(wordy_flags(doc, config))
    return Result(flags)


@dataclass(frozen=True)
class WordLists:
    be_forms: frozenset[str]
    between: frozenset[str]
    irregular: frozenset[str]
    not_participles: frozenset[str]
    adjectival: frozenset[str]
    clear_followers: frozenset[str]
    adjectival_before_to: frozenset[str]
    not_adverbs: frozenset[str]
    known_zipf: float
    always_swap: frozenset[str]


@lru_cache(maxsize=1)
def word_lists() -> WordLists:
    data = tomllib.loads(resources.files("checks.data").joinpath(WORD_LISTS).read_text("utf-8"))
    passive, context = data["passive"], data["passive_context"]
    return WordLists(
        **{k: frozenset(passive[k]) for k in ("be_forms", "between", "irregular", "not_participles", "adjectival")},
        clear_followers=frozenset(context["clear_followers"]),
        adjectival_before_to=frozenset(context["adjectival_before_to"]),
        not_adverbs=frozenset(data["adverbs"]["not_adverbs"]),
        known_zipf=float(data["long_words"]["known_zipf"]),
        always_swap=frozenset(data["long_words"]["always_swap"]),
    )


def _maybe_participle(word: str, lists: WordLists) -> bool:
    if word in lists.adjectival or word in lists.not_participles:
        return False
    return word in lists.irregular or (len(word) > 4 and word.endswith("ed"))


@dataclass(frozen=True)
class PassiveCandidate:
    sentence: Sentence
    be: int  # token index of the be-form
    participle: int  # token index of the participle
    clear: bool  # the words around leave no doubt; otherwise the tagger decides


def _passive_candidates(
    sentence: Sentence, lists: WordLists, lower: tuple[str, ...] | None = None
) -> list[PassiveCandidate]:
    """Be-form, up to two adverbs ("was not", "were widely"), then a likely past participle."""
    lower = lower if lower is not None else tuple(t.text.lower() for t in sentence.tokens)
    found: list[PassiveCandidate] = []
    if lists.be_forms.isdisjoint(lower):
        return found
    n = len(lower)
    for i, word in enumerate(lower):
        if word not in lists.be_forms or (found and i <= found[-1].participle):  # "are being forced": once
            continue
        j = i + 1
        while j < n and j <= i + 2 and lower[j] in lists.between:
            j += 1
        if j >= n or not _maybe_participle(lower[j], lists):
            continue
        following = lower[j + 1] if j + 1 < n else ""
        if following == "to" and lower[j] in lists.adjectival_before_to:
            continue
        clear = (
            not following
            or not following[:1].isalnum()
            or following in lists.clear_followers
            or (following.endswith("ly") and following not in lists.not_adverbs)
        )
        found.append(PassiveCandidate(sentence, i, j, clear))
    return found


def passive_flags(doc: Document, use_tagger: bool = False) -> list[Flag]:
    """Be + past participle. Clear cases are decided from the words; the tagger confirms the rest (VBN, not
    followed by a noun), and only those sentences are tagged. Without the tagger unclear cases are left alone."""
    lists = word_lists()
    candidates = [
        c
        for s, lower in zip(doc.sentences, doc.lower_tokens, strict=True)
        for c in _passive_candidates(s, lists, lower)
        if c.clear or use_tagger
    ]
    unclear = list({c.sentence.index: c.sentence for c in candidates if not c.clear}.values())
    if unclear:
        doc.tag_many(unclear)
    flags = []
    for c in candidates:
        tokens = c.sentence.tokens
        if not c.clear:
            tags = doc.tags(c.sentence)
            if tags[c.participle].tag != "VBN" or any(
                tags[k].tag not in _BETWEEN_TAGS for k in range(c.be + 1, c.participle)
            ):
                continue
            after = tags[c.participle + 1].tag if c.participle + 1 < len(tokens) else ""
            existential = any(t.lower == "there" for t in tokens[max(0, c.be - 2) : c.be])
            if after == "NNS" or (after == "NN" and existential):
                continue  # attributive, not passive: "there might be automated buses" ("was elected president" is)
        agent = any(t.lower == "by" for t in tokens[c.participle + 1 : c.participle + 3])  # "turned away by"
        start, end = tokens[c.be].start, tokens[c.participle].end
        phrase = doc.text[start:end]
        message = (
            f"Passive voice: '{phrase}'. Put the one who acts (named after \"by\") first: active sentences are "
            "shorter and clearer."
            if agent
            else f"Passive voice: '{phrase}' does not say who acted. If the actor is known and matters, name it and "
            "use the active voice."
        )
        flags.append(
            make_flag(
                doc.text,
                start,
                end,
                category="readability",
                rule="readability.passive-voice",
                message=message,
                severity="info",
                confidence=0.8,
            )
        )
    return flags


def adverb_flags(doc: Document, threshold: int, use_tagger: bool = False) -> list[Flag]:
    """Sentences carrying `threshold` or more -ly adverbs (tagged RB): most can go or become a stronger verb."""
    lists = word_lists()
    flags = []
    for sentence, lower in zip(doc.sentences, doc.lower_tokens, strict=True):
        if sentence.text.lower().count("ly") < threshold:  # the common case: too few words can end in -ly
            continue
        positions = [
            i
            for i, word in enumerate(lower)
            if word.endswith("ly")
            and len(word) > 4
            and word not in lists.not_adverbs
            and word.isalpha()
            and (i == 0 or not sentence.tokens[i].text[0].isupper())  # "Kelly", "Beverly" mid-sentence are names
        ]
        if len(positions) < threshold:
            continue
        tags = doc.tags(sentence) if use_tagger else None
        adverbs = [sentence.tokens[i].text for i in positions if tags is None or tags[i].tag == "RB"]
        if len(adverbs) < threshold:
            continue
        listed = ", ".join(dict.fromkeys(adverbs))
        flags.append(
            make_flag(
                doc.text,
                sentence.start,
                sentence.end,
                category="readability",
                rule="readability.adverbs",
                message=f"{len(adverbs)} adverbs in one sentence ({listed}). Cut the ones that add nothing, or use a "
                'stronger verb instead ("ran quickly" -> "raced").',
                severity="info",
                confidence=0.7,
            )
        )
    return flags


@lru_cache(maxsize=1)
def wordy_rules() -> RuleSet:
    return load_rule_file(WORDY_RULES)


def wordy_flags(doc: Document, config: Config) -> list[Flag]:
    return wordy_rules().check(doc, config.rule_enabled, config.enabled_rules)
