"""Calibrate the model judge's thresholds (checks/judge.py) on data that the reported figures never use.

    python evaluation/calibrate_judge.py [--mt-rows 300] [--no-siblings] [--save FILE]

veto_bits: the model vetoes a flag of the statistical layer when it disagrees, that is when it does not find the
sibling clearly likelier. "Clearly" is set on samples/mistranslation/judge-calibration.tsv, 32 calques with their
fixes and 32 correct sentences with an equivalent or worse sibling swapped in: of the thresholds that keep at least
90% of the calque fixes and let at most 10% of the swaps of correct words through, the highest (precision first).

sibling_bits (the judge's own proposals, `[judge] propose`: translation and WordNet siblings): the lowest threshold
at which its flags on real machine translation (the EVEN half, crc32 of the id, of ../shared/eval/mt-errors;
eval_mistranslation.py reports the odd half) and on our calibration sentences, pooled, reach precision 0.7 with at
most one flag per 100 clean sentences.

For both, the judge is also run exactly as `python -m checks check` runs it, thresholds open and no budget, and the
flags each threshold would give are printed: on our calibration sentences (positives: the labelled spans of
translationese.tsv, variants.tsv and judge-calibration.tsv's calques; negatives: clean.tsv and judge-calibration.tsv's
correct sentences; heldout-style.tsv and clean-2.tsv are never read here) and on the even half of mt-errors
(precision per flag: it falls on a marked error; lexical-choice spans found; flags per 100 clean sentences). The
statistical layer's candidates are judged on every even row, the siblings of `propose` on `--mt-rows` rows per set.
The house-style defaults are set from the printed choices by hand.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks import judge, mistranslation  # noqa: E402
from checks.config import Config  # noqa: E402
from checks.document import Document  # noqa: E402
from evaluation.common import eval_dir  # noqa: E402
from evaluation.eval_mistranslation import MT_SETS, in_half, read_tsv  # noqa: E402

SAMPLES = ROOT / "samples" / "mistranslation"
THRESHOLDS = (-4, -2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 18, 20)
CALIBRATION = SAMPLES / "judge-calibration.tsv"
KEEP_FIXES, LET_SWAPS = 0.9, 0.1  # veto_bits: calque fixes kept, swaps of correct words let through
SIBLING_PRECISION = 0.7
MAX_CLEAN_PER_100 = 1.0
# Thresholds at zero and no budget: every passage the judge would look at gets its gain.
OPEN = {"veto_bits": -1000.0, "sibling_bits": -1000.0, "passages_per_1000_words": 1_000_000}


@dataclass(frozen=True)
class Judged:
    kind: str  # what proposed the passage: "sense" or "sibling" (checks.mistranslation.Reading)
    bits: float  # the best rewrite's gain
    promise: float  # the n-gram reference's gain for the best sibling (log10)
    label: str  # "right" (on an error), "wrong" (on clean text), "other" (elsewhere in a sentence with an error)
    lexical: bool = False  # on a lexical-choice span (mt-errors)
    clean_sentence: bool = False


def judged_spans(text: str, propose: bool = True) -> list[tuple[int, int, str, float, float]]:
    """(start, end, kind, best gain, n-gram promise) of every passage the judge looks at in `text` (with `propose`:
    the siblings of `propose` too)."""
    doc = Document(text)
    config = Config({"judge": {**OPEN, "propose": propose}})
    found = mistranslation.judged(doc, config, judge.settings(config), [])
    return [
        (
            r.verdict.passage.start,
            r.verdict.passage.end,
            r.kind,
            r.verdict.gains[0][1] if r.verdict.gains else 0.0,
            r.verdict.passage.promise,
        )
        for r in found.readings
    ]


def ours(propose: bool = True) -> list[Judged]:
    found = []
    for name in ("translationese", "variants"):
        for row in read_tsv(SAMPLES / f"{name}.tsv"):
            at = row["sentence"].find(row["span"])
            for start, end, kind, bits, promise in judged_spans(row["sentence"], propose):
                right = at >= 0 and start < at + len(row["span"]) and at < end
                found.append(Judged(kind, bits, promise, "right" if right else "other"))
    for row in read_tsv(SAMPLES / "clean.tsv"):
        spans = judged_spans(row["sentence"], propose)
        found += [Judged(k, b, p, "wrong", clean_sentence=True) for _, _, k, b, p in spans]
    for row in read_tsv(SAMPLES / "judge-calibration.tsv"):
        calque = row["kind"] == "calque"
        lo, hi = _differing(row["as_written"], row["rewrite"])
        for start, end, kind, bits, promise in judged_spans(row["as_written"], propose):
            label = ("right" if start < hi and lo < end else "other") if calque else "wrong"
            found.append(Judged(kind, bits, promise, label, clean_sentence=not calque))
    return found


def _differing(written: str, rewrite: str) -> tuple[int, int]:
    """The characters of `written` that `rewrite` changes (its span between the common prefix and suffix)."""
    lo = 0
    while lo < min(len(written), len(rewrite)) and written[lo] == rewrite[lo]:
        lo += 1
    tail = 0
    while tail < min(len(written), len(rewrite)) - lo and written[-1 - tail] == rewrite[-1 - tail]:
        tail += 1
    return lo, len(written) - tail


def mt_errors(rows_per_set: int) -> tuple[list[Judged], Counter]:
    folder = eval_dir() / "mt-errors"
    if not folder.is_dir():
        print("mt-errors: skipped (../shared/eval/mt-errors not found)")
        return [], Counter()
    found: list[Judged] = []
    totals: Counter = Counter()
    for name in MT_SETS:
        rows = [json.loads(line) for line in (folder / f"{name}.jsonl").read_text("utf-8").splitlines()]
        rows = [r for r in rows if in_half(r["id"], "even")]
        random.Random(0).shuffle(rows)
        for number, row in enumerate(rows):
            sampled = number < rows_per_set  # the siblings of `propose` are judged on a sample: they are many
            totals["rows"] += 1
            totals["clean"] += bool(row["clean"])
            totals["sampled"] += sampled
            totals["sampled_clean"] += sampled and bool(row["clean"])
            for start, end, kind, bits, promise in judged_spans(row["text"], propose=sampled):
                on = [label for s, e, label in row["spans"] if s < end and start < e]
                lexical = any(x == "sub" or x.endswith("|lex") for x in on)
                found.append(Judged(kind, bits, promise, "right" if on else "wrong", lexical, bool(row["clean"])))
    return found, totals


def table(title: str, found: list[Judged], kind: str, clean_sentences: int) -> dict[int, tuple[int, int, int]]:
    """Right flags, wrong flags and flags on clean sentences of `kind` at each threshold (printed)."""
    print(f"\n{title}: {kind} passages judged {sum(j.kind == kind for j in found)}")
    out = {}
    for threshold in THRESHOLDS:
        kept = [j for j in found if j.kind == kind and j.bits >= threshold and j.label != "other"]
        right = sum(j.label == "right" for j in kept)
        on_clean = sum(j.clean_sentence for j in kept)
        precision = f"{right / len(kept):.3f}" if kept else "-"
        out[threshold] = (right, len(kept) - right, on_clean)
        print(
            f"  >= {threshold:2d} bits: {len(kept):5d} flags, precision {precision:>5}, on lexical spans "
            f"{sum(j.lexical for j in kept):4d}, per 100 clean sentences {100 * on_clean / max(clean_sentences, 1):.2f}"
        )
    return out


def choose_siblings(ours: dict, mt: dict, mt_clean: int) -> int | None:
    """The lowest threshold whose flags, pooled over both sources, reach SIBLING_PRECISION, with at most
    MAX_CLEAN_PER_100 flags per 100 clean mt-errors sentences."""
    for threshold in THRESHOLDS:
        right = ours[threshold][0] + (mt[threshold][0] if mt else 0)
        wrong = ours[threshold][1] + (mt[threshold][1] if mt else 0)
        clean_rate = 100 * mt[threshold][2] / max(mt_clean, 1) if mt else 0.0
        if right and right / (right + wrong) >= SIBLING_PRECISION and clean_rate <= MAX_CLEAN_PER_100:
            return threshold
    return None


def choose_veto() -> int | None:
    """veto_bits from the controlled pairs of judge-calibration.tsv: the highest threshold that is good enough on
    both (printed)."""
    from checks.lm import Edit, scorer

    gains: dict[str, list[float]] = {"calque": [], "control": []}
    for row in read_tsv(CALIBRATION):
        lo, hi = _differing(row["as_written"], row["rewrite"])
        rewrite = row["rewrite"][lo : len(row["rewrite"]) - (len(row["as_written"]) - hi)]
        (gain,) = scorer().rewrite_gains(row["as_written"], [Edit(lo, hi, (rewrite,))])[0]
        gains[row["kind"]].append(gain)
    print(
        f"veto_bits on {CALIBRATION.name}: {len(gains['calque'])} calque fixes, {len(gains['control'])} swaps of "
        "correct words"
    )
    chosen = None
    for threshold in THRESHOLDS:
        fixes = sum(g >= threshold for g in gains["calque"]) / len(gains["calque"])
        swaps = sum(g >= threshold for g in gains["control"]) / len(gains["control"])
        ok = fixes >= KEEP_FIXES and swaps <= LET_SWAPS
        if ok:
            chosen = threshold  # the highest that is good enough on both: precision first
        mark = "  ok" if ok else ""
        print(f"  >= {threshold:2d} bits: calque fixes kept {fixes:.2f}, swaps let through {swaps:.2f}{mark}")
    return chosen


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mt-rows", type=int, default=300, help="rows per mt-errors set (even half)")
    parser.add_argument("--save", help="also write the judged passages to this pickle file")
    parser.add_argument("--no-siblings", action="store_true", help="skip the siblings of `propose` (the slow part)")
    args = parser.parse_args(argv)
    own = ours(propose=not args.no_siblings)
    own_clean = len(read_tsv(SAMPLES / "clean.tsv")) + sum(
        r["kind"] != "calque" for r in read_tsv(SAMPLES / "judge-calibration.tsv")
    )
    mt, totals = mt_errors(0 if args.no_siblings else args.mt_rows)
    if args.save:
        Path(args.save).write_bytes(pickle.dumps({"ours": own, "mt": mt, "totals": totals}))
    table("our calibration sentences", own, "sense", own_clean)
    if mt:
        table(f"mt-errors, even half ({totals['rows']} rows)", mt, "sense", totals["clean"])
    veto = choose_veto()
    print(f"  veto_bits: {veto} (keeps >= {KEEP_FIXES:.0%} of calque fixes, lets <= {LET_SWAPS:.0%} of swaps through)")
    if not args.no_siblings:
        a = table("our calibration sentences", own, "sibling", own_clean)
        b = table(f"mt-errors, even half ({totals['sampled']} rows)", mt, "sibling", totals["sampled_clean"])
        chosen = choose_siblings(a, b, totals["sampled_clean"])
        print(
            f"  sibling_bits: {chosen if chosen is not None else 'none reaches the target'} (pooled precision >= "
            f"{SIBLING_PRECISION}, at most {MAX_CLEAN_PER_100} flag per 100 clean mt-errors sentences)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
