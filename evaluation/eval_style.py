"""Evaluate the style family (page furniture, numbers of 10,000 and more, spacing around punctuation):

    python evaluation/eval_style.py [--show]

The family runs as users get it: `check_document(Document(text), Config(offline=True, fast=True),
family_names=["style"])`, one document per labelled row, MT sentence or OneStopEnglish text, with the off-by-default
rules off. Figures per rule and pooled; each data set is skipped with a clear line when absent.

  * Our labelled sentences (samples/style/labelled.tsv): rows that must fire a given rule and rows that must raise
    no style flag (ellipses, emoticons, "(a) and (b)", "1,500", "Co.,Ltd.", two spaces after a full stop, a table,
    quotations over several paragraphs, URLs). Precision: flags of the rule a row expects / all flags (a flag on a
    must-not-fire row, or of another rule, is wrong). Recall: must-fire rows where their rule fired / must-fire rows.
    Suggestion accuracy: of those found, the rows whose text after the first suggestion of every flag
    (checks.fixes.apply_fixes) equals the row's `fixed` text.
  * WMT 2021 news zh-en MQM (mt-errors/mqm_newstest2021_zhen.jsonl) and WMT-MQM TED zh-en: per rule the flags; how
    many overlap a span the raters marked Fluency/Punctuation (and that share of the flags, a lower bound on
    precision); how many overlap any marked span; how many fall in clean sentences (every rating: no error); recall:
    the Fluency/Punctuation spans a flag overlaps / all of them (low by nature: most are dashes, commas and quotes in
    the wrong place, not spacing); flags per 100 clean sentences.
    Raters mark spacing inconsistently (the same spaced quote, in the same document, is marked in one system's
    sentence and not in another's; the script counts such cases), so the overlap with a marked span is a lower
    bound on precision, and a flag in a "clean" sentence is not necessarily a false alarm.
  * MLQE-PE (ro, et, ru into English; mt-errors/mlqe_pe_*.jsonl): each flag, whether the post-editor changed the text
    there (the flagged characters with the words they touch are not in the post-edit) and whether the suggestion
    agrees with the post-edit (the editor changed it, and the same local text with the suggestion applied is in
    the post-edit); quotes are compared as straight quotes, since post-editors change their shape freely.
  * OneStopEnglish (all 273 texts; edited Guardian news as extracted, with the spaces the extraction left): flags
    per 1,000 words by rule, each checked against the hand verdicts of evaluation/style_ose_verdicts.tsv (accept: a
    real slip in the text as given, which a fluent editor would fix); accepted, rejected and unjudged, precision of
    the judged ones, and every unjudged flag listed (judge it and add it to the file).

`--show` lists every flag of the MQM and MLQE-PE sets with its context.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.config import Config  # noqa: E402
from checks.document import Document  # noqa: E402
from checks.fixes import apply_fixes  # noqa: E402
from checks.flags import Flag, spans_overlap  # noqa: E402
from checks.inputs import decode_document  # noqa: E402
from checks.pipeline import check_document  # noqa: E402
from evaluation.common import eval_dir, read_verdicts  # noqa: E402

EVAL = eval_dir()
SAMPLES = ROOT / "samples" / "style" / "labelled.tsv"
VERDICTS = ROOT / "evaluation" / "style_ose_verdicts.tsv"
AS_USERS_RUN_IT = Config(offline=True, fast=True)
PUNCTUATION = "Fluency/Punctuation"
LINE_BREAK = "\\n"  # how labelled.tsv writes a line break inside a row
POOLED = "pooled"
MLQE_LANGUAGES = ("ro", "et", "ru")
STRAIGHT_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
csv.field_size_limit(10_000_000)

FlagsOf = Callable[[str], list[Flag]]


def style_flags(text: str) -> list[Flag]:
    """The style family's flags on one text, as users get them."""
    return list(check_document(Document(text), AS_USERS_RUN_IT, family_names=["style"]).issues)


def local_text(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of a flag with the words it touches: the run of non-space characters ending at `start` and the one
    starting at `end` (a flag is often only a space and a mark, which says nothing on its own)."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def in_context(text: str, start: int, end: int, width: int = 40) -> str:
    """The flag in up to `width` characters either side, on one line, for printing."""
    left, right = max(0, start - width), min(len(text), end + width)
    return f"{text[left:start]}⟦{text[start:end]}⟧{text[end:right]}".replace("\n", "⏎")


# ---- our labelled sentences ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    text: str
    rule: str  # the rule that must fire; "" for a row that must raise no style flag
    fixed: str  # the text after the first suggestion of every flag ("" for a must-not-fire row)


def labelled_rows(path: Path = SAMPLES) -> list[Row]:
    """The rows of labelled.tsv; a malformed row stops with its line number."""
    rows = []
    numbered = enumerate(path.read_text("utf-8").splitlines(), 1)
    lines = [(n, line) for n, line in numbered if line.strip() and not line.startswith("#")]
    header, body = lines[0], lines[1:]
    if header[1].split("\t") != ["text", "rule", "fixed"]:
        raise ValueError(f"{path}:{header[0]}: the header must be text, rule, fixed")
    for number, line in body:
        cells = line.split("\t")
        if len(cells) != 3 or not cells[0] or bool(cells[1]) != bool(cells[2]):
            raise ValueError(f"{path}:{number}: want text, rule and fixed (rule and fixed both given or both empty)")
        text, rule, fixed = (cell.replace(LINE_BREAK, "\n") for cell in cells)
        rows.append(Row(text, rule, fixed))
    return rows


@dataclass
class Tally:
    """One rule's (or every rule's) figures on the labelled rows."""

    flags: int = 0  # flags raised
    right: int = 0  # of them, flags of the rule their row expects
    rows: int = 0  # rows that must fire the rule
    found: int = 0  # of them, rows where it fired
    fixed: int = 0  # of those, rows whose fixed text is the expected one

    def add(self, other: Tally) -> None:
        for name in ("flags", "right", "rows", "found", "fixed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def line(self, name: str) -> str:
        return (
            f"  {name:<36} flags {self.flags:>3}  precision {_pct(self.right, self.flags)}  "
            f"recall {_pct(self.found, self.rows)} ({self.found}/{self.rows})  "
            f"suggestion accuracy {_pct(self.fixed, self.found)}"
        )


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:6.1%}" if whole else "     -"


@dataclass
class LabelledResult:
    by_rule: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    wrong: list[tuple[Row, Flag]] = field(default_factory=list)  # flags of a rule their row does not expect
    missed: list[Row] = field(default_factory=list)  # must-fire rows where their rule did not fire
    misfixed: list[tuple[Row, str]] = field(default_factory=list)  # found, but the fixed text differs

    def pooled(self) -> Tally:
        total = Tally()
        for tally in self.by_rule.values():
            total.add(tally)
        return total


def score_labelled(rows: Iterable[Row], flags_of: FlagsOf = style_flags) -> LabelledResult:
    result = LabelledResult()
    for row in rows:
        flags = flags_of(row.text)
        for flag in flags:
            result.by_rule[flag.rule].flags += 1
            if flag.rule == row.rule:
                result.by_rule[flag.rule].right += 1
            else:
                result.wrong.append((row, flag))
        if not row.rule:
            continue
        expected = result.by_rule[row.rule]
        expected.rows += 1
        if not any(f.rule == row.rule for f in flags):
            result.missed.append(row)
            continue
        expected.found += 1
        fixed = apply_fixes(row.text, flags)
        if fixed == row.fixed:
            expected.fixed += 1
        else:
            result.misfixed.append((row, fixed))
    return result


def evaluate_labelled() -> None:
    if not SAMPLES.is_file():
        print(f"Our labelled sentences: skipped ({SAMPLES} not found)")
        return
    rows = labelled_rows()
    result = score_labelled(rows)
    must_fire = sum(bool(r.rule) for r in rows)
    print(
        f"Our labelled sentences ({SAMPLES.relative_to(ROOT)}: {len(rows)} rows, {must_fire} must fire, "
        f"{len(rows) - must_fire} must raise no style flag)"
    )
    for rule in sorted(result.by_rule):
        print(result.by_rule[rule].line(rule))
    print(result.pooled().line(POOLED))
    for row, flag in result.wrong:
        expected = f"expected {row.rule}" if row.rule else "must not fire"
        print(f"    wrong flag ({expected}): {flag.rule} {in_context(row.text, flag.start, flag.end)!r}")
    for row in result.missed:
        print(f"    missed {row.rule}: {row.text!r}")
    for row, fixed in result.misfixed:
        print(f"    suggestion gives {fixed!r}, expected {row.fixed!r}")


# ---- MQM: expert-marked spans in Chinese-English machine translation ---------------------------------------------


@dataclass
class Segment:
    text: str
    spans: list[tuple[int, int, str]]  # (start, end, category) of each marked error
    clean: bool  # every rating: no error
    key: str = ""  # the document it belongs to (the same sentence from several systems shares it)


def mqm_news_segments() -> list[Segment]:
    """WMT 2021 news zh-en, one MT sentence per row (../shared/eval/mt-errors)."""
    segments = []
    path = EVAL / "mt-errors" / "mqm_newstest2021_zhen.jsonl"
    for line in path.read_text("utf-8").splitlines():
        row = json.loads(line)
        spans = [(a, b, label.split("|")[0]) for a, b, label in row["spans"]]
        segments.append(Segment(row["text"], spans, row["clean"], f"{row['doc']}/{row['id'].rsplit('/', 1)[1]}"))
    return segments


def mqm_ted_segments() -> list[Segment]:
    """WMT-MQM TED zh-en: one row per rating, the span marked <v>...</v> in the target (read as eval_grammar.py's
    `mqm_items` does); a segment is clean when every rating of it says No-error."""
    path = EVAL / "wmt-mqm" / "ted" / "zhen" / "mqm_ted_zhen.tsv"
    segments: dict[tuple[str, str, str], Segment] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            marked = row["target"] or ""
            text = marked.replace("<v>", "").replace("</v>", "")
            key = (row["system"], row["doc"], row["seg_id"])
            segment = segments.setdefault(key, Segment(text, [], True, f"{row['doc']}/{row['seg_id']}"))
            if row["category"] == "No-error":
                continue
            segment.clean = False
            if "<v>" in marked:
                start = marked.index("<v>")
                end = marked.index("</v>") - len("<v>") if "</v>" in marked else len(text)
                segment.spans.append((start, max(start, end), row["category"]))
    return list(segments.values())


@dataclass
class MqmTally:
    flags: int = 0
    on_punctuation: int = 0  # overlapping a Fluency/Punctuation span
    on_any: int = 0  # overlapping any marked span
    in_clean: int = 0  # in a sentence every rating calls error-free
    punctuation_found: int = 0  # Fluency/Punctuation spans some flag of the rule overlaps


@dataclass
class MqmResult:
    segments: int
    clean: int
    punctuation_spans: int
    by_rule: dict[str, MqmTally]
    flagged: list[tuple[Segment, Flag, bool]]  # each flag and whether it overlaps a Fluency/Punctuation span


def score_mqm(segments: Iterable[Segment], flags_of: FlagsOf = style_flags) -> MqmResult:
    by_rule: dict[str, MqmTally] = defaultdict(MqmTally)
    flagged = []
    count = clean = spans = 0
    for segment in segments:
        count += 1
        clean += segment.clean
        punctuation = [(a, b) for a, b, category in segment.spans if category == PUNCTUATION]
        spans += len(punctuation)
        flags = flags_of(segment.text)
        for flag in flags:
            tally = by_rule[flag.rule]
            on_punctuation = any(spans_overlap(flag.start, flag.end, a, b) for a, b in punctuation)
            tally.flags += 1
            tally.on_punctuation += on_punctuation
            tally.on_any += any(spans_overlap(flag.start, flag.end, a, b) for a, b, _ in segment.spans)
            tally.in_clean += segment.clean
            flagged.append((segment, flag, on_punctuation))
        for rule in {f.rule for f in flags} | ({POOLED} if flags else set()):
            by_rule[rule].punctuation_found += sum(
                any(spans_overlap(f.start, f.end, a, b) for f in flags if rule in (POOLED, f.rule))
                for a, b in punctuation
            )
    pooled = by_rule.pop(POOLED, MqmTally())
    for tally in by_rule.values():
        for name in ("flags", "on_punctuation", "on_any", "in_clean"):
            setattr(pooled, name, getattr(pooled, name) + getattr(tally, name))
    return MqmResult(count, clean, spans, {**dict(sorted(by_rule.items())), POOLED: pooled}, flagged)


def inconsistent_marks(flagged: list[tuple[Segment, Flag, bool]]) -> tuple[int, int]:
    """(same flagged text in the same source sentence from two or more systems, of which marked Fluency/Punctuation
    in one system's sentence and not in another's): how consistently the raters mark spacing."""
    marks: dict[tuple[str, str, str], set[bool]] = defaultdict(set)
    counts: Counter = Counter()
    for segment, flag, on_punctuation in flagged:
        key = (segment.key, flag.rule, segment.text[slice(*local_text(segment.text, flag.start, flag.end))])
        marks[key].add(on_punctuation)
        counts[key] += 1
    repeated = [key for key, n in counts.items() if n > 1]
    return len(repeated), sum(len(marks[key]) == 2 for key in repeated)


def evaluate_mqm(title: str, load: Callable[[], list[Segment]], show: bool) -> None:
    try:
        segments = load()
    except FileNotFoundError as exc:
        print(f"\n{title}: skipped ({exc.filename} not found)")
        return
    result = score_mqm(segments)
    print(
        f"\n{title}: {result.segments} sentences, {result.clean} clean, {result.punctuation_spans} {PUNCTUATION} spans"
    )
    print(
        f"  {'rule':<36} {'flags':>5}  {'on punct.':>9}  {'precision >=':>12}  {'on any span':>11}  "
        f"{'in clean':>8}  {'punct. recall':>13}  {'per 100 clean':>13}"
    )
    for rule, tally in result.by_rule.items():
        recall = _pct(tally.punctuation_found, result.punctuation_spans)
        per_clean = tally.in_clean / result.clean * 100 if result.clean else float("nan")
        print(
            f"  {rule:<36} {tally.flags:>5}  {tally.on_punctuation:>9}  {_pct(tally.on_punctuation, tally.flags):>12}  "
            f"{tally.on_any:>11}  {tally.in_clean:>8}  {recall:>13}  {per_clean:>13.2f}"
        )
    repeated, inconsistent = inconsistent_marks(result.flagged)
    print(
        f"  Raters mark spacing inconsistently: flagged texts seen in the same source sentence from several systems "
        f"{repeated}, marked {PUNCTUATION} in one system's sentence and not in another's {inconsistent}. "
        "So 'on punct.' is a lower bound on the right flags ('precision >=': on punct. / flags), and a flag 'in "
        "clean' is not necessarily a false alarm. "
        f"Recall is low by nature: most {PUNCTUATION} spans are dashes, commas or quotes misplaced, not spacing."
    )
    if show:
        for segment, flag, on_punctuation in result.flagged:
            mark = "P" if on_punctuation else ("c" if segment.clean else "-")
            print(f"    {mark} {flag.rule:<34} {in_context(segment.text, flag.start, flag.end)!r}")
        print("    (P: on a Fluency/Punctuation span; c: in a clean sentence; -: neither)")


# ---- MLQE-PE: post-edited machine translation ------------------------------------------------------------------


@dataclass(frozen=True)
class PostEdited:
    flag: Flag
    fixed_by_editor: bool  # the flag's local text is not in the post-edit
    suggestion_agrees: bool  # fixed by the editor, and the local text with the suggestion applied is in the post-edit
    context: str


def judge_by_post_edit(mt: str, post_edit: str, flag: Flag) -> PostEdited:
    start, end = local_text(mt, flag.start, flag.end)
    before = mt[start:end].translate(STRAIGHT_QUOTES)
    suggestion = flag.suggestions[0] if flag.suggestions else mt[flag.start : flag.end]
    after = (mt[start : flag.start] + suggestion + mt[flag.end : end]).translate(STRAIGHT_QUOTES)
    edited = post_edit.translate(STRAIGHT_QUOTES)
    fixed = before not in edited
    return PostEdited(flag, fixed, fixed and after in edited, in_context(mt, flag.start, flag.end))


def evaluate_mlqe(show: bool) -> None:
    for language in MLQE_LANGUAGES:
        path = EVAL / "mt-errors" / f"mlqe_pe_{language}_en.jsonl"
        if not path.is_file():
            print(f"\nMLQE-PE {language}-en: skipped ({path} not found)")
            continue
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        judged = [judge_by_post_edit(r["text"], r["pe"], f) for r in rows for f in style_flags(r["text"])]
        by_rule = Counter(j.flag.rule for j in judged)
        print(
            f"\nMLQE-PE {language}-en ({len(rows)} sentences): {len(judged)} flags "
            f"({', '.join(f'{r} {n}' for r, n in sorted(by_rule.items())) or 'none'}); fixed by the post-editor "
            f"{sum(j.fixed_by_editor for j in judged)}, suggestion agrees with the post-edit "
            f"{sum(j.suggestion_agrees for j in judged)}"
        )
        for j in judged:  # few: every one is printed, --show or not
            verdict = ("fixed" if j.fixed_by_editor else "kept") + (", agrees" if j.suggestion_agrees else "")
            print(f"    {verdict:<13} {j.flag.rule:<32} {j.context!r} -> {list(j.flag.suggestions[:1])}")
    if show:
        print("    (every MLQE-PE flag is listed above)")


# ---- OneStopEnglish: edited news, every flag judged by hand ------------------------------------------------------


def verdict_key(text: str, flag: Flag) -> str:
    """What the verdicts file names a flag by: its characters with the words they touch, tabs written \\t."""
    return text[slice(*local_text(text, flag.start, flag.end))].replace("\t", "\\t")


def onestopenglish_texts() -> list[tuple[str, str]]:
    """(file name, text) of every OneStopEnglish text, decoded as users' files are (some are not UTF-8)."""
    folder = EVAL / "onestopenglish" / "texts"
    files = sorted(folder.glob("*/*.txt")) if folder.is_dir() else []
    return [(path.name, decode_document(path.read_bytes(), path.name, str(path)).text) for path in files]


def evaluate_onestopenglish() -> None:
    texts = onestopenglish_texts()
    if not texts:
        print(f"\nOneStopEnglish: skipped ({EVAL / 'onestopenglish' / 'texts'} not found)")
        return
    verdicts = read_verdicts(VERDICTS) if VERDICTS.is_file() else {}
    words = sum(len(Document(text).words) for _, text in texts)
    flags = [(name, text, flag) for name, text in texts for flag in style_flags(text)]
    print(f"\nOneStopEnglish, all {len(texts)} texts ({words} words; verdicts: {VERDICTS.relative_to(ROOT)}):")
    rules = sorted({f.rule for _, _, f in flags}) + [POOLED]
    unjudged = []
    for rule in rules:
        mine = [(n, t, f) for n, t, f in flags if rule in (POOLED, f.rule)]
        kinds = Counter(verdicts.get((n, verdict_key(t, f)), ("unjudged", ""))[0] for n, t, f in mine)
        judged = kinds["accept"] + kinds["reject"]
        print(
            f"  {rule:<36} flags {len(mine):>3} = {len(mine) / words * 1000:.3f} per 1,000 words; accepted "
            f"{kinds['accept']}, rejected {kinds['reject']}, unjudged {kinds['unjudged']}; precision of the judged "
            f"{_pct(kinds['accept'], judged)}"
        )
    for name, text, flag in flags:
        verdict, why = verdicts.get((name, verdict_key(text, flag)), ("unjudged", ""))
        if verdict == "reject":
            print(f"    rejected {flag.rule} {name}: {in_context(text, flag.start, flag.end)!r} ({why})")
        elif verdict == "unjudged":
            unjudged.append(f"    unjudged {flag.rule} {name}\t{verdict_key(text, flag)!r}")
    print("\n".join(unjudged) if unjudged else "    every flag judged")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list every flag of the MQM and MLQE-PE sets")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    evaluate_labelled()
    if not EVAL.is_dir():
        print(f"Evaluation data not found at {EVAL} (set COPYDESK_EVAL_DIR); skipping the public sets.")
        return 0
    evaluate_mqm("WMT 2021 news zh-en MQM (mt-errors)", mqm_news_segments, args.show)
    evaluate_mqm("WMT-MQM TED zh-en", mqm_ted_segments, args.show)
    evaluate_mlqe(args.show)
    evaluate_onestopenglish()
    print(f"\ntotal {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
