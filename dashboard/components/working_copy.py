"""The editor's working copy of a draft: the text as edited, every step undoable, accepted fixes and ignored flags
that survive edits and re-checks, and the change marks against the text as it was first checked.

Pure Python (no Streamlit), so the page's bookkeeping is tested without a browser. Offsets are code points.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from checks.flags import Flag

Span = tuple[str, int, int]  # (rule, start, end) in the current text
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Accepted:
    """One accepted fix: what the flagged text was, what replaced it, and where the replacement now is (None once
    the editor has typed over it)."""

    rule: str
    text: str
    replacement: str
    start: int | None
    end: int | None


@dataclass(frozen=True)
class Step:
    text: str
    ignored: frozenset[Span] = frozenset()
    accepted: tuple[Accepted, ...] = ()
    label: str = "checked"


@dataclass
class WorkingCopy:
    original: str
    steps: list[Step] = field(default_factory=list)
    at: int = 0

    @classmethod
    def start(cls, text: str) -> WorkingCopy:
        return cls(text, [Step(text)], 0)

    @property
    def current(self) -> Step:
        return self.steps[self.at]

    @property
    def text(self) -> str:
        return self.current.text

    @property
    def changed(self) -> bool:
        """Whether anything the editor did would be lost by starting over."""
        return self.text != self.original or bool(self.current.ignored) or bool(self.current.accepted)

    def can_undo(self) -> bool:
        return self.at > 0

    def can_redo(self) -> bool:
        return self.at < len(self.steps) - 1

    def _record(self, step: Step) -> None:
        del self.steps[self.at + 1 :]  # a new step after an undo drops the redo tail, as every editor does
        self.steps.append(step)
        self.at += 1

    def edit(self, new_text: str, label: str = "edit") -> bool:
        """The editor's own typing: ignored flags and accepted fixes outside the changed stretch move with the
        text; those inside it are dropped (the ignore) or lose their place (the fix, still counted)."""
        old = self.current
        if new_text == old.text:
            return False
        shift = Shift(old.text, new_text)
        ignored = frozenset((rule, *moved) for rule, s, e in old.ignored if (moved := shift.span(s, e)) is not None)
        accepted = tuple(shift.accepted(a) for a in old.accepted)
        self._record(Step(new_text, ignored, accepted, label))
        return True

    def accept(self, rule: str, start: int, end: int, replacement: str) -> None:
        """Replace a flag's passage by its fix; the fix is part of the text from now on."""
        text = self.text
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"fix {start}:{end} lies outside the text")
        if not self.edit(text[:start] + replacement + text[end:], label=f"accept {rule}"):
            self._record(replace(self.current, label=f"accept {rule}"))  # a fix equal to the text is still a step
        fix = Accepted(rule, text[start:end], replacement, start, start + len(replacement))
        self.steps[self.at] = replace(self.current, accepted=(*self.current.accepted, fix))

    def ignore(self, rule: str, start: int, end: int) -> None:
        step = self.current
        self._record(replace(step, ignored=step.ignored | {(rule, start, end)}, label="ignore"))

    def undo(self) -> bool:
        if not self.can_undo():
            return False
        self.at -= 1
        return True

    def redo(self) -> bool:
        if not self.can_redo():
            return False
        self.at += 1
        return True

    def is_ignored(self, flag: Flag) -> bool:
        return (flag.rule, flag.start, flag.end) in self.current.ignored

    def accepted_count(self) -> int:
        return len(self.current.accepted)


def common_ends(old: str, new: str) -> tuple[int, int]:
    """(length of the common prefix, length of the common suffix after it). Found by halving, each test comparing
    only the stretch not yet known, so slices compare at C speed and a long draft costs about two passes over it."""
    limit = min(len(old), len(new))
    prefix = _longest(lambda low, high: old[low:high] == new[low:high], limit)
    o, n = len(old), len(new)
    suffix = _longest(lambda low, high: old[o - high : o - low] == new[n - high : n - low], limit - prefix)
    return prefix, suffix


def _longest(same: Callable[[int, int], bool], limit: int) -> int:
    """The largest length <= limit whose stretch agrees, where same(low, high) tells whether [low, high) agrees."""
    low, high = 0, limit  # [0, low) agrees; the answer is at most high
    while low < high:
        middle = (low + high + 1) // 2
        if same(low, middle):
            low = middle
        else:
            high = middle - 1
    return low


@dataclass(frozen=True)
class Shift:
    """Where the text between an old and a new version changed: one stretch (common prefix and suffix kept)."""

    old: str
    new: str

    @cached_property
    def bounds(self) -> tuple[int, int, int]:
        """(changed start, changed end in the old text, length difference)."""
        prefix, suffix = common_ends(self.old, self.new)
        return prefix, len(self.old) - suffix, len(self.new) - len(self.old)

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """A span of the old text in the new one, or None when the change touched it."""
        changed_start, changed_end, delta = self.bounds
        if end <= changed_start and not (start == end == changed_start and changed_start < changed_end):
            return start, end
        if start >= changed_end:
            return start + delta, end + delta
        return None

    def accepted(self, fix: Accepted) -> Accepted:
        if fix.start is None or fix.end is None:
            return fix
        moved = self.span(fix.start, fix.end)
        return replace(fix, start=moved[0] if moved else None, end=moved[1] if moved else None)


# ---------------------------------------------------------------------------------- the copy kept in the browser
# The editor keeps the working copy in the browser's localStorage, so a reload, a closed tab or a server restart
# loses nothing: the current step's text (the editor has it already), the original, and the undo history as each
# step's difference from its neighbour towards the current step (an edit costs its own few characters, not a copy
# of the draft). History is bounded; past the browser's quota the editor drops it and keeps the text.

SAVED_VERSION = 1
HISTORY_STEPS = 100  # undo and redo steps kept in the browser
HISTORY_CHARS = 500_000  # characters those steps' differences may hold together (the browser keeps ~5 MB a site)

Delta = tuple[int, int, str]  # (common prefix, common suffix, the middle): a text rebuilt from its neighbour's


def delta(reference: str, text: str) -> Delta:
    if reference is text:  # an ignore or an accepted-fix step keeps the text object it had
        return len(text), 0, ""
    prefix, suffix = common_ends(reference, text)
    return prefix, suffix, text[prefix : len(text) - suffix]


def apply_delta(reference: str, change: Delta) -> str:
    prefix, suffix, middle = change
    if prefix + suffix > len(reference):
        raise ValueError("a saved step does not fit the text beside it")
    return reference[:prefix] + middle + reference[len(reference) - suffix :]


def saved_form(copy: WorkingCopy) -> dict[str, Any]:
    """The working copy as the browser keeps it, less the current text (sent beside it): steps nearest the current
    one first, as many as HISTORY_STEPS and HISTORY_CHARS allow."""
    at = copy.at
    kept: dict[int, dict[str, Any]] = {at: _step_form(copy.current, None)}
    budget = HISTORY_CHARS
    for index, neighbour in [(i, i + 1) for i in range(at - 1, -1, -1)] + [
        (i, i - 1) for i in range(at + 1, len(copy.steps))
    ]:
        if len(kept) >= HISTORY_STEPS or neighbour not in kept:
            continue
        change = delta(copy.steps[neighbour].text, copy.steps[index].text)
        budget -= len(change[2])
        if budget < 0:
            continue
        kept[index] = _step_form(copy.steps[index], change)
    first = min(kept)
    return {
        "v": SAVED_VERSION,
        "original": None if copy.original == copy.text else copy.original,
        "at": at - first,
        "steps": [kept[i] for i in sorted(kept)],
    }


def _step_form(step: Step, change: Delta | None) -> dict[str, Any]:
    return {
        "d": list(change) if change is not None else None,
        "ignored": [list(span) for span in sorted(step.ignored)],
        "accepted": [[a.rule, a.text, a.replacement, a.start, a.end] for a in step.accepted],
        "label": step.label,
    }


def from_saved(saved: Any, max_chars: int) -> WorkingCopy:
    """A working copy again from what the browser kept (untrusted: it may be old, edited or cut short); ValueError
    says what is wrong with it. `typed`, the text on screen when it was saved, is kept as the editor's last edit."""
    if not isinstance(saved, dict) or saved.get("v") != SAVED_VERSION:
        raise ValueError("it was saved by another version of Copydesk")
    text, steps, at = saved.get("text"), saved.get("steps"), saved.get("at", -1)
    if not isinstance(text, str) or not isinstance(steps, list) or not steps:
        raise ValueError("it has no text")
    if not isinstance(at, int) or isinstance(at, bool):
        raise ValueError("its history is not in order")
    if not 0 <= at < len(steps) or not all(isinstance(s, dict) for s in steps) or steps[at].get("d") is not None:
        raise ValueError("its history is not in order")
    texts: dict[int, str] = {at: text}
    for index in [*range(at - 1, -1, -1), *range(at + 1, len(steps))]:
        neighbour = index + 1 if index < at else index - 1
        texts[index] = apply_delta(texts[neighbour], _delta(steps[index].get("d")))
    original = saved.get("original")
    original = text if original is None else original
    typed = saved.get("typed")
    if not isinstance(original, str) or not (typed is None or isinstance(typed, str)):
        raise ValueError("its original is not text")
    if max(len(t) for t in [original, typed or "", *texts.values()]) > max_chars:
        raise ValueError(f"it is longer than the limit of {max_chars:,} characters")
    copy = WorkingCopy(original, [_step(texts[i], steps[i]) for i in range(len(steps))], at)
    if typed is not None:
        copy.edit(typed)
    return copy


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _delta(value: Any) -> Delta:
    if not (isinstance(value, list) and len(value) == 3 and _is_int(value[0]) and _is_int(value[1])):
        raise ValueError("a step of its history is unreadable")
    prefix, suffix, middle = value
    if prefix < 0 or suffix < 0 or not isinstance(middle, str):
        raise ValueError("a step of its history is unreadable")
    return prefix, suffix, middle


def _step(text: str, saved: dict[str, Any]) -> Step:
    ignored, accepted, label = saved.get("ignored", []), saved.get("accepted", []), saved.get("label", "restored")
    if not isinstance(ignored, list) or not isinstance(accepted, list) or not isinstance(label, str):
        raise ValueError("a step of its history is unreadable")
    return Step(text, frozenset(_span(s, text) for s in ignored), tuple(_accepted(a, text) for a in accepted), label)


def _span(value: Any, text: str) -> Span:
    if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)):
        raise ValueError("an ignored flag is unreadable")
    rule, start, end = value
    if not (_is_int(start) and _is_int(end) and 0 <= start <= end <= len(text)):
        raise ValueError("an ignored flag lies outside the text")
    return rule, start, end


def _accepted(value: Any, text: str) -> Accepted:
    if not (isinstance(value, list) and len(value) == 5 and all(isinstance(v, str) for v in value[:3])):
        raise ValueError("an accepted fix is unreadable")
    rule, was, replacement, start, end = value
    if start is None or end is None:
        return Accepted(rule, was, replacement, None, None)
    if not (_is_int(start) and _is_int(end) and 0 <= start <= end <= len(text)):
        raise ValueError("an accepted fix lies outside the text")
    return Accepted(rule, was, replacement, start, end)


# ---------------------------------------------------------------------------------------------- change marks


@dataclass(frozen=True)
class Change:
    kind: str  # "same", "del" (only in the original) or "ins" (only in the current text)
    text: str


def changes(original: str, current: str) -> list[Change]:
    """The current text against the original, word by word (what a track-changes view shows). Lines are matched
    first and only the lines that differ are compared word by word, so a long draft with a few fixes is quick."""
    if original == current:
        return [Change("same", current)] if current else []
    old, new = original.splitlines(keepends=True), current.splitlines(keepends=True)
    out: list[Change] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        before, after = "".join(old[a1:a2]), "".join(new[b1:b2])
        if op == "equal":
            out.append(Change("same", before))
        else:
            out.extend(_word_changes(before, after))
    return _merged(out)


def _word_changes(original: str, current: str) -> list[Change]:
    old, new = _TOKENS.findall(original), _TOKENS.findall(current)
    out = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(Change("same", "".join(old[a1:a2])))
            continue
        if a1 < a2:
            out.append(Change("del", "".join(old[a1:a2])))
        if b1 < b2:
            out.append(Change("ins", "".join(new[b1:b2])))
    return out


def _merged(change_list: list[Change]) -> list[Change]:
    """Neighbours of the same kind joined (the line and word passes leave some)."""
    out: list[Change] = []
    for change in change_list:
        if out and out[-1].kind == change.kind:
            out[-1] = Change(change.kind, out[-1].text + change.text)
        elif change.text:
            out.append(change)
    return out


def inserted_spans(change_list: list[Change]) -> list[tuple[int, int, str]]:
    """(start, end, replaced text) of every insertion, in the current text's code points."""
    spans, at, deleted = [], 0, ""
    for change in change_list:
        if change.kind == "del":
            deleted = change.text
            continue
        if change.kind == "ins":
            spans.append((at, at + len(change.text), deleted))
        at += len(change.text)
        deleted = ""
    return spans


def marked_text(change_list: list[Change]) -> str:
    """The text with changes marked as wdiff marks them: [-deleted-]{+inserted+}."""
    marks = {"same": "{}", "del": "[-{}-]", "ins": "{{+{}+}}"}
    return "".join(marks[c.kind].format(c.text) for c in change_list)
