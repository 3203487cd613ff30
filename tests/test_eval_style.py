"""The style family's evaluation script (evaluation/eval_style.py): its scoring on tiny real examples, run through
the style family as users get it, and the labelled data and hand verdicts it reads."""

from __future__ import annotations

from checks import style
from evaluation.common import read_verdicts
from evaluation.eval_style import (
    PUNCTUATION,
    VERDICTS,
    Row,
    Segment,
    inconsistent_marks,
    judge_by_post_edit,
    labelled_rows,
    score_labelled,
    score_mqm,
    style_flags,
)

SPACED_COMMA = "Exports fell by 4 per cent last year , the customs office said."
SPACED_QUOTE = '" Service costs are increasing," he said.'  # WMT21 zh-en news, one system's output


def test_every_labelled_row_parses_and_names_a_style_rule():
    rows = labelled_rows()
    known = {info.id for info in style.rules()}
    assert len(rows) >= 60
    assert {r.rule for r in rows if r.rule} <= known
    must_fire = [r for r in rows if r.rule]
    assert 0.4 < len(must_fire) / len(rows) < 0.6
    assert all(r.fixed != r.text for r in must_fire)
    assert any("\n" in r.text for r in rows)  # the escaped line breaks are read as line breaks


def test_a_right_flag_a_wrong_flag_and_a_missed_row_are_counted():
    rows = [
        Row(SPACED_COMMA, "style.space-before-punctuation", SPACED_COMMA.replace(" ,", ",")),  # right, fixed right
        Row(SPACED_COMMA, "", ""),  # labelled clean on purpose: the same flag is now wrong
        Row("Exports fell by 4 per cent.", "style.space-before-punctuation", "Exports fell by 4 per cent!"),  # missed
    ]
    result = score_labelled(rows)
    tally = result.by_rule["style.space-before-punctuation"]
    assert (tally.flags, tally.right, tally.rows, tally.found, tally.fixed) == (2, 1, 2, 1, 1)
    assert [flag.text for _, flag in result.wrong] == [" ,"]
    assert result.missed == [rows[2]]
    assert result.pooled().flags == 2


def test_a_wrong_suggestion_is_counted_as_found_but_not_fixed():
    row = Row(SPACED_COMMA, "style.space-before-punctuation", SPACED_COMMA.replace(" ,", " ;"))
    result = score_labelled([row])
    assert result.by_rule[row.rule].found == 1
    assert result.by_rule[row.rule].fixed == 0
    assert result.misfixed == [(row, SPACED_COMMA.replace(" ,", ","))]


def test_mqm_flags_are_scored_against_marked_spans_and_clean_sentences():
    quote = SPACED_QUOTE.index('" ')
    segments = [
        Segment(SPACED_QUOTE, [(quote, quote + 1, PUNCTUATION), (30, 34, "Accuracy/Mistranslation")], False, "d/1"),
        Segment(SPACED_QUOTE, [], True, "d/1"),  # another system's identical sentence, rated error-free
        Segment("Costs rose, he said.", [(10, 11, PUNCTUATION)], False, "d/2"),  # a punctuation error not flagged
    ]
    result = score_mqm(segments)
    tally = result.by_rule["style.space-inside-quotes"]
    assert (tally.flags, tally.on_punctuation, tally.on_any, tally.in_clean) == (2, 1, 1, 1)
    assert (tally.punctuation_found, result.punctuation_spans, result.clean) == (1, 2, 1)
    assert result.by_rule["pooled"].flags == 2
    assert inconsistent_marks(result.flagged) == (1, 1)  # the same flagged text, marked in one sentence only


def test_a_post_edit_that_removed_the_space_agrees_with_the_suggestion():
    (flag,) = style_flags(SPACED_QUOTE)
    fixed = judge_by_post_edit(SPACED_QUOTE, "“Service costs are rising,” he said.", flag)
    kept = judge_by_post_edit(SPACED_QUOTE, SPACED_QUOTE, flag)
    assert (fixed.fixed_by_editor, fixed.suggestion_agrees) == (True, True)
    assert (kept.fixed_by_editor, kept.suggestion_agrees) == (False, False)


def test_the_onestopenglish_verdicts_parse():
    verdicts = read_verdicts(VERDICTS)
    assert len(verdicts) >= 60
    assert {verdict for verdict, _ in verdicts.values()} <= {"accept", "reject"}
    assert all(why for _, why in verdicts.values())
