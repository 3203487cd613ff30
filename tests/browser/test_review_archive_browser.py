"""The review queue and the archive page in a real headless Chromium against `streamlit run dashboard/app.py`:
two quick decisions land on their own passages, a reload keeps the filters and the reviewer, and the archive's
progress moves before the run ends (see conftest.py for the server and the browser)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from checks.reviews import ReviewStore
from tests.browser.conftest import ROOT, screenshot

pytestmark = pytest.mark.browser
DRAFTS = ROOT / "samples" / "drafts"
RUN = "run-20261207-090000-abcdef"
CARDS = '[class*="st-key-rv_card-"]'
# (document, sentence, flagged words, category, rule, fixes)
FLAGS = [
    ("a.txt", "The governor assisted at the funeral.", "assisted at", "mistranslation", "mt.sense", ["attended"]),
    ("a.txt", "Police opened keen fire on the crowd.", "keen fire", "mistranslation", "mt.sense", ["live fire"]),
    ("b.txt", "Kowalchyk condemned the violence.", "Kowalchyk", "names", "names.variant", ["Kowalczyk"]),
    ("b.txt", "He wrote <b>bold</b> words.", "<b>bold</b>", "style", "style.markup", []),
]


def shot(page, name: str) -> None:
    """A full-page screenshot in artifacts/browser/ (and in $COPYDESK_SHOTS when set, to look at by hand)."""
    path = screenshot(page, name)
    if os.environ.get("COPYDESK_SHOTS"):
        folder = Path(os.environ["COPYDESK_SHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / path.name)


@pytest.fixture
def scored_run(workdir) -> Path:
    """A scored archive as checks.batch lays it out, in the runs folder of the test's house style."""
    run = workdir / "runs" / RUN
    run.mkdir(parents=True)
    rows = []
    for document, sentence, text, category, rule, fixes in FLAGS:
        start = 40 + sentence.index(text)
        rows.append(
            {
                "document_id": document,
                "category": category,
                "rule": rule,
                "start": start,
                "end": start + len(text),
                "text": text,
                "message": f"Check “{text}”.",
                "suggestions": fixes,
                "severity": "warning",
                "confidence": 0.9,
                "sentence": sentence,
                "sentence_start": 40,
            }
        )
    pd.DataFrame(rows).to_parquet(run / "issues.parquet")
    pd.DataFrame({"document_id": ["a.txt", "b.txt"], "score": [70.0, 90.0]}).to_parquet(run / "documents.parquet")
    return run


def decisions(workdir: Path) -> dict[str, tuple[str, str | None, str]]:
    store = ReviewStore(f"sqlite:///{workdir / 'reviews.sqlite'}")
    try:
        latest = store.latest(RUN)
    finally:
        store.close()
    return {
        r.flagged_text: (r.decision, r.replacement if isinstance(r.replacement, str) else None, r.reviewer)
        for r in latest.itertuples(index=False)
    }


def comments(workdir: Path) -> dict[str, str]:
    store = ReviewStore(f"sqlite:///{workdir / 'reviews.sqlite'}")
    try:
        return dict(zip(*(store.latest(RUN)[c].tolist() for c in ("flagged_text", "comment")), strict=True))
    finally:
        store.close()


def card(page, words: str):
    return page.locator(CARDS, has=page.locator("mark", has_text=words))


def wait_for_caption(page, text: str) -> None:
    page.get_by_text(text).first.wait_for(timeout=30_000)


def test_two_quick_decisions_land_on_their_own_passages(page, server, scored_run, workdir):
    url = server.start()
    page.goto(f"{url}/review?reviewer=ana")
    card(page, "keen fire").wait_for()
    shot(page, "review-1-queue")
    card(page, "keen fire").get_by_placeholder("optional comment").fill("kept: a <quote>")
    # two clicks in quick succession: the second one while the page is still redrawing after the first
    card(page, "keen fire").get_by_role("button", name="False alarm").click()
    card(page, "Kowalchyk").get_by_role("button", name="Kowalchyk → Kowalczyk").click()
    wait_for_caption(page, "2 decided in this archive")
    shot(page, "review-2-two-quick-decisions")
    assert decisions(workdir) == {
        "keen fire": ("false_alarm", None, "ana"),
        "Kowalchyk": ("accept", "Kowalczyk", "ana"),
    }
    assert comments(workdir) == {"keen fire": "kept: a <quote>", "Kowalchyk": ""}
    # one key: S skips the first card of the page ("assisted at"); the hostile words stay text
    assert card(page, "assisted at").locator("button", has_text="assisted at → attended").count() == 1
    page.locator("h1").first.click()  # the keys go to the page, not to a text box
    page.keyboard.press("s")
    wait_for_caption(page, "3 decided in this archive")
    assert decisions(workdir)["assisted at"] == ("skip", None, "ana")
    remaining = page.locator(CARDS)
    expect(page.locator(CARDS, has_text="assisted at")).to_have_count(0)  # the decided card goes once redrawn
    expect(remaining).to_have_count(1)
    assert "<b>bold</b>" in remaining.inner_text()
    expect(remaining.get_by_role("button").filter(has_text="→")).to_have_count(0)  # no fix, so no accept
    shot(page, "review-3-key-and-no-fix")


def test_a_reload_keeps_the_filters_the_page_and_the_reviewer(page, server, scored_run, workdir):
    url = server.start()
    page.goto(f"{url}/review")
    card(page, "keen fire").wait_for()
    sidebar = page.locator('[data-testid="stSidebar"]')
    name = sidebar.locator(".st-key-rv_reviewer input")
    name.fill("Ana <b>Lopes</b>")
    name.press("Enter")
    search = sidebar.locator(".st-key-rv_search input")
    search.fill("crowd")
    search.press("Enter")
    wait_for_caption(page, "1 of 4 flags")
    page.wait_for_function("() => location.search.includes('q=crowd') && location.search.includes('reviewer=')")
    shot(page, "review-4-filtered")
    page.reload()
    card(page, "keen fire").wait_for()
    wait_for_caption(page, "1 of 4 flags")
    assert sidebar.locator(".st-key-rv_search input").input_value() == "crowd"
    assert sidebar.locator(".st-key-rv_reviewer input").input_value() == "Ana <b>Lopes</b>"
    shot(page, "review-5-after-reload")
    card(page, "keen fire").get_by_role("button", name="Skip").click()
    wait_for_caption(page, "1 decided in this archive")
    assert decisions(workdir) == {"keen fire": ("skip", None, "Ana <b>Lopes</b>")}


@pytest.fixture
def house_style(workdir) -> Path:
    """One Dask worker, so the progress of a dozen documents is seen moving."""
    path = workdir / "copydesk.toml"
    path.write_text(
        '[review]\ndatabase = "reviews.sqlite"\nruns_dir = "runs"\n[dashboard]\nbatch_workers = 1\n', "utf-8"
    )
    return path


def test_archive_progress_advances_before_the_run_ends_and_names_are_kept(page, server, workdir):
    drafts = sorted(p for p in DRAFTS.glob("*.txt") if p.name != "hostile.txt")
    upload = workdir / "Amazon.zip"
    with zipfile.ZipFile(upload, "w") as archive:
        for i in range(12):
            archive.write(drafts[i % len(drafts)], f"story-{i:02d}.txt")
    url = server.start()
    page.goto(f"{url}/archive")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some(b => b.innerText.includes('Score archive') && !b.disabled)"
    )
    page.get_by_role("button", name="Score archive").click()
    seen: list[int] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if page.get_by_text("Scored 12 documents with").count():
            break
        bar = page.locator('[data-testid="stProgress"]')
        text = bar.first.inner_text() if bar.count() else ""
        if text.startswith("Scored "):
            done = int(text.split()[1].replace(",", ""))
            if 0 < done < 12 and done not in seen:
                seen.append(done)
                shot(page, f"archive-1-progress-{done:02d}")
            assert "of 12 documents" in text, text
        time.sleep(0.2)
    page.get_by_text("Scored 12 documents with").wait_for(timeout=5_000)
    assert seen, "the progress bar moved only at the end of the run"
    page.get_by_text("Name variants across the archive").wait_for()
    page.get_by_role("button", name="names.csv").wait_for()
    page.locator('[data-testid="stDataFrame"]').last.wait_for()
    page.get_by_text("Flags per category").first.wait_for()
    shot(page, "archive-2-results")
    with page.expect_download(timeout=90_000) as info:  # a download is built on click; CI machines may be busy
        page.get_by_role("button", name="names.csv").click()
    saved = workdir / "names.csv"
    info.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text("utf-8"))))
    assert rows and {"canonical", "spelling", "document_ids"} <= set(rows[0])
    ids = {name for row in rows for name in row["document_ids"].split(" | ")}
    assert ids and all(name.startswith("Amazon.zip!story-") for name in ids), ids  # the name the user gave it
