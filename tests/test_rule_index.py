"""The shortcuts of the pattern engine and the tokenizer only skip work, they change no result.

A rule set finds its candidates through an index of anchor words and two sieves (a word of every required element
occurs in the sentence; the tokens at fixed distances from the anchor fit): its flags must be exactly those of
trying every rule at every token that is one of its anchor words, with no index and no sieve. The tokenizer's word
expression is written as runs of letters for speed: it must find the tokens the plain expression found."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks import document
from checks.document import Document
from checks.flags import Flag
from checks.generated import rule_files
from checks.patterns import RuleSet, _unique, load_rule_file, split_example

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").rglob("*.txt"))


def _try_every_rule(ruleset: RuleSet, doc: Document) -> list[Flag]:
    """Every rule at every token that is one of its anchor words, in token order, then rule order (the order the
    index gives)."""
    flags = []
    for sentence in doc.sentences:
        for position, token in enumerate(sentence.tokens):
            for rule in ruleset.rules:
                if token.text.lower() in rule.pattern.anchor_words:
                    flag = ruleset._try(rule, doc, sentence, position)
                    if flag is not None:
                        flags.append(flag)
    return _unique(flags)


def _every_id(ruleset: RuleSet) -> set[str]:
    """Every rule of the set, those off by default too (the comparison tries them all)."""
    return {rule.id for rule in ruleset.rules}


def _examples(ruleset: RuleSet) -> list[str]:
    texts = []
    for rule in ruleset.rules:
        texts += [split_example(example)[0] for example in rule.fire] + list(rule.quiet)
    return texts


@pytest.mark.parametrize("name", rule_files())
def test_the_index_flags_what_trying_every_rule_flags_on_the_rule_examples(name):
    ruleset = load_rule_file(name)
    examples = _examples(ruleset)
    fired = 0
    # each example alone, and all of them in one document (rules then meet other rules' sentences)
    for text in [*examples, "\n\n".join(examples)]:
        doc = Document(text)
        expected = _try_every_rule(ruleset, doc)
        assert ruleset.check(doc, switched_on=_every_id(ruleset)) == expected, text
        fired += len(expected)
    assert fired > 0  # the examples do make rules fire: the comparison is not between two empty lists


@pytest.mark.parametrize("name", rule_files())
def test_the_index_flags_what_trying_every_rule_flags_on_the_sample_drafts(name):
    ruleset = load_rule_file(name)
    for path in SAMPLES:
        doc = Document(path.read_text("utf-8", errors="replace"))
        assert ruleset.check(doc, switched_on=_every_id(ruleset)) == _try_every_rule(ruleset, doc), path.name


def test_a_disabled_rule_is_left_out_after_the_candidates_are_cached():
    """The candidates are found once per document for every rule; which rules are enabled is asked per call."""
    ruleset = load_rule_file("grammar.toml")
    doc = Document("Despite of the rain, they came. He could of gone.")
    every = {f.rule for f in ruleset.check(doc)}
    assert {"grammar.despite-of", "grammar.could-of"} <= every
    fewer = {f.rule for f in ruleset.check(doc, lambda rule_id: rule_id != "grammar.despite-of")}
    assert fewer == every - {"grammar.despite-of"}


# The word expression as first written, one character per repetition of a group (the definition).
_PLAIN_WORD = rf"[^\W_][{document._MARKS}]*(?:(?:['’\-‐]|[{document._MARKS}])*[^\W_][{document._MARKS}]*)*"
_PLAIN_TOKEN_RE = re.compile(document._TOKEN_RE.pattern.replace(document._WORD, _PLAIN_WORD))

_PIECES = list("aZé1_'’-‐.@#/:,()\"“ \n\t") + ["\u0301", "\u0610", "\u064b", "\u200b", "\ufeff", "日", "²", "x"]
_PIECES += ["http://", "www.", "e.g.", "U.S.", "'s", "’s", "a@b.com", "5km", "18:00", "don't", "semi-final"]


def _spans(text: str) -> list[tuple[str, int, int]]:
    return [(t.text, t.start, t.end) for t in document.tokenize(text)]


def _plain_spans(text: str) -> list[tuple[str, int, int]]:
    """tokenize() with the plain expression, e-mail alternative always tried."""
    saved = document._TOKEN_RE, document._TOKEN_NO_EMAIL_RE
    document._TOKEN_RE = document._TOKEN_NO_EMAIL_RE = _PLAIN_TOKEN_RE
    try:
        return _spans(text)
    finally:
        document._TOKEN_RE, document._TOKEN_NO_EMAIL_RE = saved


def test_the_plain_expression_is_the_shipped_one_but_for_the_word_part():
    assert _PLAIN_TOKEN_RE.pattern != document._TOKEN_RE.pattern
    assert _PLAIN_TOKEN_RE.pattern.count(_PLAIN_WORD) == 3  # numbers with units (twice) and words


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=16).map("".join))
def test_the_tokenizer_finds_the_tokens_of_the_plain_expression(text):
    assert _spans(text) == _plain_spans(text)


def test_the_tokenizer_finds_the_tokens_of_the_plain_expression_on_the_samples():
    for path in SAMPLES:
        text = path.read_text("utf-8", errors="replace")
        assert _spans(text) == _plain_spans(text), path.name
