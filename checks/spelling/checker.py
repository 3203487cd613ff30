"""The run-time spelling check: which words to judge (never a name, acronym, URL or unit), and the flags."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from checks.config import Config
from checks.document import OPENERS, Document, Sentence, Token
from checks.flags import Flag, make_flag
from checks.registry import Result
from checks.spelling.dialect import VARIANT_NAMES, Dialect, choose, flagged_forms, mixed_forms, other_form, spelling_of
from checks.spelling.lexicon import (
    _APOSTROPHES,
    _CHECKABLE,
    MAX_WORD_LENGTH,
    _edits1,
    _fold,
    _particles,
    accepted_words,
    is_known,
    language_model,
    lexicon,
    looks_like_name,
    rare_words,
    variants,
    word_lists,
)
from checks.spelling.ranking import Scored, _cheap_slips, _score, context_logprob, edit_cost, rank
from checks.spelling.reranking import Found, new_orders

RULE_TYPO = "spelling.typo"
RULE_UNKNOWN = "spelling.unknown-word"
RULE_VARIANT = "spelling.variant"
RULE_MIXED = "spelling.mixed-variants"
VARIANTS = ("auto", "both", "us", "uk", "au", "ca")
DEFAULT_VARIANT = "auto"  # [spelling] variant when the house style does not say

_HYPHENS = re.compile(r"[-‐]")
_OPENERS_AND_DASHES = OPENERS | frozenset("—–-:")  # also a dash or colon before a quoted or listed sentence
SPLIT_ZIPF = 3.0  # a word split in two is flagged when the join is at least this common (fi rst -> first)
GLOSS_WORDS = 6  # a bracket this short right after an unknown word glosses a foreign term: stor stark (large strong)
MAX_FLAGS = 300  # a text with more is not English copy with typos; stop rather than rank thousands
_DIALECT_STATUS = "spelling.dialect"  # doc.cache key: what [spelling] variant = "auto" chose, for the status line


@dataclass(frozen=True)
class Settings:
    variant: str = DEFAULT_VARIANT  # auto | both | us | uk | au | ca
    consistent: bool = False  # flag a word spelt both ways in one text (organisation ... organization)
    oxford_ize: bool = False  # with variant = "uk" or "au": accept -ize (organize) as Oxford spelling
    flag_unknown: bool = False  # also flag (as info) unknown lower-case words with no close correction
    context: bool = True  # rank corrections with the n-gram model
    user_words: frozenset[str] = frozenset()
    detected: bool = False  # the variant was chosen from the document's own spelling (auto)

    @classmethod
    def from_config(cls, config: Config) -> Settings:
        section = config.section("spelling")
        variant = str(section.get("variant", DEFAULT_VARIANT)).lower()
        if variant not in VARIANTS:
            from checks.config import ConfigError

            raise ConfigError(
                f"{config.path or 'house style'}: [spelling] variant must be auto, both, us, uk, au or ca"
            )
        return cls(
            variant=variant,
            consistent=bool(section.get("consistent", False)),
            oxford_ize=bool(section.get("oxford_ize", False)),
            flag_unknown=bool(section.get("flag_unknown", False)),
            context=bool(section.get("context", True)),
            user_words=accepted_words(config.user_words, variant),  # with au, ca: the dialect's own words too
        )


def judge(
    folded: str,
    before: tuple[str, ...] = (),
    after: str | None = None,
    context: bool = True,
    user_words: frozenset[str] = frozenset(),
) -> list[Scored] | None:
    """The decision for one lower-case word: None when it is accepted, else its corrections best first (possibly
    none). Single letters are never judged; two-letter non-words only when they are a swapped common word."""
    if len(folded) < 2 or len(folded) > MAX_WORD_LENGTH or is_known(folded, user_words):
        return None
    if len(folded) == 2:
        swapped = folded[::-1]
        freq = lexicon().freq(swapped)
        return [Scored(swapped, 1, 0.6, freq)] if freq >= 5.5 else None
    return rank(folded, before, after) if context else rank(folded)


def _is_opening(tokens: tuple[Token, ...], i: int) -> bool:
    """Whether token i opens a sentence or a quoted sentence, where capitals say nothing about names."""
    for j in range(i - 1, -1, -1):
        text = tokens[j].text
        if text in _OPENERS_AND_DASHES:
            return True
        if text[:1].isalpha():
            return False
    return True


def _word_parts(token: Token) -> list[tuple[str, int]]:
    """The pieces of a hyphenated token with their offsets in the document."""
    parts, cursor = [], token.start
    for piece in _HYPHENS.split(token.text):
        parts.append((piece, cursor))
        cursor += len(piece) + 1
    return parts


_SKIP_RE = re.compile(r"[./@:#_\\\d]|^[Ww]ww|.[A-Z]")


def _skippable(text: str) -> bool:
    """URLs, e-mail addresses, dotted abbreviations, words with digits or inner capitals (iPhone, al-Kadhimi), and
    runs of letters longer than any English word (pasted junk: no suggestion could fit, and searching is costly)."""
    return len(text) > MAX_WORD_LENGTH or _SKIP_RE.search(text) is not None


_LIGATURES = re.compile("[\ufb00-\ufb06]")


def _out_of_prose(doc: Document, tokens: tuple[Token, ...], i: int) -> bool:
    """Tokens that are not running words: glued to a dot, slash or @ (Amazon.co.uk, Mbit/s), a short unit
    after a number (50 ft), a quoted mention ("caro" means), a term being introduced (known as elvers), or next to a
    PDF ligature that split a word (bene ﬁ ts)."""
    token, text = tokens[i], doc.text
    before = text[token.start - 1] if token.start else " "
    after = text[token.end] if token.end < len(text) else " "
    after2 = text[token.end + 1] if token.end + 1 < len(text) else " "
    if before in "./\\@_-‐" or after in "/@_\\-‐" or (after == "." and after2.isalnum()):
        return True
    if before == "(" and token.start > 1 and text[token.start - 2].isalnum():
        return True  # PARK(ing): a word built with brackets
    if before == "(" and after == ")":
        return True  # (mbps): an abbreviation or term introduced in brackets
    prev = tokens[i - 1] if i else None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if prev is not None and prev.text[:1].isdigit() and len(token.text) <= 2:
        return True
    if prev is not None and nxt is not None and prev.text in "\"“‘'«" and nxt.text in "\"”’'»":
        return True
    introducers = _introducers()
    words = [t.text.lower() for t in tokens[max(0, i - 2) : i] if t.is_word]
    if words and (words[-1] in introducers or " ".join(words[-2:]) in introducers):
        return True
    near = "".join(t.text for t in tokens[max(0, i - 1) : i + 2])
    return bool(_LIGATURES.search(near))


@lru_cache(maxsize=1)
def _introducers() -> frozenset[str]:
    return frozenset(word_lists()["introducers"])


@lru_cache(maxsize=1)
def _foreign_leads() -> frozenset[str]:
    return frozenset(word_lists()["foreign_leads"])


def _foreign_phrase(doc: Document, tokens: tuple[Token, ...], i: int) -> bool:
    """A word of a foreign phrase: after a foreign article or preposition that English never uses alone (en masse,
    au naturel, qu'on regarde), or a term glossed in a short bracket right after it (stor stark (large strong))."""
    prev = next((t for t in reversed(tokens[:i]) if t.is_word), None)
    if prev is not None and prev.text.lower().replace("’", "'") in _foreign_leads():
        return True
    opening = next((k for k in range(i + 1, min(i + 3, len(tokens))) if tokens[k].text == "("), None)
    return opening is not None and any(t.text == ")" for t in tokens[opening + 2 : opening + GLOSS_WORDS + 2])


def check(doc: Document, config: Config) -> Result:
    found, stopped = findings(doc, config)
    flags, status = _reranked(doc, found, config)
    dialect = doc.cache.get(_DIALECT_STATUS, "")
    return Result(flags, "; ".join(line for line in (stopped, status, dialect) if line))


def findings(doc: Document, config: Config) -> tuple[list[Found], str]:
    """The flags in the candidate model's order, each with the scoring of its suggestions, and a status line when
    the check stopped early. What auto chose is left in doc.cache for the status line."""
    settings = Settings.from_config(config)
    found: list[Found] = []
    doc.cache[_DIALECT_STATUS] = ""
    if not any(config.rule_enabled(r) for r in (RULE_TYPO, RULE_UNKNOWN, RULE_VARIANT, RULE_MIXED)):
        return found, ""
    dialect = choose(doc) if settings.variant == "auto" else None
    if dialect is not None:
        oxford = settings.oxford_ize or dialect.oxford_ize
        settings = replace(settings, variant=dialect.variant, oxford_ize=oxford, detected=True)
    mixed = mixed_forms(doc) if settings.consistent and config.rule_enabled(RULE_MIXED) else {}
    known = lexicon().zipf
    watched = _watched(settings, mixed)  # the known words that may still be flagged: the other dialect's forms
    for sentence, lowered in zip(doc.sentences, doc.lower_tokens, strict=True):
        tokens = sentence.tokens
        pending = [
            i
            for i, (t, lower) in enumerate(zip(tokens, lowered, strict=True))
            if (not (t.text in known or lower in known) or (watched and lower in watched)) and t.text[:1].isalpha()
        ]
        if not pending:
            continue
        words = [t for t in tokens if t.text[:1].isalpha()]
        word_number = {t.start: k for k, t in enumerate(words)}  # a token's place among the words, found once
        foreign = _foreign_passage(words, settings.user_words)
        joined: set[int | None] = set()
        for i in pending:
            token = tokens[i]
            if i in joined or _not_prose(doc, tokens, i, foreign):
                continue  # the second half of a split word already flagged, or no running English word
            split = _split_word(doc, tokens, i, settings, config)
            if split is not None:
                found.append(Found(split))
                joined.add(_next_word(tokens, i))
                continue
            parts = _word_parts(token)
            if len(parts) > 1:
                if _fold(parts[0][0]) in _particles() or parts[0][0][:1].isupper():
                    continue  # al-Kadhimi, Iran-backed, bin-Salman: a name
                if is_known(token.text, settings.user_words):
                    continue  # a hyphenated word in the user's dictionary
                parts = [(p, s) for p, s in parts if len(p) >= 4]  # wi-fi, sci-fi, pre-war: short parts pass
            for index, (part, start) in enumerate(parts):
                opening = index == 0 and _is_opening(tokens, i)
                context = _Context(doc, sentence, token, words, word_number[token.start], opening, mixed)
                one = _check_word(context, part, start, settings, config)
                if one is not None and (len(parts) == 1 or one.flag.rule != RULE_TYPO or _is_slip(part, one.flag)):
                    found.append(one)
            if len(found) >= MAX_FLAGS:
                _note_dialect(doc, dialect, found)
                return found, (
                    f"stopped after {MAX_FLAGS} spelling flags: is the text in English? Add "
                    "recurring words to the dictionary."
                )
    _note_dialect(doc, dialect, found)
    return found, ""


def _not_prose(doc: Document, tokens: tuple[Token, ...], i: int, foreign: bool) -> bool:
    """A token that is no running English word: a URL, a unit, a mention, a word of a foreign passage or phrase."""
    text = tokens[i].text
    if _skippable(text) or _out_of_prose(doc, tokens, i):
        return True
    return text.islower() and (foreign or _foreign_phrase(doc, tokens, i))


def _note_dialect(doc: Document, dialect: Dialect | None, found: list[Found]) -> None:
    if dialect is not None:
        doc.cache[_DIALECT_STATUS] = dialect.status(any(one.flag.rule == RULE_VARIANT for one in found))


_SPLIT_GAP = re.compile(r" ['’]?")  # "fi rst", "didn ’t": one space, perhaps before an apostrophe


def _next_word(tokens: tuple[Token, ...], i: int) -> int | None:
    return next((k for k in range(i + 1, min(i + 3, len(tokens))) if tokens[k].text[:1].isalpha()), None)


def _split_word(doc: Document, tokens: tuple[Token, ...], i: int, settings: Settings, config: Config) -> Flag | None:
    """A common word split in two by a stray space (PDF ligatures: "fi rst", "diffi culty", "scientifi c"; "didn
    ’t"): an unknown lower-case word whose join with the next word is a common word. Flagged over both halves."""
    token = tokens[i]
    k = _next_word(tokens, i)
    if k is None or not token.text.islower() or not config.rule_enabled(RULE_TYPO):
        return None
    after = tokens[k]
    gap = doc.text[token.end : after.start]
    if not _SPLIT_GAP.fullmatch(gap) or len(token.text) < 2 or is_known(token.text, settings.user_words):
        return None
    if len(after.text) > 2 and is_known(after.text, settings.user_words):
        return None  # two words, the first unknown: a typo of its own, not half a word
    whole = token.text + gap.strip() + after.text
    folded = _fold(whole)
    if not (lexicon().freq(folded) >= SPLIT_ZIPF or ("'" in folded and is_known(folded))):
        return None
    return make_flag(
        doc.text,
        token.start,
        after.end,
        category="spelling",
        rule=RULE_TYPO,
        severity="error",
        confidence=0.9,
        suggestions=(whole,),
        message=f"'{doc.text[token.start : after.end]}' is one word split in two: '{whole}'?",
    )


def _watched(settings: Settings, mixed: dict[str, str]):
    """The known words a variant or consistency flag may fall on; every other known word needs no further look."""
    forms = {} if settings.variant == "both" else flagged_forms(variants(), settings.variant)  # both: none
    return forms.keys() | mixed.keys() if mixed else forms


def _reranked(doc: Document, found: list[Found], config: Config) -> tuple[list[Flag], str]:
    """The flags, with the suggestions of typo flags re-ranked in context by the model judge when it is on (same
    flags, same spans, same suggestions; only their order and the message naming the first may change), and a
    status line saying how many were. `[spelling] context = false` asks for ranking by spelling alone: no judge."""
    if not Settings.from_config(config).context:
        return [one.flag for one in found], ""
    orders, status = new_orders(doc, found, config)
    flags = [one.flag for one in found]
    for index, order in orders.items():
        flag = flags[index]
        suggestions = tuple(flag.suggestions[i] for i in order)
        flags[index] = replace(
            flag, suggestions=suggestions, message=typo_message(flag.severity, flag.text, suggestions[0])
        )
    return flags, status


def _foreign_passage(words: list[Token], user_words: frozenset[str]) -> bool:
    """A quotation in another language (qu'on regarde ...): three or more unknown lower-case words that are no
    cheap slip of a common word, making a quarter of the sentence's lower-case words."""
    known = lexicon().zipf
    lower = [t for t in words if t.text.islower() and len(t.text) > 2 and t.text not in known]
    unknown = sum(1 for t in lower if not is_known(t.text, user_words) and not _cheap_slips(_fold(t.text)))
    total = sum(1 for t in words if t.text.islower() and len(t.text) > 2)
    return unknown >= 3 and unknown * 4 >= total


@dataclass(frozen=True)
class _Context:
    doc: Document
    sentence: Sentence
    token: Token
    words: list
    word_index: int  # the token's index in `words`
    at_opening: bool
    mixed: dict[str, str]  # word spelt both ways: its rarer form -> the form to keep ([spelling] consistent)


def _check_word(ctx: _Context, part: str, start: int, settings: Settings, config: Config) -> Found | None:
    text = ctx.doc.text
    folded = _fold(part)
    if not _CHECKABLE.fullmatch(folded):
        return None  # foreign letters, stray symbols
    if len(part) > 1 and part.isupper():
        return None  # an acronym
    if is_known(part, settings.user_words):
        if part[:1].isupper() and not ctx.at_opening:
            return None  # Ministry of Defence, Labour Party: names keep their spelling
        variant = _mixed_flag(ctx, part, start, folded) or _variant_flag(text, part, start, folded, settings, config)
        return None if variant is None else Found(variant)
    if not part.isascii():
        return None  # Congrès, Tillabéri: a foreign word or name
    if not config.rule_enabled(RULE_TYPO) and not config.rule_enabled(RULE_UNKNOWN):
        return None
    before, after = _neighbours(ctx.words, ctx.word_index)
    if part[:1].isupper():
        if ctx.at_opening:
            return _check_opening(ctx, part, start, folded, after, settings, config)
        capitalised = _check_capitalised(ctx, part, start, folded, before, after, settings, config)
        return None if capitalised is None else Found(capitalised)
    ranked = judge(folded, before, after, settings.context, settings.user_words)
    if ranked is None:
        return None
    if ctx.doc.word_counts.get(folded, 0) >= 2 and not _repeated_slip(ranked):
        return None  # a term the writer uses on purpose (mapone ... mapone, teff ... teff)
    return _typo_flag(text, part, start, ranked, settings, config)


def _repeated_slip(ranked: list[Scored]) -> bool:
    """A repeated unknown word is still a typo when it is a cheap slip of a common word (goverment ... goverment)."""
    return (
        bool(ranked) and ranked[0].cost <= 0.6 and " " not in ranked[0].word and lexicon().freq(ranked[0].word) >= 4.0
    )


def _neighbours(words: list[Token], i: int) -> tuple[tuple[str, ...], str | None]:
    """The two words before words[i] and the one after it, folded."""
    before = tuple(_fold(w.text) for w in words[max(0, i - 2) : i])
    after = _fold(words[i + 1].text) if i + 1 < len(words) else None
    return before, after


def _is_name(ctx: _Context, part: str, folded: str) -> bool:
    """What says name for a capitalised unknown word: the document uses it elsewhere, it looks romanised, or it
    stands in a run of capitalised words (Ranj Alaaldin, Asaib Ahl)."""
    if ctx.doc.word_counts.get(folded, 0) >= 2:
        return True  # the document uses it again
    if looks_like_name(part):
        return True
    i = ctx.word_index
    neighbours = ctx.words[max(0, i - 1) : i] if not ctx.at_opening else []
    if neighbours and i - 1 == 0 and lexicon().freq(_fold(neighbours[0].text)) >= 5.0:
        neighbours = []  # "The Brittish embassy": a common word opening the sentence is not part of a name
    neighbours += ctx.words[i + 1 : i + 2]
    return any(w.text[:1].isupper() for w in neighbours)


def _check_opening(ctx, part, start, folded, after, settings, config):
    """A capitalised unknown word opening a sentence: a typo only when nothing says name and a common word one
    edit away fits the next word."""
    if _is_name(ctx, part, folded):
        return None
    zipf = lexicon().zipf
    close = [(c, 1) for c in _edits1(folded) if zipf.get(c, 0.0) >= 4.0]  # only these can pass below
    ranked = _score(folded, close, (), after if settings.context else None)
    if not ranked:
        return None
    best, freq = ranked[0], lexicon().freq(ranked[0].word)
    lm = language_model() if settings.context else None
    fit = context_logprob(lm, best.word, (), after) if lm is not None and after else 0.0
    if fit < -0.5:
        return None  # "Sadr said": "sad said" does not fit, so it is a name
    if not (best.cost <= 0.8 and freq >= 4.0 or best.cost <= 1.0 and freq >= 5.0 and fit > 0.0):
        return None  # Holger, Audis: a name one ordinary edit from a word
    return _typo_flag(ctx.doc.text, part, start, ranked, settings, config, opening=True)


def _check_capitalised(ctx, part, start, folded, before, after, settings, config):
    """A capitalised unknown word inside a sentence is a name, unless it is long, looks like no name, and one
    cheap slip (swapped, doubled or dropped letter, a vowel for another) away from a very common word: Brittish,
    Eurpoean, Minstry."""
    if len(part) < 6 or folded in lexicon().seen:
        return None  # short, or written often enough to be a name (Woking)
    slips = _cheap_slips(folded)
    if not slips or _is_name(ctx, part, folded):
        return None
    suggestion = _match_case(part, slips[0])
    return make_flag(
        ctx.doc.text,
        start,
        start + len(part),
        category="spelling",
        rule=RULE_TYPO,
        severity="warning",
        confidence=0.6,
        suggestions=(suggestion,),
        message=f"'{part}' is not a word; did you mean '{suggestion}'? (If it is a name, add it to the dictionary.)",
    )


def _is_slip(part: str, flag: Flag) -> bool:
    """Inside compounds (all-nighters, well-knwon) only a cheap slip of the first suggestion is flagged."""
    return bool(flag.suggestions) and edit_cost(_fold(part), _fold(flag.suggestions[0])) <= 0.8


def _match_case(original: str, suggestion: str) -> str:
    if original[:1].isupper() or suggestion == "i" or suggestion.startswith(("i'", "i ")):
        suggestion = suggestion[:1].upper() + suggestion[1:]
    if any(c in original for c in _APOSTROPHES):
        suggestion = suggestion.replace("'", "’")
    return suggestion


def _typo_flag(text, part, start, ranked, settings, config, opening=False) -> Found | None:
    """The typo flag with its suggestions (the first five ranked words, in the word's case), and the candidate
    model's scoring of each suggestion, which the model judge may re-rank them with."""
    end = start + len(part)
    if not ranked:
        if settings.flag_unknown and config.rule_enabled(RULE_UNKNOWN) and len(part) >= 4:
            unknown = make_flag(
                text,
                start,
                end,
                category="spelling",
                rule=RULE_UNKNOWN,
                severity="info",
                confidence=0.3,
                message=f"'{part}' is not in the dictionary and nothing close is; if it is right, add it to the "
                "dictionary.",
            )
            return Found(unknown)
        return None
    if not config.rule_enabled(RULE_TYPO):
        return None
    best = ranked[0]
    margin = best.score - ranked[1].score if len(ranked) > 1 else 3.0
    scored: dict[str, Scored] = {}
    for candidate in ranked[:5]:
        scored.setdefault(_match_case(part, candidate.word), candidate)  # the best-scored of words alike in case
    suggestions = tuple(scored)
    if attested(_fold(part)):
        severity, confidence = "info", 0.4  # a real word, at most a suggestion
    elif best.distance == 1 and best.cost <= 1.0 and (margin >= 1.0 or opening):
        severity, confidence = "error", 0.9
    elif best.cost <= 1.6:
        severity, confidence = "warning", 0.7
    else:
        severity, confidence = "info", 0.4
    flag = make_flag(
        text,
        start,
        end,
        category="spelling",
        rule=RULE_TYPO,
        severity=severity,
        confidence=confidence,
        suggestions=suggestions,
        message=typo_message(severity, part, suggestions[0]),
    )
    return Found(flag, tuple(scored.values()))


def attested(folded: str) -> bool:
    """A word real text or a dictionary knows, though rejected as likelier a slip (plinks beside links, olds),
    unless misspelling lists record it as a misspelling (thier, goverment): never an error."""
    lex = lexicon()
    return folded not in lex.recorded and (folded in lex.seen or folded in rare_words())


def typo_message(severity: str, part: str, first: str) -> str:
    """A typo flag's message, naming its first suggestion; the more sure, the shorter."""
    if severity == "info" and attested(_fold(part)):
        return f"'{part}' is a rare word or a slip: '{first}'?"
    if severity == "error":
        return f"'{part}' is not a word: '{first}'?"
    if severity == "warning":
        return f"'{part}' is not a word; did you mean '{first}'?"
    return f"'{part}' is in no dictionary; the nearest word is '{first}'. If it is right, add it."


def _variant_flag(text, part, start, folded, settings, config) -> Flag | None:
    """The other dialect's spelling: a suggestion (info), never an error, since both are English."""
    if settings.variant == "both" or not config.rule_enabled(RULE_VARIANT):
        return None
    table = variants()
    other = other_form(table, folded, settings.variant, settings.oxford_ize)
    if not other:
        return None
    house = VARIANT_NAMES[settings.variant]
    wrong = spelling_of(table, folded)
    suggestion = _match_case(part, other)
    whose = "this text otherwise uses" if settings.detected else "the house style is"
    return make_flag(
        text,
        start,
        start + len(part),
        category="spelling",
        rule=RULE_VARIANT,
        severity="info",
        confidence=0.8,
        suggestions=(suggestion,),
        message=f"'{part}' is the {wrong} spelling; {whose} {house} spelling: '{suggestion}'.",
    )


def _mixed_flag(ctx: _Context, part: str, start: int, folded: str) -> Flag | None:
    """A word the text spells both ways ([spelling] consistent): its rarer form, with the other as the fix."""
    keep = ctx.mixed.get(folded)
    if keep is None:
        return None
    suggestion = _match_case(part, keep)
    return make_flag(
        ctx.doc.text,
        start,
        start + len(part),
        category="spelling",
        rule=RULE_MIXED,
        severity="warning",
        confidence=0.8,
        suggestions=(suggestion,),
        message=f"'{part}' is spelt '{keep}' elsewhere in this text: one spelling throughout.",
    )
