"""Calibrate the model judge's thresholds (checks/judge.py) on data that the reported figures never use.

    python evaluation/calibrate_judge.py [--rows 250]

1. veto_bits, on samples/mistranslation/judge-calibration.tsv: 32 calques with their fixes and 32 correct sentences
   with an equivalent or worse sibling. The gain the model gives each rewrite, and the threshold that keeps at least
   90% of the calque fixes while letting at most 10% of the swaps of correct words through.
2. min_gain_bits and proposal_gain, on the EVEN half (crc32 of the id) of ../shared/eval/mt-errors (the odd half is
   what evaluation/eval_mistranslation.py reports): the judge's own proposals, and for each threshold the share of
   its flags that fall on a marked error, the lexical-choice spans they find and the flags on clean sentences.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks import judge  # noqa: E402
from checks.config import Config  # noqa: E402
from checks.document import Document  # noqa: E402
from checks.lm import scorer  # noqa: E402
from checks.reference import load_reference  # noqa: E402
from evaluation.common import eval_dir  # noqa: E402
from evaluation.eval_mistranslation import MT_SETS, in_half  # noqa: E402

CALIBRATION = ROOT / "samples" / "mistranslation" / "judge-calibration.tsv"


def sentence_gain(written: str, rewrite: str) -> float:
    """Bits the rewrite gains over the sentence as written (the whole sentence; the shared prefix scored once)."""
    return scorer().gains("", written, [rewrite])[0]


def calibrate_veto() -> float:
    with open(CALIBRATION, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    gains: dict[str, list[float]] = {"calque": [], "control": []}
    for row in rows:
        gains[row["kind"]].append(sentence_gain(row["as_written"], row["rewrite"]))
    print(
        f"veto_bits on {CALIBRATION.name}: {len(gains['calque'])} calque fixes, {len(gains['control'])} swaps of "
        "correct words"
    )
    chosen = None
    for threshold in (0, 1, 2, 3, 4, 5, 6, 8):
        fixes = sum(g >= threshold for g in gains["calque"]) / len(gains["calque"])
        swaps = sum(g >= threshold for g in gains["control"]) / len(gains["control"])
        ok = fixes >= 0.9 and swaps <= 0.1
        if ok and chosen is None:
            chosen = threshold
        print(
            f"  >= {threshold} bits: calque fixes kept {fixes:.2f}, swaps let through {swaps:.2f}{'  ok' if ok else ''}"
        )
    print(f"  chosen (lowest threshold that is ok): {chosen}")
    return float(chosen if chosen is not None else 3)


def proposals(rows_per_set: int) -> list[dict]:
    base = eval_dir() / "mt-errors"
    if not base.is_dir():
        print("mt-errors: skipped (../shared/eval/mt-errors not found)")
        return []
    ref = load_reference(None)
    chosen = judge.settings(Config({"judge": {"proposal_gain": 0.5}}))
    found = []
    for name in MT_SETS:
        rows = [
            r
            for r in map(json.loads, (base / f"{name}.jsonl").read_text("utf-8").splitlines())
            if in_half(r["id"], "even")
        ]
        random.Random(0).shuffle(rows)
        for row in rows[:rows_per_set]:
            doc = Document(row["text"])
            passages, _ = judge.most_promising(judge.propose(doc, ref, chosen, set()), 3)
            for verdict in judge.judge(doc, passages):
                token = verdict.passage.sentence.tokens[verdict.passage.first]
                on = [label for s, e, label in row["spans"] if s < token.end and token.start < e]
                found.append(
                    {
                        "set": name,
                        "gain": verdict.best[1],
                        "promise": verdict.passage.promise,
                        "hit": bool(on),
                        "lexical": any(x == "sub" or x.endswith("|lex") for x in on),
                        "clean": bool(row["clean"]),
                    }
                )
    return found


def calibrate_proposals(rows_per_set: int) -> None:
    found = proposals(rows_per_set)
    if not found:
        return
    print(
        f"\nmin_gain_bits / proposal_gain on the even half of mt-errors ({rows_per_set} rows per set, "
        f"{len(found)} passages judged; {sum(f['hit'] for f in found) / len(found):.2f} of them on a marked error)"
    )
    best = None
    for promise in (0.5, 1.0, 2.0):
        for threshold in (3, 4, 5, 6, 8, 10, 12):
            kept = [f for f in found if f["gain"] >= threshold and f["promise"] >= promise]
            if not kept:
                continue
            precision = sum(f["hit"] for f in kept) / len(kept)
            print(
                f"  proposal_gain >= {promise}, gain >= {threshold:2d} bits: {len(kept):4d} flags, precision "
                f"{precision:.2f}, on lexical spans {sum(f['lexical'] for f in kept)}, on clean sentences "
                f"{sum(f['clean'] for f in kept)}"
            )
            if precision >= 0.7 and (best is None or len(kept) > best[2]):
                best = (promise, threshold, len(kept))
    print(
        "  a setting with precision >= 0.70: "
        + (f"proposal_gain {best[0]}, min_gain_bits {best[1]}" if best else "none (so `propose` stays off by default)")
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=250, help="rows per mt-errors set (even half)")
    args = parser.parse_args(argv)
    calibrate_veto()
    calibrate_proposals(args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
