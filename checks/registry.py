"""The registry of check families. Each family is one module under checks/ that calls `register` at import.

A family is a pure function of (document, config) -> flags, plus optional document metrics and the list of its
rules. Adding a rule is a data change in the family's rule file; adding a family is one module and one line in
FAMILY_MODULES.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable, Iterable

from checks.config import Config
from checks.document import Document, Sentence
from checks.flags import Flag, RuleInfo

# Import order is run order; the pipeline sorts flags by offset afterwards, so order only breaks ties.
FAMILY_MODULES = (
    "checks.readability",
    "checks.spelling",
    "checks.grammar",
    "checks.style",
    "checks.mistranslation",
    "checks.names",
    "checks.languagetool",
)


@dataclass(frozen=True)
class Family:
    name: str
    check: Callable[[Document, Config], Iterable[Flag]]
    rules: Callable[[], list[RuleInfo]]
    metrics: Callable[[Document, Config], dict] | None = None
    # Sentences this family will ask the tagger about; the pipeline tags all families' requests in one batch.
    tag_requests: Callable[[Document, Config], Iterable[Sentence]] | None = None
    offline: bool = True  # False for backends that talk to a server (skipped with --offline)
    default: bool = True  # run unless the house style or the caller turns it off


_FAMILIES: dict[str, Family] = {}


def register(family: Family) -> Family:
    _FAMILIES[family.name] = family
    return family


def families() -> list[Family]:
    """Every registered family, in FAMILY_MODULES order (modules that do not exist yet are skipped)."""
    for module in FAMILY_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    return list(_FAMILIES.values())


def family(name: str) -> Family:
    families()
    return _FAMILIES[name]


def all_rules() -> list[RuleInfo]:
    rules: list[RuleInfo] = []
    for fam in families():
        rules.extend(fam.rules())
    return sorted(rules, key=lambda r: r.id)
