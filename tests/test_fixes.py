"""Applying fixes: no drift, deterministic overlap resolution, nothing outside the fixed spans changes."""

from __future__ import annotations

import pytest

from checks.fixes import apply_edits, apply_fixes, choose_edits
from checks.flags import Flag, make_flag

TEXT = "They assisted at the funeral despite of the rain in the middle a storm."


def flag(start, end, suggestion, rule="grammar.x", severity="warning", confidence=0.9):
    return make_flag(
        TEXT,
        start,
        end,
        category="grammar",
        rule=rule,
        message="m",
        suggestions=(suggestion,) if suggestion is not None else (),
        severity=severity,
        confidence=confidence,
    )


def span(word):
    i = TEXT.index(word)
    return i, i + len(word)


def test_fixes_apply_without_drift():
    flags = [
        flag(*span("assisted at"), "attended"),
        flag(*span("despite of"), "despite"),
        flag(*span("middle a"), "middle of a"),
    ]
    assert apply_fixes(TEXT, flags) == "They attended the funeral despite the rain in the middle of a storm."


def test_order_of_flags_does_not_matter_and_overlaps_resolve_deterministically():
    a = flag(*span("despite of the"), "despite the", rule="grammar.a", confidence=0.5)
    b = flag(*span("of the rain"), "the rain", rule="grammar.b", confidence=0.9)
    assert apply_fixes(TEXT, [a, b]) == apply_fixes(TEXT, [b, a])
    assert apply_fixes(TEXT, [a, b]).count("despite the rain") == 1


def test_flags_without_suggestions_change_nothing():
    assert apply_fixes(TEXT, [flag(*span("funeral"), None)]) == TEXT


def test_insertion_and_deletion():
    i = TEXT.index("a storm")
    insert = flag(i, i, "of ")
    delete = flag(*span(" of the rain"), " the rain")
    assert apply_fixes(TEXT, [insert, delete]) == TEXT.replace(" of the rain", " the rain").replace(
        "middle a", "middle of a"
    )


def test_flag_that_does_not_match_text_is_refused():
    bad = Flag("grammar", "grammar.x", 0, 4, "Then", "m", ("X",))
    with pytest.raises(ValueError):
        apply_fixes(TEXT, [bad])


def test_apply_edits_rejects_overlaps():
    with pytest.raises(ValueError):
        apply_edits(TEXT, [(0, 5, "a"), (3, 8, "b")])


def test_choose_edits_keeps_earliest_of_overlapping():
    edits = choose_edits([flag(5, 13, "X"), flag(10, 20, "Y")])
    assert edits == [(5, 13, "X")]
