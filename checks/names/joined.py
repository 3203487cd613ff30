"""Names written as one word in one place and as two in another: "Mohammad Bagher Zolghadr" and "Mohammadbagher
Zolghadr", "Guo Ying Wang" and "Guoying Wang", "Gholamreza Rafat Nejad" and "Gholamreza Rafatnejad".

Persian, Chinese, Korean and Arabic compound names are romanised both ways. Two full names are one person's
written two ways when joining two neighbouring words of one gives a word of the other (the same word or a
romanisation variant of it) and every other word agrees, one of them spelled the very same way (as
`checks.names.grouping._one_word_apart` asks). The form the text writes first is the one it introduced; every use
of the other form is reported. Linear in the names of the text: each name word is looked up once, and compared
with at most MAX_FORMS distinct full names."""

from __future__ import annotations

from typing import NamedTuple

from checks.names.grouping import MAX_CONTEXTS, same_name_word
from checks.names.keys import fine, fold
from checks.names.mentions import Mention

MIN_JOINED = 5  # letters of the word written as one ("Sunam" for "Su Nam", "Linna" for "Lin Na")
MIN_PART = 2  # letters of each of the two words
MAX_FORMS = MAX_CONTEXTS  # distinct full names kept per joined spelling: bounds the work on a hostile text

Form = tuple[tuple[str, ...], int]  # the name words of a full name, and where the one-or-two-word name stands


class JoinedUse(NamedTuple):
    """One use of the later form: its span, and the span of the first use of the form the text introduced."""

    start: int
    end: int
    first_start: int
    first_end: int


def joined_names(mentions: list[Mention]) -> list[JoinedUse]:
    """Every use of a full name written with one word where the text first wrote two, or the reverse."""
    split = _split_forms(mentions)
    if not split:
        return []
    joined: dict[Form, list[int]] = {}  # joined form -> the mentions that write it
    matches: dict[tuple[Form, Form], None] = {}  # (split form, joined form) pairs that are one name, in text order
    checked: dict[tuple[Form, Form], bool] = {}
    for m, mention in enumerate(mentions):
        cores = tuple(u.core for u in mention.units)
        for j, core in enumerate(cores if len(cores) > 1 else ()):
            for form in split.get(fine(core), {}):
                pair = (form, (cores, j))
                if pair not in checked:
                    checked[pair] = _same_name(form, (cores, j))
                if checked[pair]:
                    joined.setdefault((cores, j), []).append(m)
                    matches[pair] = None
    uses: list[JoinedUse] = []
    for split_form, joined_form in matches:
        split_uses = [
            (mentions[m].units[split_form[1]].start, mentions[m].units[split_form[1] + 1].end)
            for m in split[fine(joined_form[0][joined_form[1]])][split_form]
        ]
        joined_uses = [
            (mentions[m].units[joined_form[1]].start, mentions[m].units[joined_form[1]].end)
            for m in dict.fromkeys(joined[joined_form])
        ]
        first, later = (split_uses, joined_uses) if split_uses[0] < joined_uses[0] else (joined_uses, split_uses)
        uses.extend(JoinedUse(start, end, *first[0]) for start, end in later)
    return uses


def _split_forms(mentions: list[Mention]) -> dict[str, dict[Form, list[int]]]:
    """fine form of two neighbouring words written as one -> the full names that write them as two -> mentions."""
    split: dict[str, dict[Form, list[int]]] = {}
    for m, mention in enumerate(mentions):
        cores = tuple(u.core for u in mention.units)
        for i in range(len(cores) - 1):
            first, second = fold(cores[i]), fold(cores[i + 1])
            if len(first) < MIN_PART or len(second) < MIN_PART or len(first + second) < MIN_JOINED:
                continue
            forms = split.setdefault(fine(first + second), {})
            if (cores, i) in forms or len(forms) < MAX_FORMS:
                forms.setdefault((cores, i), []).append(m)
    return split


def _same_name(split: Form, joined: Form) -> bool:
    """Do the names agree once words i and i+1 of `split` are read as word j of `joined`?"""
    (words, i), (other, j) = split, joined
    if len(words) != len(other) + 1 or i != j:
        return False
    rest = list(zip(words[:i] + words[i + 2 :], other[:j] + other[j + 1 :], strict=True))
    whole = words[i] + words[i + 1].lower()
    return (
        (same_name_word(whole, other[j]) or fold(whole) == fold(other[j]))
        and any(a.casefold() == b.casefold() for a, b in rest)
        and all(same_name_word(a, b) for a, b in rest)
    )
