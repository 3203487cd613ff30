"""Evaluate the grammar family: precision and recall of flagged errors, beside harper-py and proselint.

    python evaluation/eval_grammar.py [--limit N] [--tools copydesk,copydesk+spelling,harper,proselint]

Data (each part is skipped with a clear line when absent):
  * samples/grammar/labelled.tsv: our own labelled sentences (exact rule, span and first suggestion);
  * JFLEG dev (../shared/eval/jfleg): learner sentences. Sentence level: a sentence is erroneous when no reference
    equals it; token level: a flag is right when it touches a token that some reference edits (m2 file);
  * WMT-MQM TED zh-en: expert-marked spans. Segments with a Fluency/Grammar or Fluency/Spelling span, and clean
    segments (every rater: No-error); a flag is right when it overlaps a marked grammar/spelling span;
  * DEMETR: MT output with one controlled error each (pert_check true) for the grammar and spelling perturbations;
    a flag on the perturbed sentence is right when it touches the changed words; any flag on the unperturbed
    machine translation is a false alarm.
Every system sees exactly the same texts. "copydesk" is the grammar family alone; "copydesk+spelling" adds the
spelling family (another engineer's), which is what a user gets for these two categories.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.config import Config  # noqa: E402
from checks.document import Document  # noqa: E402
from evaluation.common import eval_dir  # noqa: E402

EVAL = eval_dir()
SAMPLES = ROOT / "samples" / "grammar" / "labelled.tsv"
DEMETR_TYPES = {
    "minor_id1_repeat2": "grammar",
    "minor_id2_repeat4": "grammar",
    "minor_id16_function_word": "grammar",
    "minor_id14_word_swap": "grammar",
    "minor_id13_pos_shift": "grammar",
    "minor_id26_misspelled": "spelling",
    "minor_id27_char_removed": "spelling",
}
MQM_CATEGORIES = ("Fluency/Grammar", "Fluency/Spelling")
csv.field_size_limit(10_000_000)

Span = tuple[int, int]


# ---- systems: each maps a text to a list of (start, end) code-point spans -------------------------------------


def copydesk_system(families: list[str]):
    from checks.pipeline import check_document

    config = Config()

    def run(text: str) -> list[Span]:
        report = check_document(Document(text), config, family_names=families)
        return [(f.start, f.end) for f in report.issues]

    return run


def harper_system():
    import harper

    linter = harper.Linter()

    def run(text: str) -> list[Span]:
        return [(lint.span.start, lint.span.end) for lint in linter.lint(text)]

    return run


def proselint_system():
    from proselint.checks import __register__
    from proselint.registry import CheckRegistry
    from proselint.tools import LintFile

    CheckRegistry().register_many(__register__)

    def run(text: str) -> list[Span]:
        return [tuple(r.check_result.span) for r in LintFile("<eval>", text).lint()]

    return run


SYSTEMS = {
    "copydesk": lambda: copydesk_system(["grammar"]),
    "copydesk+spelling": lambda: copydesk_system(["grammar", "spelling"]),
    "harper": harper_system,
    "proselint": proselint_system,
}


# ---- scoring ---------------------------------------------------------------------------------------------------


@dataclass
class Item:
    text: str
    gold: list[Span] = field(default_factory=list)  # error spans; empty for a clean text
    erroneous: bool = False
    group: str = ""


@dataclass
class Score:
    flags: int = 0
    right_flags: int = 0
    items_with_error: int = 0
    detected: int = 0  # erroneous items with a flag touching a gold span
    clean_items: int = 0
    clean_flagged: int = 0
    words: int = 0
    seconds: float = 0.0

    def line(self, name: str) -> str:
        precision = self.right_flags / self.flags if self.flags else float("nan")  # printed as "nan%": no flags
        recall = self.detected / self.items_with_error if self.items_with_error else float("nan")
        false_alarm = self.clean_flagged / self.clean_items if self.clean_items else float("nan")
        speed = self.seconds / self.words * 1000 * 1000 if self.words else float("nan")
        return (
            f"  {name:<18} flags {self.flags:>5}  precision {_pct(precision)}  recall {_pct(recall)}  "
            f"clean flagged {_pct(false_alarm)}  {speed:7.1f} ms/1000 words (one sentence per call)"
        )


def _pct(value: float) -> str:
    return "     -" if value != value else f"{value:6.1%}"  # NaN: nothing to divide by (no flags, no items)


def _touches(span: Span, gold: Span) -> bool:
    (a, b), (c, d) = span, gold
    if c == d:  # an insertion point: a flag ending or starting there touches it
        return a <= c <= b
    return a < d and c < b


def score(items: list[Item], run, words_of) -> Score:
    result = Score()
    for item in items:
        started = time.perf_counter()
        spans = run(item.text)
        result.seconds += time.perf_counter() - started
        result.words += words_of(item.text)
        result.flags += len(spans)
        result.right_flags += sum(any(_touches(s, g) for g in item.gold) for s in spans)
        if item.erroneous:
            result.items_with_error += 1
            if item.gold:
                result.detected += any(_touches(s, g) for s in spans for g in item.gold)
            else:
                result.detected += bool(spans)
        else:
            result.clean_items += 1
            result.clean_flagged += bool(spans)
    return result


# ---- data sets -------------------------------------------------------------------------------------------------


def _token_spans(text: str) -> list[Span]:
    return [m.span() for m in re.finditer(r"\S+", text)]


def jfleg_items(limit: int) -> list[Item]:
    base = EVAL / "jfleg"
    sources = (base / "dev" / "dev.src").read_text("utf-8").splitlines()
    refs = [(base / "dev" / f"dev.ref{i}").read_text("utf-8").splitlines() for i in range(4)]
    edits = _m2_edits(base / "m2" / "dev.ref.m2")
    items = []
    for i, source in enumerate(sources[: limit or None]):
        norm = " ".join(source.split())
        erroneous = all(" ".join(r[i].split()) != norm for r in refs)
        text, tokens = detokenize(source.split())
        gold = []
        for start, end in edits.get(i, ()):
            if start == end:  # inserted before token `start`: the words on either side are the place
                lo, hi = max(start - 1, 0), min(start, len(tokens) - 1)
            else:
                lo, hi = start, min(end, len(tokens)) - 1
            if tokens and lo <= hi:
                gold.append((tokens[lo][0], tokens[hi][1]))
        items.append(Item(text, gold if erroneous else [], erroneous, "jfleg"))
    return items


_NO_SPACE_BEFORE = {",", ".", "!", "?", ";", ":", "%", ")", "]", "n't", "'s", "'re", "'ve", "'ll", "'d", "'m", "'"}
_NO_SPACE_AFTER = {"(", "[", "$"}


def detokenize(tokens: list[str]) -> tuple[str, list[Span]]:
    """JFLEG is tokenised ("do n't", "time ."); join it back as a writer would, keeping each token's span, so no
    system is judged on spacing that only the corpus's tokeniser introduced."""
    pieces, spans, length = [], [], 0
    for k, token in enumerate(tokens):
        if k and token not in _NO_SPACE_BEFORE and tokens[k - 1] not in _NO_SPACE_AFTER:
            pieces.append(" ")
            length += 1
        spans.append((length, length + len(token)))
        pieces.append(token)
        length += len(token)
    return "".join(pieces), spans


def _m2_edits(path: Path) -> dict[int, set[tuple[int, int]]]:
    edits: dict[int, set[tuple[int, int]]] = {}
    index = -1
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("S "):
            index += 1
        elif line.startswith("A "):
            start, end = map(int, line[2:].split("|||")[0].split())
            if line.split("|||")[1] != "noop" and start >= 0:
                edits.setdefault(index, set()).add((start, end))
    return edits


def mqm_items(limit: int) -> list[Item]:
    path = EVAL / "wmt-mqm" / "ted" / "zhen" / "mqm_ted_zhen.tsv"
    segments: dict[tuple, dict] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            key = (row["system"], row["doc"], row["seg_id"])
            marked = row["target"] or ""
            text = marked.replace("<v>", "").replace("</v>", "")
            seg = segments.setdefault(key, {"text": text, "gold": [], "other": False, "clean_votes": 0})
            if row["category"] == "No-error":
                seg["clean_votes"] += 1
            elif row["category"] in MQM_CATEGORIES and "<v>" in marked:
                start = marked.index("<v>")
                end = marked.index("</v>") - len("<v>") if "</v>" in marked else len(text)
                seg["gold"].append((start, max(start, end)))
            else:
                seg["other"] = True
    items = []
    for seg in segments.values():
        if seg["gold"]:
            items.append(Item(seg["text"], seg["gold"], True, "mqm"))
        elif not seg["other"] and seg["clean_votes"]:
            items.append(Item(seg["text"], [], False, "mqm"))
    return items[: limit or None]


def demetr_items(limit: int) -> dict[str, list[Item]]:
    base = EVAL / "demetr" / "dataset"
    by_type: dict[str, list[Item]] = {}
    clean: dict[int, str] = {}
    for name in DEMETR_TYPES:
        entries = [e for e in json.loads((base / f"{name}.json").read_text("utf-8")) if e.get("pert_check")]
        items = []
        for entry in entries[: limit or None]:
            clean.setdefault(entry["id"], entry["mt_sent"])
            change = _changed_span(entry["mt_sent"], entry["pert_sent"])
            if change is not None:
                items.append(Item(entry["pert_sent"], [change], True, name))
        by_type[name] = items
    by_type["unperturbed MT"] = [Item(text, [], False, "mt") for text in clean.values()]
    return by_type


def _changed_span(before: str, after: str) -> Span | None:
    """The code-point span of `after` covering the words that differ from `before`."""
    old, new = before.split(), after.split()
    tokens = _token_spans(after)
    lo, hi = None, None
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        a, b = (j1, j2 - 1) if j2 > j1 else (max(j1 - 1, 0), min(j1, len(tokens) - 1))
        lo = a if lo is None else min(lo, a)
        hi = b if hi is None else max(hi, b)
    if lo is None or hi is None or not tokens:
        return None
    return tokens[lo][0], tokens[hi][1]


def labelled_items() -> list[tuple[str, ...]]:
    rows = []
    for line in SAMPLES.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(tuple(line.split("\t")))
    return rows


# ---- report ----------------------------------------------------------------------------------------------------


def evaluate_labelled() -> None:
    from checks import grammar

    rows = labelled_items()
    flags = right = expected = found = fixes = fixable = 0
    for rule, flagged, fix, sentence in rows:
        got = grammar.check(Document(sentence), Config()).flags
        flags += len(got)
        if rule == "-":
            continue
        expected += 1
        hit = [f for f in got if f.rule == rule and f.text == flagged]
        right += len(hit)
        found += bool(hit)
        if fix != "-":
            fixable += 1
            fixes += bool(hit and hit[0].suggestions and hit[0].suggestions[0] == fix)
    print(f"Our labelled sentences ({SAMPLES.relative_to(ROOT)}, {len(rows)} rows, {expected} with a slip):")
    print(
        f"  copydesk           precision {right / flags if flags else float('nan'):6.1%}  "
        f"recall {found / expected:6.1%}  first suggestion right {fixes / fixable:6.1%}"
    )


def measure_speed() -> None:
    """The grammar family's own cost on long clean articles (OneStopEnglish, advanced), once loaded."""
    from checks import grammar

    paths = sorted((EVAL / "onestopenglish" / "texts" / "adv").glob("*.txt"))
    if not paths:
        print("Speed: skipped (OneStopEnglish texts not found)")
        return
    texts = []
    for path in paths:
        raw = path.read_bytes()
        try:
            texts.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append(raw.decode("cp1252"))
    docs = [Document(t) for t in texts]
    grammar.check(Document("It has went in the middle a row, aimed at pressure them."), Config())  # load once
    started, cpu_started = time.perf_counter(), time.process_time()
    flags = sum(len(grammar.check(d, Config()).flags) for d in docs)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    words = sum(len(d.words) for d in docs)
    sentences = sum(len(d.sentences) for d in docs)
    tagged = sum(d.tagged_sentence_count for d in docs)
    print(
        f"Speed on {len(docs)} clean articles ({words} words): grammar family {cpu / words * 1e6:.1f} ms CPU "
        f"({elapsed / words * 1e6:.1f} ms wall) per 1,000 words (budget 8), {tagged} of {sentences} sentences tagged, "
        f"{flags} flags (all false alarms)"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="at most N items per data set (0: all)")
    parser.add_argument("--tools", default=",".join(SYSTEMS), help="comma-separated: " + ", ".join(SYSTEMS))
    args = parser.parse_args(argv)
    evaluate_labelled()
    if not EVAL.is_dir():
        print(f"Evaluation data not found at {EVAL} (set COPYDESK_EVAL_DIR); skipping the public sets.")
        return 0
    measure_speed()
    names = [n.strip() for n in args.tools.split(",") if n.strip()]
    systems = {}
    for name in names:
        try:
            systems[name] = SYSTEMS[name]()
        except Exception as exc:  # a comparison tool that is not installed is reported, not fatal
            print(f"  ({name} unavailable: {type(exc).__name__}: {exc})")

    def words_of(text: str) -> int:
        return len(re.findall(r"[^\W\d_]+", text))

    sets: list[tuple[str, list[Item]]] = []
    for title, loader in (
        ("JFLEG dev, detokenised (recall: a flag on an edited token; precision: flags on edited tokens)", jfleg_items),
        ("WMT-MQM TED zh-en, Fluency/Grammar + Fluency/Spelling spans vs clean segments", mqm_items),
    ):
        try:
            sets.append((title, loader(args.limit)))
        except FileNotFoundError as exc:
            print(f"{title}: skipped ({exc.filename} not found)")
    try:
        demetr = demetr_items(args.limit)
        for name, items in demetr.items():
            kind = DEMETR_TYPES.get(name, "clean")
            sets.append((f"DEMETR {name} ({kind})", items))
        sets.append(
            (
                "DEMETR all grammar+spelling perturbations + unperturbed MT",
                [i for items in demetr.values() for i in items],
            )
        )
    except FileNotFoundError as exc:
        print(f"DEMETR: skipped ({exc.filename} not found)")
    for title, items in sets:
        erroneous = sum(i.erroneous for i in items)
        print(f"\n{title}: {len(items)} texts, {erroneous} with an error, {len(items) - erroneous} clean")
        for name, run in systems.items():
            print(score(items, run, words_of).line(name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
