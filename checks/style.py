"""Style: page furniture scraped along with the article text ("Leave a Comment", "Share this article").

Phrases that are furniture wherever a sentence starts with them are pattern rules in `data/style.toml`. Words
such as "Advertisement" or "Comments" are furniture only on a line of their own: that mechanism is here, with
its list of lines in the same data file.
"""

from __future__ import annotations

import re
import tomllib
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
    return Result(flags)


def rules() -> list[RuleInfo]:
    return rule_set().infos() + [
        RuleInfo(
            FURNITURE_LINE,
            "style",
            "A line holding only a page label such as 'Advertisement', 'Comments (3)' or 'Read more'.",
            "Advertisement",
            "warning",
            "checks/style.py",
        )
    ]


def tag_requests(doc: Document, config: Config):
    return rule_set().sentences_needing_tags(doc, config.rule_enabled, config.enabled_rules)


FAMILY = Family(name="style", category="style", check=check, rules=rules, tag_requests=tag_requests)
