"""The registry of check families: each family module exposes one `FAMILY` value, listed in FAMILY_MODULES.

A family says everything the engine needs to know about it: its name and category, its check (a pure function of
document and house style that returns its flags and a status line), its rules, the house-style tables it reads
(keys, defaults and documentation: the schema and samples/copydesk.toml are built from them), its document
metrics, the sentences it wants tagged, whether it is an outside backend whose flags give way to ours, and any
archive-wide table it builds in batch mode. Adding a rule is a data change in the family's rule file; adding a
family is one module and one line in FAMILY_MODULES.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from checks.config import Config, Section
from checks.document import Document, Sentence
from checks.flags import Flag, RuleInfo

# List order is run order; the pipeline sorts flags by offset afterwards, so order only breaks ties.
FAMILY_MODULES = (
    "checks.readability",
    "checks.spelling",
    "checks.grammar",
    "checks.style",
    "checks.mistranslation",
    "checks.names",
    "checks.languagetool",
)
# House-style tables read outside the families (the engine's own, archive limits, the review store, the
# dashboard, the server), in the order samples/copydesk.toml shows them after the families'.
ENGINE_SECTIONS = ("checks.config:ENGINE_SECTIONS",)
OTHER_SECTIONS = (
    "checks.archives:SECTIONS",
    "checks.reviews:SECTIONS",
    "checks.desk:SECTIONS",
    "checks.server:SECTIONS",
)


class Result(NamedTuple):
    """What a family's check returns: its flags, and a status line for the user (empty: nothing to say)."""

    flags: list[Flag]
    status: str = ""


@dataclass(frozen=True)
class ArchiveTable:
    """An archive-wide table a family builds in batch mode, written as `<name>.parquet` beside the others.

    Each worker calls `collect` on every document it checks and keeps the (key, count) pairs; at the end,
    `combine` reads the (document_id, key, count) rows of the whole archive (an iterable that may be walked
    several times, with a length) and returns the table's rows, with the `columns` given as (name, kind), kind
    one of "string", "int", "strings"."""

    name: str
    collect: Callable[[Document, Config], dict[str, int]]
    combine: Callable[[Iterable[tuple[str, str, int]], Config], list[dict]]
    columns: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Family:
    name: str
    category: str | None  # the category of its flags; None for a backend whose flags keep the categories it reports
    check: Callable[[Document, Config], Result]
    rules: Callable[[], list[RuleInfo]]
    sections: tuple[Section, ...] = ()  # the house-style tables it reads
    metrics: Callable[[Document, Config], dict] | None = None
    # Sentences this family will ask the tagger about; the pipeline tags all families' requests in one batch.
    tag_requests: Callable[[Document, Config], Iterable[Sentence]] | None = None
    secondary: bool = False  # an outside backend: its flags give way to ours on the same words
    offline: bool = True  # False for backends that talk to a server (skipped with --offline)
    default: bool = True  # run unless the house style or the caller turns it off
    archive: ArchiveTable | None = None


@lru_cache(maxsize=1)
def families() -> tuple[Family, ...]:
    """Every family, in FAMILY_MODULES order."""
    return tuple(importlib.import_module(module).FAMILY for module in FAMILY_MODULES)


def family(name: str) -> Family:
    for fam in families():
        if fam.name == name:
            return fam
    raise KeyError(name)


def all_rules() -> list[RuleInfo]:
    rules: list[RuleInfo] = []
    for fam in families():
        rules.extend(fam.rules())
    return sorted(rules, key=lambda r: r.id)


def _load(path: str) -> Any:
    module, attribute = path.split(":")
    return getattr(importlib.import_module(module), attribute)


@lru_cache(maxsize=1)
def house_sections() -> tuple[Section, ...]:
    """Every house-style table, in the order samples/copydesk.toml documents them."""
    found: list[Section] = []
    for path in ENGINE_SECTIONS:
        found.extend(_load(path))
    for fam in families():
        found.extend(fam.sections)
    for path in OTHER_SECTIONS:
        found.extend(_load(path))
    return tuple(found)
