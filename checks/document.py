"""The analysed document every check shares: paragraphs, sentences and tokens with exact code-point offsets.

Analysis is done once per text. Anything expensive (part-of-speech tags) is computed lazily, per sentence,
only for the sentences a check asks about: see `Document.tags`.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalpha()


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    tokens: tuple[Token, ...]

    @property
    def words(self) -> tuple[Token, ...]:
        return tuple(t for t in self.tokens if t.is_word)


# Quotes and brackets that may stand before a sentence's first word (the one definition; the families use it).
OPENERS = frozenset("\"“‘'«([")
_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"  # combining marks stay inside a word
# A word: a letter or digit, then letters, digits and combining marks, with apostrophes and hyphens inside. Written
# as runs (`+`) rather than one character per repetition of a group: the same matches, a third less time.
_WORD = rf"[^\W_]+(?:(?:['’\-‐]|[{_MARKS}])+[^\W_]+)*[{_MARKS}]*"


def _token_re(emails: bool) -> re.Pattern:
    return re.compile(
        r"(?:https?://|www\.)[^\s<>\"“”]+[^\s<>\"“”.,;:!?)\]’”']"  # URLs (trailing punctuation left out)
        # e-mail addresses, tried only where a run of address characters starts: tried at every dot of "......" they
        # scanned to the run's end each time (quadratic)
        + (r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+" if emails else "")
        + r"|[@#][^\W][\w]*"  # @handles and #tags
        r"|(?:[^\W\d_]\.){2,}"  # dotted abbreviations: U.S., e.g.
        rf"|\d[\d.,:/]*\d(?:{_WORD})?|\d(?:{_WORD})?"  # numbers, with units glued on (5km, 18:00, 4x4)
        rf"|{_WORD}"
        r"|[^\s\ufeff\u200b]",  # a byte-order mark or zero-width space is no token: "\ufeffStriding" starts a sentence
    )


_TOKEN_RE = _token_re(emails=True)
# Text without an @ holds no e-mail address; trying that alternative at every word cost a fifth of the time.
_TOKEN_NO_EMAIL_RE = _token_re(emails=False)


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Split text into tokens with offsets into the whole document; a possessive 's is its own token."""
    tokens: list[Token] = []
    append = tokens.append
    for match in (_TOKEN_RE if "@" in text else _TOKEN_NO_EMAIL_RE).finditer(text):
        word = match.group()
        start = match.start() + offset
        end = start + len(word)
        if word[-1] in "sS" and len(word) > 2 and word[-2] in "'’" and word[0].isalpha():
            append(Token(word[:-2], start, end - 2))
            append(Token(word[-2:], end - 2, end))
        else:
            append(Token(word, start, end))
    return tokens


@dataclass(frozen=True)
class _Abbreviations:
    never_final: frozenset[str]
    may_end: frozenset[str]
    openers: frozenset[str]


@lru_cache(maxsize=1)
def _abbreviations() -> _Abbreviations:
    data = tomllib.loads(resources.files("checks.data").joinpath("abbreviations.toml").read_text("utf-8"))
    return _Abbreviations(*(frozenset(data[key]) for key in ("never_final", "may_end", "openers")))


_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n\s*|\r[ \t\f\v\u00a0]*\r\s*")
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n|\u2028|\u2029")
# Terminal punctuation, closing quotes or brackets after it, then space, then a plausible sentence opening.
# A match starts only where a run of terminal punctuation starts: from inside a run it would see the same
# lookahead, and retrying it at every dot of a long run ("......") made splitting quadratic.
_BOUNDARY_RE = re.compile(r"(?<![.!?…])[.!?…]++[\"”’'»)\]]*+(?=\s+[\"“‘'«(\[]?[\w¿¡])")
_WORD_BEFORE_RE = re.compile(r"([\w.’'-]+)\.$")
_NEXT_WORD_RE = re.compile(r"\s+[\"“‘'«(\[]?([\w’'-]+)")


def _spans_between(text: str, pattern: re.Pattern, start: int, end: int) -> list[tuple[int, int]]:
    """Non-blank spans of text[start:end] separated by matches of `pattern`, stripped of surrounding space."""
    spans, cursor = [], start
    for match in pattern.finditer(text, start, end):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, end))
    return [_strip(text, a, b) for a, b in spans if text[a:b].strip()]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_boundary(text: str, match: re.Match, end: int) -> bool:
    """Decide whether terminal punctuation really ends the sentence (news abbreviations, initials, quotes)."""
    punct = match.group()
    if not punct.startswith("."):
        following = _NEXT_WORD_RE.match(text, match.end(), end)
        # "?" or "!" inside a quote followed by a lower-case word continues the sentence: "Why?" he asked.
        return following is not None and not following.group(1)[:1].islower()
    before = _WORD_BEFORE_RE.search(text, max(0, match.start() - 40), match.start() + 1)
    following = _NEXT_WORD_RE.match(text, match.end(), end)
    next_word = following.group(1) if following else ""
    if next_word[:1].islower():
        return False
    if before and punct == ".":
        word = before.group(1).lower()
        abbreviations = _abbreviations()
        if len(word) == 1 and word.isalpha():  # an initial: "J. K. Rowling"
            return False
        if word in abbreviations.never_final:
            return False
        if word.rstrip(".") in abbreviations.may_end or re.fullmatch(r"(?:\w\.)+\w", word):
            return next_word.lower() in abbreviations.openers
    return True


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside one paragraph. A line break ends a sentence unless the next line starts in lower case."""
    spans: list[tuple[int, int]] = []
    for line_start, line_end in _joined_lines(text, start, end):
        cursor = line_start
        for match in _BOUNDARY_RE.finditer(text, line_start, line_end):
            if _is_boundary(text, match, line_end):
                spans.append(_strip(text, cursor, match.end()))
                cursor = match.end()
        if text[cursor:line_end].strip():
            spans.append(_strip(text, cursor, line_end))
    return spans


def _joined_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Lines of a paragraph, with hard-wrapped continuations (next line starts in lower case) joined back."""
    lines = _spans_between(text, _LINE_BREAK_RE, start, end)
    joined: list[tuple[int, int]] = []
    for line in lines:
        if joined and text[line[0]].islower():
            joined[-1] = (joined[-1][0], line[1])
        else:
            joined.append(line)
    return joined


# A "sentence" longer than this many tokens (copy without full stops, a pasted table) is checked in parts: the checks
# look at a sentence as a whole, and some of their work grows with its length for each of its words. Real sentences
# stay far below it (a 200-word sentence is already extreme).
MAX_SENTENCE_TOKENS = 1_000
_CLAUSE_ENDS = frozenset(",;:–—")


def _bounded_parts(start: int, end: int, tokens: list[Token]) -> list[tuple[int, int, tuple[Token, ...]]]:
    """(start, end, tokens) of a sentence span, cut into parts of at most MAX_SENTENCE_TOKENS tokens when it is
    longer, after the last clause-ending comma, semicolon, colon or dash of each part's second half if it has one.
    The first part starts where the sentence does and the last ends where it does."""
    if len(tokens) <= MAX_SENTENCE_TOKENS:
        return [(start, end, tuple(tokens))]
    parts, first = [], 0
    while len(tokens) - first > MAX_SENTENCE_TOKENS:
        window = range(first + MAX_SENTENCE_TOKENS - 1, first + MAX_SENTENCE_TOKENS // 2, -1)
        cut = next((i + 1 for i in window if tokens[i].text in _CLAUSE_ENDS), first + MAX_SENTENCE_TOKENS)
        parts.append(tokens[first:cut])
        first = cut
    parts.append(tokens[first:])
    spans = [(part[0].start, part[-1].end, tuple(part)) for part in parts]
    spans[0] = (start, *spans[0][1:])
    spans[-1] = (spans[-1][0], end, spans[-1][2])
    return spans


class Document:
    """A text analysed once: paragraphs, sentences, tokens. Offsets are code points into `text`, never altered."""

    def __init__(self, text: str, source: str = "<text>") -> None:
        if not isinstance(text, str):
            raise TypeError("Document text must be str")
        self.text = text
        self.source = source
        self.paragraphs: tuple[tuple[int, int], ...] = tuple(_spans_between(text, _PARAGRAPH_BREAK_RE, 0, len(text)))
        sentences: list[Sentence] = []
        for para_start, para_end in self.paragraphs:
            for sent_start, sent_end in split_sentences(text, para_start, para_end):
                tokens = tokenize(text[sent_start:sent_end], sent_start)
                for start, end, part in _bounded_parts(sent_start, sent_end, tokens):
                    sentences.append(Sentence(len(sentences), start, end, text[start:end], part))
        self.sentences: tuple[Sentence, ...] = tuple(sentences)
        self._sentence_starts = [s.start for s in self.sentences]
        self._tags: dict[int, tuple] = {}
        self.cache: dict[str, Any] = {}  # per-document derived data a check wants to share or reuse (any type)

    @cached_property
    def tokens(self) -> tuple[Token, ...]:
        return tuple(token for sentence in self.sentences for token in sentence.tokens)

    @cached_property
    def lower_tokens(self) -> tuple[tuple[str, ...], ...]:
        """Each sentence's token texts in lower case (by sentence index): several checks compare words
        case-insensitively, and lowering once per document is cheaper than once per check and rule."""
        return tuple(tuple([t.text.lower() for t in s.tokens]) for s in self.sentences)

    def lower_texts(self, sentence: Sentence) -> tuple[str, ...]:
        """One sentence's token texts in lower case: from `lower_tokens` for this document's own sentences."""
        if 0 <= sentence.index < len(self.sentences) and self.sentences[sentence.index] is sentence:
            return self.lower_tokens[sentence.index]
        return tuple([t.text.lower() for t in sentence.tokens])

    @cached_property
    def words(self) -> tuple[Token, ...]:
        return tuple(token for token in self.tokens if token.is_word)

    @cached_property
    def word_counts(self) -> Counter:
        """How often each word form occurs, case-folded: a draft's own recurring words are rarely typos."""
        return Counter(token.lower for token in self.words)

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence containing a code-point offset, or None when the offset falls between sentences."""
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and self.sentences[i].start <= offset < max(self.sentences[i].end, self.sentences[i].start + 1):
            return self.sentences[i]
        return None

    def tags(self, sentence: Sentence) -> tuple:
        """Part-of-speech tags for one sentence, aligned with its tokens; tagged on first request, then cached."""
        self.tag_many((sentence,))
        return self._tags[sentence.index]

    def tag_many(self, sentences) -> None:
        """Tag several sentences in one batch (faster than one at a time) ahead of `tags` calls."""
        from checks.tagging import tag_sentences

        pending = [s for s in sentences if s.index not in self._tags]
        if pending:
            self._tags.update(tag_sentences(pending))

    @property
    def tagged_sentence_count(self) -> int:
        return len(self._tags)


def analyse(text: str, source: str = "<text>") -> Document:
    return Document(text, source)
