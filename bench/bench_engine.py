"""Engine benchmark: words/s of `check` with every offline check on, cold start of the command line, peak memory.

    python bench/bench_engine.py [--words 120000] [--seed 7] [--corpus FOLDER | --mt-errors] [--json out.json]
    python bench/bench_engine.py --cold-only

Each archive is checked twice in one process: `--fast` (every check but the model judge) and the default (with the
judge), side by side, so the judge's own cost per 1,000 words and its memory are the difference.

The archive is generated from our own samples (samples/**/*.txt): sentences are recombined into documents of
300-900 words, with numbers and names varied, so no two documents are the same text (several libraries cache per
text or per sentence, and repeated text would measure the cache). Targets (issue 2): >= 20,000 words/s per core once
loaded, peak memory < 500 MB; (issue 18) cold start of `check --fast` on the seed article (600 words; else our
longest sample draft) <= 1.0 s.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GIVEN = ["Amira", "Tomas", "Leila", "Kenji", "Olga", "Samir", "Ines", "Pavel", "Nadia", "Jonas", "Farah", "Marco"]
FAMILY = ["Haddad", "Novak", "Okafor", "Lindqvist", "Barzani", "Moreau", "Castillo", "Ivanova", "Rahimi", "Costa"]
_NUMBER_RE = re.compile(r"\b\d{1,3}\b")


def sample_sentences() -> list[str]:
    """Every sentence of our own sample drafts (never the shared evaluation data)."""
    from checks.document import Document

    sentences: list[str] = []
    for path in sorted((ROOT / "samples").rglob("*.txt")):
        text = path.read_text("utf-8", errors="replace")
        sentences.extend(s.text for s in Document(text).sentences if len(s.words) >= 4)
    if not sentences:
        raise SystemExit("no sample drafts found under samples/")
    return sentences


def vary(sentence: str, rng: random.Random) -> str:
    sentence = _NUMBER_RE.sub(lambda m: str(rng.randint(2, 400)), sentence)
    if rng.random() < 0.3:
        sentence = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} said: {sentence[0].lower()}{sentence[1:]}"
    return sentence


def generate_archive(words: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pool = sample_sentences()
    documents, total = [], 0
    while total < words:
        target = rng.randint(300, 900)
        paragraphs, count = [], 0
        while count < target:
            paragraph = " ".join(vary(rng.choice(pool), rng) for _ in range(rng.randint(1, 4)))
            paragraphs.append(paragraph)
            count += len(paragraph.split())
        documents.append("\n\n".join(paragraphs))
        total += count
    return documents


def corpus(folder: str) -> list[str]:
    """Every .txt file below a folder, decoded the way `check` decodes files."""
    from checks.inputs import read_document

    return [read_document(path).text for path in sorted(Path(folder).rglob("*.txt"))]


def mt_errors_documents() -> list[str]:
    """The sentences of ../shared/eval/mt-errors (real machine translation), 20 to a document as the evaluation
    checks them."""
    import json

    from evaluation.common import eval_dir

    folder = eval_dir() / "mt-errors"
    if not folder.is_dir():
        raise SystemExit(f"{folder} not found (set COPYDESK_EVAL_DIR)")
    documents = []
    for path in sorted(folder.glob("*.jsonl")):
        rows = [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines()]
        documents += ["\n\n".join(rows[i : i + 20]) for i in range(0, len(rows), 20)]
    return documents


_JUDGED_RE = re.compile(r"\b(\d+) passages judged")


def _passages_judged(report) -> int:
    """Passages the model judge read, as every family's status line says."""
    return sum(int(n) for line in report.status.values() if isinstance(line, str) for n in _JUDGED_RE.findall(line))


def throughput(documents: list[str], warm_up: list[str], fast: bool) -> dict:
    """Check every document once in this process, after a warm-up on other text that loads every lazy resource
    (tagger, inflection tables, spelling index, the judge's model), so the figure is the steady state "once
    loaded". `fast`: without the model judge."""
    from checks.config import Config
    from checks.pipeline import check_text

    config = Config(offline=True, fast=fast)
    started = time.perf_counter()
    for text in warm_up:
        check_text(text, config=config)
    load_seconds = time.perf_counter() - started
    words = sum(len(d.split()) for d in documents)
    per_family: dict[str, float] = {}
    flags = judged = 0
    started = time.perf_counter()
    cpu_started = time.process_time()
    for i, text in enumerate(documents):
        report = check_text(text, source=f"doc-{i}", config=config)
        flags += len(report.issues)
        judged += _passages_judged(report)
        for name, seconds in report.timings.items():
            per_family[name] = per_family.get(name, 0.0) + seconds
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return {
        "documents": len(documents),
        "words": words,
        "flags": flags,
        "passages_judged": judged,
        "load_seconds": round(load_seconds, 3),
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "words_per_second": round(words / wall),
        "words_per_cpu_second": round(words / cpu),
        "ms_per_1000_words": {k: round(v / words * 1000 * 1000, 2) for k, v in sorted(per_family.items())},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def cold_draft() -> Path:
    """The seed-like real draft: the seed article (../shared/seed, 600 words) where present, else our longest
    sample draft."""
    seed = ROOT.parent / "shared" / "seed" / "iraq-pm-drone-attack.txt"
    if seed.is_file():
        return seed
    return max((ROOT / "samples" / "drafts").glob("*.txt"), key=lambda path: len(path.read_text("utf-8")))


def cold_start(runs: int = 5) -> dict:
    """Wall time of a fresh `python -m checks check --fast` on a real draft (best and median of several runs), and
    the heaviest modules that command imports (`python -X importtime`, cumulative, the run after the timed ones)."""
    draft = cold_draft()
    command = [sys.executable, "-m", "checks", "check", "--fast", str(draft)]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    traced = subprocess.run([command[0], "-X", "importtime", *command[1:]], cwd=ROOT, capture_output=True, text=True)
    return {
        "cold_start_draft": str(draft),
        "cold_start_words": len(draft.read_text("utf-8").split()),
        "cold_start_best_seconds": round(min(times), 3),
        "cold_start_median_seconds": round(statistics.median(times), 3),
        "cold_start_runs": [round(t, 3) for t in times],
        "heaviest_imports_ms": _heaviest_imports(traced.stderr),
    }


def _heaviest_imports(importtime: str, count: int = 8) -> dict[str, float]:
    """The top-level imports (`import time: self | cumulative | name`) taking the longest, in ms."""
    found = {}
    for line in importtime.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2].startswith("  "):
            found[parts[2].strip()] = round(int(parts[1]) / 1000, 1)
    return dict(sorted(found.items(), key=lambda item: -item[1])[:count])


def print_cold_start(cold: dict) -> None:
    print(
        f"cold start, `python -m checks check --fast` on {Path(cold['cold_start_draft']).name} "
        f"({cold['cold_start_words']} words): best {cold['cold_start_best_seconds']} s, median "
        f"{cold['cold_start_median_seconds']} s of {cold['cold_start_runs']} (target <= 1.0 s)"
    )
    heaviest = ", ".join(f"{name} {ms:g}" for name, ms in cold["heaviest_imports_ms"].items())
    print(f"  heaviest top-level imports, ms (cumulative, one traced run): {heaviest}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=120_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="also write the figures to this file")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--corpus",
        help="measure on this folder of .txt files instead of the generated archive "
        "(e.g. ../shared/eval/onestopenglish/texts for clean real news)",
    )
    source.add_argument("--mt-errors", action="store_true", help="measure on ../shared/eval/mt-errors' sentences")
    parser.add_argument("--cold-only", action="store_true", help="measure the cold start only")
    args = parser.parse_args()
    if args.cold_only:
        print_cold_start(cold_start())
        return 0
    if args.mt_errors:
        documents, origin = mt_errors_documents(), "../shared/eval/mt-errors, 20 sentences a document"
    elif args.corpus:
        documents, origin = corpus(args.corpus), args.corpus
    else:
        documents, origin = generate_archive(args.words, args.seed), f"generated from samples/, seed {args.seed}"
    warm_up = generate_archive(3_000, args.seed + 1)
    result = {
        "cold_start": cold_start(),
        "fast": throughput(documents, warm_up, fast=True),
        "default": throughput(documents, warm_up, fast=False),
    }
    fast, full = result["fast"], result["default"]
    print(f"archive: {fast['documents']} documents, {fast['words']:,} words ({origin})")
    for name, t in (("--fast", fast), ("default (model judge)", full)):
        print(f"{name}:")
        print(f"  warm-up on 3,000 other words, loading every resource: {t['load_seconds']} s")
        print(
            f"  throughput: {t['words_per_second']:,} words/s wall, {t['words_per_cpu_second']:,} words per "
            "CPU-second (target >= 20,000 per core without the judge)"
        )
        print(f"  flags raised: {t['flags']:,}; passages the judge read: {t['passages_judged']:,}")
        costs = ", ".join(f"{k} {v}" for k, v in t["ms_per_1000_words"].items())
        print(f"  cost per family, ms per 1,000 words: {costs}")
        print(f"  peak memory (RSS) so far: {t['peak_rss_mb']} MB (target < 500 MB)")
    added = 1e6 * (full["wall_seconds"] - fast["wall_seconds"]) / max(full["words"], 1)  # ms per 1,000 words
    print(
        f"the model judge adds {added:,.0f} ms per 1,000 words (budget 1,500 on 2 cores) and "
        f"{full['peak_rss_mb'] - fast['peak_rss_mb']:.0f} MB (budget 400); "
        f"{1000 * full['passages_judged'] / max(full['words'], 1):.1f} passages judged per 1,000 words"
    )
    print_cold_start(result["cold_start"])
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
