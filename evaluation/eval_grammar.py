"""Evaluate the grammar family: precision and recall of flagged errors, beside harper-py and proselint.

    python evaluation/eval_grammar.py [--limit N] [--tools copydesk,copydesk+judge,copydesk+spelling,harper,proselint]
    python evaluation/eval_grammar.py --tools copydesk,copydesk+judge --skip-mqm --report-half-only [--sets demetr]
    python evaluation/eval_grammar.py --calibrate      # the model-judged layer's thresholds, on the tune halves

Data (each part is skipped with a clear line when absent):
  * samples/grammar/labelled.tsv: our own labelled sentences (exact rule, span and first suggestion);
  * JFLEG dev (../shared/eval/jfleg): learner sentences. Sentence level: a sentence is erroneous when no reference
    equals it; token level: a flag is right when it touches a token that some reference edits (m2 file);
  * WMT-MQM TED zh-en: expert-marked spans. Segments with a Fluency/Grammar or Fluency/Spelling span, and clean
    segments (every rater: No-error); a flag is right when it overlaps a marked grammar/spelling span;
  * DEMETR: MT output with one controlled error each (pert_check true) for the grammar and spelling perturbations;
    a flag on the perturbed sentence is right when it touches the changed words; any flag on the unperturbed
    machine translation is a false alarm.
Every system sees exactly the same texts, one sentence per document. "copydesk" is the grammar family alone without
the model judge (`--fast`); "copydesk+judge" adds its model-judged layer (checks/grammar/judged.py);
"copydesk+spelling" adds the spelling family (another engineer's), which is what a user gets for these two categories.

JFLEG and DEMETR are split in two halves by a stable hash of the sentence (DEMETR: of the machine translation, so that
every variant of one sentence falls in the same half). The model-judged layer's thresholds were tuned on the "tune"
halves (`--calibrate`); each set is reported whole (comparable with earlier figures, but half of it is tuning data)
and on its "report" half alone, the honest figure. OneStopEnglish (clean news, all three levels with the model-judged
layer) is never tuned on: every flag on it is listed.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import hashlib
import json
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.config import Config  # noqa: E402
from checks.document import Document  # noqa: E402
from evaluation.common import eval_dir  # noqa: E402

EVAL = eval_dir()
SAMPLES = ROOT / "samples" / "grammar" / "labelled.tsv"
CALIBRATION_CACHE = ROOT / ".copydesk-cache" / "grammar-judge-tune.json"
TUNE, REPORT = "tune", "report"
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


def copydesk_system(families: list[str], config: Config):
    from checks.pipeline import check_document

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


WITHOUT_JUDGE = Config().with_fast(True)
WITH_JUDGE = Config({"grammar": {"judge": True}})  # the layer on, whatever its default
SYSTEMS = {
    "copydesk": lambda: copydesk_system(["grammar"], WITHOUT_JUDGE),
    "copydesk+judge": lambda: copydesk_system(["grammar"], WITH_JUDGE),
    "copydesk+spelling": lambda: copydesk_system(["grammar", "spelling"], WITHOUT_JUDGE),
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
    key: str = ""  # what the half is decided by (default: the text)

    @property
    def half(self) -> str:
        return half_of(self.key or self.text)


def half_of(key: str) -> str:
    """The half of a public set an item belongs to, by a stable hash of its sentence: TUNE or REPORT."""
    return TUNE if hashlib.sha256(key.encode("utf-8")).digest()[0] % 2 == 0 else REPORT


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


Output = tuple[list[Span], float]  # a system's spans on one text, and the seconds it took


def run_system(items: list[Item], run, memo: dict[int, Output]) -> list[Output]:
    """The system's spans on each item; `memo` (by item identity) keeps them for the other views of the same items."""
    found = []
    for item in items:
        if id(item) not in memo:
            started = time.perf_counter()
            spans = run(item.text)
            memo[id(item)] = (spans, time.perf_counter() - started)
        found.append(memo[id(item)])
    return found


def score(items: list[Item], outputs: list[Output], words_of) -> Score:
    result = Score()
    for item, (spans, seconds) in zip(items, outputs, strict=True):
        result.seconds += seconds
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


def mt_news_items(limit: int) -> list[Item]:
    """WMT 2021 news (zh-en) machine translation with MQM ratings (../shared/eval/mt-errors): sentences with a
    Fluency/Grammar or Fluency/Spelling span (the gold: those spans), and clean sentences (every rating: no error);
    sentences with only other errors are left out, as for TED."""
    items = []
    path = EVAL / "mt-errors" / "mqm_newstest2021_zhen.jsonl"
    for line in path.read_text("utf-8").splitlines():
        row = json.loads(line)
        gold = [(a, b) for a, b, label in row["spans"] if label.split("|")[0] in MQM_CATEGORIES]
        if gold:
            items.append(Item(row["text"], gold, True, "mqm-news"))
        elif row["clean"]:
            items.append(Item(row["text"], [], False, "mqm-news"))
    return items[: limit or None]


def demetr_references(limit: int) -> list[Item]:
    """DEMETR's human reference translations (eng_sent): clean English news sentences, split by their machine
    translation as the rest of DEMETR."""
    base = EVAL / "demetr" / "dataset"
    found: dict[int, Item] = {}
    for name in DEMETR_TYPES:
        for entry in json.loads((base / f"{name}.json").read_text("utf-8")):
            if entry.get("pert_check") and entry["id"] not in found:
                found[entry["id"]] = Item(entry["eng_sent"], [], False, "reference", entry["mt_sent"])
    return list(found.values())[: limit or None]


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
                items.append(Item(entry["pert_sent"], [change], True, name, entry["mt_sent"]))
        by_type[name] = items
    by_type["unperturbed MT"] = [Item(text, [], False, "mt", text) for text in clean.values()]
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
        got = grammar.check(Document(sentence), WITHOUT_JUDGE).flags
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


LEVELS = ("adv", "int", "ele")  # OneStopEnglish's advanced, intermediate and elementary versions of each article


def clean_news(levels: tuple[str, ...] = LEVELS[:1]) -> list[Document]:
    """OneStopEnglish's articles at these levels (the advanced ones by default): long clean news (never tuned on);
    each document's source is "level/file"."""
    docs = []
    for level in levels:
        for path in sorted((EVAL / "onestopenglish" / "texts" / level).glob("*.txt")):
            raw = path.read_bytes()
            try:
                docs.append(Document(raw.decode("utf-8"), f"{level}/{path.name}"))
            except UnicodeDecodeError:
                docs.append(Document(raw.decode("cp1252"), f"{level}/{path.name}"))
    return docs


def measure_speed() -> None:
    """The grammar family's own cost on long clean articles (OneStopEnglish, advanced), once loaded."""
    from checks import grammar

    docs = clean_news()
    if not docs:
        print("Speed: skipped (OneStopEnglish texts not found)")
        return
    grammar.check(Document("It has went in the middle a row, aimed at pressure them."), WITHOUT_JUDGE)  # load once
    started, cpu_started = time.perf_counter(), time.process_time()
    flags = sum(len(grammar.check(d, WITHOUT_JUDGE).flags) for d in docs)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    words = sum(len(d.words) for d in docs)
    sentences = sum(len(d.sentences) for d in docs)
    tagged = sum(d.tagged_sentence_count for d in docs)
    print(
        f"Speed on {len(docs)} clean articles ({words} words): grammar family {cpu / words * 1e6:.1f} ms CPU "
        f"({elapsed / words * 1e6:.1f} ms wall) per 1,000 words (budget 8), {tagged} of {sentences} sentences tagged, "
        f"{flags} flags (all false alarms)"
    )


def clean_news_with_judge() -> None:
    """The model-judged layer on every level of the clean articles, with its default budget: every flag listed (each
    is a false alarm unless the source has a slip), and its cost on top of the rules."""
    from checks import grammar

    docs = clean_news(LEVELS)
    if not docs:
        return
    grammar.check(Document("She is interested on politics and wants to studied law."), WITH_JUDGE)  # load the model
    started, cpu_started = time.perf_counter(), time.process_time()
    results = [grammar.check(d, WITH_JUDGE) for d in docs]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    words = sum(len(d.words) for d in docs)
    judged = sum(int(m.group(1)) for r in results for m in [re.search(r"(\d+) passages judged", r.status)] if m)
    left = sum(int(m.group(1)) for r in results for m in [re.search(r"(\d+) more left", r.status)] if m)
    flags = [(d, f) for d, r in zip(docs, results, strict=True) for f in r.flags if f.rule.startswith(MODEL_RULES)]
    print(
        f"Model-judged layer on all {len(docs)} clean articles ({', '.join(LEVELS)}; {words} words): {len(flags)} "
        f"flags, {judged} passages judged "
        f"({judged / words * 1000:.1f} per 1,000 words), {left} left unjudged by the budget; the grammar family with "
        f"it costs {elapsed / words * 1e6:.0f} ms wall ({cpu / words * 1e6:.0f} ms CPU) per 1,000 words "
        f"(COPYDESK_JUDGE_THREADS={os.environ.get('COPYDESK_JUDGE_THREADS', 'unset')})"
    )
    for doc, flag in flags:
        sentence = doc.sentence_at(flag.start)
        context = " ".join((sentence.text if sentence else flag.text).split())
        print(f"  {doc.source}: {flag.rule} {flag.text!r} -> {flag.suggestions[:1]}: {context}")


# ---- calibration of the model-judged layer ---------------------------------------------------------------------

MODEL_RULES = "grammar.model-judged-"
BUDGET_PER_SENTENCE = 1  # checks.grammar.judged.MIN_PASSAGES: each calibration sentence is a document
PREFILTERS = (0.5, 1.0, 1.5, 2.0, 3.0)
CONTEXTS = (0.0, 2.0, 4.0, 6.0, 8.0)  # the context test's bits tried (judged.gains_without_context)
BITS = tuple(range(0, 31))
TARGET = 0.9
MAX_CLEAN_PER_1000 = 0.05  # false alarms per 1,000 words of clean text: the rules give none on clean news


def calibration_items() -> list[Item]:
    """The tune halves of JFLEG dev, DEMETR (every perturbation type, the unperturbed MT and the human references)
    and WMT 2021 news MQM."""
    items = [i for i in jfleg_items(0) if i.half == TUNE]
    items += [i for group in demetr_items(0).values() for i in group if i.half == TUNE]
    items += [i for i in demetr_references(0) if i.half == TUNE]
    items += [i for i in mt_news_items(0) if i.half == TUNE]
    return items


def collect_readings(items: list[Item]) -> list[dict]:
    """For each item: the rules' flags and every passage the layer would send to the model at the lowest prefilter,
    with no budget, with the model's gain for each rewrite. Cached per text in CALIBRATION_CACHE, for as long as the
    proposals' code and data are unchanged."""
    from checks import grammar
    from checks.grammar import judged

    version = _proposals_version()
    cache: dict[str, dict] = {}
    if CALIBRATION_CACHE.is_file():
        stored = json.loads(CALIBRATION_CACHE.read_text("utf-8"))
        cache = stored["texts"] if stored.get("version") == version else {}
    config = Config({"grammar": {"judge": True, "judge_prefilter": PREFILTERS[0]}})
    chosen = judged.settings(config)
    started, fresh = time.perf_counter(), 0
    for item in items:
        if item.text in cache:
            continue
        doc = Document(item.text)
        rule_flags = grammar.check(doc, WITHOUT_JUDGE).flags
        found = judged.judged(doc, config, chosen, rule_flags, limit=10**6)
        readings = []
        for proposal, verdict in found.readings:
            passage = proposal.passage
            gains = dict(verdict.gains)
            readings.append(
                {
                    "kind": proposal.kind,
                    "span": (passage.start, passage.end),
                    "rewrites": [(r, g, gains.get(r)) for r, g in zip(passage.rewrites, proposal.ngram, strict=True)],
                }
            )
        cache[item.text] = {"rules": [(f.start, f.end) for f in rule_flags], "readings": readings}
        fresh += 1
        if fresh % 200 == 0:
            print(f"  ... {fresh} texts judged, {time.perf_counter() - started:.0f} s", file=sys.stderr)
            _save_cache(version, cache)
    _save_cache(version, cache)
    add_readings_without_context(items, cache)
    _save_cache(version, cache)
    return [{**cache[i.text], "group": i.group, "gold": i.gold, "erroneous": i.erroneous} for i in items]


CONTRAST_FROM = 6  # bits: rewrites gaining less are below every threshold tried, so their contrast is never needed


def add_readings_without_context(items: list[Item], cache: dict[str, dict]) -> None:
    """For every rewrite the model gave at least CONTRAST_FROM bits: its gain without the words before the passage
    (judged.gains_without_context), stored beside the reading as "alone" (None where not needed)."""
    from checks.grammar import judged

    for item in items:
        row = cache[item.text]
        missing = [r for r in row["readings"] if "alone" not in r]
        if not missing:
            continue
        doc = Document(item.text)
        for reading in missing:
            wanted = [r for r, _, b in reading["rewrites"] if b is not None and b >= CONTRAST_FROM]
            alone = dict(zip(wanted, judged.gains_without_context(doc, _passage(doc, reading), wanted), strict=True))
            reading["alone"] = [alone.get(r) for r, _, _ in reading["rewrites"]]


def _passage(doc: Document, reading: dict):
    """The judge.Passage of a stored reading (its rewrites as stored), found again by its span."""
    from checks import judge

    start, end = reading["span"]
    sentence = doc.sentence_at(start)
    assert sentence is not None
    first = next(i for i, t in enumerate(sentence.tokens) if t.start == start)
    last = next(i for i, t in enumerate(sentence.tokens) if t.end == end)
    return judge.Passage(sentence, first, last, tuple(r for r, _, _ in reading["rewrites"]))


def _save_cache(version: str, cache: dict[str, dict]) -> None:
    CALIBRATION_CACHE.parent.mkdir(exist_ok=True)
    CALIBRATION_CACHE.write_text(json.dumps({"version": version, "texts": cache}), "utf-8")


def _proposals_version() -> str:
    """A fingerprint of the code and data that make the proposals: cached readings are stale when they change."""
    import inspect

    from checks.grammar import confusions, judged

    parts = [inspect.getsource(confusions).encode("utf-8")]
    parts += [inspect.getsource(getattr(judged, name)).encode("utf-8") for name in judged.PROPOSAL_CODE]
    for name in (confusions.CONFUSIONS, confusions.VERB_FORMS):
        parts.append((ROOT / "checks" / "data" / name).read_bytes())
    return hashlib.sha256(b"".join(parts)).hexdigest()[:16]


def _flags_at(
    row: dict, kind: str, prefilter: float, bits: float, budget: int | None, context: float | None = None
) -> list[tuple[int, int]]:
    """The spans the layer flags in one calibration text of one kind at these settings (`budget`: passages judged
    per document, the surest by the reference first, without overlaps; `context`: the least gain owed to the words
    before the passage, None for no such test)."""
    passages = []
    for reading in row["readings"]:
        alone = reading.get("alone") or [None] * len(reading["rewrites"])
        kept = [
            (r, g, _owed(b, a, bits, context))
            for (r, g, b), a in zip(reading["rewrites"], alone, strict=True)
            if g >= prefilter and b is not None
        ]
        if kept:
            passages.append((max(g for _, g, _ in kept), tuple(reading["span"]), reading["kind"], kept))
    passages.sort(key=lambda p: (-p[0], p[1]))
    chosen: list = []
    for passage in passages:
        if not any(passage[1][0] < other[1][1] and other[1][0] < passage[1][1] for other in chosen):
            chosen.append(passage)
    if budget is not None:
        chosen = chosen[:budget]
    return [span for _, span, k, kept in chosen if k == kind and max(b for _, _, b in kept) >= bits]


def _owed(gain: float, alone: float | None, bits: float, context: float | None) -> float:
    """The model's gain as the layer counts it: -inf when it clears `bits` but not the context test."""
    if context is None or gain < bits:
        return gain
    if alone is None:  # below CONTRAST_FROM: only asked of a threshold under it
        raise ValueError(f"no reading without context for a gain of {gain} bits")
    return gain if gain - alone >= context else float("-inf")


SOURCES = ("DEMETR perturbed", "JFLEG", "MQM news", "clean")


def _source(row: dict) -> str:
    if not row["erroneous"]:
        return "clean"  # DEMETR's unperturbed MT and human references, MQM news rated error-free, clean JFLEG
    return {"jfleg": "JFLEG", "mqm-news": "MQM news"}.get(row["group"], "DEMETR perturbed")


@dataclass
class Tally:
    flags: Counter = field(default_factory=Counter)  # source -> flags
    right: Counter = field(default_factory=Counter)  # source -> flags touching a gold span

    @property
    def precision(self) -> float:
        total = sum(self.flags.values())
        return sum(self.right.values()) / total if total else float("nan")


def tally(
    rows: list[dict], kind: str, prefilter: float, bits: float, budget: int, context: float | None = None
) -> Tally:
    found = Tally()
    for row in rows:
        for span in _flags_at(row, kind, prefilter, bits, budget, context):
            found.flags[_source(row)] += 1
            found.right[_source(row)] += any(_touches(span, g) for g in row["gold"])
    return found


def lowest_safe(
    rows: list[dict], kind: str, prefilter: float, budget: int, clean_words: int, context: float | None = None
) -> float | None:
    """The lowest threshold from which, at it and at every higher one, the flags reach TARGET precision and the
    clean texts get at most MAX_CLEAN_PER_1000 false alarms per 1,000 words (with the context test: from
    CONTRAST_FROM bits up)."""
    safe = None
    for bits in reversed([b for b in BITS if context is None or b >= CONTRAST_FROM]):
        found = tally(rows, kind, prefilter, bits, budget, context)
        if found.flags["clean"] > MAX_CLEAN_PER_1000 * clean_words / 1000 or found.precision < TARGET:
            break
        safe = bits
    return safe


def calibrate() -> None:
    """The model-judged layer's thresholds, from its readings on the tune halves: for each kind and prefilter, the
    lowest bits at which precision stays at TARGET or above and clean text is flagged at most MAX_CLEAN_PER_1000
    times per 1,000 words."""
    from checks.grammar import judged

    items = calibration_items()
    words = sum(len(re.findall(r"[^\W\d_]+", i.text)) for i in items if not i.erroneous)
    print(
        f"Calibration on the {TUNE} halves of JFLEG dev, DEMETR (perturbations, unperturbed MT, human references) "
        f"and WMT 2021 news MQM: {len(items)} texts, {sum(not i.erroneous for i in items)} of them clean "
        f"({words} words); one sentence per document, so the budget is its minimum ({BUDGET_PER_SENTENCE})"
    )
    rows = collect_readings(items)
    chosen = judged.settings(Config())
    for kind in judged.KINDS:
        tested = kind in judged.CONTEXT_TESTED
        for context in (None, chosen.context_bits) if tested else (None,):
            test = "no context test" if context is None else f"context test {context} bits"
            print(f"\n{kind} at prefilter {chosen.prefilter}, {test}: right / flags per source, pooled precision")
            for bits in BITS[6:25:2]:
                found = tally(rows, kind, chosen.prefilter, bits, BUDGET_PER_SENTENCE, context)
                cells = "  ".join(f"{src} {found.right[src]:>3}/{found.flags[src]:<3}" for src in SOURCES)
                print(f"  {bits:>2} bits: {cells}  precision {_pct(found.precision)}")
        for context in (None, *CONTEXTS) if tested else (None,):
            for prefilter in PREFILTERS:
                safe = lowest_safe(rows, kind, prefilter, BUDGET_PER_SENTENCE, words, context)
                found = Tally() if safe is None else tally(rows, kind, prefilter, safe, BUDGET_PER_SENTENCE, context)
                print(
                    f"  context test {context}, prefilter {prefilter}: lowest safe threshold {safe} bits "
                    f"({sum(found.right.values())} right of {sum(found.flags.values())} flags, "
                    f"{found.flags['clean']} on clean text)"
                )
    print(
        f"\nHouse-style defaults now: prefilter {chosen.prefilter}, context test {chosen.context_bits}, "
        f"bits {chosen.bits}"
    )


def public_sets(limit: int, skip_mqm: bool, only: set[str] | None = None) -> list[tuple[str, list[Item], bool]]:
    """(title, items, whether it is split into halves) for each public set found (`only`: these names, if given)."""
    sets: list[tuple[str, list[Item], bool]] = []
    loaders = [
        (
            "jfleg",
            "JFLEG dev, detokenised (recall: a flag on an edited token; precision: flags on edited tokens)",
            jfleg_items,
        ),
        (
            "news",
            "WMT 2021 news zh-en MQM (mt-errors), Fluency/Grammar + Fluency/Spelling vs clean sentences",
            mt_news_items,
        ),
    ]
    if not skip_mqm:
        loaders.append(
            ("ted", "WMT-MQM TED zh-en, Fluency/Grammar + Fluency/Spelling spans vs clean segments", mqm_items)
        )
    for name, title, loader in loaders:
        if only and name not in only:
            continue
        try:
            sets.append((title, loader(limit), loader is not mqm_items))
        except FileNotFoundError as exc:
            print(f"{title}: skipped ({exc.filename} not found)")
    if only and "demetr" not in only:
        return sets
    try:
        demetr = demetr_items(limit)
    except FileNotFoundError as exc:
        print(f"DEMETR: skipped ({exc.filename} not found)")
        return sets
    for name, items in demetr.items():
        sets.append((f"DEMETR {name} ({DEMETR_TYPES.get(name, 'clean')})", items, True))
    everything = [i for items in demetr.values() for i in items]
    sets.append(("DEMETR all grammar+spelling perturbations + unperturbed MT", everything, True))
    return sets


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="at most N items per data set (0: all)")
    parser.add_argument("--tools", default=",".join(SYSTEMS), help="comma-separated: " + ", ".join(SYSTEMS))
    parser.add_argument("--skip-mqm", action="store_true", help="leave out WMT-MQM TED (2,294 segments)")
    parser.add_argument("--calibrate", action="store_true", help="tune the model-judged layer on the tune halves")
    parser.add_argument(
        "--report-half-only",
        action="store_true",
        help="show the split sets on their report halves only (about half the model's work with copydesk+judge)",
    )
    parser.add_argument("--no-clean-news", action="store_true", help="skip OneStopEnglish (speed and judged flags)")
    parser.add_argument("--sets", default="", help="comma-separated: only these public sets (jfleg, news, ted, demetr)")
    args = parser.parse_args(argv)
    if args.calibrate:
        calibrate()
        return 0
    evaluate_labelled()
    if not EVAL.is_dir():
        print(f"Evaluation data not found at {EVAL} (set COPYDESK_EVAL_DIR); skipping the public sets.")
        return 0
    names = [n.strip() for n in args.tools.split(",") if n.strip()]
    if not args.no_clean_news:
        measure_speed()
        if "copydesk+judge" in names:
            clean_news_with_judge()
    systems = {}
    for name in names:
        try:
            systems[name] = SYSTEMS[name]()
        except Exception as exc:  # a comparison tool that is not installed is reported, not fatal
            print(f"  ({name} unavailable: {type(exc).__name__}: {exc})")

    def words_of(text: str) -> int:
        return len(re.findall(r"[^\W\d_]+", text))

    sets = public_sets(args.limit, args.skip_mqm, {n.strip() for n in args.sets.split(",") if n.strip()})
    memos: dict[str, dict[int, Output]] = {name: {} for name in systems}
    for title, items, split in sets:
        views = [] if split and args.report_half_only else [("", items)]
        if split:
            views.append((f"  {REPORT} half, never tuned on: ", [i for i in items if i.half == REPORT]))
        for prefix, chosen in views:
            erroneous = sum(i.erroneous for i in chosen)
            heading = f"{prefix}{len(chosen)} texts, {erroneous} with an error, {len(chosen) - erroneous} clean"
            print(f"\n{title}: {heading}" if views[0][0] == prefix else heading)
            scores = {name: score(chosen, run_system(chosen, r, memos[name]), words_of) for name, r in systems.items()}
            for name, found in scores.items():
                print(found.line(name))
            if {"copydesk", "copydesk+judge"} <= scores.keys():
                print(layer_line(scores["copydesk"], scores["copydesk+judge"]))
    return 0


def layer_line(rules: Score, judged: Score) -> str:
    """What the model-judged layer adds to the rules (it never removes one of their flags): its own flags, how many
    are right, the recall it adds and the texts it flags that are clean."""
    added = judged.flags - rules.flags
    right = judged.right_flags - rules.right_flags
    precision = _pct(right / added if added else float("nan"))
    gained = judged.detected - rules.detected
    recall = _pct(gained / judged.items_with_error if judged.items_with_error else float("nan"))
    return (
        f"    the judged layer's own flags: {added} ({right} right, precision {precision}), recall +{recall.strip()}, "
        f"{judged.clean_flagged - rules.clean_flagged} more clean texts flagged"
    )


if __name__ == "__main__":
    raise SystemExit(main())
