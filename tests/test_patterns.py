"""The token-pattern rule language: literals, lemmas, tags, optional and negated elements, marks, antipatterns."""
from __future__ import annotations

import pytest

from checks.document import Document
from checks.patterns import RuleError, RuleSet, compile_pattern, parse_rules


def rules(**entry):
    base = {"id": "grammar.test-rule", "message": "m"}
    return RuleSet(parse_rules({"rule": [{**base, **entry}]}, "test"))


def flagged(ruleset, text):
    return [(f.text, f.suggestions) for f in ruleset.check(Document(text))]


def test_lemma_matches_every_inflection_and_template_keeps_case():
    rs = rules(pattern="[@assist at] the", suggest=["attended"])
    assert flagged(rs, "Leaders assisted at the funeral.") == [("assisted at", ("attended",))]
    assert flagged(rs, "Assisting at the funeral were many.") == [("Assisting at", ("Attended",))]
    assert flagged(rs, "She assisted the police.") == []


def test_optional_and_negated_elements():
    rs = rules(pattern="[since] the? re:\\d+|two|three [years]", suggest=["for"])
    assert flagged(rs, "He has lived here since three years.")[0][0] == "since three years"
    assert flagged(rs, "since the 20 years").__len__() == 1
    rs2 = rules(pattern="eventually !@agree")
    assert flagged(rs2, "They eventually agreed.") == []
    assert len(flagged(rs2, "They will eventually come.")) == 1


def test_tag_elements_use_the_tagger_only_after_a_literal_match():
    rs = rules(pattern="[for tag:VB]", suggest=["{1} {2:ing}"])
    doc = Document("The money was used for suppress the protests. A calm sentence without the anchor word.")
    found = rs.check(doc)
    assert [(f.text, f.suggestions[0]) for f in found] == [("for suppress", "for suppressing")]
    assert doc.tagged_sentence_count == 1
    assert rs.check(Document("The money was used for the protests.")) == []


def test_antipattern_silences_overlapping_match():
    rs = rules(pattern="keen", unless=["keen interest|eye|observer"])
    assert flagged(rs, "She has a keen interest in law.") == []
    assert len(flagged(rs, "Troops used keen fire.")) == 1


def test_sentence_start_anchor():
    rs = rules(pattern="^ [leave a comment]")
    assert len(flagged(rs, "Leave a comment")) == 1
    assert flagged(rs, "Readers may leave a comment.") == []


def test_pattern_needs_a_required_literal_anchor():
    with pytest.raises(RuleError):
        compile_pattern("tag:VB tag:NN", lambda w: [w])
    with pytest.raises(RuleError):
        compile_pattern("the? !house", lambda w: [w])


def test_rule_is_indexed_by_its_rarest_word_even_after_optional_elements():
    pattern = compile_pattern("in the? middle a", lambda w: [w])
    assert pattern.anchor_words == frozenset({"middle"})
    rs = rules(pattern="in the? [middle a]", suggest=["middle of a"])
    assert flagged(rs, "It comes in the middle a stalemate.") == [("middle a", ("middle of a",))]
    assert flagged(rs, "It comes in middle a stalemate.") == [("middle a", ("middle of a",))]
    assert flagged(rs, "It comes in the middle of a stalemate.") == []


def test_bad_rule_id_is_reported_with_file_and_rule():
    with pytest.raises(RuleError, match="test: rule Bad"):
        parse_rules({"rule": [{"id": "Bad", "pattern": "x", "message": "m"}]}, "test")


def test_words_and_regex_cannot_be_alternatives():
    with pytest.raises(RuleError, match="alternatives"):
        compile_pattern("the|re:[a-z]+s{1} house", lambda w: [w])
    assert compile_pattern("house tag:NN&re:[a-z]+s{1}", lambda w: [w]).elements[1].regex is not None


def test_lexical_antipattern_avoids_tagging():
    rs = rules(pattern="[for tag:VB]", unless=["for good"])
    doc = Document("They left for good reasons.")
    assert rs.check(doc) == []
    assert doc.tagged_sentence_count == 0
