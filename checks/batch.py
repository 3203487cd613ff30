"""Batch scoring of archives on Dask: `python -m checks batch INPUT... --out DIR`.

Inputs are folders (recursive), .zip and .tar(.gz/.bz2/.xz) archives (nested ones too), and CSV, Parquet or JSONL
tables with a text column (`--text-column`, optional `--id-column`). In folders and archives the documents are the
.txt, .md, .html and .docx files, or those matching the `--include` globs (on the relative path or the file name).
See checks/archives.py for the house-style [limits].

The driver only lists documents and splits them into partitions of references; each Dask worker reads its
partition's bytes itself, checks every document with the same pipeline as `python -m checks check`
(checks.scoring.score_document), and sends back three small tables. The driver writes them as one set of Parquet
files per finished partition (DIR/parts/, atomically), so memory stays flat however large the archive, and a run
that is killed or cancelled continues from the finished partitions when the same command is run again. A resumed
run identifies documents by content as well as by path: a finished partition of a folder whose files' SHA-256 no
longer match the ones it scored is scored again (archives and tables are identified by their size and time).
Every document read is a row, an error row when it could not be read: a partition whose reading fails part way
gives error rows for the documents it had not reached, and the run goes on. A document whose check runs past the
house style's `[limits] max_check_seconds` is an error row naming the slow stage (checks.pipeline stops at the
next stage boundary: a running stage cannot be interrupted), and the worker goes on with the next document.

Outputs in DIR (the columns and the quality score are documented in checks/scoring.py):
  documents.parquet  one row per document: its size, metrics, flag counts, quality score, status and error. The
                     score is 0-100 (100: no costly flag; below 50 reads like raw machine translation), from flags
                     weighted by severity, category (mistranslation and names 5x) and confidence per 1,000 words;
                     checks/scoring.py gives the formula, and checks.scoring.score_breakdown(flags, words) what
                     each category and rule cost a document (the points sum to 100 minus its score). 100 means
                     no check found a costly fault, not that a translation is faithful: a fluent translation whose
                     errors are of meaning can score like edited copy
  issues.parquet     one row per flag, exactly as `check --format json` gives them, with the sentence around it
  names.parquet      archive-wide clusters of name spellings (checks.names.archive_clusters); each family with an
                     archive table (checks.registry.ArchiveTable) writes one such table
  *.csv              the same tables as CSV with --csv (suggestions joined with " | ")
  manifest.json      what the run was (inputs, options, house style) and the partitions, for resuming
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import re
import threading
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from checks.archives import (
    Item,
    Limits,
    Partition,
    Prefetcher,
    file_members,
    partition_sources,
    plan,
    read_partition,
)
from checks.config import Config
from checks.formats import plural
from checks.inputs import InputError, read_file_bytes
from checks.lm import ENV_THREADS
from checks.registry import ArchiveTable
from checks.scoring import (
    archive_rows,
    archive_schema,
    archive_tables,
    arrow_table,
    collected_schema,
    documents_schema,
    issues_schema,
    metric_spec,
    score_item,
)

# Re-exported (the `x as x` form): callers import these from checks.batch too.
from checks.scoring import quality_score as quality_score
from checks.scoring import score_document as score_document

log = logging.getLogger(__name__)

MANIFEST_VERSION = 3  # 2: archive tables collect (document_id, key, count) parts; 3: documents' content_sha256
TOP_RULES = 10


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
            f"words/s, {plural(self.workers, 'worker')}, peak memory per worker {self.peak_worker_memory_mb:,.0f} MB"
            + (
                f", {self.resumed_partitions} of {self.partitions} partitions resumed"
                if self.resumed_partitions
                else ""
            ),
        ]
        if self.top_rules:
            out.append("  top rules: " + ", ".join(f"{rule} ({count:,})" for rule, count in self.top_rules))
        for table, status in self.table_status.items():
            out.append(f"  {table}: {status}")
        out.append(f"  results in {self.out_dir}")
        return out


# ------------------------------------------------------------------------------------------- one partition


def score_partition(
    partition: Partition, config: Config, limits: Limits, spec, shown: str | None = None, topic: str | None = None
) -> dict:
    """What a worker does with one partition: read, check and tabulate its documents (runs in the worker).

    shown: the name its input is shown by in document ids, sources and messages, instead of the path it was read
    from (e.g. an uploaded file's own name for the server's copy of it). topic: a Dask event topic on which the
    number of documents scored so far is published after each one, so the driver can show progress per document."""
    import resource

    started, cpu_started = time.perf_counter(), time.process_time()
    documents: list[dict] = []
    issues: list[dict] = []
    collected: dict[str, list[dict]] = {table.name: [] for table in archive_tables(config)}
    publish = _publisher(topic, partition.index)
    for item in _guarded_items(partition, limits):
        item = _renamed(item, partition.input, shown)
        row, flag_rows, found = score_item(item, shown or partition.input, config, spec)
        documents.append(row)
        issues.extend(flag_rows)
        for name, pairs in found.items():
            collected[name].extend({"document_id": item.doc_id, "key": k, "count": c} for k, c in pairs.items())
        publish(len(documents))
    try:
        from distributed import get_worker

        worker = get_worker().address
    except (ImportError, ValueError):
        worker = f"pid {os.getpid()}"
    return {
        "index": partition.index,
        "documents": arrow_table(documents, documents_schema(spec)),
        "issues": arrow_table(issues, issues_schema()),
        "collected": {name: arrow_table(rows, collected_schema()) for name, rows in collected.items()},
        "worker": worker,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu_started,
    }


def _renamed(item: Item, given: str, shown: str | None) -> Item:
    """The item with the path its input was read from replaced by the name the user knows it by."""
    if not shown or shown == given:
        return item

    def rename(value: str | None) -> str | None:
        if value is None:
            return None
        return shown + value[len(given) :] if value.startswith(given) else value.replace(given, shown)

    return dataclasses.replace(
        item, doc_id=rename(item.doc_id) or "", source=rename(item.source) or "", error=rename(item.error)
    )


def _publisher(topic: str | None, index: int) -> Callable[[int], None]:
    """Publish a partition's count of scored documents on a Dask event topic (nothing outside a Dask worker)."""
    if topic is None:
        return lambda done: None
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        return lambda done: None
    return lambda done: worker.log_event(topic, {"index": index, "done": done})


def _guarded_items(partition: Partition, limits: Limits):
    """The partition's documents; if reading fails part way, an error row for each document not reached, so one
    bad input never takes the rest of its partition (or the run) with it."""
    items = read_partition(partition, limits)
    read = 0
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except Exception as exc:
            log.exception("reading partition %s of %s failed", partition.index, partition.input)
            for source in partition_sources(partition)[read:]:
                yield Item(source, source, error=f"{source}: not read: {type(exc).__name__}: {exc}")
            return
        read += 1
        yield item


# ------------------------------------------------------------------------------------------- the run


def _part_path(out_dir: str, index: int, kind: str) -> str:
    return os.path.join(out_dir, "parts", f"{index:07d}.{kind}.parquet")


def _scratch(path: str) -> str:
    """Where a file of the run is written before it is moved into place: under DIR/parts/, so that a run killed
    while writing leaves nothing among the results (the next run removes it)."""
    folder = os.path.dirname(path)
    if os.path.basename(folder) != "parts":
        folder = os.path.join(folder, "parts")
    return os.path.join(folder, f"{os.path.basename(path)}.{uuid.uuid4().hex}.tmp")


def _write_atomic_table(table, path: str) -> None:
    import pyarrow.parquet as pq

    tmp = _scratch(path)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


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


def _stale(out_dir: str, partition: Partition, limits: Limits) -> bool:
    """Whether a finished partition of files was scored on other contents than the files hold now (SHA-256 of the
    bytes, as the worker read them; None for a file that could not be read, then and now)."""
    import pyarrow.parquet as pq

    if partition.kind != "files":
        return False  # archives and tables: their file's size and time are part of the run's identity
    try:
        table = pq.read_table(_part_path(out_dir, partition.index, "documents"), columns=["content_sha256"])
    except Exception:  # unreadable or from another version: score it again
        return True
    current: list[str | None] = []
    for _, source, path in file_members(partition):
        try:
            data = read_file_bytes(path, source, limits.max_member_bytes)
        except InputError:
            current.append(None)
            continue
        current.append(hashlib.sha256(data).hexdigest())
    return table.column("content_sha256").to_pylist() != current


def _remove_leftovers(out_dir: str, config: Config) -> None:
    """Temporary files of a run killed while it wrote: in DIR/parts/, and in DIR itself from earlier versions."""
    tables = "|".join(re.escape(name) for name in ["documents", "issues", *(t.name for t in archive_tables(config))])
    final = re.compile(rf"(?:{tables})\.(?:parquet\.[0-9a-f]{{32}}|csv)\.tmp|manifest\.json\.tmp")
    for folder, pattern in ((out_dir, final), (os.path.join(out_dir, "parts"), None)):
        for name in os.listdir(folder) if os.path.isdir(folder) else ():
            if name.endswith(".tmp") and (pattern is None or pattern.fullmatch(name)):
                os.remove(os.path.join(folder, name))


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
            raise BatchError(
                f"{out_dir} holds the results of a different run ({', '.join(changed) or 'version'} "
                "changed); choose another --out or delete it"
            )
    os.makedirs(os.path.join(out_dir, "parts"), exist_ok=True)
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
        count = workers or _cpu_count()
        cluster = LocalCluster(
            n_workers=count,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
            # the cores shared out, so the workers' model judges do not fight over them (checks.lm.threads)
            env={ENV_THREADS: str(max(1, _cpu_count() // count))},
        )
    return Client(cluster), cluster


def _run_partitions(client, pending, config, limits, spec, out_dir, on_done, cancel, extra) -> tuple[bool, dict]:
    """Score partitions on the cluster with a bounded number in flight; write each as it finishes. extra(partition):
    the keyword arguments of score_partition beyond the partition, house style, limits and metric columns."""
    with Prefetcher(limits) as prefetch:
        return _run_window(client, pending, config, limits, spec, out_dir, on_done, cancel, prefetch, extra)


def _run_window(client, pending, config, limits, spec, out_dir, on_done, cancel, prefetch, extra) -> tuple[bool, dict]:
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
        future = client.submit(
            score_partition,
            prefetch(partition),
            config,
            limits,
            spec,
            **extra(partition),
            key=f"copydesk-{partition.index}-{uuid.uuid4().hex}",
            retries=1,
            pure=False,
        )
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
            raise BatchError(
                f"a partition failed ({type(exc).__name__}: {exc}); the finished partitions are kept, "
                "run the same command again to retry"
            ) from exc
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


@dataclass
class _Totals:
    """What the final tables hold, for the summary."""

    documents: int = 0
    words: int = 0
    errors: int = 0
    rules: Counter[str] = field(default_factory=Counter)


def _combine(out_dir: str, count: int, spec, write_csv: bool) -> _Totals:
    """Concatenate the parts in order into the final tables (one part in memory at a time)."""
    import pyarrow.parquet as pq

    stats = _Totals()
    schemas = {"documents": documents_schema(spec), "issues": issues_schema()}
    for kind, schema in schemas.items():
        target = os.path.join(out_dir, f"{kind}.parquet")
        tmp = _scratch(target)
        try:
            with pq.ParquetWriter(tmp, schema) as writer:
                for index in range(count):
                    table = pq.read_table(_part_path(out_dir, index, kind), schema=schema)
                    writer.write_table(table)
                    if kind == "documents":
                        stats.documents += table.num_rows
                        stats.words += sum(w or 0 for w in table.column("words").to_pylist())
                        stats.errors += table.num_rows - table.column("error").null_count
                    else:
                        stats.rules.update(table.column("rule").to_pylist())
            os.replace(tmp, target)
        finally:  # interrupted: no temporary file left behind (a kill leaves one that the next run removes)
            if os.path.exists(tmp):
                os.remove(tmp)
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
            yield from zip(*(table.column(c).to_pylist() for c in ("document_id", "key", "count")), strict=True)

    def __len__(self) -> int:
        import pyarrow.parquet as pq

        if self._length is None:
            self._length = sum(
                pq.ParquetFile(_part_path(self.out_dir, i, self.kind)).metadata.num_rows for i in range(self.count)
            )
        return self._length


def _write_archive_table(table: ArchiveTable, out_dir: str, count: int, config: Config, write_csv: bool) -> str:
    status = ""
    rows: list[dict] = []
    try:
        rows = list(table.combine(CollectedRows(out_dir, count, table.name), config))
    except Exception as exc:  # the documents and issues are still written
        log.exception("the %s table failed", table.name)
        status = f"failed: {type(exc).__name__}: {exc}"
    target = os.path.join(out_dir, f"{table.name}.parquet")
    _write_atomic_table(arrow_table(archive_rows(table, rows), archive_schema(table)), target)
    if write_csv:
        _write_csv(target)
    return status or f"{len(rows):,} rows"


def _write_csv(parquet_path: str) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    target = parquet_path[: -len(".parquet")] + ".csv"
    tmp = _scratch(target)
    parquet = pq.ParquetFile(parquet_path)
    with pacsv.CSVWriter(tmp, _csv_schema(parquet.schema_arrow)) as writer:
        for batch in parquet.iter_batches(batch_size=10_000):
            columns = []
            for column in batch.columns:
                if pa.types.is_list(column.type):
                    column = pc.binary_join(column, " | ")
                columns.append(column)
            writer.write_batch(pa.RecordBatch.from_arrays(columns, names=batch.schema.names))
    os.replace(tmp, target)


def _csv_schema(schema):
    import pyarrow as pa

    return pa.schema([(f.name, pa.string() if pa.types.is_list(f.type) else f.type) for f in schema])


class _Progress:
    """Documents scored so far, reported through the caller's progress(done, total): the finished partitions'
    documents plus those the workers have scored in the partitions in hand (published per document on a Dask
    event topic, received on the client's thread). Never goes backwards (a retried partition counts again from 0)."""

    def __init__(self, report: Callable[[int, int | None], None] | None, total: int) -> None:
        self.report, self.total = report, total
        self.done = 0  # documents of finished partitions
        self.in_hand: dict[int, int] = {}  # partition index -> documents scored so far
        self.finished: set[int] = set()
        self.shown = -1
        self.lock = threading.Lock()

    def _send(self) -> None:
        count = min(self.total, self.done + sum(self.in_hand.values()))
        if self.report is not None and count > self.shown:
            self.shown = count
            self.report(count, self.total)

    def start(self, done: int) -> None:
        with self.lock:
            self.done = done
            self.shown = -1  # the first figure is always reported, even 0
            self._send()

    def partition_done(self, index: int, documents: int) -> None:
        with self.lock:
            self.in_hand.pop(index, None)
            self.finished.add(index)
            self.done += documents
            self._send()

    def document_done(self, event) -> None:
        """A Dask event handler: event = (time, {"index": partition, "done": documents so far})."""
        message = event[1]
        with self.lock:
            index = message["index"]
            if index in self.finished:  # an event that arrived after its partition's result
                return
            self.in_hand[index] = max(self.in_hand.get(index, 0), int(message["done"]))
            self._send()


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
    names: dict[str, str] | None = None,
) -> BatchSummary:
    """Score every document of `inputs` into `out_dir` (see the module docstring for the outputs).

    workers: local Dask worker processes (default: one per core); scheduler: address of an existing Dask
    scheduler instead. progress(done, total) is called as soon as the documents are counted (done = 0), once the
    finished partitions of an earlier run are known, and as each document is scored (from the Dask client's thread;
    calls never overlap and `done` never goes backwards). names: {input as given: the name to show} for document
    ids, sources and messages, e.g. an uploaded file's own name for the server's copy of it. When `cancel`
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
    partitions = plan(
        inputs, limits, partition_size=partition_size, include=include, text_column=text_column, id_column=id_column
    )
    options: dict = {
        "text_column": text_column,
        "id_column": id_column,
        "include": include,
        "partition_size": partition_size,
    }
    names = {given: shown for given, shown in (names or {}).items() if given in inputs and shown and shown != given}
    if names:  # they are in the results, so they are part of the run's identity (absent: as before)
        options["names"] = names
    total = sum(p.size for p in partitions)
    counter = _Progress(progress, total)
    counter.start(0)  # the count is known before the cluster starts
    out_dir = os.path.abspath(out_dir)
    checked_words = checked_documents = 0
    cpu_seconds = 0.0
    cancelled, worker_count = False, 0
    memory: dict[str, float] = {}
    topic, subscribed = f"copydesk-progress-{uuid.uuid4().hex}", False  # per-document progress events
    client, cluster = _start_client(workers, scheduler)
    try:
        worker_count = len(client.scheduler_info().get("workers", {}))
        # Learned on a worker, so the driver never loads the checks' resources.
        try:
            spec = client.submit(metric_spec, config, pure=False).result()
        except Exception as exc:  # e.g. a remote cluster whose workers do not have Copydesk installed
            raise BatchError(
                f"the Dask workers cannot run the checks ({type(exc).__name__}: {exc}); install "
                "Copydesk and its requirements on every worker"
            ) from exc
        identity = _identity(inputs, partitions, config, spec, options)
        manifest = {
            "version": MANIFEST_VERSION,
            "identity": identity,
            "inputs": [os.path.abspath(i) for i in inputs],
            "options": options,
            "partitions": len(partitions),
            "documents": total,
            "metric_columns": [list(m) for m in spec],
            "house_style": str(config.path) if config.path else None,
        }
        _prepare_out_dir(out_dir, identity, manifest)
        _remove_leftovers(out_dir, config)
        pending = [p for p in partitions if not _finished(out_dir, p.index, config) or _stale(out_dir, p, limits)]
        done = total - sum(p.size for p in pending)
        if done:
            counter.start(done)

        def on_done(result: dict) -> None:
            nonlocal done, checked_words, checked_documents, cpu_seconds
            cpu_seconds += result["cpu_seconds"]
            done += result["documents"].num_rows
            checked_documents += result["documents"].num_rows
            checked_words += sum(w or 0 for w in result["documents"].column("words").to_pylist())
            counter.partition_done(result["index"], result["documents"].num_rows)

        def extra(partition: Partition) -> dict:
            return {"shown": names.get(partition.input), "topic": topic if progress is not None else None}

        if pending and cancel is not None and cancel.is_set():
            cancelled = True
        elif pending:
            if progress is not None:
                client.subscribe_topic(topic, counter.document_done)
                subscribed = True
            cancelled, memory = _run_partitions(client, pending, config, limits, spec, out_dir, on_done, cancel, extra)
    finally:
        if subscribed:
            with contextlib.suppress(Exception):  # a cluster that went away must not hide why the run stopped
                client.unsubscribe_topic(topic)
        client.close()
        if cluster is not None:
            cluster.close()

    stats = _Totals(documents=done)
    table_status = {}
    if not cancelled:
        stats = _combine(out_dir, len(partitions), spec, write_csv)
        table_status = {
            table.name: _write_archive_table(table, out_dir, len(partitions), config, write_csv)
            for table in archive_tables(config)
        }
    seconds = time.perf_counter() - started
    return BatchSummary(
        documents=stats.documents,
        words=stats.words,
        errors=stats.errors,
        seconds=seconds,
        words_per_second=checked_words / seconds if seconds > 0 else 0.0,
        top_rules=stats.rules.most_common(TOP_RULES),
        out_dir=out_dir,
        flags=sum(stats.rules.values()),
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
