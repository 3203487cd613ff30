"""Benchmark of the Review flagged passages page on a large archive, in a real browser.

    python bench/bench_review.py [--flags 10000] [--decided 2000] [--repeat 3]

Writes a scored run of `--flags` flags over 500 documents (as checks.batch lays it out) and a review database
holding `--decided` decisions on them, in a temporary folder; starts `streamlit run dashboard/app.py` on it (a
free port of 127.0.0.1, as tests/browser/ does) and drives Debian's chromium (/usr/bin/chromium, or
$COPYDESK_CHROMIUM) with Playwright. It prints, best of `--repeat`:
  first load   the page opened in a new browser tab until the first card and the count are shown
  reload       the same, with the server warm (what an editor sees at every reload)
  decision     a click on a card's "False alarm" until the count of decided flags has moved
  baseline     Streamlit's own cost on this machine: the Score an archive page, nothing chosen, reloaded
The server and the browser are always stopped; the temporary folder is removed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.reviews import Decision, ReviewStore  # noqa: E402
from tests.browser.conftest import CHROMIUM_FLAGS, StreamlitServer  # noqa: E402

RUN = "run-20261207-000000-bench0"
CATEGORIES = ("spelling", "grammar", "mistranslation", "names", "style", "readability")


def write_run(folder: Path, flags: int) -> list[dict]:
    import pandas as pd

    run = folder / "runs" / RUN
    run.mkdir(parents=True)
    rows = []
    for i in range(flags):
        word = f"wurd{i % 997}"
        sentence = f"The minister said the {word} was final on Monday, officials in the capital said ({i})."
        start = 200 * (i % 20) + sentence.index(word)
        rows.append(
            {
                "document_id": f"archive.zip!story-{i // 20:04d}.txt",
                "category": CATEGORIES[i % len(CATEGORIES)],
                "rule": f"{CATEGORIES[i % len(CATEGORIES)]}.rule-{i % 7}",
                "start": start,
                "end": start + len(word),
                "text": word,
                "message": f"Check “{word}”.",
                "suggestions": ["word"] if i % 3 else [],
                "severity": ("error", "warning", "info")[i % 3],
                "confidence": 0.5 + (i % 50) / 100,
                "sentence": sentence,
                "sentence_start": 200 * (i % 20),
            }
        )
    pd.DataFrame(rows).to_parquet(run / "issues.parquet")
    documents = sorted({str(r["document_id"]) for r in rows})
    pd.DataFrame({"document_id": documents, "score": [80.0] * len(documents)}).to_parquet(run / "documents.parquet")
    return rows


def write_decisions(database: Path, rows: list[dict], count: int) -> None:
    store = ReviewStore(f"sqlite:///{database}")
    try:
        store.record_many(
            Decision(
                archive=RUN,
                document=r["document_id"],
                rule=r["rule"],
                start=r["start"],
                end=r["end"],
                decision="false_alarm" if i % 2 else "skip",
                flagged_text=r["text"],
                category=r["category"],
                reviewer="bench",
            )
            for i, r in enumerate(rows[-count:] if count else [])
        )
    finally:
        store.close()


def time_page(page, url: str) -> float:
    started = time.perf_counter()
    page.goto(url)
    page.locator('[class*="st-key-rv_card-"]').first.wait_for(timeout=120_000)
    page.get_by_text("decided in this archive").first.wait_for(timeout=120_000)
    return time.perf_counter() - started


def time_baseline(page, url: str) -> float:
    started = time.perf_counter()
    page.goto(url)
    page.get_by_text("Upload a .zip").first.wait_for(timeout=120_000)
    return time.perf_counter() - started


def time_decision(page) -> float:
    caption = page.get_by_text("decided in this archive").first
    before = caption.inner_text()
    started = time.perf_counter()
    page.locator('[class*="st-key-rv_card-"]').first.get_by_role("button", name="False alarm").click()
    page.wait_for_function(
        "(before) => [...document.querySelectorAll('p')].some(p => p.innerText.includes('decided in this archive')"
        " && p.innerText !== before)",
        arg=before,
        timeout=120_000,
    )
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flags", type=int, default=10_000)
    parser.add_argument("--decided", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    import os

    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("COPYDESK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    folder = Path(tempfile.mkdtemp(prefix="copydesk-bench-review-"))
    server = None
    try:
        rows = write_run(folder, args.flags)
        write_decisions(folder / "reviews.sqlite", rows, min(args.decided, args.flags - 100))
        house = folder / "copydesk.toml"
        house.write_text('[review]\ndatabase = "reviews.sqlite"\nruns_dir = "runs"\n', "utf-8")
        (folder / "logs").mkdir()
        server = StreamlitServer(house, folder / "logs")
        root = server.start()
        url = f"{root}/review?reviewer=bench"
        print(f"review page: {args.flags:,} flags over {args.flags // 20:,} documents, {args.decided:,} decided")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS, headless=True)
            try:
                firsts, reloads, decisions, baselines = [], [], [], []
                for _ in range(args.repeat):
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = context.new_page()
                    firsts.append(time_page(page, url))
                    reloads.append(time_page(page, url))
                    decisions.append(time_decision(page))
                    time_baseline(page, f"{root}/archive")
                    baselines.append(time_baseline(page, f"{root}/archive"))
                    context.close()
            finally:
                browser.close()
        print(f"  first load (new tab) best of {args.repeat}: {min(firsts):.2f} s  (all: {fmt(firsts)})")
        print(f"  reload (warm)        best of {args.repeat}: {min(reloads):.2f} s  (all: {fmt(reloads)})")
        print(f"  one decision         best of {args.repeat}: {min(decisions):.2f} s  (all: {fmt(decisions)})")
        print(f"  baseline (empty page reload) best of {args.repeat}: {min(baselines):.2f} s  (all: {fmt(baselines)})")
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    sys.exit(main())
