"""The grammar mechanisms a token pattern cannot express, with their word lists in `data/grammar.toml`:
* `grammar.a-an`: the article must match the *sound* of the next word ("an hour", "a European", "an MP",
  "a U.S. envoy", "an 18-year-old"), so the first letter alone cannot decide;
* `grammar.repeated-word`: the same word twice in a row ("the the", "Tuesday Tuesday", "100 100"), except
  doubles that are correct English ("had had", "that that") or names ("Walla Walla").
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from checks.document import OPENERS, Document, Sentence, Token
from checks.flags import Flag, RuleInfo, make_flag
from checks.patterns import RuleSet, match_case, parse_rules

RULE_FILE = "grammar.toml"
A_AN = "grammar.a-an"
REPEATED = "grammar.repeated-word"
SOURCE = "checks/grammar/mechanisms.py"

VOWEL, CONSONANT = "vowel", "consonant"
_LETTER_VOWEL_SOUND = frozenset("AEFHILMNORSX")  # letter names that start with a vowel sound: "an F", "an MP"
_NUMBER_RE = re.compile(r"\d+")
_ARTICLE_FORMS = frozenset(("a", "an", "A", "An"))
_LOWER_ARTICLES = frozenset(("a", "an"))  # the article forms in lower case: a cheap first sieve over a sentence
# Words starting with "u" that clearly start with a vowel sound ("an unusual", "an upper", "an usher").
_U_VOWEL_RE = re.compile(r"u(?:n|p|l|m|g|sh|tt|r[^aeiou])")


@dataclass(frozen=True)
class _Lists:
    consonant_prefixes: tuple[str, ...]
    vowel_exceptions: tuple[str, ...]
    vowel_prefixes: tuple[str, ...]
    either_prefixes: tuple[str, ...]
    word_acronyms: frozenset[str]
    either_acronyms: frozenset[str]
    repeat_allowed: frozenset[str]


@lru_cache(maxsize=1)
def _data() -> dict:
    return tomllib.loads(resources.files("checks.data").joinpath(RULE_FILE).read_text("utf-8"))


@lru_cache(maxsize=1)
def word_lists() -> _Lists:
    articles, repeated = _data()["articles"], _data()["repeated_words"]
    return _Lists(
        consonant_prefixes=tuple(articles["consonant_sound_prefixes"]),
        vowel_exceptions=tuple(articles["vowel_sound_exceptions"]),
        vowel_prefixes=tuple(articles["vowel_sound_prefixes"]),
        either_prefixes=tuple(articles["either_article_prefixes"]),
        word_acronyms=frozenset(articles["word_acronyms"]),
        either_acronyms=frozenset(articles["either_acronyms"]),
        repeat_allowed=frozenset(repeated["allowed"]),
    )


@lru_cache(maxsize=1)
def rule_set() -> RuleSet:
    return RuleSet(parse_rules(_data(), f"checks/data/{RULE_FILE}"))


# ---- a / an ----------------------------------------------------------------------------------------------------


def _letter_sound(letter: str) -> str:
    return VOWEL if letter.upper() in _LETTER_VOWEL_SOUND else CONSONANT


def _number_sound(word: str) -> str | None:
    """ "an 8", "an 11-year-old", "an 1848 law", "an 18,000-seat arena"; "a 1,100", "a 110". None for a digit that
    is no decimal digit ("²", "①": str.isdigit() says yes, \\d no)."""
    match = _NUMBER_RE.match(word)
    if match is None:
        return None
    lead = match.group()
    if lead.startswith("8"):
        return VOWEL
    if lead[:2] in ("11", "18") and len(lead) in (2, 4, 5):
        return VOWEL
    return CONSONANT


def _word_sound(lower: str) -> str | None:
    lists = word_lists()
    if lower.startswith(lists.either_prefixes):
        return None
    if lower.startswith(lists.vowel_exceptions):
        return VOWEL
    if lower.startswith(lists.consonant_prefixes):
        return CONSONANT
    if lower.startswith(lists.vowel_prefixes):
        return VOWEL
    first = lower[0]
    if first in "aeio":
        return VOWEL
    if first == "u":
        return VOWEL if _U_VOWEL_RE.match(lower) else None
    if "a" <= first <= "z":
        return CONSONANT
    return None


def initial_sound(word: str, shouting: bool = False) -> str | None:
    """Whether `word` starts with a vowel or a consonant *sound*, or None when unsure (then nothing is flagged).

    `shouting` is set for an all-capitals sentence (a headline), where capitals say nothing about acronyms."""
    if not word:
        return None
    if word[0].isdigit():
        return _number_sound(word)
    head = word.split("-", 1)[0]
    if len(head) == 1 and head.isalpha() and head.isascii():  # "an X-ray", "a U-turn", "an e-mail"
        return _letter_sound(head)
    if re.fullmatch(r"(?:[A-Za-z]\.){2,}", word):  # "a U.S. envoy", "an F.B.I. agent"
        return _letter_sound(word[0])
    if not word.isascii():
        return None
    letters = head.rstrip("s") if head.endswith("s") and head[:-1].isupper() else head  # "MPs", "NGOs"
    if len(letters) >= 2 and letters.isupper() and not shouting:
        return _acronym_sound(letters)
    if len(word) >= 2 and word[0].islower() and word[1].isupper() and word[0] not in "aeiou":  # "an mRNA"
        return _letter_sound(word[0])
    return _word_sound(word.lower())


def _acronym_sound(acronym: str) -> str | None:
    lists = word_lists()
    if acronym in lists.either_acronyms:
        return None
    if acronym in lists.word_acronyms:
        return _word_sound(acronym.lower())
    alpha = re.sub(r"[^A-Z]", "", acronym)
    if len(alpha) <= 3 or not re.search(r"[AEIOU]", alpha[1:]):
        return _letter_sound(acronym[0])  # read letter by letter: "an FBI agent", "an NGO", "a UN report"
    return None  # a longer acronym with vowels may be read as a word: do not guess


def _is_article(tokens: tuple[Token, ...], i: int) -> bool:
    """Lower-case "a"/"an", or a capitalised one at the start of the sentence ("Grade A" is a letter, not this)."""
    text = tokens[i].text
    if text in ("a", "an"):
        return True
    if text in ("A", "An"):
        return all(t.text in OPENERS for t in tokens[:i])
    return False


def _shouting(sentence: Sentence) -> bool:
    words = [t for t in sentence.words if len(t.text) > 1]
    upper = sum(t.text.isupper() for t in words)
    return upper >= 3 and upper * 2 > len(words)


def article_flags(doc: Document, sentence: Sentence) -> list[Flag]:
    flags = []
    tokens = sentence.tokens
    shouting = None
    lowered = doc.lower_texts(sentence)
    for i in [k for k in range(len(tokens) - 1) if lowered[k] in _LOWER_ARTICLES]:
        if tokens[i].text not in _ARTICLE_FORMS or not _is_article(tokens, i):
            continue
        article, following = tokens[i], tokens[i + 1]
        between = doc.text[article.end : following.start]
        if not between or not between.isspace() or "\n" in between:
            continue
        if not (following.text[:1].isalnum()) or following.lower in ("and", "or", "nor", "&"):
            continue
        if shouting is None:
            shouting = _shouting(sentence)
        sound = initial_sound(following.text, shouting)
        if sound is None:
            continue
        wanted = {VOWEL: "an", CONSONANT: "a"}.get(sound)
        if wanted is None or article.lower == wanted:
            continue
        why = "a vowel" if sound == VOWEL else "a consonant"
        flags.append(
            make_flag(
                doc.text,
                article.start,
                article.end,
                category="grammar",
                rule=A_AN,
                message=f"Use '{wanted}' before '{following.text}': it starts with {why} sound.",
                suggestions=(match_case(wanted, article.text),),
                severity="warning",
                confidence=0.9,
            )
        )
    return flags


# ---- repeated words --------------------------------------------------------------------------------------------


def repeated_word_flags(doc: Document, sentence: Sentence) -> list[Flag]:
    flags: list[Flag] = []
    tokens = sentence.tokens
    lowered = doc.lower_texts(sentence)
    if not any(map(str.__eq__, lowered, lowered[1:])):
        return flags  # no two neighbours alike in lower case, so none the same word (see _same_word)
    allowed = word_lists().repeat_allowed
    i = 0
    while i < len(tokens) - 1:
        first = tokens[i]
        j = i
        while (
            j + 1 < len(tokens)
            and _same_word(tokens[j + 1].text, first.text)
            and (doc.text[tokens[j].end : tokens[j + 1].start].isspace())
        ):
            j += 1
        if j > i and _may_be_slip(tokens, i, j, allowed):
            flags.append(
                make_flag(
                    doc.text,
                    first.start,
                    tokens[j].end,
                    category="grammar",
                    rule=REPEATED,
                    message=f"'{first.text}' is repeated.",
                    suggestions=(first.text,),
                    severity="warning",
                    confidence=0.9,
                )
            )
        i = j + 1
    return flags


def _same_word(a: str, b: str) -> bool:
    return a == b or (len(a) == len(b) and a.lower() == b.lower())


def _may_be_slip(tokens, i: int, j: int, allowed: frozenset[str]) -> bool:
    """A doubled word is a slip unless it is a known correct double ("had had", "Walla Walla") or a number in a
    list of numbers ("scores of 1 1 2")."""
    word = tokens[i].text
    if word.lower() in allowed:
        return False
    if word[:1].isdigit():
        before = tokens[i - 1].text if i > 0 else ""
        after = tokens[j + 1].text if j + 1 < len(tokens) else ""
        return not (before[:1].isdigit() or after[:1].isdigit())
    return word[:1].isalpha()


def mechanism_flags(doc: Document, disabled: frozenset[str] | set[str]) -> list[Flag]:
    """The a/an and repeated-word flags of every sentence, for the rules the house style leaves on."""
    flags: list[Flag] = []
    want_articles, want_repeats = A_AN not in disabled, REPEATED not in disabled
    for sentence in doc.sentences:
        if want_articles:
            flags.extend(article_flags(doc, sentence))
        if want_repeats:
            flags.extend(repeated_word_flags(doc, sentence))
    return flags


def mechanism_rules() -> list[RuleInfo]:
    return [
        RuleInfo(
            A_AN,
            "grammar",
            "'a' before a consonant sound, 'an' before a vowel sound (an hour, a European, "
            "an MP, a U.S. envoy, an 18-year-old).",
            "It took a hour. => It took an hour.",
            "warning",
            SOURCE,
        ),
        RuleInfo(
            REPEATED,
            "grammar",
            "The same word twice in a row (except 'had had', 'that that' and names).",
            "He said the the talks failed. => He said the talks failed.",
            "warning",
            SOURCE,
        ),
    ]
