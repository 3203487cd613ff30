"""Applying suggested fixes to the user's text without offset drift.

Fixes are applied right to left on the original offsets, so one fix never shifts another. Overlapping flags are
resolved deterministically: the earliest start wins, then the more severe, the more confident, the shorter span,
and finally the rule id, so the same flags always give the same text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from checks.flags import SEVERITY_RANK, Flag, spans_overlap

Edit = tuple[int, int, str]


def first_suggestion(flag: Flag) -> str | None:
    return flag.suggestions[0] if flag.suggestions else None


def _priority(flag: Flag):
    return (flag.start, -SEVERITY_RANK[flag.severity], -flag.confidence, flag.end - flag.start, flag.rule)


def choose_edits(flags: Iterable[Flag], choose: Callable[[Flag], str | None] = first_suggestion) -> list[Edit]:
    """The non-overlapping edits to make, in text order: (start, end, replacement)."""
    edits: list[Edit] = []
    for flag in sorted(flags, key=_priority):
        replacement = choose(flag)
        if replacement is None:
            continue
        edit = (flag.start, flag.end, replacement)
        if not any(spans_overlap(edit[0], edit[1], kept[0], kept[1]) for kept in edits):
            edits.append(edit)
    return sorted(edits)


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits given in original offsets; everything outside them is kept byte for byte."""
    pieces, cursor = [], 0
    for start, end, replacement in sorted(edits):
        if start < cursor or end > len(text):
            raise ValueError(f"edit {start}:{end} overlaps another or lies outside the text")
        pieces.append(text[cursor:start])
        pieces.append(replacement)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def apply_fixes(text: str, flags: Iterable[Flag], choose: Callable[[Flag], str | None] = first_suggestion) -> str:
    """The text with the chosen suggestion of each flag applied (by default the first); flags must be on `text`."""
    flags = list(flags)
    for flag in flags:
        if text[flag.start : flag.end] != flag.text:
            raise ValueError(f"flag {flag.rule} at {flag.start}:{flag.end} does not match the text")
    return apply_edits(text, choose_edits(flags, choose))
