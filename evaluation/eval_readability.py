"""Evaluate the readability family.

1. OneStopEnglish (../shared/eval/onestopenglish: the same article written at elementary, intermediate and advanced
   level): how often each grade orders the three levels of one title correctly, pair by pair (ties count as wrong).
2. Passive voice on our labelled sentences (samples/readability/passive-labelled.tsv): precision and recall.
3. Wordy phrases: how often each fires on real news prose (OneStopEnglish advanced level), for review.
4. Cost: milliseconds per 1,000 words of the readability pass against the shared document analysis, on texts the
   process has not seen before (textstat-style per-text caches cannot help).

Run: .venv/bin/python evaluation/eval_readability.py [--quick]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks import readability as rd  # noqa: E402
from checks.config import Config  # noqa: E402
from checks.document import Document  # noqa: E402
from evaluation.common import eval_dir  # noqa: E402

EVAL_DIR = eval_dir()
ONESTOP = EVAL_DIR / "onestopenglish" / "texts"
LEVELS = ("ele", "int", "adv")
PAIRS = ((0, 1), (1, 2), (0, 2))
REPORTED = ("consensus_grade", "text_standard", *rd.GRADE_FORMULAS, "dale_chall_readability_score")


def read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # one intermediate file is cp1252 (see the folder's SOURCE.txt)
        return raw.decode("cp1252")


def onestop_titles() -> list[str]:
    return sorted(p.name[: -len("-ele.txt")] for p in (ONESTOP / "ele").glob("*-ele.txt"))


def evaluate_ordering() -> None:
    titles = onestop_titles()
    print(f"== OneStopEnglish level ordering: {len(titles)} titles x 3 levels ({ONESTOP})")
    metrics = {}
    for title in titles:
        metrics[title] = [
            rd.metrics(Document(read_text(ONESTOP / lvl / f"{title}-{lvl}.txt")), Config()) for lvl in LEVELS
        ]
    print(f"{'metric':32} {'pairs right':>12} {'ties':>5} {'all 3 in order':>15}   mean ele / int / adv")
    for name in REPORTED:
        right = ties = triples = 0
        for levels in metrics.values():
            values = [m[name] for m in levels]
            right += sum(values[a] < values[b] for a, b in PAIRS)
            ties += sum(values[a] == values[b] for a, b in PAIRS)
            triples += values[0] < values[1] < values[2]
        means = " / ".join(f"{statistics.fmean(m[i][name] for m in metrics.values()):.1f}" for i in range(3))
        total = 3 * len(metrics)
        print(f"{name:32} {right / total:11.1%} {ties:5d} {triples / len(metrics):14.1%}    {means}")
    print(f"(pairs: {3 * len(metrics)}; consensus_grade is the median of {', '.join(rd.GRADE_FORMULAS)})")


def evaluate_passive() -> None:
    path = ROOT / "samples" / "readability" / "passive-labelled.tsv"
    labelled = [line.split("\t") for line in path.read_text("utf-8").splitlines() if line and line[0] != "#"]
    print(f"\n== Passive voice on {path.relative_to(ROOT)} ({len(labelled)} sentences)")
    for use_tagger in (False, True):
        tp = fp = fn = 0
        mistakes = []
        for sentence, expected in labelled:
            found = [f.text for f in rd.passive_flags(Document(sentence), use_tagger)]
            if expected:
                tp += expected in found
                fn += expected not in found
            fp += sum(1 for text in found if text != expected)
            if found != ([expected] if expected else []):
                mistakes.append(f"   {sentence!r}: expected {expected!r}, flagged {found}")
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        print(
            f"use_tagger = {str(use_tagger).lower():5}: precision {precision:.1%} ({tp}/{tp + fp}), "
            f"recall {recall:.1%} ({tp}/{tp + fn})"
        )
        print("\n".join(mistakes) if mistakes else "   no mistakes")


def evaluate_wordy(texts: list[str]) -> None:
    counts: Counter = Counter()
    words = 0
    for text in texts:
        doc = Document(text)
        words += len(doc.words)
        counts.update(f.rule for f in rd.wordy_flags(doc, Config()))
    print(
        f"\n== Wordy phrases on {len(texts)} advanced-level texts ({words} words): {sum(counts.values())} flags, "
        f"{len(counts)} of {len(rd.wordy_rules())} rules fired; most frequent:"
    )
    for rule, n in counts.most_common(8):
        print(f"   {n:3d} {rule}")


def evaluate_cost(texts: list[str]) -> None:
    """Per 1,000 words: the shared Document analysis and the readability family's own pass, on unseen texts."""
    config = Config({"readability": {"use_tagger": True}})
    lexical_config = Config({"readability": {"use_tagger": False}})
    family = rd.check
    warm = Document(texts[0])
    rd.metrics(warm, config), family(warm, config)  # load tables, rules and (if needed) the tagger once
    timings: defaultdict[str, float] = defaultdict(float)
    words = 0
    for text in texts[1:]:
        started = time.process_time()
        doc = Document(text)
        analysed = time.process_time()
        rd.metrics(doc, config)
        measured = time.process_time()
        family(doc, lexical_config)
        lexical = time.process_time()
        family(doc, config)
        done = time.process_time()
        words += len(doc.words)
        timings["document analysis (shared, not ours)"] += analysed - started
        timings["metrics + sentence grades"] += measured - analysed
        timings["all readability flags, use_tagger = false"] += lexical - measured
        timings["all readability flags, use_tagger = true"] += done - lexical
        timings["readability total, use_tagger = false"] += lexical - analysed
        timings["readability total, use_tagger = true"] += (done - lexical) + (measured - analysed)
    print(f"\n== Cost on {len(texts) - 1} unseen texts, {words} words (CPU time of this process):")
    for name, seconds in timings.items():
        print(f"   {name:40} {seconds / words * 1e6:6.2f} ms per 1,000 words")


def main() -> None:
    quick = "--quick" in sys.argv
    if not ONESTOP.is_dir():
        print(f"OneStopEnglish not found at {ONESTOP}: skipping the ordering, wordy and cost parts")
        evaluate_passive()
        return
    evaluate_ordering()
    evaluate_passive()
    advanced = [read_text(p) for p in sorted((ONESTOP / "adv").glob("*.txt"))]
    evaluate_wordy(advanced[:20] if quick else advanced)
    evaluate_cost(advanced[:11] if quick else advanced[:41])


if __name__ == "__main__":
    main()
