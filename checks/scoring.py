"""Scoring one document for batch mode, and the tables its results go into.

`score_document` checks one document exactly as `python -m checks check` does and turns the report into rows;
`score_item` does the same for a document a batch worker read (checks.archives.Item), an unreadable one becoming
an error row. The rows fit the Arrow schemas below, which `checks.batch` writes as Parquet:
  documents  one row per document: document_id, source, input, encoding, content_sha256 (of the bytes read; of
             the UTF-8 text for a table row), characters, words, sentences, metric_<key> for every document metric
             the pipeline reports (readability ...), flags, flags_<category>, flags_<severity>, score, status
             (as `check --format json` gives it; with "encoding" when the encoding was guessed), error (set when
             it could not be read or checked; a document whose check ran past [limits] max_check_seconds is an
             error row whose error names the slow stage, its time and the checks not run, as `check`'s
             "deadline" status does)
  issues     one row per flag: document_id, category, rule, start, end, text, message, suggestions, severity,
             confidence (all exactly as `check --format json` gives them), sentence and sentence_start (the
             sentence around the flag and its offset in the document)
  collected  one row per (document_id, key, count) an archive table (checks.registry.ArchiveTable) collects
  <archive table>  the columns the family's ArchiveTable declares

Quality score (0-100, higher is cleaner), from the document's flags (checks.scoring.score_breakdown explains it):
    cost(flag) = SEVERITY_WEIGHT[severity] * CATEGORY_WEIGHT[category] * confidence, with severity weights error 3,
                 warning 1, info 0.2 and category weights mistranslation 5, names 5 (errors of meaning, which MQM
                 counts as major: 5 against 1), spelling, grammar, readability and style 1; except
      - a sentence flagged as long or hard (readability.long-sentence, very-hard-sentence, hard-sentence) costs
        0.2 * confidence per word beyond 35 (so a 45-word sentence costs 1.8 at confidence 0.9, a 30-word one 0):
        edited news has hard sentences too, it is the run-on sentence that marks unedited copy;
      - readability.audience-grade costs nothing: it summarises the sentence flags already counted, and one flag
        per document whatever its length would only penalise short documents.
    density = sum of costs * 1000 / max(words, 100)      (points per 1,000 words; short texts count as 100)
    score   = 100 * 0.5 ** (density / 11.5)               (rounded to 0.1)
so 11.5 points per 1,000 words halve the score and a document with no flags scores 100. Below 50 reads like raw
machine translation: the 11.5 is where edited news and machine translation divided best (balanced accuracy) on the
half of evaluation/eval_quality_score.py's documents the constants were chosen on; on the other half edited news
(OneStopEnglish) outranks whole machine-translated news documents (WMT21 MQM zh-en) with the ROC AUC that script
prints. More flags, worse severities or higher confidences never raise the score.
Documents that could not be checked have no score.

What the scale means to an editor: 100 says that no check found a costly fault, not that a translation is faithful.
The score sees what an English-only reader can (run-on sentences, the word-level mistranslations and name
variants the checks know, typos, grammar); a fluent machine translation whose errors are of meaning scores like
edited copy, and those few documents are what keeps the ranking of edited news above machine translation short of
perfect (evaluation/eval_quality_score.py prints, per source document, the AUC beside the errors MQM's raters
marked). A fluency component from the n-gram reference (unseen word pairs) was measured and left out: it did not
rank better on the half it was not tuned on.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections import Counter

from checks.archives import Item
from checks.config import Config
from checks.flags import CATEGORIES, SEVERITIES
from checks.inputs import GUESSED
from checks.registry import ArchiveTable

log = logging.getLogger(__name__)

# The quality score's constants (module docstring), chosen on the tune half of evaluation/eval_quality_score.py.
SEVERITY_WEIGHT = {"error": 3.0, "warning": 1.0, "info": 0.2}
CATEGORY_WEIGHT = {
    "mistranslation": 5.0,
    "names": 5.0,
    "spelling": 1.0,
    "grammar": 1.0,
    "readability": 1.0,
    "style": 1.0,
}
SENTENCE_LENGTH_RULES = frozenset(
    {"readability.long-sentence", "readability.very-hard-sentence", "readability.hard-sentence"}
)
SENTENCE_WORDS_FREE = 35  # a flagged sentence costs only for its words beyond these
SENTENCE_WORD_COST = 0.2  # per word beyond SENTENCE_WORDS_FREE (times the flag's confidence)
UNSCORED_RULES = frozenset({"readability.audience-grade"})  # a summary of the sentence flags, one per document
HALF_SCORE_DENSITY = 11.5  # penalty points per 1,000 words that halve the score
MIN_SCORE_WORDS = 100
# A short text of our own that the driver checks once to learn which document metrics the pipeline reports,
# so that every partition's documents table has the same columns.
_PROBE_TEXT = (
    "The city council met on Tuesday to discuss the new budget. Members agreed to spend more on schools, "
    "but they postponed a decision about the bridge until the spring.\n\nThe mayor said she was pleased."
)


# ------------------------------------------------------------------------------------------- one document


def flag_cost(flag) -> float:
    """One flag's penalty points (module docstring): never negative, never lower for a worse severity or a higher
    confidence."""
    if flag.rule in UNSCORED_RULES:
        return 0.0
    if flag.rule in SENTENCE_LENGTH_RULES:
        return SENTENCE_WORD_COST * flag.confidence * max(0, len(flag.text.split()) - SENTENCE_WORDS_FREE)
    return SEVERITY_WEIGHT[flag.severity] * CATEGORY_WEIGHT.get(flag.category, 1.0) * flag.confidence


def score_breakdown(flags, words: int) -> dict[tuple[str, str], float]:
    """What each (category, rule) costs a document on the 0-100 scale, unrounded: the points the score loses (100
    minus the unrounded score) shared between the rules in proportion to their penalty, so the values sum to that
    loss. Rules that cost nothing are left out; the costliest come first."""
    penalty: dict[tuple[str, str], float] = {}
    for flag in flags:
        cost = flag_cost(flag)
        if cost > 0:
            key = (flag.category, flag.rule)
            penalty[key] = penalty.get(key, 0.0) + cost
    total = sum(penalty.values())
    if total == 0:
        return {}
    lost = 100.0 - _unrounded_score(total, words)
    return {key: lost * points / total for key, points in sorted(penalty.items(), key=lambda kv: -kv[1])}


def _unrounded_score(penalty: float, words: int) -> float:
    density = penalty * 1000.0 / max(words, MIN_SCORE_WORDS)
    return 100.0 * 0.5 ** (density / HALF_SCORE_DENSITY)


def quality_score(flags, words: int) -> float:
    """The documented 0-100 score (module docstring): halves for every HALF_SCORE_DENSITY penalty points per
    1,000 words; score_breakdown says what each rule cost."""
    return round(_unrounded_score(sum(flag_cost(f) for f in flags), words), 1)


def _metric_kind(value) -> str:
    if isinstance(value, (bool, int, float)):
        return "float"
    return "string" if isinstance(value, str) else "json"


def metric_spec(config: Config) -> tuple[tuple[str, str], ...]:
    """(metric key, column kind) for every metric the pipeline reports on a probe text, sorted by key."""
    from checks.pipeline import check_text

    metrics = check_text(_PROBE_TEXT, "<probe>", config, max_seconds=math.inf).metrics  # every family, always
    return tuple(sorted((str(k), _metric_kind(v)) for k, v in metrics.items()))


def _metric_value(value, kind: str):
    if value is None:
        return None
    if kind == "float":
        return float(value) if isinstance(value, (bool, int, float)) else None
    if kind == "string":
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def archive_tables(config: Config) -> list[ArchiveTable]:
    """The archive-wide tables of the families that run under this house style."""
    from checks.pipeline import select_families

    return [fam.archive for fam in select_families(config) if fam.archive is not None]


def _collect(doc, config) -> dict[str, dict[str, int]]:
    """Each archive table's (key, count) pairs for one document (none for a table whose collector fails on it)."""
    collected = {}
    for table in archive_tables(config):
        try:
            collected[table.name] = {str(k): int(v) for k, v in table.collect(doc, config).items()}
        except Exception:  # a failing collector must not lose the document's other results
            log.exception("collecting %s failed on %s", table.name, doc.source)
            collected[table.name] = {}
    return collected


def _context(doc, flag) -> tuple[str, int]:
    sentence = doc.sentence_at(flag.start)
    if sentence is not None and flag.end <= max(sentence.end, flag.start):
        return sentence.text, sentence.start
    start = max(0, flag.start - 80)
    return doc.text[start : flag.end + 80], start


def _error_row(doc_id: str, source: str, error: str) -> dict:
    return {"document_id": doc_id, "source": source, "error": error}


def score_document(
    doc_id: str, source: str, text: str, config: Config
) -> tuple[dict, list[dict], dict[str, dict[str, int]]]:
    """Check one document exactly as `python -m checks check` does and return its row, its flags' rows and what
    each archive table collects from it. The row has `metric_<key>` for each metric reported; flags are
    `Flag.to_dict()` plus the document id and the sentence around them."""
    from checks.document import Document
    from checks.pipeline import check_document

    started = time.perf_counter()
    doc = Document(text, source)
    # == check_text(text, source, config), keeping `doc` for the tables
    report = check_document(doc, config, started=started)
    if report.stopped is not None:  # a partial check would score too well: no score, an error saying why
        return _error_row(doc_id, source, f"{source}: not checked in full: {report.status['deadline']}"), [], {}
    words = len(doc.words)
    by_category = Counter(f.category for f in report.issues)
    by_severity = Counter(f.severity for f in report.issues)
    row = {
        "document_id": doc_id,
        "source": source,
        "characters": len(text),
        "words": words,
        "sentences": len(doc.sentences),
        **{f"metric_{k}": v for k, v in report.metrics.items()},
        "flags": len(report.issues),
        **{f"flags_{c}": by_category.get(c, 0) for c in CATEGORIES},
        **{f"flags_{s}": by_severity.get(s, 0) for s in SEVERITIES},
        "score": quality_score(report.issues, words),
        "status": json.dumps(report.status, ensure_ascii=False, sort_keys=True, default=str) if report.status else None,
        "error": None,
    }
    issues = []
    for flag in report.issues:
        sentence, sentence_start = _context(doc, flag)
        issues.append({"document_id": doc_id, **flag.to_dict(), "sentence": sentence, "sentence_start": sentence_start})
    return row, issues, _collect(doc, config)


def score_item(item: Item, input_name: str, config: Config, spec) -> tuple[dict, list[dict], dict]:
    """`score_document` for a document a worker read from `input_name`: an unreadable document, or one that breaks
    the pipeline, becomes an error row; the row's metric columns are those of `spec` (see metric_spec)."""
    issues: list[dict]
    collected: dict
    if item.error is not None:
        row, issues, collected = _error_row(item.doc_id, item.source, item.error), [], {}
    else:
        try:
            assert item.text is not None  # an Item has its text or an error
            row, issues, collected = score_document(item.doc_id, item.source, item.text, config)
        except Exception as exc:  # one document that breaks the pipeline becomes an error row
            log.exception("checking %s failed", item.source)
            row, issues, collected = (
                _error_row(item.doc_id, item.source, f"{item.source}: check failed ({type(exc).__name__}: {exc})"),
                [],
                {},
            )
    if GUESSED in item.encoding and row.get("error") is None:  # as `check` says it: the text may be wrong there
        status = json.loads(row["status"]) if row.get("status") else {}
        row["status"] = json.dumps({**status, "encoding": item.encoding}, ensure_ascii=False, sort_keys=True)
    row["input"] = input_name
    row["encoding"] = item.encoding or None
    row["content_sha256"] = item.digest or None
    for key, kind in spec:
        row[f"metric_{key}"] = _metric_value(row.get(f"metric_{key}"), kind)
    return row, issues, collected


# ------------------------------------------------------------------------------------------- tables


def documents_schema(spec):
    import pyarrow as pa

    kinds = {"float": pa.float64(), "string": pa.string(), "json": pa.string()}
    columns = [
        ("document_id", pa.string()),
        ("source", pa.string()),
        ("input", pa.string()),
        ("encoding", pa.string()),
        ("content_sha256", pa.string()),
        ("characters", pa.int64()),
        ("words", pa.int64()),
        ("sentences", pa.int64()),
    ]
    columns += [(f"metric_{k}", kinds[kind]) for k, kind in spec]
    columns += [("flags", pa.int64())] + [(f"flags_{c}", pa.int64()) for c in CATEGORIES]
    columns += [(f"flags_{s}", pa.int64()) for s in SEVERITIES]
    columns += [("score", pa.float64()), ("status", pa.string()), ("error", pa.string())]
    return pa.schema(columns)


def issues_schema():
    import pyarrow as pa

    return pa.schema(
        [
            ("document_id", pa.string()),
            ("category", pa.string()),
            ("rule", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("text", pa.string()),
            ("message", pa.string()),
            ("suggestions", pa.list_(pa.string())),
            ("severity", pa.string()),
            ("confidence", pa.float64()),
            ("sentence", pa.string()),
            ("sentence_start", pa.int64()),
        ]
    )


def collected_schema():
    import pyarrow as pa

    return pa.schema([("document_id", pa.string()), ("key", pa.string()), ("count", pa.int64())])


def archive_schema(table: ArchiveTable):
    import pyarrow as pa

    kinds = {"string": pa.string(), "int": pa.int64(), "strings": pa.list_(pa.string())}
    return pa.schema([(name, kinds[kind]) for name, kind in table.columns])


def archive_rows(table: ArchiveTable, rows: list[dict]) -> list[dict]:
    """A family's combined rows with each value in its declared column kind (strings as str, lists of str)."""
    kinds = dict(table.columns)
    return [
        {
            name: (
                [str(v) for v in row.get(name) or ()]
                if kinds[name] == "strings"
                else str(row.get(name))
                if kinds[name] == "string"
                else row.get(name)
            )
            for name in kinds
        }
        for row in rows
    ]


def arrow_table(rows: list[dict], schema):
    """Rows as an Arrow table of `schema` (a column a row lacks is null)."""
    import pyarrow as pa

    return pa.Table.from_pylist([{name: row.get(name) for name in schema.names} for row in rows], schema=schema)
