"""The editor's working copy of a draft: the text as edited, every step undoable, accepted fixes and ignored flags
that survive edits and re-checks, and the change marks against the text as it was first checked.

Pure Python (no Streamlit), so the page's bookkeeping is tested without a browser. Offsets are code points.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from functools import cached_property

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


@dataclass(frozen=True)
class Shift:
    """Where the text between an old and a new version changed: one stretch (common prefix and suffix kept)."""

    old: str
    new: str

    @cached_property
    def bounds(self) -> tuple[int, int, int]:
        """(changed start, changed end in the old text, length difference)."""
        limit = min(len(self.old), len(self.new))
        prefix = 0
        while prefix < limit and self.old[prefix] == self.new[prefix]:
            prefix += 1
        limit = min(len(self.old), len(self.new)) - prefix
        suffix = 0
        while suffix < limit and self.old[-1 - suffix] == self.new[-1 - suffix]:
            suffix += 1
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
