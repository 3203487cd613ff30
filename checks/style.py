"""Style: page furniture scraped along with the article text ("Leave a Comment", "Share this article"), and
spaces missing or stray around punctuation ("increasing , " he said").

Phrases that are furniture wherever a sentence starts with them are pattern rules in `data/style.toml`. Words
such as "Advertisement" or "Comments" are furniture only on a line of their own: that mechanism is here, with
its list of lines in the same data file. Spacing is invisible to a pattern rule, which sees words: the
`[[spacing]]` rules of the same file are regular expressions over the characters, and the mechanism that runs
them is here too.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from checks.config import Config
from checks.document import Document
from checks.flags import Flag, RuleInfo, make_flag
from checks.patterns import RuleSet, parse_rules
from checks.registry import Family, Result

RULE_FILE = "style.toml"
FURNITURE_LINE = "style.furniture-line"
_LINE_RE = re.compile(r"[^\r\n\u2028\u2029]+")
_COUNT_RE = re.compile(r"\s*(?:\(\d+\)|\d+)?\s*[:.]?\s*$")


@lru_cache(maxsize=1)
def _data() -> dict:
    return tomllib.loads(resources.files("checks.data").joinpath(RULE_FILE).read_text("utf-8"))


@lru_cache(maxsize=1)
def rule_set() -> RuleSet:
    return RuleSet(parse_rules(_data(), f"checks/data/{RULE_FILE}"))


@dataclass(frozen=True, slots=True)
class SpacingRule:
    """A `[[spacing]]` rule: `regex` is matched against `quote_view(text)`; the flag spans the match, and its
    suggestion is `fix` with each `\\g<name>` replaced by the characters, as written, of that named group."""

    id: str
    regex: re.Pattern
    fix: str
    message: str
    severity: str
    confidence: float
    fire: tuple[str, ...]
    quiet: tuple[str, ...]
    unless_line: str = ""  # a match on a line holding this text is left alone (a plain-text table's wide gaps)

    def suggestion(self, text: str, match: re.Match) -> str:
        def written(group: re.Match) -> str:
            start, end = match.span(group[1])
            return text[start:end] if start >= 0 else ""

        return _GROUP_RE.sub(written, self.fix)

    def info(self) -> RuleInfo:
        return RuleInfo(
            self.id, "style", self.message, self.fire[0], self.severity, f"checks/data/{RULE_FILE} [[spacing]]"
        )


_GROUP_RE = re.compile(r"\\g<(\w+)>")
_SPACING_REQUIRED = {"id", "regex", "fix", "message", "fire", "quiet"}
_SPACING_OPTIONAL = {"severity", "confidence", "unless_line"}


@lru_cache(maxsize=1)
def spacing_rules() -> tuple[SpacingRule, ...]:
    defaults = _data()["defaults"]
    rules = []
    for entry in _data().get("spacing", ()):
        if not _SPACING_REQUIRED <= set(entry) <= _SPACING_REQUIRED | _SPACING_OPTIONAL:
            raise ValueError(
                f"checks/data/{RULE_FILE}: spacing rule {entry.get('id')}: keys {sorted(entry)}; "
                f"required {sorted(_SPACING_REQUIRED)}, optional {sorted(_SPACING_OPTIONAL)}"
            )
        rules.append(
            SpacingRule(
                id=entry["id"],
                regex=re.compile(entry["regex"]),
                fix=entry["fix"],
                message=entry["message"],
                severity=entry.get("severity", defaults["severity"]),
                confidence=float(entry.get("confidence", defaults["confidence"])),
                fire=tuple(entry["fire"]),
                quiet=tuple(entry["quiet"]),
                unless_line=entry.get("unless_line", ""),
            )
        )
    return tuple(rules)


_AFTER_A_CLOSING_QUOTE = frozenset(".,;:!?)]")  # 'as " Shanghai ")': these mark where a quotation ends


def quote_view(text: str) -> str:
    """The text with each straight double quote shown as the curly quote it stands for, so that one rule covers
    both (one character for one: offsets are unchanged). A quote opens where a space or the line's start precedes
    it and a word follows, and closes the other way round (a mark such as ")" or "." after it counts as a space);
    with spaces on both sides or words on both it opens at the line's start, closes at its end, and otherwise opens
    when the quotes before it in its line are closed."""
    if '"' not in text:
        return text
    view = list(text)
    for line in _LINE_RE.finditer(text):
        first, last = line.start(), line.end()
        words = line.group().strip()
        first_word = first + line.group().index(words[0]) if words else last
        last_word = first + line.group().rindex(words[-1]) if words else first
        opened = False
        for quote in re.finditer('"', line.group()):
            at = first + quote.start()
            space_before = at == first or text[at - 1].isspace()
            space_after = at + 1 == last or text[at + 1].isspace() or text[at + 1] in _AFTER_A_CLOSING_QUOTE
            if space_before != space_after:
                opening = space_before
            elif space_before and at == first_word:  # nothing but spaces before it in its line
                opening = True
            elif space_before and at == last_word:
                opening = False
            else:
                opening = not opened
            view[at] = "\u201c" if opening else "\u201d"
            opened = opening
    return "".join(view)


def spacing_flags(text: str, enabled) -> list[Flag]:
    """Flags of the `[[spacing]]` rules that `enabled` accepts."""
    rules = [rule for rule in spacing_rules() if enabled(rule.id)]
    if not rules:
        return []
    view = quote_view(text)
    flags = []
    for rule in rules:
        exempt = _lines_holding(text, rule.unless_line) if rule.unless_line else []
        for match in rule.regex.finditer(view):
            if exempt and _on_a_line(exempt, match.start()):
                continue
            flags.append(
                make_flag(
                    text,
                    match.start(),
                    match.end(),
                    category="style",
                    rule=rule.id,
                    message=rule.message,
                    suggestions=(rule.suggestion(text, match),),
                    severity=rule.severity,
                    confidence=rule.confidence,
                )
            )
    return flags


def _lines_holding(text: str, needle: str) -> list[tuple[int, int]]:
    """The (start, end) of every line of `text` that holds `needle`, in order."""
    return [line.span() for line in _LINE_RE.finditer(text) if needle in line.group()]


def _on_a_line(lines: list[tuple[int, int]], at: int) -> bool:
    index = bisect.bisect_right(lines, at, key=lambda line: line[0]) - 1
    return index >= 0 and at < lines[index][1]


@lru_cache(maxsize=1)
def furniture_lines() -> frozenset[str]:
    return frozenset(line.lower() for line in _data().get("furniture", {}).get("lines", ()))


def furniture_line_flags(text: str) -> list[Flag]:
    """Lines that consist of nothing but a furniture label ("Advertisement", "Comments (12)", "Tags:")."""
    known = furniture_lines()
    flags = []
    for match in _LINE_RE.finditer(text):
        line = match.group()
        core = _COUNT_RE.sub("", line).strip()
        if len(core) > 40 or core.lower() not in known:
            continue
        start = match.start() + line.index(core)
        end = match.start() + len(line.rstrip())
        flags.append(
            make_flag(
                text,
                start,
                end,
                category="style",
                rule=FURNITURE_LINE,
                message=f"'{core}' on a line of its own looks like page furniture copied with the article; delete it.",
                suggestions=("",),
                severity="warning",
                confidence=0.85,
            )
        )
    return flags


def check(doc: Document, config: Config) -> Result:
    disabled = config.disabled_rules
    flags = rule_set().check(doc, lambda rule_id: rule_id not in disabled, config.enabled_rules)
    if FURNITURE_LINE not in disabled:
        covered = {(f.start, f.end) for f in flags}
        flags += [f for f in furniture_line_flags(doc.text) if (f.start, f.end) not in covered]
    flags += spacing_flags(doc.text, lambda rule_id: rule_id not in disabled)
    return Result(flags)


def rules() -> list[RuleInfo]:
    return (
        rule_set().infos()
        + [rule.info() for rule in spacing_rules()]
        + [
            RuleInfo(
                FURNITURE_LINE,
                "style",
                "A line holding only a page label such as 'Advertisement', 'Comments (3)' or 'Read more'.",
                "Advertisement",
                "warning",
                "checks/style.py",
            )
        ]
    )


def tag_requests(doc: Document, config: Config):
    return rule_set().sentences_needing_tags(doc, config.rule_enabled, config.enabled_rules)


FAMILY = Family(name="style", category="style", check=check, rules=rules, tag_requests=tag_requests)
