"""The dashboard's rendering and upload helpers: escaping, highlights, safe handling of uploaded names."""

from __future__ import annotations

import html
import re

import pytest

from checks import desk
from checks.config import Config, ConfigError
from checks.flags import make_flag
from dashboard import common, render

HOSTILE = "A <script>alert(1)</script> and <img src=x onerror=alert(1)> then </mark> \"q\" & 'a' $x$ :smile: *b*"


def visible_text(markup: str) -> str:
    """What a browser shows: our tags removed, entities decoded."""
    body = re.sub(r"<style>.*?</style>", "", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def test_esc_leaves_no_markup_and_round_trips():
    out = render.esc(HOSTILE + "\nline")
    assert not set(out) & set("<>\"'\n$*")
    assert html.unescape(out) == HOSTILE + "\nline"


def test_highlight_marks_every_flag_and_keeps_the_text_exact():
    text = "He assisted at the funeral. " + HOSTILE
    flags = [
        make_flag(
            text,
            3,
            26,
            category="mistranslation",
            rule="m.sense",
            message='Say "attended" <b>',
            suggestions=("attended the funeral",),
        ),
        make_flag(text, 3, 11, category="grammar", rule="g.x", message="overlapping"),
        make_flag(text, 26, 26, category="grammar", rule="g.missing", message="missing word", suggestions=(" of",)),
        make_flag(
            text,
            text.index("<script>"),
            text.index("</script>") + 9,
            category="style",
            rule="s.markup",
            message="markup </mark>",
        ),
    ]
    markup = render.highlight_html(text, flags)
    assert "<script>" not in markup and "<img" not in markup
    assert markup.count("<mark ") == markup.count("</mark>") == 4  # 2 pieces of the overlap, the caret, the markup
    assert visible_text(markup).replace("\u2038", "") == text
    tips = [html.unescape(t) for t in re.findall(r'title="([^"]*)"', markup)]
    assert any('Say "attended" <b>' in t and "Fix: attended the funeral" in t and "g.x" in t for t in tips)
    assert 'class="cd-flag cd-grammar"' in markup  # the more specific overlapping flag colours its piece


def test_passage_shows_context_around_the_flag():
    text = "x" * 300 + "keen fire" + "y" * 300
    markup = render.passage_html(text, 300, 309, "mistranslation", tip="m <i>")
    shown = visible_text(markup)
    assert shown.startswith("…") and shown.endswith("…") and "keen fire" in shown
    assert "m &#60;i&#62;" in markup


@pytest.mark.parametrize(
    "name, suffix",
    [
        ("story.DOCX", ".docx"),
        ("../../etc/passwd.txt", ".txt"),
        ("a.tar.gz", ".tar.gz"),
        ("x.exe", None),
        ("noext", None),
    ],
)
def test_upload_suffixes_are_validated(name, suffix):
    assert desk.safe_suffix(name, desk.DRAFT_SUFFIXES + desk.ARCHIVE_SUFFIXES) == suffix


def test_uploads_are_saved_under_a_fixed_name_never_their_own():
    name = "../../../tmp/evil\x00name.csv"
    assert common.display_name(name) == "evilname.csv"
    path = common.save_upload(b"id,text\n1,hello\n", desk.safe_suffix(name, desk.ARCHIVE_SUFFIXES))
    try:
        assert path.name == "upload.csv" and path.parent.name.startswith("copydesk-upload-")
        assert path.read_bytes() == b"id,text\n1,hello\n"
    finally:
        path.unlink()
        path.parent.rmdir()


def test_limits_come_from_the_house_style():
    config = Config(
        {
            "dashboard": {"max_paste_chars": 1000, "check_timeout_seconds": 2},
            "limits": {"max_upload_bytes": 5_000_000, "max_member_bytes": 9_000_000},
        }
    )
    limits = desk.DeskLimits.from_config(config)
    assert (limits.max_paste_chars, limits.check_timeout_seconds) == (1000, 2.0)
    # one draft may not exceed either shared limit; the message names the key that applies
    assert (limits.max_draft_bytes, limits.draft_key, limits.max_archive_bytes) == (
        5_000_000,
        "max_upload_bytes",
        5_000_000,
    )
    assert desk.DeskLimits.widget_mb(5_000_001) == 6
    with pytest.raises(ConfigError, match="max_paste_chars"):
        desk.DeskLimits.from_config(Config({"dashboard": {"max_paste_chars": "lots"}}))
    with pytest.raises(ConfigError, match="max_upload_bytes"):
        desk.DeskLimits.from_config(Config({"limits": {"max_upload_bytes": -1}}))


def test_run_folders_are_new_named_by_time_and_listed_once_scored(tmp_path):
    config = Config({"review": {"runs_dir": "runs"}}, path=tmp_path / "copydesk.toml")
    assert desk.runs_dir(config) == tmp_path / "runs" and desk.list_runs(config) == []
    first = desk.new_run_dir(config, "../evil label.zip")
    second = desk.new_run_dir(config, "")
    assert first.parent == second.parent == tmp_path / "runs" and first != second
    assert re.fullmatch(r"run-\d{8}-\d{6}-[0-9a-f]{6}", first.name)
    assert desk.list_runs(config) == []  # nothing scored yet
    for run in (first, second):
        (run / "issues.parquet").write_bytes(b"")
    assert set(desk.list_runs(config)) == {first, second}
    assert desk.run_label(first) == f"{first.name} · ../evil label.zip" and desk.run_label(second) == second.name
