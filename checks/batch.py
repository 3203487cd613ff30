"""Batch scoring of archives on Dask: `python -m checks batch INPUT... --out DIR`.

Inputs are folders (recursive), .zip and .tar(.gz/.bz2/.xz) archives (nested ones too), and CSV, Parquet or JSONL
tables with a text column (`--text-column`, optional `--id-column`). In folders and archives the documents are the
.txt, .md, .html and .docx files, or those matching the `--include` globs (on the relative path or the file name).
See checks/archives.py for the house-style [limits].

The driver only lists documents and splits them into partitions of references; each Dask worker reads its
partition's bytes itself, checks every document with the same pipeline as `python -m checks check`
(`score_document`), and sends back three small tables. The driver writes them as one set of Parquet files per
finished partition (DIR/parts/, atomically), so memory stays flat however large the archive, and a run that is
killed or cancelled continues from the finished partitions when the same command is run again.

Outputs in DIR:
  documents.parquet  one row per document: document_id, source, input, encoding, characters, words, sentences,
                     metric_<key> for every document metric the pipeline reports (readability ...), flags,
                     flags_<category>, flags_<severity>, score, status, error (set when it could not be checked)
  issues.parquet     one row per flag: document_id, category, rule, start, end, text, message, suggestions,
                     severity, confidence (all exactly as `check --format json` gives them), sentence and
                     sentence_start (the sentence around the flag and its offset in the document)
  names.parquet      archive-wide clusters of name spellings (checks.names.archive_clusters); each family with an
                     archive table (checks.registry.ArchiveTable) writes one such table
  *.csv              the same tables as CSV with --csv (suggestions joined with " | ")
  manifest.json      what the run was (inputs, options, house style) and the partitions, for resuming

Quality score (0-100, higher is cleaner), from the document's flags:
    penalty = sum over flags of weight(severity) * confidence, weights error 3, warning 1, info 0.2
    density = penalty * 1000 / max(words, 100)          (penalty points per 1,000 words; short texts count as 100)
    score   = 100 * 0.5 ** (density / 10)                (rounded to 0.1)
so 10 warning points per 1,000 words halve the score, 20 quarter it; a document with no flags scores 100.
Documents that could not be checked have no score.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import threading
import time
import uuid
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from checks.archives import Item, Limits, Partition, Prefetcher, plan, read_partition
from checks.config import Config
from checks.flags import CATEGORIES, SEVERITIES
from checks.registry import ArchiveTable

log = logging.getLogger(__name__)

MANIFEST_VERSION = 2  # 2: archive tables collect (document_id, key, count) parts
SEVERITY_WEIGHT = {"error": 3.0, "warning": 1.0, "info": 0.2}
HALF_SCORE_DENSITY = 10.0  # penalty points per 1,000 words that halve the score
MIN_SCORE_WORDS = 100
TOP_RULES = 10
# A short text of our own that the driver checks once to learn which document metrics the pipeline reports,
# so that every partition's documents table has the same columns.
_PROBE_TEXT = (
    "The city council met on Tuesday to discuss the new budget. Members agreed to spend more on schools, "
    "but they postponed a decision about the bridge until the spring.\n\nThe mayor said she was pleased."
)


class BatchError(Exception):
    """A batch run that cannot start or finish; the message says why and what to do."""


@dataclass
class BatchSummary:
    documents: int
    words: int
    errors: int
    seconds: float
    words_per_second: float  # words checked in this run / seconds of this run
    top_rules: list[tuple[str, int]]
    out_dir: str
    flags: int = 0
    partitions: int = 0
    resumed_partitions: int = 0  # partitions found finished from an earlier run
    cancelled: bool = False  # stopped by `cancel`; run again to continue
    workers: int = 0
    peak_worker_memory_mb: float = 0.0  # largest resident set of any worker process during this run
    documents_per_second: float = 0.0
    table_status: dict[str, str] = field(default_factory=dict)  # archive table -> what became of it
    worker_memory_mb: dict = field(default_factory=dict)  # worker -> peak resident set (MB)
    worker_cpu_seconds: float = 0.0  # CPU time the workers spent on this run's partitions (reading and checking)

    def lines(self) -> list[str]:
        state = "cancelled (run the same command again to continue)" if self.cancelled else "done"
        out = [
            f"copydesk batch {state}: {self.documents:,} documents, {self.words:,} words, {self.errors:,} errors, "
            f"{self.flags:,} flags",
            f"  {self.seconds:.1f} s, {self.documents_per_second:,.1f} documents/s, {self.words_per_second:,.0f} "
            f"words/s, {self.workers} workers, peak memory per worker {self.peak_worker_memory_mb:,.0f} MB"
            + (f", {self.resumed_partitions} of {self.partitions} partitions resumed" if self.resumed_partitions
               else ""),
        ]
        if self.top_rules:
            out.append("  top rules: " + ", ".join(f"{rule} ({count:,})" for rule, count in self.top_rules))
        for table, status in self.table_status.items():
            out.append(f"  {table}: {status}")
        out.append(f"  results in {self.out_dir}")
        return out


# ------------------------------------------------------------------------------------------- one document

def quality_score(flags, words: int) -> float:
    """The documented 0-100 score (module docstring): halves for every 10 weighted flags per 1,000 words."""
    penalty = sum(SEVERITY_WEIGHT[f.severity] * f.confidence for f in flags)
    density = penalty * 1000.0 / max(words, MIN_SCORE_WORDS)
    return round(100.0 * 0.5 ** (density / HALF_SCORE_DENSITY), 1)


def _metric_kind(value) -> str:
    if isinstance(value, (bool, int, float)):
        return "float"
    return "string" if isinstance(value, str) else "json"


def metric_spec(config: Config) -> tuple[tuple[str, str], ...]:
    """(metric key, column kind) for every metric the pipeline reports on a probe text, sorted by key."""
    from checks.pipeline import check_text

    metrics = check_text(_PROBE_TEXT, "<probe>", config).metrics
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
    return doc.text[start:flag.end + 80], start


def _error_row(doc_id: str, source: str, error: str) -> dict:
    return {"document_id": doc_id, "source": source, "error": error}


def score_document(doc_id: str, source: str, text: str, config: Config
                   ) -> tuple[dict, list[dict], dict[str, dict[str, int]]]:
    """Check one document exactly as `python -m checks check` does and return its row, its flags' rows and what
    each archive table collects from it. The row has `metric_<key>` for each metric reported; flags are `Flag.to_dict()` plus the
    document id and the sentence around them."""
    from checks.document import Document
    from checks.pipeline import check_document

    doc = Document(text, source)
    report = check_document(doc, config)  # == check_text(text, source, config), keeping `doc` for the tables
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
        "status": json.dumps(report.status, ensure_ascii=False, sort_keys=True, default=str) if report.status
        else None,
        "error": None,
    }
    issues = []
    for flag in report.issues:
        sentence, sentence_start = _context(doc, flag)
        issues.append({"document_id": doc_id, **flag.to_dict(), "sentence": sentence,
                       "sentence_start": sentence_start})
    return row, issues, _collect(doc, config)


# ------------------------------------------------------------------------------------------- tables

def _documents_schema(spec):
    import pyarrow as pa

    kinds = {"float": pa.float64(), "string": pa.string(), "json": pa.string()}
    columns = [("document_id", pa.string()), ("source", pa.string()), ("input", pa.string()),
               ("encoding", pa.string()), ("characters", pa.int64()), ("words", pa.int64()),
               ("sentences", pa.int64())]
    columns += [(f"metric_{k}", kinds[kind]) for k, kind in spec]
    columns += [("flags", pa.int64())] + [(f"flags_{c}", pa.int64()) for c in CATEGORIES]
    columns += [(f"flags_{s}", pa.int64()) for s in SEVERITIES]
    columns += [("score", pa.float64()), ("status", pa.string()), ("error", pa.string())]
    return pa.schema(columns)


def _issues_schema():
    import pyarrow as pa

    return pa.schema([("document_id", pa.string()), ("category", pa.string()), ("rule", pa.string()),
                      ("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()), ("message", pa.string()),
                      ("suggestions", pa.list_(pa.string())), ("severity", pa.string()),
                      ("confidence", pa.float64()), ("sentence", pa.string()), ("sentence_start", pa.int64())])


def _collected_schema():
    import pyarrow as pa

    return pa.schema([("document_id", pa.string()), ("key", pa.string()), ("count", pa.int64())])


def _archive_schema(table: ArchiveTable):
    import pyarrow as pa

    kinds = {"string": pa.string(), "int": pa.int64(), "strings": pa.list_(pa.string())}
    return pa.schema([(name, kinds[kind]) for name, kind in table.columns])


def _table(rows: list[dict], schema):
    import pyarrow as pa

    return pa.Table.from_pylist([{name: row.get(name) for name in schema.names} for row in rows], schema=schema)


def _score_item(item: Item, partition: Partition, config: Config, spec) -> tuple[dict, list[dict], dict]:
    if item.error is not None:
        row, issues, collected = _error_row(item.doc_id, item.source, item.error), [], {}
    else:
        try:
            row, issues, collected = score_document(item.doc_id, item.source, item.text, config)
        except Exception as exc:  # one document that breaks the pipeline becomes an error row
            log.exception("checking %s failed", item.source)
            row, issues, collected = _error_row(item.doc_id, item.source, f"{item.source}: check failed "
                                                f"({type(exc).__name__}: {exc})"), [], {}
    row["input"] = partition.input
    row["encoding"] = item.encoding or None
    for key, kind in spec:
        row[f"metric_{key}"] = _metric_value(row.get(f"metric_{key}"), kind)
    return row, issues, collected


def score_partition(partition: Partition, config: Config, limits: Limits, spec) -> dict:
    """What a worker does with one partition: read, check and tabulate its documents (runs in the worker)."""
    import resource

    started, cpu_started = time.perf_counter(), time.process_time()
    documents: list[dict] = []
    issues: list[dict] = []
    collected: dict[str, list[dict]] = {table.name: [] for table in archive_tables(config)}
    for item in read_partition(partition, limits):
        row, flag_rows, found = _score_item(item, partition, config, spec)
        documents.append(row)
        issues.extend(flag_rows)
        for name, pairs in found.items():
            collected[name].extend({"document_id": item.doc_id, "key": k, "count": c} for k, c in pairs.items())
    try:
        from distributed import get_worker

        worker = get_worker().address
    except (ImportError, ValueError):
        worker = f"pid {os.getpid()}"
    return {
        "index": partition.index,
        "documents": _table(documents, _documents_schema(spec)),
        "issues": _table(issues, _issues_schema()),
        "collected": {name: _table(rows, _collected_schema()) for name, rows in collected.items()},
        "worker": worker,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu_started,
    }


# ------------------------------------------------------------------------------------------- the run



def _part_path(out_dir: str, index: int, kind: str) -> str:
    return os.path.join(out_dir, "parts", f"{index:07d}.{kind}.parquet")


def _write_atomic_table(table, path: str) -> None:
    import pyarrow.parquet as pq

    tmp = f"{path}.{uuid.uuid4().hex}.tmp"
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def _part_kinds(config: Config) -> list[str]:
    """The files of one finished partition: documents last, since its presence marks the partition finished."""
    return ["issues", *(table.name for table in archive_tables(config)), "documents"]


def _write_part(out_dir: str, result: dict, config: Config) -> None:
    tables = {"issues": result["issues"], "documents": result["documents"], **result["collected"]}
    for kind in _part_kinds(config):
        _write_atomic_table(tables[kind], _part_path(out_dir, result["index"], kind))


def _finished(out_dir: str, index: int, config: Config) -> bool:
    return all(os.path.exists(_part_path(out_dir, index, kind)) for kind in _part_kinds(config))


def _identity(inputs, partitions, config: Config, spec, options: dict) -> dict[str, str]:
    """Digests of everything that decides the results: the inputs (files' size and time), the partition plan,
    the options, the house style and the metric columns. Same command on the same data: same digests."""

    def digest(*parts) -> str:
        h = hashlib.sha256()
        for part in parts:
            h.update(part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str).encode())
        return h.hexdigest()[:32]

    files = []
    for given in inputs:
        path = os.path.abspath(given)
        stat = os.stat(path)
        files.append([path, None if os.path.isdir(path) else [stat.st_size, stat.st_mtime_ns]])
    return {
        "inputs": digest(files),
        "plan": digest(*(repr(p).encode() for p in partitions)),
        "options": digest(options),
        "house style": digest(config.data, config.offline),
        "metric columns": digest(list(spec)),
    }


def _prepare_out_dir(out_dir: str, identity: dict, manifest: dict) -> None:
    path = os.path.join(out_dir, "manifest.json")
    if os.path.exists(path):
        try:
            with open(path, encoding="utf-8") as handle:
                previous = json.load(handle)
        except (OSError, ValueError) as exc:
            raise BatchError(f"{path}: unreadable manifest ({exc}); delete {out_dir} or choose another --out") from exc
        changed = [k for k, v in identity.items() if (previous.get("identity") or {}).get(k) != v]
        if changed or previous.get("version") != MANIFEST_VERSION:
            raise BatchError(f"{out_dir} holds the results of a different run ({', '.join(changed) or 'version'} "
                             "changed); choose another --out or delete it")
    os.makedirs(os.path.join(out_dir, "parts"), exist_ok=True)
    for name in os.listdir(os.path.join(out_dir, "parts")):
        if name.endswith(".tmp"):  # left by a run killed while writing
            os.remove(os.path.join(out_dir, "parts", name))
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, ensure_ascii=False, indent=1, default=str)
    os.replace(tmp, path)


def _start_client(workers: int | None, scheduler: str | None):
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler, timeout="30s"), None
    with warnings.catch_warnings():  # the scheduler's health endpoint moves off a busy port 8787 by itself
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        cluster = LocalCluster(n_workers=workers or _cpu_count(), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster), cluster


def _run_partitions(client, pending, config, limits, spec, out_dir, on_done, cancel) -> tuple[bool, dict]:
    """Score partitions on the cluster with a bounded number in flight; write each as it finishes."""
    with Prefetcher(limits) as prefetch:
        return _run_window(client, pending, config, limits, spec, out_dir, on_done, cancel, prefetch)


def _run_window(client, pending, config, limits, spec, out_dir, on_done, cancel, prefetch) -> tuple[bool, dict]:
    from distributed import as_completed

    workers = max(1, len(client.scheduler_info().get("workers", {})))
    window = 2 * workers + 1
    queue = iter(pending)
    running = as_completed()
    in_flight: set = set()
    memory: dict[str, float] = {}

    def submit_next() -> bool:
        partition = next(queue, None)
        if partition is None:
            return False
        future = client.submit(score_partition, prefetch(partition), config, limits, spec,
                               key=f"copydesk-{partition.index}-{uuid.uuid4().hex}", retries=1, pure=False)
        in_flight.add(future)
        running.add(future)
        return True

    for _ in range(window):
        if not submit_next():
            break
    cancelled = False
    for future in running:
        in_flight.discard(future)
        try:
            result = future.result()
        except Exception as exc:  # a worker died twice on this partition (retries=1), or the cluster went away
            client.cancel(list(in_flight))
            raise BatchError(f"a partition failed ({type(exc).__name__}: {exc}); the finished partitions are kept, "
                             "run the same command again to retry") from exc
        _write_part(out_dir, result, config)
        memory[result["worker"]] = max(memory.get(result["worker"], 0.0), result["peak_mb"])
        on_done(result)
        del result, future
        if cancel is not None and cancel.is_set():
            cancelled = True
            break
        submit_next()
    if cancelled and in_flight:
        client.cancel(list(in_flight))
    return cancelled, memory


def _combine(out_dir: str, count: int, spec, write_csv: bool) -> dict:
    """Concatenate the parts in order into the final tables (one part in memory at a time)."""
    import pyarrow.parquet as pq

    stats = {"documents": 0, "words": 0, "errors": 0, "rules": Counter()}
    schemas = {"documents": _documents_schema(spec), "issues": _issues_schema()}
    for kind, schema in schemas.items():
        target = os.path.join(out_dir, f"{kind}.parquet")
        tmp = f"{target}.{uuid.uuid4().hex}.tmp"
        with pq.ParquetWriter(tmp, schema) as writer:
            for index in range(count):
                table = pq.read_table(_part_path(out_dir, index, kind), schema=schema)
                writer.write_table(table)
                if kind == "documents":
                    stats["documents"] += table.num_rows
                    stats["words"] += sum(w or 0 for w in table.column("words").to_pylist())
                    stats["errors"] += table.num_rows - table.column("error").null_count
                else:
                    stats["rules"].update(table.column("rule").to_pylist())
        os.replace(tmp, target)
        if write_csv:
            _write_csv(target)
    return stats


class CollectedRows:
    """(document_id, key, count) of one archive table for every document, read part by part (flat memory,
    several passes)."""

    def __init__(self, out_dir: str, count: int, kind: str) -> None:
        self.out_dir, self.count, self.kind = out_dir, count, kind
        self._length: int | None = None

    def __iter__(self):
        import pyarrow.parquet as pq

        for index in range(self.count):
            table = pq.read_table(_part_path(self.out_dir, index, self.kind))
            yield from zip(*(table.column(c).to_pylist() for c in ("document_id", "key", "count")))

    def __len__(self) -> int:
        import pyarrow.parquet as pq

        if self._length is None:
            self._length = sum(pq.ParquetFile(_part_path(self.out_dir, i, self.kind)).metadata.num_rows
                               for i in range(self.count))
        return self._length


def _write_archive_table(table: ArchiveTable, out_dir: str, count: int, config: Config, write_csv: bool) -> str:
    status = ""
    rows: list[dict] = []
    try:
        rows = list(table.combine(CollectedRows(out_dir, count, table.name), config))
    except Exception as exc:  # the documents and issues are still written
        log.exception("the %s table failed", table.name)
        status = f"failed: {type(exc).__name__}: {exc}"
    schema = _archive_schema(table)
    kinds = dict(table.columns)
    rows = [{name: ([str(v) for v in row.get(name) or ()] if kinds[name] == "strings" else
                    str(row.get(name)) if kinds[name] == "string" else row.get(name)) for name in schema.names}
            for row in rows]
    target = os.path.join(out_dir, f"{table.name}.parquet")
    _write_atomic_table(_table(rows, schema), target)
    if write_csv:
        _write_csv(target)
    return status or f"{len(rows):,} rows"


def _write_csv(parquet_path: str) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    target = parquet_path[: -len(".parquet")] + ".csv"
    tmp = f"{target}.tmp"
    parquet = pq.ParquetFile(parquet_path)
    with pacsv.CSVWriter(tmp, _csv_schema(parquet.schema_arrow)) as writer:
        for batch in parquet.iter_batches(batch_size=10_000):
            columns = []
            for name, column in zip(batch.schema.names, batch.columns):
                if pa.types.is_list(column.type):
                    column = pc.binary_join(column, " | ")
                columns.append(column)
            writer.write_batch(pa.RecordBatch.from_arrays(columns, names=batch.schema.names))
    os.replace(tmp, target)


def _csv_schema(schema):
    import pyarrow as pa

    return pa.schema([(f.name, pa.string() if pa.types.is_list(f.type) else f.type) for f in schema])


def _cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def score_archive(
    inputs: Iterable[str],
    out_dir: str,
    config: Config,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    text_column: str = "text",
    id_column: str | None = None,
    include: Iterable[str] | None = None,
    write_csv: bool = False,
    partition_size: int | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    cancel: threading.Event | None = None,
) -> BatchSummary:
    """Score every document of `inputs` into `out_dir` (see the module docstring for the outputs).

    workers: local Dask worker processes (default: one per core); scheduler: address of an existing Dask
    scheduler instead. progress(done, total) is called on the calling thread after each partition. When `cancel`
    is set the run stops after the partition in hand and returns with `cancelled=True`; running it again with the
    same arguments continues. Raises ArchiveRefused (an unsafe or over-limit input; nothing is written) or
    BatchError (out_dir holds another run, or partitions keep failing).
    """
    started = time.perf_counter()
    inputs = list(inputs)
    include = list(include) if include else None
    if not inputs:
        raise BatchError("no inputs given")
    limits = Limits.from_config(config)
    partitions = plan(inputs, limits, partition_size=partition_size, include=include, text_column=text_column,
                      id_column=id_column)
    options = {"text_column": text_column, "id_column": id_column, "include": include,
               "partition_size": partition_size}
    total = sum(p.size for p in partitions)
    out_dir = os.path.abspath(out_dir)
    checked_words = checked_documents = 0
    cpu_seconds = 0.0
    cancelled, memory, worker_count = False, {}, 0
    client, cluster = _start_client(workers, scheduler)
    try:
        worker_count = len(client.scheduler_info().get("workers", {}))
        # Learned on a worker, so the driver never loads the checks' resources.
        try:
            spec = client.submit(metric_spec, config, pure=False).result()
        except Exception as exc:  # e.g. a remote cluster whose workers do not have Copydesk installed
            raise BatchError(f"the Dask workers cannot run the checks ({type(exc).__name__}: {exc}); install "
                             "Copydesk and its requirements on every worker") from exc
        identity = _identity(inputs, partitions, config, spec, options)
        manifest = {"version": MANIFEST_VERSION, "identity": identity,
                    "inputs": [os.path.abspath(i) for i in inputs], "options": options,
                    "partitions": len(partitions), "documents": total, "metric_columns": [list(m) for m in spec],
                    "house_style": str(config.path) if config.path else None}
        _prepare_out_dir(out_dir, identity, manifest)
        pending = [p for p in partitions if not _finished(out_dir, p.index, config)]
        done = total - sum(p.size for p in pending)
        if progress is not None:
            progress(done, total)

        def on_done(result: dict) -> None:
            nonlocal done, checked_words, checked_documents, cpu_seconds
            cpu_seconds += result["cpu_seconds"]
            done += result["documents"].num_rows
            checked_documents += result["documents"].num_rows
            checked_words += sum(w or 0 for w in result["documents"].column("words").to_pylist())
            if progress is not None:
                progress(done, total)

        if pending and cancel is not None and cancel.is_set():
            cancelled = True
        elif pending:
            cancelled, memory = _run_partitions(client, pending, config, limits, spec, out_dir, on_done, cancel)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    stats = {"documents": done, "words": 0, "errors": 0, "rules": Counter()}
    table_status = {}
    if not cancelled:
        stats = _combine(out_dir, len(partitions), spec, write_csv)
        table_status = {table.name: _write_archive_table(table, out_dir, len(partitions), config, write_csv)
                        for table in archive_tables(config)}
    seconds = time.perf_counter() - started
    return BatchSummary(
        documents=stats["documents"],
        words=stats["words"],
        errors=stats["errors"],
        seconds=seconds,
        words_per_second=checked_words / seconds if seconds > 0 else 0.0,
        top_rules=stats["rules"].most_common(TOP_RULES),
        out_dir=out_dir,
        flags=sum(stats["rules"].values()),
        partitions=len(partitions),
        resumed_partitions=len(partitions) - len(pending),
        cancelled=cancelled,
        workers=worker_count,
        peak_worker_memory_mb=max(memory.values(), default=0.0),
        documents_per_second=checked_documents / seconds if seconds > 0 else 0.0,
        table_status=table_status,
        worker_memory_mb=memory,
        worker_cpu_seconds=cpu_seconds,
    )


# ------------------------------------------------------------------------------------------- command line

class TerminalProgress:
    """A progress bar on stderr with documents/s and time left: tqdm when installed, else one updating line."""

    def __init__(self) -> None:
        self._bar = None
        self._started = time.perf_counter()
        self._first: int | None = None
        self._last_print = 0.0
        try:
            from tqdm import tqdm

            self._tqdm = tqdm
        except ImportError:
            self._tqdm = None

    def __call__(self, done: int, total: int | None) -> None:
        if self._tqdm is not None:
            if self._bar is None:
                self._bar = self._tqdm(total=total, initial=done, unit="doc", file=sys.stderr, dynamic_ncols=True,
                                       smoothing=0.1)
            self._bar.update(done - self._bar.n)
            return
        if self._first is None:
            self._first = done
        now = time.perf_counter()
        if now - self._last_print < 0.5 and done != total:
            return
        self._last_print = now
        rate = (done - self._first) / max(now - self._started, 1e-9)
        left = f", {((total - done) / rate):,.0f} s left" if total and rate > 0 else ""
        sys.stderr.write(f"\r{done:,}/{total if total is not None else '?'} documents, {rate:,.1f} documents/s"
                         f"{left}   ")
        sys.stderr.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self._first is not None:
            sys.stderr.write("\n")


def main(args) -> int:
    """`python -m checks batch`: 0 when the run finished (documents that could not be read are counted as errors
    in the summary and in documents.parquet), 2 when it could not run, 130 when interrupted (resumable)."""
    from checks.config import load_config
    from checks.inputs import InputError

    config = load_config(args.config, offline=args.offline)
    progress = None if args.no_progress else TerminalProgress()
    try:
        summary = score_archive(args.inputs, args.out, config, workers=args.workers, scheduler=args.scheduler,
                                text_column=args.text_column, id_column=args.id_column, include=args.include,
                                write_csv=args.csv, partition_size=args.partition_size, progress=progress)
    except (InputError, BatchError) as exc:  # InputError includes ArchiveRefused
        print(f"copydesk: {exc}", file=sys.stderr)
        return 2
    finally:
        if progress is not None:
            progress.close()
    for line in summary.lines():
        print(line)
    return 0
