"""Benchmark batch scoring: `python bench/bench_batch.py [--documents 10000] [--workers 1,2]`.

Generates a zip archive of news-style documents (about 500 words each; 10,000 documents is about 5 million words)
from the sample articles in samples/archive/articles with variations (paragraphs recombined, names and numbers
changed, seeded so every run builds the same archive), then scores it with `checks.batch.score_archive` and the
default checks once per worker count, and prints documents/s, words/s, the speed-up from the first worker count
to the others, and the peak memory (resident set) per worker. It also measures the single-document throughput of
`check_text` in this process for comparison with the whole-archive figure.

Figures include the cluster start and each worker's first load of the checks' resources ("whole run") and, as
"steady", the rate between the first and the last finished partition. On a shared machine they are noisy.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import re
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLES = ROOT / "samples" / "archive" / "articles"
NAMES = [
    "Stefan Iliev",
    "Aurelia Constantin",
    "Mihail Radu",
    "Olga Petrenko",
    "Tomas Kral",
    "Daniela Georgescu",
    "Ana Moraru",
    "Petar Dimov",
    "Irina Volkova",
    "Jonas Petraitis",
    "Lena Horvat",
    "Marek Novak",
]
PLACES = ["Varna", "Constanta", "Burgas", "Galati", "Ruse", "Plovdiv", "Brasov", "Kaunas", "Split", "Brno"]
TARGET_WORDS = 500


def sample_paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted(SAMPLES.rglob("*.txt")):
        paragraphs += [p.strip() for p in path.read_text("utf-8").split("\n\n") if p.strip()]
    return paragraphs


def vary(paragraph: str, rng: random.Random) -> str:
    """Swap names, places and numbers so documents differ while staying news-like."""
    for name in NAMES:
        if name in paragraph:
            paragraph = paragraph.replace(name, rng.choice(NAMES))
    for place in PLACES:
        if place in paragraph:
            paragraph = paragraph.replace(place, rng.choice(PLACES))
    return re.sub(r"\b\d+\b", lambda m: str(max(1, int(m.group()) + rng.randint(-3, 9))), paragraph)


def make_document(paragraphs: list[str], rng: random.Random) -> str:
    chosen, words = [], 0
    while words < TARGET_WORDS:
        paragraph = vary(rng.choice(paragraphs), rng)
        chosen.append(paragraph)
        words += len(paragraph.split())
    return "\n\n".join(chosen) + "\n"


def build_archive(path: Path, documents: int, seed: int = 8) -> int:
    rng = random.Random(seed)
    paragraphs = sample_paragraphs()
    words = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for i in range(documents):
            text = make_document(paragraphs, rng)
            words += len(text.split())
            archive.writestr(f"archive/{i // 1000:03d}/story-{i:06d}.txt", text)
    return words


def single_document_rate(path: Path, count: int = 40) -> tuple[float, float]:
    """Words per second (wall clock, and per CPU-second) of check_text on documents of the archive, one at a time,
    after a warm-up."""
    from checks.pipeline import check_text

    with zipfile.ZipFile(path) as archive:
        texts = [archive.read(name).decode("utf-8") for name in archive.namelist()[: count + 1]]
    check_text(texts[0], "warm-up")
    started, cpu_started = time.perf_counter(), time.process_time()
    words = 0
    for i, text in enumerate(texts[1:]):
        check_text(text, f"doc-{i}")
        words += len(text.split())
    return words / (time.perf_counter() - started), words / (time.process_time() - cpu_started)


def run(path: Path, workers: int, partition_size: int | None, work: Path) -> dict:
    from checks.batch import score_archive
    from checks.config import Config

    out = work / f"out-{workers}"
    shutil.rmtree(out, ignore_errors=True)
    stamps: list[tuple[float, int]] = []
    summary = score_archive(
        [str(path)],
        str(out),
        Config(),
        workers=workers,
        partition_size=partition_size,
        progress=lambda done, total: stamps.append((time.perf_counter(), done)),
    )
    steady = 0.0
    if len(stamps) >= 3:
        (t0, d0), (t1, d1) = stamps[1], stamps[-1]
        steady = (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0
    words_per_doc = summary.words / max(summary.documents, 1)
    cpu_rate = summary.words / summary.worker_cpu_seconds if summary.worker_cpu_seconds else 0.0
    return {
        "workers": workers,
        "summary": summary,
        "steady_docs": steady,
        "steady_words": steady * words_per_doc,
        "cpu_words": cpu_rate,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000, help="documents in the generated archive")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts to compare")
    parser.add_argument("--partition-size", type=int, default=None)
    parser.add_argument("--keep", help="folder to keep the archive and outputs in (default: a temporary one)")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # families still in development log their failures per document

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="copydesk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        archive = work / "archive.zip"
        started = time.perf_counter()
        words = build_archive(archive, args.documents)
        print(
            f"archive: {args.documents:,} documents, {words:,} words, {archive.stat().st_size / 1e6:.1f} MB zip, "
            f"built in {time.perf_counter() - started:.1f} s  ({os.cpu_count()} cores on this machine, "
            f"load average {os.getloadavg()[0]:.1f})"
        )
        single, single_cpu = single_document_rate(archive)
        print(
            f"single documents (check_text, one process, warm): {single:,.0f} words/s, {single_cpu:,.0f} words "
            "per CPU-second"
        )
        results = []
        for count in [int(w) for w in args.workers.split(",")]:
            result = run(archive, count, args.partition_size, work)
            s = result["summary"]
            results.append(result)
            print(
                f"{count} worker(s): {s.seconds:.1f} s whole run, {s.documents_per_second:,.1f} documents/s, "
                f"{s.words_per_second:,.0f} words/s; steady {result['steady_docs']:,.1f} documents/s, "
                f"{result['steady_words']:,.0f} words/s; peak memory per worker "
                f"{s.peak_worker_memory_mb:,.0f} MB; {result['cpu_words']:,.0f} words per worker CPU-second; "
                f"{s.errors} errors, {s.partitions} partitions"
            )
        base = results[0]
        for other in results[1:]:
            whole = base["summary"].seconds / other["summary"].seconds
            steady = other["steady_docs"] / base["steady_docs"] if base["steady_docs"] else float("nan")
            print(
                f"speed-up {base['workers']} -> {other['workers']} workers: {whole:.2f}x whole run, "
                f"{steady:.2f}x steady"
            )
        best = max(r["summary"].words_per_second for r in results)
        print(
            f"whole-archive throughput {best:,.0f} words/s vs single-document {single:,.0f} words/s "
            f"(target 20,000 words/s per core)"
        )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
