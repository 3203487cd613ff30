"""The token-pattern rule language: literals, lemmas, tags, optional and negated elements, marks, antipatterns,
suggestion templates."""

from __future__ import annotations

import re

import pytest

from checks.document import Document
from checks.flags import RuleInfo
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


def test_a_misspelt_rule_key_is_an_error_not_ignored():
    rule = {"id": "grammar.test-rule", "pattern": "[despite of]", "message": "m", "sugest": ["despite"]}
    with pytest.raises(RuleError, match=r"test: rule grammar.test-rule: unknown keys \['sugest'\]"):
        parse_rules({"rule": [rule]}, "test")


def test_a_rule_carries_its_file_citation_and_link_into_the_rule_list():
    rule = {
        "id": "grammar.test-rule",
        "pattern": "[despite of]",
        "message": "m",
        "fire": ["Despite of it."],
        "source": "Garner's Modern English Usage",
        "link": "https://www.merriam-webster.com/dictionary/despite",
    }
    info = parse_rules({"rule": [rule]}, "checks/data/x.toml")[0].info()
    assert (info.defined_in, info.source, info.link) == (
        "checks/data/x.toml",
        "Garner's Modern English Usage",
        "https://www.merriam-webster.com/dictionary/despite",
    )
    assert (info.example, info.severity) == ("Despite of it.", "warning")
    without = {k: v for k, v in rule.items() if k not in ("source", "link")}
    plain = parse_rules({"rule": [without]}, "checks/data/x.toml")[0].info()
    assert (plain.defined_in, plain.source, plain.link) == ("checks/data/x.toml", "", "")


def test_rule_info_keeps_its_positional_order_with_defined_in_sixth():
    info = RuleInfo("style.x", "style", "desc", "example", "info", "checks/style.py")
    assert (info.defined_in, info.source, info.link, info.extra) == ("checks/style.py", "", "", {})


@pytest.mark.parametrize(
    "extra, error",
    [
        ({"link": "www.example.org/despite"}, "link 'www.example.org/despite' must be one http:// or https:// URL"),
        ({"link": "https://a.org/x https://b.org/y"}, "link 'https://a.org/x https://b.org/y' must be one"),
        ({"source": ""}, "'source' must be a non-empty string"),
        ({"source": ["Garner"]}, "'source' must be a non-empty string"),
        ({"sources": "Garner"}, r"unknown keys \['sources'\]"),
    ],
)
def test_a_bad_source_or_link_is_an_error(extra, error):
    rule = {"id": "grammar.test-rule", "pattern": "[despite of]", "message": "m", **extra}
    with pytest.raises(RuleError, match=f"test: rule grammar.test-rule: {error}"):
        parse_rules({"rule": [rule]}, "test")


def test_words_and_regex_cannot_be_alternatives():
    with pytest.raises(RuleError, match="alternatives"):
        compile_pattern("the|re:[a-z]+s{1} house", lambda w: [w])
    assert compile_pattern("house tag:NN&re:[a-z]+s{1}", lambda w: [w]).elements[1].regex is not None


def test_lexical_antipattern_avoids_tagging():
    rs = rules(pattern="[for tag:VB]", unless=["for good"])
    doc = Document("They left for good reasons.")
    assert rs.check(doc) == []
    assert doc.tagged_sentence_count == 0


@pytest.mark.parametrize(
    "text, span, fix",
    [
        ("Leaders assisted at the funeral.", "assisted at", "attended"),  # VBD
        ("They have assisted at the funeral.", "assisted at", "attended"),  # VBN
        ("She assists at the funeral every year.", "assists at", "attends"),
        ("They were assisting at the funeral.", "assisting at", "attending"),
        ("Leaders will assist at the funeral.", "assist at", "attend"),
        ("Assisting at the funeral were many.", "Assisting at", "Attending"),
    ],
)
def test_lemma_template_takes_the_form_of_the_matched_verb(text, span, fix):
    rs = rules(pattern="[@assist at] the", suggest=["{1>attend}"], message="'{1}': say '{1>attend}'.")
    flags = rs.check(Document(text))
    assert [(f.text, f.suggestions) for f in flags] == [(span, (fix,))]
    assert flags[0].message == f"'{span.split()[0]}': say '{fix.lower()}'."


def test_lemma_template_tells_past_tense_from_past_participle():
    rs = rules(pattern="[@make] a photo", suggest=["{1>take}"])
    assert flagged(rs, "He has made a photo of the bridge.") == [("made", ("taken",))]
    assert flagged(rs, "He made a photo of the bridge.") == [("made", ("took",))]
    assert flagged(rs, "She is making a photo of the bridge.") == [("making", ("taking",))]


def test_lemma_template_on_a_later_element_and_with_following_words():
    rs = rules(pattern="prices will? [@descend]", suggest=["{3>fall}"])
    assert flagged(rs, "Prices descended sharply.") == [("descended", ("fell",))]
    assert flagged(rs, "Prices will descend sharply.") == [("descend", ("fall",))]
    rs = rules(pattern="[@open the] light", suggest=["{1>turn} on {2}"])
    assert flagged(rs, "She opened the light.") == [("opened the", ("turned on the",))]


def test_lemma_template_keeps_the_lemma_when_the_token_is_no_inflected_verb():
    # a noun (NNS) is not re-inflected: the template is meant for verbs
    assert flagged(rules(pattern="[photos] of", suggest=["{1>picture}"]), "He took photos of it.") == [
        ("photos", ("picture",))
    ]
    # an optional element that matched nothing has no form to give
    rs = rules(pattern="[will? @descend]", suggest=["{1>fall}"])
    assert flagged(rs, "Prices descended sharply.") == [("descended", ("fall",))]


def test_unknown_lemma_is_inflected_by_regular_spelling_rules():
    rs = rules(pattern="[@assist at] the", suggest=["{1>frobnicate}"])
    assert flagged(rs, "Leaders assisted at the funeral.") == [("assisted at", ("frobnicated",))]
    assert flagged(rs, "She assists at the funeral.") == [("assists at", ("frobnicates",))]


def test_lemma_template_tags_only_sentences_the_rule_matches():
    rs = rules(pattern="[@assist at] the", suggest=["{1>attend}"])
    doc = Document("Leaders assisted at the funeral. A calm sentence without the anchor word.")
    assert [s.index for s in rs.sentences_needing_tags(doc)] == [0]
    assert [f.suggestions for f in rs.check(doc)] == [("attended",)]
    assert doc.tagged_sentence_count == 1
    assert rules(pattern="[@assist at] the", suggest=["attend {1:lower}"]).rules[0].needs_tags is False


@pytest.mark.parametrize(
    "template, error",
    [
        ("{1>}", "malformed '{1>}'"),
        ("{1>Attend}", "malformed"),
        ("{1>carry out}", "malformed"),
        ("{4>attend}", "refers to element 4, the pattern has 3"),
        ("{1:bogus}", "unknown transform 'bogus'"),
    ],
)
def test_malformed_template_is_an_error_when_the_rule_is_loaded(template, error):
    with pytest.raises(RuleError, match=f"test: rule grammar.test-rule: template .*{re.escape(error)}"):
        rules(pattern="[@assist at] the", suggest=[template])
    with pytest.raises(RuleError, match=re.escape(error)):
        rules(pattern="[@assist at] the", message=f"Say {template}.")


@pytest.mark.parametrize(
    "lemma, tag, expected",
    [
        ("found", "VBD", "founded"),
        ("lay", "VBN", "laid"),
        ("saw", "VBZ", "saws"),  # lemmas that are also inflections
        ("take", "VBN", "taken"),
        ("attend", "VBG", "attending"),
        ("attend", "NN", "attend"),
    ],
)
def test_lemma_template_takes_the_lemma_as_given(lemma, tag, expected):
    from checks.patterns import fill_template

    assert fill_template(f"{{1>{lemma}}}", ["x"], [tag]) == expected


# ---- named word lists ([lists] in a rule file, `$name` in a pattern) -------------------------------------------


def listed_rules(lists, **entry):
    base = {"id": "grammar.test-rule", "message": "m"}
    return RuleSet(parse_rules({"lists": lists, "rule": [{**base, **entry}]}, "test"))


def test_a_list_reference_matches_every_member_as_a_literal_word():
    rs = listed_rules({"modals": ["can", "could", "must"]}, pattern="[$modals|may of]", suggest=["{1} have"])
    for modal in ("can", "could", "must", "may"):
        assert flagged(rs, f"They {modal} of known.") == [(f"{modal} of", (f"{modal} have",))]
    assert flagged(rs, "Prices Must of risen.") == [("Must of", ("Must have",))]  # any case, like a plain word
    assert flagged(rs, "They should of known.") == []
    # members are forms, not lemmas: exactly what the same words written out match, beside an @lemma as before
    lists = {"verbs": ["assist", "help"]}
    by_list = listed_rules(lists, pattern="[$verbs|@attend] at").rules[0].pattern.elements[0]
    written = rules(pattern="[assist|help|@attend] at").rules[0].pattern.elements[0]
    assert by_list.words == written.words and "attended" in by_list.words and "assisted" not in by_list.words
    rs = listed_rules(lists, pattern="[$verbs|@attend at]")
    assert [f.text for f in rs.check(Document("They assist at, help at and attended at it; assisted at."))] == [
        "assist at",
        "help at",
        "attended at",
    ]


def test_a_list_reference_takes_marks_options_negation_conjunction_and_regex():
    lists = {"nouns": ["students", "cars"], "skip": ["news", "series"]}
    rs = listed_rules(lists, pattern="[many $nouns?] is")
    assert [f.text for f in rs.check(Document("Many students is here. Many is enough."))] == ["Many students", "Many"]
    rs = listed_rules(lists, pattern="[$nouns&re:[a-z]+] is")  # the regex keeps its case-sensitivity
    assert flagged(rs, "The cars is red.") == [("cars", ())]
    assert flagged(rs, "CARS is a film.") == []
    rs = listed_rules(lists, pattern="the !$nouns [is]")
    assert flagged(rs, "The cars is red.") == [] and len(flagged(rs, "The house is red.")) == 1
    rs = listed_rules(lists, pattern="they [re:(?!$skip$)[a-z]+s]")  # in a regex: (?:news|series)
    assert rs.rules[0].pattern.elements[1].regex.pattern == "(?!(?:news|series)$)[a-z]+s"
    assert flagged(rs, "They needs it.") == [("needs", ())]
    assert flagged(rs, "They series it.") == []
    literal = listed_rules(lists, pattern="cost re:\\$skip")  # an escaped dollar stays a dollar
    assert literal.rules[0].pattern.elements[1].regex.pattern == "\\$skip"


def test_a_list_works_in_an_antipattern():
    lists = {"will_as_noun": ["his", "her", "last"]}
    rs = listed_rules(lists, pattern="[will went]", unless=["$will_as_noun will"])
    assert len(flagged(rs, "They will went home.")) == 1
    assert flagged(rs, "Her last will went to court.") == []
    assert flagged(rs, "His will went to court.") == []


@pytest.mark.parametrize(
    "pattern, unless",
    [
        ("[$nouns] is", []),
        ("[the|$nouns|a] is", []),
        ("[house] is", ["the $nouns"]),
        ("[house] re:(?!$nouns$)[a-z]+", []),
    ],
)
def test_an_unknown_list_is_an_error_naming_file_rule_and_list(pattern, unless):
    with pytest.raises(RuleError, match=r"test: rule grammar\.test-rule: unknown list \$nouns \(known lists: modals\)"):
        listed_rules({"modals": ["can"]}, pattern=pattern, unless=unless)
    with pytest.raises(RuleError, match=r"unknown list \$nouns \(known lists: none"):
        rules(pattern=pattern, unless=unless)


@pytest.mark.parametrize(
    "lists, error",
    [
        ({"months": ["may", "June"]}, "list 'months': entry 'June' is not a plain lower-case word"),
        ({"x": ["two words"]}, "list 'x': entry 'two words' is not"),
        ({"x": ["can|could"]}, "list 'x': entry 'can|could' is not"),
        ({"x": ["@assist"]}, "list 'x': entry '@assist' is not"),
        ({"x": ["$other"]}, "list 'x': entry '\\$other' is not"),
        ({"x": ["re:[a-z]+"]}, "list 'x': entry 're:\\[a-z\\]\\+' is not"),
        ({"x": [""]}, "list 'x': entry '' is not"),
        ({"x": [3]}, "list 'x': entry 3 is not"),
        ({"x": ["can", "must", "can"]}, "list 'x': can listed twice"),
        ({"x": []}, "list 'x': must be a non-empty array"),
        ({"x": "can"}, "list 'x': must be a non-empty array"),
        ({"Modals": ["can"]}, "list 'Modals': a list name is lower case"),
    ],
)
def test_a_malformed_list_is_an_error_naming_file_and_list(lists, error):
    with pytest.raises(RuleError, match=f"^test: {error}"):
        listed_rules(lists, pattern="[house]")


def test_list_entries_may_hold_an_apostrophe_or_hyphen_but_not_be_lemmas():
    rs = listed_rules({"x": ["doesn't", "doesn’t", "semi-final"]}, pattern="he [$x]")
    assert rs.rules[0].pattern.elements[1].words == frozenset({"doesn't", "doesn’t", "semi-final"})
    with pytest.raises(RuleError, match="a list holds literal forms, not lemmas"):
        listed_rules({"x": ["assist"]}, pattern="[@$x] at")
