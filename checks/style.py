"""Style: page furniture scraped along with the article text ("Leave a Comment", "Share this article")."""
from __future__ import annotations

from functools import lru_cache

from checks.config import Config
from checks.document import Document
from checks.patterns import RuleSet, load_rule_file
from checks.registry import Family, register


@lru_cache(maxsize=1)
def rule_set() -> RuleSet:
    return load_rule_file("style.toml")


def check(doc: Document, config: Config):
    return rule_set().check(doc, config.rule_enabled)


register(Family(name="style", check=check, rules=lambda: rule_set().infos()))
