"""Applying suggested fixes to the user's text without offset drift.

Fixes are applied right to left on the original offsets, so one fix never shifts another. Overlapping flags are
resolved deterministically: the earliest start wins, then the more severe, the more confident, the shorter span,
and finally the rule id, so the same flags always give the same text. `fixed_bytes` makes the same edits on the
file's bytes: everything outside them is written exactly as it was read, whatever the encoding.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable

from checks.flags import SEVERITY_RANK, Flag, spans_overlap
from checks.inputs import Decoded

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


def fixed_bytes(
    decoded: Decoded, flags: Iterable[Flag], choose: Callable[[Flag], str | None] = first_suggestion
) -> bytes | None:
    """The file's bytes with the chosen fixes made: every byte outside an edit exactly as it was read, each
    replacement encoded like the file. None when there are no such bytes (HTML and .docx text is extracted) or a
    replacement cannot be written in the file's encoding; then write `apply_fixes`' text instead."""
    flags = list(flags)
    apply_fixes(decoded.text, flags, choose)  # the same checks of the flags against the text
    layout = _byte_layout(decoded)
    if layout is None:
        return None
    codec, prefix = layout
    data, text, strays = decoded.data or b"", decoded.text, decoded.strays

    def byte_length(start: int, end: int) -> int:
        inside = strays[bisect_left(strays, start) : bisect_left(strays, end)]
        return len(text[start:end].encode(codec)) - sum(len(text[k].encode(codec)) - 1 for k in inside)

    pieces, char_cursor, byte_cursor = [data[:prefix]], 0, prefix
    for start, end, replacement in choose_edits(flags, choose):
        byte_start = byte_cursor + byte_length(char_cursor, start)
        pieces.append(data[byte_cursor:byte_start])
        try:
            pieces.append(replacement.encode(codec))
        except UnicodeEncodeError:
            return None
        char_cursor, byte_cursor = end, byte_start + byte_length(start, end)
    pieces.append(data[byte_cursor:])
    return b"".join(pieces)


def _byte_layout(decoded: Decoded) -> tuple[str, int] | None:
    """(codec of the text after any byte-order mark, the mark's length), or None when the text's characters do not
    map back onto its bytes one by one (extracted text, or a codec that does not round-trip)."""
    data = decoded.data
    if data is None or not decoded.codec:
        return None
    marks = {"utf-16": (b"\xff\xfe", "utf-16-le", b"\xfe\xff", "utf-16-be")}
    marks["utf-32"] = (b"\xff\xfe\x00\x00", "utf-32-le", b"\x00\x00\xfe\xff", "utf-32-be")
    codec, prefix = decoded.codec, 0
    if codec == "utf-8-sig":
        codec, prefix = "utf-8", 3 if data.startswith(b"\xef\xbb\xbf") else 0
    elif codec in marks:
        little, little_codec, big, big_codec = marks[codec]
        codec, prefix = (little_codec, len(little)) if data.startswith(little) else (big_codec, len(big))
    if decoded.strays:
        return codec, prefix  # UTF-8 with stray bytes: built character by character when it was read
    try:
        round_trips = decoded.text.encode(codec) == data[prefix:]
    except (UnicodeEncodeError, LookupError):
        round_trips = False
    return (codec, prefix) if round_trips else None
