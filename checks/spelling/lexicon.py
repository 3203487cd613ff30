"""Spelling resources and word tests: the shipped word list, variants and word lists, loaded lazily, and
whether a word is known (in the word list, the user's dictionary, or derived from a common word)."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from checks.resources import sphinx_language_model

WORDS_FILE = "spelling_words.tsv"
VARIANTS_FILE = "spelling_variants.tsv"
DIALECTS_FILE = "spelling_dialects.tsv"  # which form of each UK/US pair Australian and Canadian spelling take
DIALECT_WORDS_FILE = "spelling_dialect_words.tsv"  # their own words (esky, yogourt), accepted under that dialect only
RARE_FILE = "spelling_rare.tsv"
LISTS_FILE = "spelling.toml"

_APOSTROPHES = "’ʼ`"
_CHECKABLE = re.compile(r"[a-z]+(?:'[a-z]+)*")
MAX_WORD_LENGTH = 45  # pneumonoultramicroscopicsilicovolcanoconiosis


# ---------------------------------------------------------------------------------------------------- resources


@dataclass(frozen=True)
class Lexicon:
    zipf: dict[str, float]  # every accepted word -> zipf frequency (log10 per billion words)
    suggestable: tuple[str, ...]  # the words corrections are chosen from
    seen: frozenset[str]  # frequent in use but not accepted (thier, woking): misspellings, or names in lower case
    recorded: frozenset[str] = frozenset()  # listed as common misspellings (codespell, after Wikipedia's list)

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
    recorded: list[str] = []
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
        elif kind == "m":
            recorded.extend(rest.split(" "))
    for word in word_lists()["extra_words"]:
        zipf.setdefault(word, 2.0)
    return Lexicon(zipf, tuple(suggestable), frozenset(seen), frozenset(recorded))


@lru_cache(maxsize=1)
def rare_words() -> frozenset[str]:
    """Dictionary words (SCOWL) too rare to accept beside a common word one edit away (plinks, hoppiest): still
    flagged, but only as a suggestion. Loaded on the first flag, never for a clean text."""
    text = resources.files("checks.data").joinpath(RARE_FILE).read_text("utf-8")
    return frozenset(text.split("\n", 1)[1].split())


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
def dialect_forms() -> dict[str, dict[str, str]]:
    """For each dialect with its own column in spelling_dialects.tsv (au, ca): the forms it does not take -> the
    form it does (color -> colour in both; organise -> organize in ca; programme -> program in au)."""
    lines = [
        line
        for line in resources.files("checks.data").joinpath(DIALECTS_FILE).read_text("utf-8").splitlines()
        if line and line[0] != "#"
    ]
    dialects = lines[0].split("\t")[2:]
    out: dict[str, dict[str, str]] = {dialect: {} for dialect in dialects}
    for line in lines[1:]:
        uk, us, *takes = line.split("\t")
        for dialect, form in zip(dialects, takes, strict=True):
            if form == "uk":
                out[dialect][us] = uk
            elif form == "us":
                out[dialect][uk] = us
    return out


@lru_cache(maxsize=1)
def dialect_words() -> dict[str, frozenset[str]]:
    """Each dialect's own words (au: esky, rorting; ca: yogourt), in neither the British nor the American list."""
    text = resources.files("checks.data").joinpath(DIALECT_WORDS_FILE).read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and line[0] != "#")
    return {dialect: frozenset(words.split()) for dialect, words in rows}


@lru_cache(maxsize=16)
def accepted_words(user_words: frozenset[str], variant: str) -> frozenset[str]:
    """The user's dictionary with the house dialect's own words, one object per pair (is_known's cache key)."""
    own = dialect_words().get(variant) if variant in ("au", "ca") else None
    return user_words | own if own else user_words


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
    if folded in lex.recorded:
        return False  # a recorded misspelling (untill), though it looks derived from a word
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
        stem = word[len(prefix) :]
        if (
            word.startswith(prefix)
            and len(stem) >= 4
            and (lex.freq(stem) >= 3.0 or _has_known_stem(stem, lex, depth - 1))
        ):
            return True
    for ending in suffixes:
        if (
            word.endswith(ending)
            and len(word) - len(ending) >= 4
            and any(lex.freq(stem) >= 3.0 for stem in _stems(word, ending))
        ):
            return True
    for ending in lists["inflections"]:
        # an inflection of a content word: not of a function word (thiss, wass), not of a rare word
        if (
            word.endswith(ending)
            and len(word) - len(ending) >= 4
            and any(2.0 <= lex.freq(stem) <= 5.3 for stem in _stems(word, ending))
        ):
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
