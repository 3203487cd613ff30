"""Property tests over the whole offline pipeline with hostile text (issue 9): no exception, exact offsets, fixes
that change nothing outside their spans, and the same flags every time."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.config import Config
from checks.fixes import apply_edits, choose_edits
from checks.pipeline import check_text
from tests.strategies import hostile_bytes, hostile_texts

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


@settings(max_examples=150, deadline=None)
@given(hostile_bytes)
def test_decoding_is_right_or_says_it_guessed_and_fix_keeps_the_bytes(data):
    """Issue 17, item 11: text that is not exactly the UTF-8 (or marked UTF-16) reading of the bytes says it was
    guessed; no NUL or lone surrogate gets into a text; and with no edits `fix` writes back the bytes it read."""
    from checks.fixes import fixed_bytes
    from checks.inputs import InputError, decode_document

    try:
        decoded = decode_document(data, "file.txt")
    except InputError:
        return
    assert "\x00" not in decoded.text
    decoded.text.encode("utf-8")
    if not decoded.guessed:
        wide = "utf-32" if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")) else "utf-16"
        marked = data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))
        assert decoded.text == data.decode(wide if marked else "utf-8-sig")
    written = fixed_bytes(decoded, [])
    assert written is None or written == data
    assert decoded.strays == () or written == data  # UTF-8 with stray bytes always maps back exactly
