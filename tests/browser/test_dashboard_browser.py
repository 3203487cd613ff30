"""End to end in a real headless Chromium against `streamlit run dashboard/app.py` (see conftest.py)."""

from __future__ import annotations

import shutil

import pytest

from tests.browser.conftest import ROOT, screenshot

pytestmark = pytest.mark.browser
DRAFTS = ROOT / "samples" / "drafts"


SHOTS = ROOT / "artifacts" / "browser"
EDITOR = 'iframe[src*="copydesk_editor"]'


def paste_and_check(page, url: str, text: str):
    """Paste a draft, check it, and return the editor component's frame once its highlights are drawn."""
    page.goto(url)  # the default page lives at the root
    area = page.locator(".st-key-draft_input textarea")
    area.wait_for(timeout=90_000)  # the first run of a fresh server loads the checks' resources
    area.fill(text)
    area.press("Control+Enter")  # commit the value before the click
    page.get_by_role("button", name="Check draft").click()
    editor = page.frame_locator(EDITOR)  # the editor is on the page from the start, empty until the draft comes
    editor.locator("#text:not(:empty)").wait_for(timeout=60_000)
    editor.locator('body[data-state="idle"]').wait_for(timeout=60_000)
    return editor


def settled(editor) -> None:
    """Wait until every event the editor sent has been applied and the text checked again."""
    editor.locator('body[data-state="checking"]').wait_for(state="detached", timeout=30_000)
    editor.locator('body[data-state="idle"]').wait_for(timeout=30_000)


def download(page, workdir, name: str) -> str:
    with page.expect_download(timeout=90_000) as info:  # a download is built on click; CI machines may be busy
        page.get_by_role("button", name=name).click()
    saved = workdir / info.value.suggested_filename
    info.value.save_as(saved)
    return saved.read_text("utf-8")


def test_paste_accept_from_the_card_edit_recheck_the_fix_stays_and_download(page, server, workdir):
    text = (DRAFTS / "port-strike.txt").read_text("utf-8")
    url = server.start()
    editor = paste_and_check(page, url, text)
    screenshot(page, "check-1-pasted")
    mark = editor.locator(".hl", has_text="keen fire").first
    mark.click()
    card = editor.locator(".card")
    assert card.get_attribute("data-id") == mark.get_attribute("data-id")
    fix = card.get_by_role("button", name="keen fire \u2192 live fire")
    fix.wait_for()
    screenshot(page, "check-2-card")
    fix.click()
    settled(editor)
    body = editor.locator("#text")
    assert "live fire" in body.inner_text() and "keen fire" not in body.inner_text()
    assert editor.locator(".ins", has_text="live").count() >= 1  # the accepted fix is marked as a change
    screenshot(page, "check-3-accepted")

    body.click()
    body.press("Control+End")
    body.press_sequentially(" The goverment did not answer.")
    settled(editor)  # the pause sends the text; the page checks it again
    editor.locator(".hl", has_text="goverment").wait_for()
    shown = body.inner_text()
    assert "live fire" in shown and "keen fire" not in shown and shown.rstrip().endswith("did not answer.")
    assert "1 fix accepted" in editor.locator("#status").inner_text()
    screenshot(page, "check-4-edited-and-rechecked")

    editor.get_by_text("Show changes").click()
    view = editor.locator("#changes-view")
    assert view.locator("del", has_text="keen").count() == 1 and view.locator("ins", has_text="live").count() == 1
    screenshot(page, "check-5-changes")
    corrected = download(page, workdir, "Download corrected text")
    assert text.endswith("article\n")  # the caret went to the end of the last line, before the final line break
    assert corrected == text.replace("keen fire", "live fire")[:-1] + " The goverment did not answer.\n"
    marked = download(page, workdir, "Download with changes marked")
    assert "opened [-keen-]{+live+} fire" in marked and marked.endswith("article{+ The goverment did not answer.+}\n")
    editor.get_by_text("Show changes").click()
    editor.locator("#clarity").check()  # the second layer: sentences tinted, counted
    assert editor.locator("#text .tint").count() >= 1 and "clarity" in editor.locator("#summary").inner_text()
    page.get_by_text("Readability and charts").click()
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for()
    chart.scroll_into_view_if_needed()
    screenshot(page, "check-6-clarity-and-charts")


def test_a_reload_offers_the_kept_draft_restore_brings_it_back_and_discard_empties_the_editor(page, server, workdir):
    text = "\U0001f642 " + (DRAFTS / "port-strike.txt").read_text("utf-8")  # offsets past an astral character
    url = server.start()
    editor = paste_and_check(page, url, text)
    editor.locator(".hl", has_text="keen fire").first.click()
    editor.locator(".card").get_by_role("button", name="keen fire \u2192 live fire").click()
    settled(editor)
    body = editor.locator("#text")
    body.click()
    body.press("Control+End")
    body.press_sequentially(" The goverment did not answer.")
    settled(editor)
    body.press_sequentially(" Yes.")  # typed and not yet sent when the page goes: kept all the same
    expected = text.replace("keen fire", "live fire")[:-1] + " The goverment did not answer. Yes.\n"
    assert "Kept in this browser" in editor.locator("#saved").inner_text()
    screenshot(page, "restore-1-before-reload")

    page.reload()
    editor = page.frame_locator(EDITOR)
    offer = editor.locator("#offer")
    offer.wait_for(timeout=60_000)
    words = len(expected.split())
    assert f"{words} words, 1 fix accepted?" in offer.inner_text()
    assert editor.locator("#text").inner_text().strip() == ""  # offered, never restored silently
    screenshot(page, "restore-2-offered")
    offer.get_by_role("button", name="Restore").click()
    editor.locator(".ins", has_text="live").first.wait_for(timeout=60_000)
    settled(editor)
    body = editor.locator("#text")
    assert body.inner_text() == expected and offer.is_hidden()
    assert "1 fix accepted" in editor.locator("#status").inner_text()
    editor.locator(".hl", has_text="goverment").wait_for()  # checked again
    screenshot(page, "restore-3-restored")
    assert download(page, workdir, "Download corrected text") == expected
    marked = download(page, workdir, "Download with changes marked")
    assert "opened [-keen-]{+live+} fire" in marked

    page.reload()
    editor = page.frame_locator(EDITOR)
    editor.locator("#offer").get_by_role("button", name="Discard").click()  # asks no more
    assert editor.locator("#offer").is_hidden() and editor.locator("#text").inner_text().strip() == ""
    screenshot(page, "restore-4-discarded")
    page.reload()
    editor = page.frame_locator(EDITOR)
    editor.locator('body[data-state="idle"]').wait_for()
    assert editor.locator("#offer").is_hidden() and editor.locator("#text").inner_text().strip() == ""


def test_a_second_tab_that_saves_over_the_first_tabs_copy_is_seen_by_the_first(page, server):
    url = server.start()
    editor = paste_and_check(page, url, "The goverment met on Monday.")
    assert "Kept in this browser" in editor.locator("#saved").inner_text()
    second = page.context.new_page()
    other = paste_and_check(second, url, "A second story about the floods.")
    assert "Discard" in other.locator("#offer").inner_text()  # the first tab's copy is offered, not overwritten
    assert "Not kept in this browser until you answer" in other.locator("#saved").inner_text()
    other.locator("#offer").get_by_role("button", name="Discard").click()
    other.locator("#saved", has_text="Kept in this browser").wait_for()
    sign = editor.locator("#other")
    sign.wait_for()  # last writer wins, and the first tab is told
    assert "Another tab kept its draft" in sign.inner_text()
    screenshot(page, "restore-5-other-tab")
    sign.get_by_role("button", name="Keep this tab's draft instead").click()
    assert sign.is_hidden() and "over another tab's draft" in editor.locator("#saved").inner_text()
    second.close()


def test_past_the_browsers_quota_the_kept_copy_loses_history_then_marks_and_saving_never_throws(page, server):
    page.add_init_script(  # the browser's storage refuses what the test names, as a full storage refuses
        """(() => {
          const setItem = Storage.prototype.setItem;
          Storage.prototype.setItem = function (key, value) {
            const refuse = window.top.refuseToKeep;
            if (key.startsWith("copydesk.draft") && refuse && new RegExp(refuse).test(value)) {
              throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
            }
            return setItem.call(this, key, value);
          };
        })();"""
    )
    text = (DRAFTS / "port-strike.txt").read_text("utf-8")
    editor = paste_and_check(page, server.start(), text)
    saved = editor.locator("#saved")
    for refused, said in (
        ('"d":\\[', "without undo history"),  # a step of history: the copy without it is kept
        ('"original":"', "without change marks"),  # the original too: the text alone is kept
        (".", "Not kept in this browser"),  # nothing fits: said, and the editor goes on
    ):
        page.evaluate("refused => { window.refuseToKeep = refused; }", refused)
        editor.locator(".hl").first.click()
        card = editor.locator(".card")
        fix = card.locator("button.fix")
        (fix if fix.count() else card.get_by_role("button", name="Ignore")).first.click()
        settled(editor)
        saved.filter(has_text=said).wait_for()
    screenshot(page, "restore-6-storage-full")
    page.reload()  # still refused as the page goes
    offer = page.frame_locator(EDITOR).locator("#offer")
    offer.wait_for(timeout=60_000)  # the last copy that fitted (the text alone, no fixes recorded) is offered
    assert "0 fixes accepted" in offer.inner_text()


def test_click_a_highlight_opens_its_card_and_the_keyboard_decides(page, server):
    text = "\U0001f642\U0001f4f0 Police opened keen fire on the crowd. The goverment said nothing about it on Monday."
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(server.start())
    editor = page.frame_locator(EDITOR)
    body = editor.locator("#text")
    body.wait_for()
    screenshot(page, "keys-0-empty-editor")
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    body.click()
    body.press("Control+V")  # pasted straight into the editor: checked at once, no button
    editor.locator(".hl").first.wait_for(timeout=60_000)
    settled(editor)
    typo = editor.locator(".hl", has_text="goverment")
    assert typo.inner_text() == "goverment"  # exact offsets after two astral characters (UTF-16 surrogate pairs)
    typo.click()
    card = editor.locator(".card")
    assert card.get_attribute("data-id") == typo.get_attribute("data-id")
    assert "goverment" in card.locator("mark").inner_text()
    screenshot(page, "keys-1-card")
    body.press("Alt+ArrowDown")  # next issue: keen fire, then back
    body.press("Alt+ArrowUp")
    selected = editor.locator(".card").get_attribute("data-id")
    flagged, fix = editor.locator(".card button.fix").first.inner_text().split(" \u2192 ")
    body.press("Alt+Enter")  # accept its first fix
    settled(editor)
    assert body.inner_text().strip() == text.replace(flagged, fix)  # the astral characters are kept, offsets exact
    assert editor.locator(".card").get_attribute("data-id") != selected  # the next issue is up
    body.press("Alt+KeyI")  # ignore the other
    settled(editor)
    assert editor.locator("#text .hl").count() == 0
    screenshot(page, "keys-2-decided")
    body.press("Control+z")  # undo the ignore: its highlight is back
    settled(editor)
    assert editor.locator("#text .hl").count() == 1


def test_hostile_draft_appears_as_text_and_runs_nothing(page, server):
    text = (DRAFTS / "hostile.txt").read_text("utf-8")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    url = server.start()
    editor = paste_and_check(page, url, text)
    shown = editor.locator("#text").inner_text()
    assert "<script>alert(1)</script>" in shown
    assert "<img src=x onerror=alert(1)>" in shown and "</mark>" in shown
    assert editor.locator('img[src="x"]').count() == 0 and page.locator('img[src="x"]').count() == 0
    editor.locator(".hl").first.click()  # the card quotes the draft: as text too
    assert editor.locator(".card img").count() == 0
    editor.get_by_text("Show changes").click()
    assert editor.locator("#changes-view script, #changes-view img").count() == 0
    screenshot(page, "check-draft-hostile")
    assert dialogs == []


def test_score_an_archive_and_a_review_decision_survives_a_restart(page, server, workdir):
    folder = workdir / "archive"
    folder.mkdir()
    for name in ("port-strike.txt", "river-floods.txt"):
        shutil.copy(DRAFTS / name, folder / name)
    url = server.start()
    page.goto(f"{url}/archive")
    page.get_by_text("Folder on the server").click()
    path_box = page.locator(".st-key-archive_folder input")
    path_box.fill(str(folder))
    path_box.press("Enter")
    start = page.get_by_role("button", name="Score archive")
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some(b => b.innerText.includes('Score archive') && !b.disabled)"
    )
    start.click()
    page.get_by_text("Scored 2 documents").wait_for(timeout=240_000)
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    page.get_by_text("Flags per category").first.wait_for()
    screenshot(page, "score-archive-results")

    page.goto(f"{url}/review")
    card = page.locator('[class*="st-key-rv_card-"]').first
    card.wait_for()
    flagged = card.locator("mark").first.inner_text()
    card.get_by_placeholder("optional comment").fill("kept: a <quote>")
    card.get_by_role("button", name="False alarm").click()  # one click records the decision (no Save)
    page.get_by_text("Saved: False alarm").wait_for()
    screenshot(page, "review-decision-saved")

    server.stop()
    url = server.start()  # a new server process: nothing survives but the database and the runs folder
    page.goto(f"{url}/review")
    page.locator('[class*="st-key-rv_card-"]').first.wait_for()
    page.locator('[data-testid="stSidebar"]').get_by_text("Decided", exact=True).click()
    decided = page.locator('[class*="st-key-rv_card-"]', has_text="Current decision").first
    decided.wait_for()
    assert "False alarm" in decided.inner_text() and "kept: a <quote>" in decided.inner_text()
    assert flagged in decided.locator("mark").first.inner_text()
    screenshot(page, "review-after-restart")
