"""The one result type every check returns, like Vale's Alert or proselint's CheckResult."""

from __future__ import annotations

from dataclasses import dataclass, field

CATEGORIES = ("readability", "spelling", "grammar", "mistranslation", "names", "style")
SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, slots=True)
class Flag:
    """One finding: the exact code-point span of the user's text, why it is flagged, and fixes best first."""

    category: str
    rule: str
    start: int
    end: int
    text: str
    message: str
    suggestions: tuple[str, ...] = ()
    severity: str = "warning"
    confidence: float = 1.0

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}:{self.end}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} outside 0..1")

    def to_dict(self) -> dict:
        """The published JSON shape of one issue (the command line's contract)."""
        return {
            "category": self.category,
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
            "suggestions": list(self.suggestions),
            "severity": self.severity,
            "confidence": round(self.confidence, 3),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Flag:
        return cls(
            category=data["category"],
            rule=data["rule"],
            start=int(data["start"]),
            end=int(data["end"]),
            text=data["text"],
            message=data["message"],
            suggestions=tuple(data.get("suggestions") or ()),
            severity=data.get("severity", "warning"),
            confidence=float(data.get("confidence", 1.0)),
        )


def spans_overlap(s1: int, e1: int, s2: int, e2: int) -> bool:
    """Whether two spans share text, or would clash as edits: an insertion point (an empty span) clashes with a span
    strictly around it and with one that starts at the same point."""
    if s1 == e1 or s2 == e2:
        return (s1 == s2) or (s2 < s1 < e2) or (s1 < s2 < e1)
    return s1 < e2 and s2 < e1


def overlaps(a: Flag, b: Flag) -> bool:
    return spans_overlap(a.start, a.end, b.start, b.end)


def make_flag(text: str, start: int, end: int, **fields) -> Flag:
    """Build a flag whose `text` is always exactly `text[start:end]`, so offsets can never drift from the quote."""
    return Flag(start=start, end=end, text=text[start:end], **fields)


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What `python -m checks rules` lists for one rule id."""

    id: str
    category: str
    description: str
    example: str = ""
    severity: str = "warning"
    defined_in: str = ""  # where the rule lives (data file or module), for the generated rule list
    extra: dict = field(default_factory=dict)
    source: str = ""  # the usage guide or style book the rule follows (a citation), as proselint's checks name theirs
    link: str = ""  # a URL that explains the rule further, as Vale's `link`
    off_by_default: bool = False  # a preference that runs only where the house style's [rules] enabled names it
