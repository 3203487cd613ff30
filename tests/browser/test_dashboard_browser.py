"""End to end in a real headless Chromium against `streamlit run dashboard/app.py` (see conftest.py)."""

from __future__ import annotations

import shutil

import pytest

from tests.browser.conftest import ROOT, screenshot

pytestmark = pytest.mark.browser
DRAFTS = ROOT / "samples" / "drafts"


def paste_and_check(page, url: str, text: str) -> None:
    page.goto(url)  # the default page lives at the root
    area = page.locator(".st-key-draft_input textarea")
    area.fill(text)
    area.press("Control+Enter")  # commit the value before the click
    page.get_by_role("button", name="Check draft").click()
    page.locator(".cd-draft").first.wait_for(timeout=60_000)


def test_paste_a_draft_accept_a_mistranslation_fix_and_download(page, server, workdir):
    text = (DRAFTS / "port-strike.txt").read_text("utf-8")
    url = server.start()
    paste_and_check(page, url, text)
    mark = page.locator("mark.cd-mistranslation", has_text="assisted at").first
    mark.wait_for()
    tip = mark.get_attribute("title")
    assert "attended" in tip, tip  # the fix is in the highlight's tooltip
    mark.hover()
    screenshot(page, "check-draft-highlights")
    card = page.locator('[class*="st-key-flagcard-mistranslation"]', has_text="assisted at").last
    card.get_by_role("button", name="Accept").click()
    corrected = page.locator('[data-testid="corrected-text"]')
    page.wait_for_function(  # the element is briefly absent while Streamlit redraws the page
        "() => { const shown = document.querySelector('[data-testid=\"corrected-text\"]');"
        " return shown !== null && !shown.innerText.includes('assisted at'); }"
    )
    shown = corrected.inner_text()
    assert "attended" in shown and "assisted at" not in shown
    screenshot(page, "check-draft-accepted")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download corrected text").click()
    saved = workdir / "corrected.txt"
    info.value.save_as(saved)
    downloaded = saved.read_text("utf-8")
    assert "attended" in downloaded and "assisted at" not in downloaded
    assert downloaded.replace("\r\n", "\n").strip() == shown.replace("\r\n", "\n").strip()
    assert len(downloaded) < len(text) + 40  # only the accepted fix changed


def test_hostile_draft_appears_as_text_and_runs_nothing(page, server):
    text = (DRAFTS / "hostile.txt").read_text("utf-8")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    url = server.start()
    paste_and_check(page, url, text)
    draft = page.locator(".cd-draft").first
    shown = draft.inner_text()
    assert "<script>alert(1)</script>" in shown
    assert "<img src=x onerror=alert(1)>" in shown and "</mark>" in shown
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("() => [...document.querySelectorAll('script')].every(s => !s.text.includes('alert(1)'))")
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
    card.get_by_text("False alarm").click()
    card.get_by_placeholder("optional comment").fill("kept: a <quote>")
    card.get_by_role("button", name="Save").click()
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
