"""Property tests over the whole offline pipeline with hostile text (issue 9): no exception, exact offsets, fixes
that change nothing outside their spans, and the same flags every time."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.config import Config
from checks.fixes import apply_edits, choose_edits
from checks.pipeline import check_text
from tests.strategies import hostile_texts

OFFLINE = Config(offline=True)


def assert_pipeline_properties(text: str, subset_mask: int) -> None:
    report = check_text(text, config=OFFLINE)
    assert "failed_checks" not in report.status, report.status
    for flag in report.issues:
        assert 0 <= flag.start <= flag.end <= len(text)
        assert text[flag.start : flag.end] == flag.text
    again = check_text(text, config=OFFLINE)
    assert [f.to_dict() for f in again.issues] == [f.to_dict() for f in report.issues]
    fixable = [f for f in report.issues if f.suggestions]
    subset = [f for i, f in enumerate(fixable) if subset_mask >> (i % 30) & 1]
    edits = choose_edits(subset)
    fixed = apply_edits(text, edits)
    fixed.encode("utf-8")  # a valid string: no lone surrogates were produced
    cursor, out_cursor = 0, 0
    for start, end, replacement in edits:
        kept = text[cursor:start]
        assert fixed[out_cursor : out_cursor + len(kept)] == kept
        out_cursor += len(kept) + len(replacement)
        cursor = end
    assert fixed[out_cursor:] == text[cursor:]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_texts, st.integers(min_value=0, max_value=2**30))
def test_pipeline_survives_hostile_text(text, subset_mask):
    assert_pipeline_properties(text, subset_mask)


def test_known_nasty_inputs():
    for text in [
        "",
        "\x00",
        "\r",
        "...",
        "😀" * 1000,
        "a" * 20000,
        "word " * 5000,
        "\u0301" * 50,
        "Leave a Comment\r\nLeave a Comment",
        "‮Leave a Comment",
    ]:
        assert_pipeline_properties(text, 2**30 - 1)
