"""The dashboard's rendering and upload helpers: escaping, highlights, safe handling of uploaded names."""

from __future__ import annotations

import html
import re

import pytest

from checks import desk
from checks.config import Config, ConfigError
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


def test_the_category_chart_paints_each_bar_in_its_category_colour():
    spec = render.category_chart({"spelling": 2, "names": 1})
    scale = spec["encoding"]["color"]["scale"]
    colours = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colours["Spelling"] == render.CATEGORY_COLOURS["spelling"] and len(colours) == len(render.CATEGORY_COLOURS)
    assert {v["category"]: v["flags"] for v in spec["data"]["values"]}["Spelling"] == 2
