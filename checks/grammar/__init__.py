"""Grammar: slips that drafts and machine translations make.

Three layers:
  * token patterns in `data/grammar.toml` (checks/patterns.py);
  * the mechanisms a pattern cannot express (`mechanisms.py`): a/an by the sound of the next word, repeated words;
  * the model-judged layer (`judged.py`): prepositions, articles and verb forms after an auxiliary that the n-gram
    reference would rewrite and the model judge (checks/judge.py) confirms, on words no rule has flagged.
"""

from __future__ import annotations

from checks.config import Config
from checks.document import Document
from checks.flags import RuleInfo
from checks.grammar import judged
from checks.grammar.mechanisms import (
    A_AN,
    REPEATED,
    article_flags,
    initial_sound,
    mechanism_flags,
    mechanism_rules,
    repeated_word_flags,
    rule_set,
    word_lists,
)
from checks.registry import Family, Result

__all__ = [
    "A_AN",
    "REPEATED",
    "FAMILY",
    "article_flags",
    "check",
    "initial_sound",
    "repeated_word_flags",
    "rule_set",
    "rules",
    "word_lists",
]


def check(doc: Document, config: Config) -> Result:
    disabled = config.disabled_rules  # read once: the rule set asks for every candidate
    flags = rule_set().check(doc, lambda rule_id: rule_id not in disabled, config.enabled_rules)
    flags.extend(mechanism_flags(doc, disabled))
    more, status = judged.check(doc, config, flags)
    return Result(flags + more, status)


def rules() -> list[RuleInfo]:
    return rule_set().infos() + mechanism_rules() + judged.rules()


def tag_requests(doc: Document, config: Config):
    return rule_set().sentences_needing_tags(doc, config.rule_enabled, config.enabled_rules)


FAMILY = Family(
    name="grammar",
    category="grammar",
    check=check,
    rules=rules,
    sections=(judged.SECTION,),
    tag_requests=tag_requests,
)
