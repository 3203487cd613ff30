"""Evaluate the spelling check: python evaluation/eval_spelling.py [--full] [--fast] [--calibrate] [--dialects]

Prints, on ../shared/eval/spelling (Norvig set 1, Holbrook, Birkbeck): non-word detection recall, top-1 and top-5
correction accuracy and the false-alarm rate on the correct forms; on DEMETR's planted misspellings in machine
translations: detection, top-1 with and without context, and false alarms on the clean translations; on JFLEG's
learner sentences: top-1 and top-5 where an annotator replaced the flagged word; on news text with names (our
samples/spelling drafts, the seed article, OneStopEnglish articles): false alarms per 1,000 words, and on our
labelled drafts precision, recall and top-1. On every OneStopEnglish text, under each dialect (auto, en-GB, en-US,
en-AU, en-CA, both, and with [spelling] consistent): flags per 1,000 words, how many a fluent editor accepts (the
hand verdicts in evaluation/spelling_ose_verdicts.tsv) and the other dialect's spellings flagged, with the
commonest of them for en-AU and en-CA. `--dialects` prints only those OneStopEnglish figures.

Those first figures are with the model judge off (the candidate model's order, as before the judge). A line
"judge off / on" follows each set with top-1 and top-5 both ways (the spelling check run on the same text with the
judge off and on; each word-list misspelling is a document of its own), on the items the judge's weights
(checks/spelling/reranking.py) were not chosen on, and what each re-ranked flag cost. Those weights were chosen on
one half of DEMETR (items split by the CRC-32 of their id: even), one half of JFLEG (by the CRC-32 of the
detokenised sentence) and one half of Birkbeck (by the CRC-32 of "misspelling:target"); `--calibrate` prints that
tuning. So the judge lines of DEMETR, JFLEG and Birkbeck are on their other (odd) halves; Holbrook, Norvig and our
samples were never tuned on and are reported whole. The judge may change only the order of suggestions: wherever a
text is checked both ways, a different flag stops the script. `--fast` leaves out the judge lines (no model calls).

A "non-word" is a misspelling that is not in symspellpy's SCOWL-based list (an independent dictionary), so
real-word errors (omitted for admitted) are reported apart. Birkbeck has 36,000 items: by default every 6th
target word is used (--full for all).
"""

from __future__ import annotations

import json
import re
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks import spelling  # noqa: E402
from checks.config import Config  # noqa: E402
from checks.document import Document  # noqa: E402
from checks.flags import Flag  # noqa: E402
from checks.pipeline import check_document  # noqa: E402
from checks.spelling import reranking  # noqa: E402
from checks.spelling.checker import _match_case, findings  # noqa: E402
from evaluation.common import PLANTED, eval_dir, planted_sample, read_verdicts, seed_dir  # noqa: E402

EVAL = eval_dir()
SEED = seed_dir()
SAMPLES = ROOT / "samples" / "spelling"
FAST = Config(fast=True)  # the judge off: the candidate model's order, as before the judge
JUDGED = Config()  # the default: the judge on
TUNING = 0  # the half the judge's weights were chosen on; the other is reported


def half(key: str) -> int:
    """A stable split of a set in two halves."""
    return zlib.crc32(key.encode("utf-8")) % 2


# ------------------------------------------------------------------------------------------- word-list sets


def read_norvig(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for line in path.read_text("utf-8").splitlines():
        right, _, wrongs = line.partition(":")
        pairs += [(w, right.strip()) for w in wrongs.split()]
    return pairs


def read_mitton(path: Path, every: int = 1) -> list[tuple[str, str]]:
    pairs, right, index = [], None, -1
    for line in path.read_text("latin-1").splitlines():
        if line.startswith("$"):
            right = line[1:].strip()
            index += 1
        elif right and line.strip() and index % every == 0:
            pairs.append((line.split()[0], right))
    return pairs


def usable(pairs):
    """Lower-case single words: proper nouns (capitalised targets) are never checked by design, and targets or
    misspellings with spaces (a_lot) or odd characters are outside a word-level checker."""
    return [
        (w, r)
        for w, r in pairs
        if re.fullmatch(r"[a-z]+(?:'[a-z]+)?", r) and re.fullmatch(r"[a-z']+", w) and w != r and r != "?"
    ]


def reference_words() -> set[str]:
    import symspellpy

    path = Path(symspellpy.__file__).parent / "frequency_dictionary_en_82_765.txt"
    return {line.split()[0] for line in path.read_text("utf-8").splitlines()}


def word_list_scores(name: str, pairs, reference: set[str], judged: bool, tuned: bool = False) -> None:
    """Today's figures on every item, then judge off / on (on the half not tuned on when `tuned`)."""
    pairs = usable(pairs)
    nonwords = [(w, r) for w, r in pairs if w not in reference]
    started = time.perf_counter()
    detected = top1 = top5 = 0
    for wrong, right in nonwords:
        if spelling.is_known(wrong):
            continue
        detected += 1
        ranked = [s.word for s in spelling.rank(wrong)[:5]]
        top1 += bool(ranked) and ranked[0] == right
        top5 += right in ranked
    real_word = len(pairs) - len(nonwords)
    rights = sorted({r for _, r in pairs})
    false_alarms = sum(not spelling.is_known(r) for r in rights)
    n = max(1, len(nonwords))
    print(
        f"{name:<22} items {len(pairs):>5} (non-words {len(nonwords)}, real-word errors {real_word})  "
        f"recall {detected / n:.3f}  top-1 {top1 / n:.3f}  top-5 {top5 / n:.3f}  "
        f"false alarms on correct forms {false_alarms}/{len(rights)} = {false_alarms / max(1, len(rights)):.3f}  "
        f"({(time.perf_counter() - started) / n * 1000:.1f} ms/item)"
    )
    if not judged:
        return
    tally = Tally()
    for wrong, right in nonwords:
        if tuned and half(f"{wrong}:{right}") == TUNING:
            continue
        if spelling.is_known(wrong):  # not detected: a miss either way, as in the line above
            tally.add((), (), {right})
            continue
        off, on = judged_both_ways(wrong, tally)
        tally.add(_first_suggestions(off, 0, len(wrong)), _first_suggestions(on, 0, len(wrong)), {right})
    print(
        tally.line(
            "the non-words of the half not tuned on" if tuned else "every non-word",
            "each misspelling alone as a document",
        )
    )


# ------------------------------------------------------------------------------------------- the model judge


@dataclass
class Tally:
    """Top-1 and top-5 of the same flags with the judge off and on, and what the re-ranking cost."""

    items: int = 0
    off1: int = 0
    off5: int = 0
    on1: int = 0
    on5: int = 0
    reranked: int = 0
    extra_seconds: float = 0.0  # wall time of the checks with the judge beyond the same checks without
    extra_cpu: float = 0.0  # the same in CPU time (every thread of the process)

    def add(self, off: tuple[str, ...], on: tuple[str, ...], rights: set[str]) -> None:
        self.items += 1
        self.off1 += off[:1] != () and off[0] in rights
        self.on1 += on[:1] != () and on[0] in rights
        self.off5 += bool(rights & set(off[:5]))
        self.on5 += bool(rights & set(on[:5]))

    def line(self, which: str, how: str = "") -> str:
        n = max(1, self.items)
        each = f"{self.extra_seconds / max(1, self.reranked):.2f} s wall, {self.extra_cpu / max(1, self.reranked):.2f}"
        cost = f", {each} s CPU each" if self.reranked else ""
        return (
            f"{'  judge off / on':<22} {which}, {self.items} items{', ' + how if how else ''}:  "
            f"top-1 {self.off1 / n:.3f} / {self.on1 / n:.3f}  top-5 {self.off5 / n:.3f} / {self.on5 / n:.3f}  "
            f"({self.reranked} flags re-ranked{cost})"
        )


_RERANKED = re.compile(r"judge: on, (\d+) passages judged \(typo flags re-ranked")


def judged_both_ways(text: str, tally: Tally | None = None) -> tuple[list, list]:
    """The spelling flags of a text with the judge off and on. The flags must be the same (rule, span and the set
    of suggestions): the judge may change only the suggestions' order, or the script stops."""
    started, started_cpu = time.perf_counter(), time.process_time()
    off = check_document(Document(text), FAST, family_names=["spelling"])
    middle, middle_cpu = time.perf_counter(), time.process_time()
    on = check_document(Document(text), JUDGED, family_names=["spelling"])
    if [_same(f) for f in off.issues] != [_same(f) for f in on.issues]:
        raise SystemExit(f"the judge changed the flags of {text!r}: {off.issues} / {on.issues}")
    if tally is not None:
        found = _RERANKED.search(on.status.get("spelling", ""))
        tally.reranked += int(found.group(1)) if found else 0
        tally.extra_seconds += (time.perf_counter() - middle) - (middle - started)
        tally.extra_cpu += (time.process_time() - middle_cpu) - (middle_cpu - started_cpu)
    return off.issues, on.issues


def _same(flag) -> tuple:
    return flag.rule, flag.start, flag.end, flag.severity, sorted(flag.suggestions)


def _first_suggestions(flags, start: int, end: int) -> tuple[str, ...]:
    return next((f.suggestions for f in flags if (f.start, f.end) == (start, end)), ())


# ------------------------------------------------------------------------------------------ text-level sets

TIMING = {"seconds": 0.0, "words": 0, "analysis": 0.0}


def spelling_flags(text: str, source: str = "<text>", config: Config = FAST):
    """The spelling flags with the judge off (the candidate model's order, as before the judge) unless `config`
    says otherwise."""
    # CPU time, not wall time: the machine is shared, and CPU time is what the throughput budget is about
    started = time.process_time()
    doc = Document(text, source)
    doc.word_counts  # noqa: B018  (part of the analysis every family shares)
    analysed = time.process_time()
    report = check_document(doc, config, family_names=["spelling"])
    TIMING["analysis"] += analysed - started
    TIMING["seconds"] += time.process_time() - analysed
    TIMING["words"] += len(doc.words)
    return report.issues


def word_count(text: str) -> int:
    return len(Document(text).words)


def false_alarm_rate(name: str, texts: list[tuple[str, str]], judged: bool, show: int = 12) -> None:
    words, flags = 0, []
    TIMING.update(seconds=0.0, words=0, analysis=0.0)
    tally = Tally()
    for source, text in texts:
        words += word_count(text)
        flags += [(source, f) for f in spelling_flags(text, source)]
        if judged:
            judged_both_ways(text, tally)  # stops the script if the judge changed a flag
    by_severity = {s: sum(f.severity == s for _, f in flags) for s in ("error", "warning", "info")}
    print(
        f"{name:<22} texts {len(texts):>3}  words {words:>6}  flags {len(flags):>3} {by_severity}  "
        f"= {len(flags) / max(1, words) * 1000:.2f} per 1,000 words  "
        f"(check {TIMING['seconds'] / max(1, TIMING['words']) * 1e6:.1f} ms CPU per 1,000 words; for scale, "
        f"document analysis {TIMING['analysis'] / max(1, TIMING['words']) * 1e6:.1f})"
    )
    if judged:
        print(f"    the same flags with the judge on; {tally.reranked} re-ranked")
    for source, flag in flags[:show]:
        print(f"    {Path(source).name[:30]:<30} {flag.text!r} -> {list(flag.suggestions[:3])} ({flag.severity})")


def harper_comparison(texts: list[tuple[str, str]], name: str) -> None:
    """The same texts through Harper (harper-py, a dev dependency): its spelling lints per 1,000 words."""
    try:
        import harper
    except ImportError:
        print(f"{'  Harper, ' + name:<22} harper-py not installed: comparison skipped")
        return
    linter = harper.Linter()
    words = lints = 0
    for _, text in texts:
        words += word_count(text)
        lints += sum(1 for lint in linter.lint(text) if lint.lint_kind == "Spelling")
    print(f"{'  Harper, ' + name:<22} spelling lints {lints} = {lints / max(1, words) * 1000:.2f} per 1,000 words")


def labelled_samples() -> list[tuple[str, str, list[tuple[int, int, str]]]]:
    """Our drafts with planted typos written [[typo|intended]]: the plain text and the gold spans."""
    out = []
    for path in sorted(SAMPLES.glob("*.txt")):
        text, gold = planted_sample(path.read_text("utf-8"))
        out.append((str(path), text, gold))
    return out


def sample_scores(judged: bool) -> None:
    samples = labelled_samples()
    if not samples:
        print("samples/spelling: no labelled drafts found")
        return
    tp = fp = fn = top1 = words = 0
    misses, alarms = [], []
    tally = Tally()
    for source, text, gold in samples:
        words += word_count(text)
        flags = [f for f in spelling_flags(text, source) if f.rule == spelling.RULE_TYPO]
        off, on = judged_both_ways(text, tally) if judged else ([], [])
        spans = {(s, e): right for s, e, right in gold}
        for flag in flags:
            if (flag.start, flag.end) in spans:
                tp += 1
                top1 += bool(flag.suggestions) and flag.suggestions[0] == spans[(flag.start, flag.end)]
                right = {spans[(flag.start, flag.end)]}
                tally.add(
                    _first_suggestions(off, flag.start, flag.end), _first_suggestions(on, flag.start, flag.end), right
                )
            else:
                fp += 1
                alarms.append(flag.text)
        found = {(f.start, f.end) for f in flags}
        for s, e, _right in gold:
            if (s, e) not in found:
                fn += 1
                misses.append(text[s:e])
    print(
        f"{'samples/spelling':<22} drafts {len(samples)}  words {words}  planted {tp + fn}  "
        f"precision {tp / max(1, tp + fp):.3f}  recall {tp / max(1, tp + fn):.3f}  top-1 {top1 / max(1, tp):.3f}  "
        f"false alarms {fp} = {fp / max(1, words) * 1000:.2f} per 1,000 words"
    )
    if judged:
        print(tally.line("every planted typo flagged (never tuned on)"))
    if alarms:
        print("    false alarms:", alarms[:12])
    if misses:
        print("    missed:", misses[:12])


def demetr_scores(judged: bool) -> None:
    path = EVAL / "demetr" / "dataset" / "minor_id26_misspelled.json"
    if not path.is_file():
        print(f"DEMETR: {path} not found, skipped")
        return
    items = [i for i in json.loads(path.read_text("utf-8")) if i.get("pert_check")]
    found = with_ctx = without_ctx = planted = clean_flags = clean_words = 0
    tally = Tally()
    for item in items:
        clean, perturbed = item["mt_sent"], item["pert_sent"]
        target = _changed_word(clean, perturbed)
        clean_words += word_count(clean)
        clean_flags += len(spelling_flags(clean))
        reported = judged and half(str(item["id"])) != TUNING
        if reported:
            judged_both_ways(clean, tally)  # stops the script if the judge changed a flag
        if target is None:
            continue
        start, end, right = target
        planted += 1
        hits = [f for f in spelling_flags(perturbed) if f.start == start and f.end == end]
        if not hits:
            continue
        found += 1
        with_ctx += hits[0].suggestions[:1] == (right,)
        plain = spelling.rank(perturbed[start:end].lower())
        without_ctx += bool(plain) and _match_case(perturbed[start:end], plain[0].word) == right
        if reported:
            off, on = judged_both_ways(perturbed, tally)
            tally.add(_first_suggestions(off, start, end), _first_suggestions(on, start, end), {right})
    print(
        f"{'DEMETR misspelled':<22} items {planted}  detected {found / max(1, planted):.3f}  "
        f"top-1 with context {with_ctx / max(1, found):.3f}  without {without_ctx / max(1, found):.3f}  "
        f"false alarms on clean MT {clean_flags} in {clean_words} words = "
        f"{clean_flags / max(1, clean_words) * 1000:.2f} per 1,000"
    )
    if judged:
        print(tally.line("the half not tuned on (item id CRC-32 odd)", "detected items"))


def jfleg_typos() -> list[tuple[str, int, int, set[str]]]:
    """JFLEG dev's learner sentences (detokenised as evaluation/eval_grammar.py does) with each token that an
    annotator replaced by one word: (sentence, start, end, the annotators' words in lower case)."""
    from evaluation.eval_grammar import detokenize

    base = EVAL / "jfleg"
    fixes: dict[int, dict[int, set[str]]] = {}  # sentence -> token -> the words annotators put there
    index = -1
    for line in (base / "m2" / "dev.ref.m2").read_text("utf-8").splitlines():
        if line.startswith("S "):
            index += 1
        elif line.startswith("A "):
            where, _kind, fix = line[2:].split("|||")[:3]
            start, end = map(int, where.split())
            if end == start + 1 and fix.strip() and " " not in fix.strip():
                fixes.setdefault(index, {}).setdefault(start, set()).add(fix.strip().lower())
    found = []
    for i, source in enumerate((base / "dev" / "dev.src").read_text("utf-8").splitlines()):
        text, spans = detokenize(source.split())
        found += [(text, *spans[k], rights) for k, rights in sorted(fixes.get(i, {}).items()) if k < len(spans)]
    return found


def jfleg_scores(judged: bool) -> None:
    """Spelling flags on tokens that JFLEG's annotators replaced by one word: is their word the first suggestion?"""
    if not (EVAL / "jfleg" / "m2").is_dir():
        print("JFLEG: not found, skipped")
        return
    typos = jfleg_typos()
    flagged = top1 = top5 = 0
    tally = Tally()
    by_text: dict[str, list[tuple[int, int, set[str]]]] = {}
    for text, start, end, rights in typos:
        by_text.setdefault(text, []).append((start, end, rights))
    for text, targets in by_text.items():
        off = [f for f in spelling_flags(text) if f.rule == spelling.RULE_TYPO]
        hits = [(f, rights) for f in off for start, end, rights in targets if (f.start, f.end) == (start, end)]
        flagged += len(hits)
        top1 += sum(f.suggestions[0].lower() in rights for f, rights in hits)
        top5 += sum(bool(rights & {s.lower() for s in f.suggestions}) for f, rights in hits)
        if judged and hits and half(text) != TUNING:
            both = judged_both_ways(text, tally)
            for flag, rights in hits:
                off_first, on_first = (_lower(_first_suggestions(flags, flag.start, flag.end)) for flags in both)
                tally.add(off_first, on_first, rights)
    n = max(1, flagged)
    print(
        f"{'JFLEG dev (learners)':<22} typo flags on a word annotators replaced {flagged} (of {len(typos)} such "
        f"words)  top-1 {top1 / n:.3f}  top-5 {top5 / n:.3f}"
    )
    if judged:
        print(tally.line("the half not tuned on (sentence CRC-32 odd)"))


def _lower(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w.lower() for w in words)


def _changed_word(clean: str, perturbed: str):
    a, b = clean.split(), perturbed.split()
    if len(a) != len(b):
        return None
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diffs) != 1:
        return None
    i = diffs[0]
    x, y = a[i].strip(".,;:!?\"'()“”"), b[i].strip(".,;:!?\"'()“”")
    if not y or x == y:
        return None
    start = len(" ".join(b[:i])) + (1 if i else 0) + b[i].index(y)
    return start, start + len(y), x


# ------------------------------------------------------------------------------------------------ calibration

WEIGHTS = (0.0, 0.5, 1.0, 2.0, 3.3, 5.0, 10.0, 20.0, 40.0)
TUNING_WORDS = 800  # Birkbeck pairs judged for --calibrate (each costs a model call)


@dataclass(frozen=True)
class Case:
    """One flag of a tuning half: its suggestions in the candidate model's order with their scoring, the model's
    bits for each (None: fewer than two suggestions, nothing to re-rank), and the right answers."""

    suggestions: tuple[str, ...]
    scored: tuple
    bits: tuple[float, ...] | None
    rights: frozenset[str]

    def first(self, weight: float | None) -> str | None:
        """The first suggestion with the judge at `weight` (None: the judge off)."""
        if weight is None or self.bits is None:
            return self.suggestions[0] if self.suggestions else None
        return self.suggestions[reranking.order(self.scored, self.bits, weight)[0]]


def tuning_case(text: str, start: int, end: int, rights: set[str]) -> Case | None:
    doc = Document(text)
    found, _ = findings(doc, FAST)
    one = next((f for f in found if (f.flag.start, f.flag.end) == (start, end)), None)
    if one is None:
        return None
    item = reranking.passage(doc, one.flag) if len(one.scored) >= 2 else None
    bits = reranking.gains(doc, [item])[0] if item is not None else None
    return Case(one.flag.suggestions, one.scored, bits, frozenset(rights))


def demetr_tuning_cases() -> list[Case]:
    path = EVAL / "demetr" / "dataset" / "minor_id26_misspelled.json"
    cases = []
    for item in json.loads(path.read_text("utf-8")):
        target = _changed_word(item["mt_sent"], item["pert_sent"])
        if item.get("pert_check") and target is not None and half(str(item["id"])) == TUNING:
            case = tuning_case(item["pert_sent"], target[0], target[1], {target[2]})
            if case is not None:
                cases.append(case)
    return cases


def jfleg_tuning_cases() -> list[Case]:
    cases = []
    for text, start, end, rights in jfleg_typos():
        case = tuning_case(text, start, end, rights) if half(text) == TUNING else None
        if case is not None and case.suggestions:
            cases.append(Case(_lower(case.suggestions), case.scored, case.bits, case.rights))
    return cases


def birkbeck_tuning_cases(reference: set[str]) -> list[Case]:
    path = EVAL / "spelling" / "birkbeck_mitton" / "missp.dat"
    pairs = [(w, r) for w, r in usable(read_mitton(path, 6)) if w not in reference and half(f"{w}:{r}") == TUNING]
    cases = []
    for wrong, right in pairs[:TUNING_WORDS]:
        case = tuning_case(wrong, 0, len(wrong), {right})
        if case is not None:
            cases.append(case)
    return cases


def print_grid(name: str, cases: list[Case]) -> None:
    n = max(1, len(cases))
    judged = sum(c.bits is not None for c in cases)
    off = sum(c.first(None) in c.rights for c in cases) / n
    grid = "  ".join(f"{w:g}: {sum(c.first(w) in c.rights for c in cases) / n:.3f}" for w in WEIGHTS)
    print(f"{name}: {len(cases)} flags ({judged} with 2+ suggestions)")
    print(f"    top-1 judge off {off:.3f}; on, by the weight of the candidate score: {grid}")


def calibrate() -> None:
    """How the judge's weights (checks/spelling/reranking.py) were chosen: top-1 at each weight on the tune halves."""
    print(
        f"Tuning halves (CRC-32 even); chosen: PRIOR_WEIGHT {reranking.PRIOR_WEIGHT}, ALONE_WEIGHT "
        f"{reranking.ALONE_WEIGHT} (None: a word alone is not judged)"
    )
    demetr, jfleg = demetr_tuning_cases(), jfleg_tuning_cases()
    print_grid("DEMETR misspelled, tune half (in context: PRIOR_WEIGHT)", demetr)
    print_grid("JFLEG dev, tune half (in context: PRIOR_WEIGHT)", jfleg)
    print_grid("both (PRIOR_WEIGHT: the best here)", demetr + jfleg)
    print_grid(
        f"Birkbeck 1 in 6, tune half, first {TUNING_WORDS} (a word alone: ALONE_WEIGHT)",
        birkbeck_tuning_cases(reference_words()),
    )


# --------------------------------------------------------------------------- OneStopEnglish, by dialect

VERDICTS = ROOT / "evaluation" / "spelling_ose_verdicts.tsv"
DIALECTS: tuple[tuple[str, dict], ...] = (  # name, [spelling] table: how a newsroom of each dialect would run the check
    ("auto (default)", {}),
    ("en-GB (uk)", {"variant": "uk"}),
    ("en-GB, Oxford -ize", {"variant": "uk", "oxford_ize": True}),
    ("en-US (us)", {"variant": "us"}),
    ("en-AU (au)", {"variant": "au"}),
    ("en-CA (ca)", {"variant": "ca"}),
    ("both", {"variant": "both"}),
    ("auto + consistent", {"consistent": True}),
)


def onestopenglish_by_dialect(texts: list[tuple[str, str]]) -> None:
    """Every OneStopEnglish text (edited British news, Oxford -ize) under each dialect: flags per 1,000 words, the
    typo flags a fluent editor would accept (evaluation/spelling_ose_verdicts.tsv) and the dialect flags, which are
    right by the house style's choice of dialect; then each typo flag of the default with its verdict."""
    verdicts = read_verdicts(VERDICTS)
    words = sum(word_count(t) for _, t in texts)
    print(f"OneStopEnglish, all {len(texts)} texts ({words} words), judge off:")
    listed: list[tuple[str, Flag]] = []
    for name, table in DIALECTS:
        config = Config({"spelling": table}, fast=True) if table else FAST
        flags = [(Path(s).name, f) for s, t in texts for f in spelling_flags(t, s, config)]
        dialect = [f for _, f in flags if f.rule == spelling.RULE_VARIANT]
        judged_flags = [(n, f) for n, f in flags if f.rule != spelling.RULE_VARIANT]
        kinds = [verdicts.get((n, f.text), ("unjudged", ""))[0] for n, f in judged_flags]
        false = kinds.count("reject")
        errors = sum(f.severity == "error" for _, f in judged_flags)
        false_errors = sum(
            k == "reject" and f.severity == "error" for k, (_, f) in zip(kinds, judged_flags, strict=True)
        )
        print(
            f"    {name:<20} flags {len(flags):>3} = {len(flags) / words * 1000:.2f} per 1,000 words; "
            f"typo/consistency {len(judged_flags)} ({errors} errors): accepted {kinds.count('accept')}, false "
            f"alarms {false} = {false / words * 1000:.3f} per 1,000 ({false_errors} at error), unjudged "
            f"{kinds.count('unjudged')}; other-dialect flags (info) {len(dialect)}"
        )
        if not listed:
            listed = judged_flags
        if table.get("variant") in ("au", "ca"):
            print_dialect_forms(dialect)
    for name, flag in listed:
        verdict, why = verdicts.get((name, flag.text), ("unjudged", ""))
        suggested = list(flag.suggestions[:2])
        print(f"      {verdict:<8} {flag.severity:<7} {name[:32]:<32} {flag.text!r} -> {suggested} {why}")


def print_dialect_forms(dialect: list[Flag], show: int = 12) -> None:
    """The commonest other-dialect flags of an Australian or Canadian run, word -> fix, to judge them by."""
    forms = Counter(f"{f.text.lower()}->{f.suggestions[0].lower()}" for f in dialect)
    print(f"      {len(forms)} forms; commonest: " + ", ".join(f"{w} {n}" for w, n in forms.most_common(show)))


def read_latin(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def onestopenglish_texts() -> list[tuple[str, str]]:
    """Every OneStopEnglish text (path, text), or none where the set is not on disk."""
    ose = EVAL / "onestopenglish" / "texts"
    return [(str(p), read_latin(p)) for p in sorted(ose.glob("*/*.txt"))] if ose.is_dir() else []


def main(argv: list[str]) -> None:
    if "--calibrate" in argv:
        calibrate()
        return
    if "--dialects" in argv:  # only the OneStopEnglish figures by dialect
        onestopenglish_by_dialect(onestopenglish_texts())
        return
    full = "--full" in argv
    judged = "--fast" not in argv  # --fast: today's figures only, no judge lines (no model calls)
    started = time.perf_counter()
    spelling.lexicon()
    loaded = time.perf_counter()
    spelling.rank("goverment", ("the",), "said")  # builds the candidate index and loads the n-gram model
    print(
        f"word list loaded in {loaded - started:.2f} s; candidate index and n-gram model in "
        f"{time.perf_counter() - loaded:.2f} s"
    )
    if judged:
        print(model_line())
    spell_dir = EVAL / "spelling"
    if spell_dir.is_dir():
        reference = reference_words()
        norvig = read_norvig(spell_dir / "norvig_testsets" / "spell-testset1.txt")
        word_list_scores("Norvig set 1", norvig, reference, judged)
        holbrook = read_mitton(spell_dir / "birkbeck_mitton" / "holbrook-missp.dat")
        word_list_scores("Holbrook", holbrook, reference, judged)
        birkbeck = read_mitton(spell_dir / "birkbeck_mitton" / "missp.dat", 1 if full else 6)
        word_list_scores("Birkbeck" + ("" if full else " (1 in 6)"), birkbeck, reference, judged, tuned=True)
    else:
        print(f"{spell_dir} not found: word-list evaluation skipped")
    demetr_scores(judged)
    jfleg_scores(judged)
    sample_scores(judged)
    news = [(str(p), p.read_text("utf-8")) for p in sorted(SAMPLES.glob("*.txt"))]
    news = [(s, PLANTED.sub(lambda m: m.group(2), t)) for s, t in news]  # the drafts with typos corrected
    if news:
        false_alarm_rate("samples (corrected)", news, judged)
    seed = SEED / "iraq-pm-drone-attack.txt"
    if seed.is_file():
        false_alarm_rate("seed article", [(str(seed), seed.read_text("utf-8"))], judged)
        harper_comparison([(str(seed), seed.read_text("utf-8"))], "seed")
        if news:
            harper_comparison(news, "samples")
    else:
        print("seed article not found: skipped")
    texts = onestopenglish_texts()
    if texts:
        adv = [(s, t) for s, t in texts if Path(s).parent.name == "adv"]
        false_alarm_rate("OneStopEnglish adv", adv, judged, show=0)  # judge off / on on the hardest level
        onestopenglish_by_dialect(texts)
    else:
        print("OneStopEnglish not found: skipped")
    print(f"total {time.perf_counter() - started:.1f} s")


def model_line() -> str:
    from checks import lm

    try:
        lm.scorer()
    except lm.Unavailable as exc:
        return f"model judge unavailable ({exc}): the judge lines equal the judge-off figures"
    return (
        f"model judge: {lm.model_path().name}, re-ranking each typo flag's suggestions (at most 5) at "
        f"PRIOR_WEIGHT {reranking.PRIOR_WEIGHT}, ALONE_WEIGHT {reranking.ALONE_WEIGHT} (None: a word alone is not "
        "judged)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
