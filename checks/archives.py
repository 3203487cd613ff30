"""Documents from folders, archives and tables, read in memory within limits (house style `[limits]`).

Batch scoring works in two steps so that no machine ever holds a whole archive:

1. `plan(inputs, limits, ...)` runs on the driver. It lists every input (folders recursively, .zip, .tar, .tar.gz,
   .tgz, .tar.bz2, .tar.xz, nested archives, .csv, .parquet, .jsonl), checks the limits and returns `Partition`s:
   small references (a file path and member names, or a table's row range with a byte offset), never text.
   Everything that makes a whole input unsafe (a zip bomb, members that share or overlap their compressed data, a
   member named `../x` or `/etc/x`, too many members, archives nested too deep, an input over the upload limit)
   raises `ArchiveRefused` here, before anything is written anywhere. An input archive that cannot be opened at all
   (damaged, not really a zip) or a path that is not a regular file (a FIFO, a device) is not a danger: it becomes
   one error row and the run goes on.
2. `read_partition(partition, limits)` runs in a worker. It yields one `Item` per document: its id, source and
   text, or an error (undecodable, too large, a broken member or row) so that one bad document never stops a run.
   A worker opens each archive once, however many of its partitions it reads.

Every member and every table row is accounted for exactly once: a document or an error row. Members of one archive
that share a name get distinct ids ("story.txt", then "story.txt (2)"), and so do table rows whose `--id-column`
values repeat (planning reads every row's id to know them). Table rows are split the way Python's csv
module reads them (a stray quote inside an unquoted field is text; lines may end in LF, CRLF or CR), one row at a
time, so a bad row is one error row and never takes the rows after it.

Archives are never extracted: members are read into memory with a size cap (a member that inflates past its
limit is an error, whatever its header claims), and member names are only ever strings in ids and messages, never
paths on this machine. `read_upload(data, name, limits)` does the same for an upload held in memory.

House-style keys (see samples/copydesk.toml):

    [limits]
    max_upload_bytes = 2_000_000_000    # largest input file or upload (archive, table or document)
    max_member_bytes = 20_000_000       # largest single document, inside an archive or not
    max_members = 1_000_000             # most members in one archive (nested archives count their own)
    max_nesting = 2                     # deepest archive-in-archive nesting (0: no nested archives)
    max_ratio = 200                     # largest inflation of one compressed member, or of a whole archive
    max_archive_bytes = 20_000_000_000  # most bytes one archive may inflate to in total
    max_check_seconds = 300             # deadline per document in check, batch and the dashboard (0: none)
"""

from __future__ import annotations

import bisect
import csv
import fnmatch
import hashlib
import io
import json
import os
import re
import tarfile
import threading
import zipfile
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from itertools import pairwise
from pathlib import PurePosixPath
from typing import Any

from checks.config import Section, Setting
from checks.inputs import (
    DEFAULT_MAX_BYTES,
    SUPPORTED_SUFFIXES,
    InputError,
    decode_bytes,
    decode_document,
    read_file_bytes,
    refuse_binary_text,
)

DOCUMENT_SUFFIXES = frozenset(s for s in SUPPORTED_SUFFIXES if s)  # files without a suffix only via --include
ZIP_SUFFIXES = (".zip",)
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
TABLE_SUFFIXES = (".csv", ".parquet", ".pq", ".jsonl", ".ndjson")
_SKIPPED_PARTS = ("__MACOSX",)
_SMALL_MEMBER = 1_000_000  # below this, a high compression ratio is ordinary text, not a bomb
_ZIP_LOCAL_HEADER = 30  # bytes before a zip member's name in its local header: the least a member takes up
_BLOCK = 1 << 20  # bytes read at a time from a table file
_NOT_A_FILE = -1  # the size of a tar member that is a link or a device (Step.size)


class ArchiveRefused(InputError):
    """A whole input refused before anything is read into the results; the message names it and says why."""


class UnreadableArchive(ArchiveRefused):
    """An archive that cannot be opened or listed at all. In a batch it becomes one error row (the run goes on);
    an upload is refused."""


@dataclass(frozen=True)
class Limits:
    max_upload_bytes: int = 2_000_000_000
    max_member_bytes: int = DEFAULT_MAX_BYTES
    max_members: int = 1_000_000
    max_nesting: int = 2
    max_ratio: float = 200.0
    max_archive_bytes: int = 20_000_000_000
    max_check_seconds: float = 300.0  # read by checks.pipeline (max_check_seconds)

    @classmethod
    def from_config(cls, config) -> Limits:
        """Read the house style's [limits] table (Config rejects unknown keys); bad values are errors that name the
        key."""
        from checks.config import ConfigError

        section = config.section("limits") if config is not None else {}
        values: dict[str, Any] = {}
        for key, value in section.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(f"{config.path or 'house style'}: [limits] {key} must be a number >= 0")
            values[key] = value
        return cls(**values)


SECTIONS = (
    Section(
        "limits",
        "House-style limits for uploads and batch archives (checks/archives.py, `Limits.from_config`).\n"
        "Sizes are in bytes. Anything over a limit is refused with a message that names the file and the key.\nA "
        "public dashboard should lower max_upload_bytes (for example to 50_000_000); a newsroom batch server can "
        "raise max_archive_bytes for very large archives.",
        (
            Setting(
                "max_upload_bytes",
                Limits.max_upload_bytes,
                "Largest single input: an uploaded file, or one "
                "archive / table / document given to `python -m checks batch`.",
            ),
            Setting(
                "max_member_bytes",
                Limits.max_member_bytes,
                "Largest single document, on its own or inside "
                "an archive (bytes after decompression). A document over it becomes an error row and the "
                "rest of the archive is still checked.",
            ),
            Setting(
                "max_members",
                Limits.max_members,
                "Most members in one archive (folders count; nested "
                "archives count their own members). Over it: refused.",
            ),
            Setting(
                "max_nesting",
                Limits.max_nesting,
                "Deepest archive-in-archive nesting: 0 takes no nested "
                "archives, 2 takes a zip in a zip in the input. Over it: refused.",
            ),
            Setting(
                "max_ratio",
                int(Limits.max_ratio),
                "Zip-bomb guard: a member over 1 MB that inflates more "
                "than this many times its compressed size, or an archive whose members inflate to more than 1 MB "
                "and this many times the archive's size (every member counted, even one whose data another "
                "shares), makes the whole archive refused before anything is read or written. Ordinary news "
                "text compresses 3 to 5 times.",
            ),
            Setting(
                "max_archive_bytes",
                Limits.max_archive_bytes,
                "Most bytes one archive may inflate to in total (declared member sizes). Over it: refused.",
            ),
            Setting(
                "max_check_seconds",
                int(Limits.max_check_seconds),
                "Deadline for checking one document, in seconds (0: none), in `python -m checks check`, "
                "`batch` and the dashboard. A running stage cannot be interrupted, so the check stops at the "
                "first stage boundary (analysis, tagging, each check family) past it: `check` reports what the "
                "finished stages found with a `deadline` status naming the slow stage, its time and the checks "
                "not run; `batch` makes the document an error row saying the same and goes on with the next; "
                "the dashboard shows what finished and says the same. The server's own [server] "
                "deadline_seconds (30) answers first. At the expected speed 300 s is several million words.",
            ),
        ),
    ),
)


@dataclass(frozen=True)
class Step:
    """One hop into an archive: the member's name, where it starts (a zip member's local header, a tar member's
    bytes) and for tar its size; `label` names it in ids when an earlier member of the archive has the same name."""

    name: str
    offset: int = -1
    size: int = 0
    label: str = ""


@dataclass(frozen=True)
class Partition:
    """Documents one worker reads together: members of one input (`members`) or a row range of one table."""

    index: int
    input: str  # the input as given (for messages and sources)
    path: str  # absolute path of the file to open
    kind: str  # "files", "zip", "tar", "csv", "jsonl", "parquet"
    members: tuple[tuple[Step, ...], ...] = ()  # files: relative paths; archives: the chain of steps per document
    start: int = 0  # tables: first row (0-based, data rows only)
    count: int = 0  # tables: number of rows
    offset: int = 0  # csv/jsonl: byte offset of the first row
    header: tuple[str, ...] = ()  # csv: column names
    error: str = ""  # kind "broken": why the whole input could not be read (one error row)
    text_column: str = "text"
    id_column: str | None = None
    # tables: (row number, id) of the rows whose id value an earlier row has too ("a1 (2)"); the others keep theirs
    ids: tuple[tuple[int, str], ...] = ()
    # Compressed tar members read ahead by the driver (bytes, or the error message): a gzip stream cannot seek, so
    # workers reading their own slice would each inflate the archive from its start. Never part of the identity.
    payload: tuple[bytes | str, ...] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def renamed(self) -> dict[int, str]:
        return dict(self.ids)

    @property
    def size(self) -> int:
        if self.kind == "broken":
            return 1
        return len(self.members) if self.kind in ("files", "zip", "tar") else self.count


@dataclass(frozen=True)
class Item:
    """One document read by a worker: text, or an error saying why it could not be read."""

    doc_id: str
    source: str
    text: str | None = None
    error: str | None = None
    encoding: str = ""
    digest: str = ""  # SHA-256 of the bytes read (a table row: of its text), "" when nothing could be read


# ----------------------------------------------------------------------------------------------------------- kinds


def input_kind(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(ZIP_SUFFIXES):
        return "zip"
    if lower.endswith(TAR_SUFFIXES):
        return "tar"
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith((".parquet", ".pq")):
        return "parquet"
    if lower.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    return None


def _is_document(name: str, include: tuple[str, ...] | None) -> bool:
    """Whether a folder file or archive member is a document to check: by --include globs, else by suffix."""
    parts = PurePosixPath(name).parts
    if any(p.startswith(".") or p in _SKIPPED_PARTS for p in parts):
        return False
    if include:
        return any(fnmatch.fnmatch(name, g) or fnmatch.fnmatch(parts[-1], g) for g in include)
    return PurePosixPath(name).suffix.lower() in DOCUMENT_SUFFIXES


def _unsafe_member_name(name: str) -> bool:
    """Names that would escape a folder if anyone ever extracted them: absolute, drive letters, `..` parts."""
    normal = name.replace("\\", "/")
    if normal.startswith("/") or (len(normal) > 1 and normal[1] == ":") or "\x00" in normal:
        return True
    return ".." in normal.split("/")


# ---------------------------------------------------------------------------------------------------- planning


def plan(
    inputs: Iterable[str],
    limits: Limits,
    *,
    partition_size: int | None = None,
    include: Iterable[str] | None = None,
    text_column: str = "text",
    id_column: str | None = None,
) -> list[Partition]:
    """Partitions covering every document of every input, in a stable order (so a resumed run finds the same)."""
    include = tuple(include) if include else None
    listed: list[tuple[str, str, str, Any]] = []  # (input, path, kind, units: member chains, row offsets, ...)
    for given in inputs:
        path = os.path.abspath(given)
        if os.path.isdir(path):
            listed.append((given, path, "files", _list_folder(path, include)))
            continue
        if not os.path.exists(path):
            raise ArchiveRefused(f"{given}: no such file or folder")
        if not os.path.isfile(path):  # a FIFO or a device: never opened, one error row
            listed.append((given, path, "broken", [f"{given}: is not a regular file, so it is not read"]))
            continue
        size = os.path.getsize(path)
        if size > limits.max_upload_bytes:
            raise ArchiveRefused(
                f"{given}: {size:,} bytes is over the limit of {limits.max_upload_bytes:,} "
                "bytes for one input ([limits] max_upload_bytes)"
            )
        kind = input_kind(given)
        if kind in ("zip", "tar"):
            try:
                with open(path, "rb") as handle:
                    chains = list(_list_archive(handle, kind, given, size, limits, include, depth=0))
            except UnreadableArchive as exc:  # damaged, not a security refusal: one error row, the run goes on
                listed.append((given, path, "broken", [str(exc)]))
                continue
            listed.append((given, path, kind, chains))
        elif kind in ("csv", "jsonl"):
            listed.append((given, path, kind, _row_offsets(path, kind, given, text_column, id_column, limits)))
        elif kind == "parquet":
            listed.append((given, path, kind, _parquet_rows(path, given, text_column, id_column)))
            if id_column:
                listed[-1] = (given, path, kind, (listed[-1][3], _parquet_renamed(path, given, id_column)))
        else:  # a single document given directly
            listed.append((given, os.path.dirname(path), "files", [(Step(os.path.basename(path)),)]))
    total = sum(_unit_count(kind, units) for _, _, kind, units in listed)
    size = partition_size or default_partition_size(total)
    partitions: list[Partition] = []
    for given, path, kind, units in listed:
        partitions.extend(_split(len(partitions), given, path, kind, units, size, text_column, id_column))
    return partitions


def _unit_count(kind: str, units) -> int:
    if kind == "parquet":
        return units if isinstance(units, int) else units[0]
    return len(units[1]) if kind in ("csv", "jsonl") else len(units)


def default_partition_size(total_documents: int) -> int:
    """About 64 partitions for mid-sized runs, between 8 and 200 documents each (independent of worker count,
    so that resuming with a different --workers finds the same partitions)."""
    return max(8, min(200, -(-total_documents // 64)))


def _split(first: int, given, path, kind, units, size, text_column, id_column) -> list[Partition]:
    out: list[Partition] = []
    if kind == "broken":
        return [Partition(first, given, path, kind, error=units[0], text_column=text_column, id_column=id_column)]
    if kind in ("files", "zip", "tar"):
        for i in range(0, len(units), size):
            out.append(
                Partition(
                    first + len(out),
                    given,
                    path,
                    kind,
                    members=tuple(units[i : i + size]),
                    text_column=text_column,
                    id_column=id_column,
                )
            )
    elif kind == "parquet":  # units = rows, or (rows, renamed ids)
        rows, renamed = (units, {}) if isinstance(units, int) else units
        for start in range(0, rows, size):
            out.append(
                Partition(
                    first + len(out),
                    given,
                    path,
                    kind,
                    start=start,
                    count=min(size, rows - start),
                    text_column=text_column,
                    id_column=id_column,
                    ids=_ids_between(renamed, start, size),
                )
            )
    else:  # csv, jsonl: units = (header, offsets, renamed ids)
        header, offsets, renamed = units
        for start in range(0, len(offsets), size):
            out.append(
                Partition(
                    first + len(out),
                    given,
                    path,
                    kind,
                    start=start,
                    count=min(size, len(offsets) - start),
                    offset=offsets[start],
                    header=header,
                    text_column=text_column,
                    id_column=id_column,
                    ids=_ids_between(renamed, start, size),
                )
            )
    return out


def _ids_between(renamed: dict[int, str], start: int, size: int) -> tuple[tuple[int, str], ...]:
    """The renamed ids of rows start+1 .. start+size (row numbers are 1-based); `renamed` is in row order."""
    if not renamed:
        return ()
    numbers = list(renamed)
    first, last = bisect.bisect_right(numbers, start), bisect.bisect_right(numbers, start + size)
    return tuple((n, renamed[n]) for n in numbers[first:last])


def _list_folder(root: str, include) -> list[tuple[Step, ...]]:
    found: list[tuple[Step, ...]] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_PARTS)
        for name in sorted(files):
            relative = os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
            if _is_document(relative, include):
                found.append((Step(relative),))
    return found


def _list_archive(handle, kind, label, stored_size, limits, include, depth) -> Iterator[tuple[Step, ...]]:
    """Every document member of an archive (recursing into nested archives), after checking the limits."""
    if kind == "zip":
        yield from _list_zip(handle, label, stored_size, limits, include, depth)
    else:
        yield from _list_tar(handle, label, stored_size, limits, include, depth)


def _nested(data_reader, name, label, limits, include, depth) -> Iterator[tuple[Step, ...]]:
    inner_kind = input_kind(name)
    if depth + 1 > limits.max_nesting:
        raise ArchiveRefused(
            f"{label}: archive {name!r} is nested {depth + 1} deep, over the limit of "
            f"{limits.max_nesting} ([limits] max_nesting)"
        )
    try:
        data = data_reader()
    except InputError as exc:  # a nested archive that cannot be read cannot be listed either
        raise ArchiveRefused(str(exc)) from exc
    yield from _list_archive(io.BytesIO(data), inner_kind, f"{label}!{name}", len(data), limits, include, depth + 1)


def _check_inflation(label, name, size, stored, total, limits) -> None:
    if size > _SMALL_MEMBER and stored >= 0 and size > limits.max_ratio * max(stored, 1):
        raise ArchiveRefused(
            f"{label}: refused as a likely zip bomb: {name!r} inflates from {stored:,} to "
            f"{size:,} bytes (more than {limits.max_ratio:g} times; [limits] max_ratio)"
        )
    if total > limits.max_archive_bytes:
        raise ArchiveRefused(
            f"{label}: refused: its members inflate to more than {limits.max_archive_bytes:,} "
            "bytes in total ([limits] max_archive_bytes)"
        )


def _check_name(label, name, count, limits) -> None:
    if _unsafe_member_name(name):
        raise ArchiveRefused(f"{label}: refused: member {name!r} has an absolute path or '..' in its name")
    if count > limits.max_members:
        raise ArchiveRefused(f"{label}: refused: more than {limits.max_members:,} members ([limits] max_members)")


def _open_zip(handle, label) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise UnreadableArchive(f"{label}: not a readable zip archive ({exc})") from exc


def _list_zip(handle, label, stored_size, limits, include, depth):
    archive = _open_zip(handle, label)
    infos = archive.infolist()
    total = 0
    for count, info in enumerate(infos, 1):  # every check before any member is read
        _check_name(label, info.filename, count, limits)
        total += info.file_size
        _check_inflation(label, info.filename, info.file_size, info.compress_size, total, limits)
    _check_archive_inflation(label, total, stored_size, limits)
    _check_no_shared_data(label, infos)
    files = [info for info in infos if not info.is_dir()]
    for info, shown in zip(files, _distinct_names([info.filename for info in files]), strict=True):
        name = info.filename
        step = Step(name, info.header_offset, label="" if shown == name else shown)
        if input_kind(name) in ("zip", "tar") and _is_visible(name):
            yield from (
                (step,) + chain
                for chain in _nested(
                    partial(_read_zip_member, archive, info, label, limits), name, label, limits, include, depth
                )
            )
        elif _is_document(name, include):
            yield (step,)


def _check_archive_inflation(label, total, stored, limits) -> None:
    """The whole archive's inflation: members that each look harmless (or share one member's data) may add up."""
    if total > _SMALL_MEMBER and total > limits.max_ratio * max(stored, 1):
        raise ArchiveRefused(
            f"{label}: refused as a likely zip bomb: its members inflate from {stored:,} to {total:,} bytes in "
            f"total (more than {limits.max_ratio:g} times; [limits] max_ratio)"
        )


def _check_no_shared_data(label, infos) -> None:
    """Refuse a zip whose directory points two members at the same or overlapping bytes (a zip-bomb technique:
    one compressed member listed thousands of times); well-formed archives never do this."""
    spans = sorted(
        (info.header_offset, info.header_offset + _ZIP_LOCAL_HEADER + info.compress_size, info.filename)
        for info in infos
    )
    for (_, end, first), (start, _, second) in pairwise(spans):
        if start < end:
            raise ArchiveRefused(
                f"{label}: refused as a likely zip bomb: members {first!r} and {second!r} share their compressed data"
            )


def _distinct_names(names: list[str]) -> list[str]:
    """Each name, except that the second and later members of one name get a name of their own ("story.txt (2)"),
    so that every member is a document with its own id."""
    taken, seen, out = set(names), Counter[str](), []
    for name in names:
        seen[name] += 1
        shown, number = name, seen[name]
        while number > 1 and shown in taken:
            shown = f"{name} ({number})"
            number += 1
        taken.add(shown)
        out.append(shown)
    return out


def _is_visible(name: str) -> bool:
    return not any(p.startswith(".") or p in _SKIPPED_PARTS for p in PurePosixPath(name).parts)


def _open_tar(handle, label) -> tarfile.TarFile:
    try:
        return tarfile.open(fileobj=handle, mode="r:*")
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise UnreadableArchive(f"{label}: not a readable tar archive ({exc})") from exc


def _list_tar(handle, label, stored_size, limits, include, depth):
    archive = _open_tar(handle, label)
    total, members = 0, []
    try:
        for count, info in enumerate(archive, 1):
            _check_name(label, info.name, count, limits)
            if info.issym() or info.islnk():
                _check_name(label, info.linkname, count, limits)
            if info.isfile():
                total += info.size
                _check_inflation(label, info.name, total, stored_size, total, limits)  # the whole stream inflates
                members.append(info)
            elif not info.isdir():  # a link or a device: never followed, an error row if it is named as a document
                members.append(info)
    except (tarfile.TarError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise UnreadableArchive(f"{label}: damaged tar archive ({type(exc).__name__}: {exc})") from exc
    for info, shown in zip(members, _distinct_names([info.name for info in members]), strict=True):
        name = info.name
        size = info.size if info.isfile() else _NOT_A_FILE
        step = Step(name, info.offset_data, size, label="" if shown == name else shown)
        if not info.isfile():
            if _is_document(name, include):
                yield (step,)
        elif input_kind(name) in ("zip", "tar") and _is_visible(name):
            reader = partial(_read_tar_member, archive.fileobj, info.offset_data, info.size, label, name, limits)
            yield from ((step,) + chain for chain in _nested(reader, name, label, limits, include, depth))
        elif _is_document(name, include):
            yield (step,)


def _row_offsets(path, kind, label, text_column, id_column, limits) -> tuple[tuple[str, ...], array, dict[int, str]]:
    """The CSV header, the byte offset of every record of a CSV (as Python's csv module splits it) or JSONL file,
    and the rows whose id must be made distinct (see _distinct_ids)."""
    offsets = array("q")
    ids: list[str] = []
    with open(path, "rb") if isinstance(path, str) else path as handle:
        records = _table_records(handle, kind, 0, limits)
        header = _csv_header(records, label, text_column, id_column) if kind == "csv" else ()
        for record in records:
            offsets.append(record.offset)
            if id_column:
                ids.append(_record_id(record, header, id_column, f"{label}#{len(offsets)}"))
    return header, offsets, _distinct_ids(ids)


def _record_id(record: _Record, header: tuple[str, ...], id_column: str, source: str) -> str:
    """The id a CSV or JSONL record names itself by, before ids are made distinct (as _row_document reads it)."""
    if record.error:
        return source
    values = dict(zip(header, record.values, strict=False)) if header else record.values
    return _id_value(values, id_column, source)


def _id_value(record, id_column: str | None, source: str) -> str:
    """A row's own id: its id column's value, or its source when it has none."""
    value = record.get(id_column) if id_column and isinstance(record, dict) else None
    return source if value is None or value == "" else _printable(str(value))


def _distinct_ids(ids: list[str]) -> dict[int, str]:
    """{row number (1-based): id} for the rows whose id an earlier row has, renamed as archive members are."""
    return {n: shown for n, (own, shown) in enumerate(zip(ids, _distinct_names(ids), strict=True), 1) if own != shown}


def _parquet_renamed(path, label, id_column: str) -> dict[int, str]:
    import pyarrow.parquet as pq

    ids: list[str] = []
    for batch in pq.ParquetFile(path).iter_batches(batch_size=65_536, columns=[id_column]):
        for value in batch.column(0).to_pylist():
            ids.append(_id_value({id_column: value}, id_column, f"{label}#{len(ids) + 1}"))
    return _distinct_ids(ids)


def _csv_header(records: Iterator[_Record], label, text_column, id_column) -> tuple[str, ...]:
    first = next(records, None)
    if first is None or first.error:
        raise ArchiveRefused(f"{label}: cannot read the CSV header ({first.error if first else 'the file is empty'})")
    header = tuple(first.values)
    for column in (text_column, id_column):
        if column and column not in header:
            raise ArchiveRefused(f"{label}: no column {column!r} (columns: {', '.join(header)})")
    return header


# --------------------------------------------------------------------------------------------------- table rows

_LINE_END = re.compile(rb"\r\n|\r|\n")


class _Lines:
    """The lines of a table file from a byte offset, as Python's csv module expects them: each ends in LF, CRLF or
    CR (kept), decoded as UTF-8 with any invalid byte kept as a surrogate escape for its row to report. `position` is
    the byte offset after the last line handed out. A line over `cap` bytes is handed out cut there, with `overlong`
    set, and its rest is skipped, so memory stays bounded however long a line is."""

    def __init__(self, handle, position: int, cap: int) -> None:
        self.handle, self.position, self.cap = handle, position, cap
        self.buffer, self.start, self.scan, self.eof = b"", 0, 0, False
        self.blank, self.overlong, self.skipping = True, False, False
        self.bom = position == 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._next_bytes()
        if line is None:
            raise StopIteration
        if self.bom:
            self.bom = False
            line = line.removeprefix(b"\xef\xbb\xbf")
        if line.strip():
            self.blank = False
        return line.decode("utf-8", "surrogateescape")

    def new_record(self) -> int:
        self.blank, self.overlong = True, False
        return self.position

    def _next_bytes(self) -> bytes | None:
        while True:
            found = _LINE_END.search(self.buffer, self.scan)
            if found is not None and (found.end() < len(self.buffer) or self.eof or found.group() != b"\r"):
                line = self.buffer[self.start : found.end()]
                self.start = self.scan = found.end()
                self.position += len(line)
                if self.skipping:  # the rest of an overlong line
                    self.skipping = False
                    continue
                return line
            if self.eof:
                line = self.buffer[self.start :]
                self.buffer, self.start, self.scan = b"", 0, 0
                self.position += len(line)
                return None if self.skipping or not line else line
            # no line end yet (or a CR at the end, which may be half of a CRLF): search on from here after reading
            self.scan = found.start() if found is not None else len(self.buffer)
            if len(self.buffer) - self.start > self.cap:
                line = self.buffer[self.start : self.start + self.cap]
                self.position += len(self.buffer) - self.start
                self.buffer, self.start, self.scan = b"", 0, 0
                if not self.skipping:
                    self.skipping = self.overlong = True
                    self.blank = False
                    return line
                continue
            self._fill()

    def _fill(self) -> None:
        self.buffer = self.buffer[self.start :]
        self.scan -= self.start
        self.start = 0
        block = self.handle.read(_BLOCK)
        self.eof = not block
        self.buffer += block


@dataclass(frozen=True)
class _Record:
    """One record of a table file: where it starts, and its values (CSV: a list of strings; JSONL: the decoded
    JSON value) or why it cannot be read."""

    offset: int
    values: Any = None
    error: str = ""


def _table_records(handle, kind: str, offset: int, limits: Limits) -> Iterator[_Record]:
    """Every record of a CSV or JSONL file from `offset` (a record's start), blank lines left out; planning and
    reading both split a file with this, so they always find the same rows."""
    cap = 2 * limits.max_member_bytes + _BLOCK  # a row over twice the document limit cannot hold a document
    handle.seek(offset)
    lines = _Lines(handle, offset, cap)
    if kind == "csv":
        _allow_csv_fields(limits)
    while True:
        start = lines.new_record()
        values: Any = None
        error = ""
        try:
            # a fresh csv reader per record reads just that record's lines
            values = next(csv.reader(lines)) if kind == "csv" else next(lines)
        except StopIteration:
            return
        except csv.Error as exc:
            error = _csv_error(exc, limits)
        if lines.blank and not error:
            continue
        if lines.overlong:
            error = f"row is over the limit of {cap:,} bytes (twice [limits] max_member_bytes)"
        elif not error and not _valid_utf8(values):
            error = "row is not valid UTF-8"
        elif not error and kind == "jsonl":
            try:
                values = json.loads(values)
            except ValueError as exc:
                error = f"unreadable row ({exc})"
        yield _Record(start, values, error)


def _allow_csv_fields(limits: Limits) -> None:
    """Let the csv module read fields as long as the document limit (its default stops at 131,072 characters)."""
    wanted = min(limits.max_member_bytes + 1, 2**31 - 1)
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)


def _csv_error(exc: csv.Error, limits: Limits) -> str:
    if "field larger than field limit" in str(exc):
        return f"a field is over the limit of {limits.max_member_bytes:,} bytes for one document " + (
            "([limits] max_member_bytes)"
        )
    return f"unreadable row ({exc})"


def _valid_utf8(values) -> bool:
    """Whether a line's text (or a CSV record's fields) came from valid UTF-8 (no surrogate escapes)."""
    try:
        for value in [values] if isinstance(values, str) else values:
            value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _parquet_rows(path, label, text_column, id_column) -> int:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError
        raise ArchiveRefused(f"{label}: not a readable Parquet file ({exc})") from exc
    names = parquet.schema_arrow.names
    for column in (text_column, id_column):
        if column and column not in names:
            raise ArchiveRefused(f"{label}: no column {column!r} (columns: {', '.join(names)})")
    return parquet.metadata.num_rows


# ----------------------------------------------------------------------------------------------------- reading


def _read_capped(handle, name, label, limits, declared: int) -> bytes:
    if declared > limits.max_member_bytes:
        raise InputError(
            f"{label}!{name}: {declared:,} bytes is over the limit of {limits.max_member_bytes:,} "
            "bytes for one document ([limits] max_member_bytes)"
        )
    data = handle.read(limits.max_member_bytes + 1)
    if len(data) > limits.max_member_bytes:
        raise InputError(
            f"{label}!{name}: inflates past the limit of {limits.max_member_bytes:,} bytes for one "
            "document ([limits] max_member_bytes)"
        )
    return data


def _read_zip_member(archive: zipfile.ZipFile, info, label, limits) -> bytes:
    try:
        with archive.open(info) as handle:
            return _read_capped(handle, info.filename, label, limits, info.file_size)
    except InputError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as exc:  # RuntimeError: encrypted member
        raise InputError(f"{label}!{info.filename}: broken archive member ({type(exc).__name__}: {exc})") from exc


def _read_tar_member(stream, offset, size, label, name, limits) -> bytes:
    """A tar header's size is exact (the stream goes on with the next member), so read just that, when allowed."""
    if size == _NOT_A_FILE:
        raise InputError(f"{label}!{name}: is a link or a device in the archive, not a file, so it is not read")
    if size > limits.max_member_bytes:
        raise InputError(
            f"{label}!{name}: {size:,} bytes is over the limit of {limits.max_member_bytes:,} bytes for "
            "one document ([limits] max_member_bytes)"
        )
    try:
        stream.seek(offset)
        data = stream.read(size)
    except (tarfile.TarError, OSError, EOFError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(f"{label}!{name}: broken archive member ({type(exc).__name__}: {exc})") from exc
    if len(data) < size:
        raise InputError(f"{label}!{name}: broken archive member (truncated: {len(data):,} of {size:,} bytes)")
    return data


class _ArchiveReader:
    """Reads member chains from one archive, keeping the last nested archive open (members come in order)."""

    def __init__(self, handle, kind, label, limits) -> None:
        self.limits = limits
        self.root = self._open(handle, kind, label)
        self._nested: dict[tuple[Step, ...], tuple] = {}

    @staticmethod
    def _open(handle, kind, label):
        if kind != "zip":
            return (kind, _open_tar(handle, label), label, {})
        archive = _open_zip(handle, label)  # members by where they start: names may repeat
        return (kind, archive, label, {info.header_offset: info for info in archive.infolist()})

    def _member(self, opened, step: Step) -> bytes:
        kind, archive, label, by_offset = opened
        if kind == "zip":
            info = by_offset.get(step.offset)
            if info is None or info.filename != step.name:
                raise InputError(f"{label}!{step.label or step.name}: member has gone from the archive")
            return _read_zip_member(archive, info, label, self.limits)
        return _read_tar_member(archive.fileobj, step.offset, step.size, label, step.name, self.limits)

    def close(self) -> None:
        self.root[1].close()

    def read(self, chain: tuple[Step, ...]) -> bytes:
        opened = self.root
        for depth in range(len(chain) - 1):
            key = chain[: depth + 1]
            if key not in self._nested:
                self._nested = {k: v for k, v in self._nested.items() if len(k) < len(key)}  # drop siblings
                data = self._member(opened, chain[depth])
                try:
                    self._nested[key] = self._open(
                        io.BytesIO(data), input_kind(chain[depth].name), f"{opened[2]}!{_shown(chain[depth])}"
                    )
                except ArchiveRefused as exc:
                    raise InputError(str(exc)) from exc
            opened = self._nested[key]
        return self._member(opened, chain[-1])


def _decode(data: bytes, name: str, doc_id: str, source: str, limits: Limits) -> Item:
    digest = hashlib.sha256(data).hexdigest()
    try:
        decoded = decode_document(data, name, source, max_chars=limits.max_member_bytes)
    except InputError as exc:
        return Item(doc_id, source, error=str(exc), digest=digest)
    return Item(doc_id, source, text=decoded.text, encoding=decoded.encoding, digest=digest)


def _shown(step: Step) -> str:
    return step.label or step.name


def member_source(given: str, chain: tuple[Step, ...]) -> str:
    """How a document in an archive is named in results: archive.zip!folder/doc.txt (nested: a.zip!b.zip!c.txt;
    a second member of the same name: archive.zip!doc.txt (2))."""
    return "!".join([given, *(_shown(step) for step in chain)])


def read_partition(partition: Partition, limits: Limits) -> Iterator[Item]:
    """The documents of one partition, in order; errors become Items with `error` set."""
    if partition.kind == "broken":
        yield Item(partition.input, partition.input, error=partition.error)
    elif partition.kind == "files":
        yield from _read_files(partition, limits)
    elif partition.kind in ("zip", "tar"):
        yield from _read_archive_partition(partition, limits)
    elif partition.kind == "parquet":
        yield from _read_parquet(partition, limits)
    else:
        yield from _read_lines(partition, limits)


def _read_files(partition: Partition, limits: Limits) -> Iterator[Item]:
    for step, source, path in file_members(partition):
        try:
            data = read_file_bytes(path, source, limits.max_member_bytes, "[limits] max_member_bytes")
        except InputError as exc:  # a FIFO or a device among the files is an error, never a read that blocks
            yield Item(source, source, error=str(exc))
            continue
        yield _decode(data, step.name, source, source, limits)


def file_members(partition: Partition) -> Iterator[tuple[Step, str, str]]:
    """(step, source, path on disk) of each document of a "files" partition."""
    single = not os.path.isdir(os.path.abspath(partition.input))
    for (step,) in partition.members:
        source = partition.input if single else os.path.join(partition.input, step.name)
        yield step, source, os.path.join(partition.path, step.name)


def partition_sources(partition: Partition) -> list[str]:
    """The source of each document of a partition, in order, without reading anything."""
    if partition.kind == "broken":
        return [partition.input]
    if partition.kind == "files":
        return [source for _, source, _ in file_members(partition)]
    if partition.kind in ("zip", "tar"):
        return [member_source(partition.input, chain) for chain in partition.members]
    return [f"{partition.input}#{partition.start + k + 1}" for k in range(partition.count)]


def needs_prefetch(partition: Partition) -> bool:
    """Whether the driver should read this partition's members (a compressed tar), see `prefetch`."""
    return partition.kind == "tar" and not partition.path.lower().endswith(".tar") and partition.payload is None


class Prefetcher:
    """Reads compressed-tar partitions on the driver, in order, keeping each archive's stream open so that the
    whole archive is inflated once (forward seeks only), not once per partition. Use as a context manager."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._open: dict[str, tuple] = {}

    def __call__(self, partition: Partition) -> Partition:
        if not needs_prefetch(partition):
            return partition
        if partition.path not in self._open:
            self.close()  # partitions of one input come together; keep one archive open at a time
            handle = open(partition.path, "rb")  # noqa: SIM115  (stays open across partitions until close())
            try:
                reader = _ArchiveReader(handle, "tar", partition.input, self.limits)
            except ArchiveRefused as exc:
                handle.close()
                return replace(partition, payload=tuple(str(exc) for _ in partition.members))
            self._open[partition.path] = (handle, reader)
        reader = self._open[partition.path][1]
        payload = []
        for chain in partition.members:
            try:
                payload.append(reader.read(chain))
            except InputError as exc:
                payload.append(str(exc))
        return replace(partition, payload=tuple(payload))

    def close(self) -> None:
        for handle, _ in self._open.values():
            handle.close()
        self._open.clear()

    def __enter__(self) -> Prefetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _read_archive_partition(partition: Partition, limits: Limits) -> Iterator[Item]:
    if partition.payload is not None:
        for chain, data in zip(partition.members, partition.payload, strict=True):
            source = member_source(partition.input, chain)
            yield (
                Item(source, source, error=data)
                if isinstance(data, str)
                else _decode(data, chain[-1].name, source, source, limits)
            )
        return
    try:
        reader = _worker_reader(partition, limits)
    except (ArchiveRefused, OSError) as exc:
        for chain in partition.members:
            source = member_source(partition.input, chain)
            yield Item(
                source,
                source,
                error=str(exc)
                if isinstance(exc, ArchiveRefused)
                else f"{partition.input}: cannot be read ({exc.strerror or exc})",
            )
        return
    yield from _read_members(reader, partition.input, partition.members)


_WORKER = threading.local()  # the archive this worker thread has open: (identity, file handle, reader)


def _worker_reader(partition: Partition, limits: Limits) -> _ArchiveReader:
    """The partition's archive, opened once per worker thread and kept until another archive is read: opening a
    zip reads its whole directory, which for 100,000 members read in 500 partitions would cost its square."""
    info = os.stat(partition.path)
    identity = (partition.path, info.st_size, info.st_mtime_ns, partition.kind, partition.input, limits)
    cached = getattr(_WORKER, "archive", None)
    if cached is not None and cached[0] == identity:
        return cached[2]
    if cached is not None:
        _WORKER.archive = None
        cached[2].close()
        cached[1].close()  # zipfile and tarfile leave a handle they were given open
    handle = open(partition.path, "rb")  # noqa: SIM115  (kept open with the reader; closed by the next one)
    try:
        reader = _ArchiveReader(handle, partition.kind, partition.input, limits)
    except BaseException:
        handle.close()
        raise
    _WORKER.archive = (identity, handle, reader)
    return reader


def _read_members(reader: _ArchiveReader, label: str, chains) -> Iterator[Item]:
    """Each archive member as an Item: decoded text, or an error row when it cannot be read."""
    for chain in chains:
        source = member_source(label, chain)
        try:
            data = reader.read(chain)
        except InputError as exc:
            yield Item(source, source, error=str(exc))
            continue
        except Exception as exc:  # whatever a damaged member raises, it is this member's error row
            yield Item(source, source, error=f"{source}: broken archive member ({type(exc).__name__}: {exc})")
            continue
        yield _decode(data, chain[-1].name, source, source, reader.limits)


def _row_item(partition: Partition, row_number: int, record, limits: Limits) -> Item:
    """One table row: `row_number` is 1-based among data rows; the id column, when given, names the document.
    Never raises: whatever is wrong with the row is its error."""
    source = f"{partition.input}#{row_number}"
    try:
        return _row_document(partition, source, record, limits, partition.renamed.get(row_number))
    except Exception as exc:  # a row no rule above foresaw is still one error row, never the partition's end
        return Item(source, source, error=f"{source}: unreadable row ({type(exc).__name__}: {exc})")


def _row_document(partition: Partition, source: str, record, limits: Limits, renamed: str | None) -> Item:
    if not isinstance(record, dict):
        return Item(source, source, error=f"{source}: row is not an object with a {partition.text_column!r} field")
    doc_id = renamed or _id_value(record, partition.id_column, source)
    text = record.get(partition.text_column)
    if text is None:
        return Item(doc_id, source, error=f"{source}: no {partition.text_column!r} value")
    encoding = "utf-8"
    if isinstance(text, bytes):  # a binary column: the bytes of a document, decoded like a file's
        if len(text) > limits.max_member_bytes:
            return Item(doc_id, source, error=_over_limit(source, limits))
        try:
            text, encoding = decode_bytes(text, source)
        except InputError as exc:
            return Item(doc_id, source, error=str(exc))
    elif isinstance(text, (int, float)) and not isinstance(text, bool):
        text = str(text)
    elif not isinstance(text, str):
        kind = type(text).__name__
        return Item(doc_id, source, error=f"{source}: the {partition.text_column!r} value is a {kind}, not text")
    try:
        refuse_binary_text(text, source)  # NUL characters, or a lone surrogate from a JSON escape
    except InputError as exc:
        return Item(doc_id, source, error=str(exc))
    data = text.encode("utf-8")
    if len(data) > limits.max_member_bytes:
        return Item(doc_id, source, error=_over_limit(source, limits))
    return Item(doc_id, source, text=text, encoding=encoding, digest=hashlib.sha256(data).hexdigest())


def _over_limit(source: str, limits: Limits) -> str:
    return (
        f"{source}: text is over the limit of {limits.max_member_bytes:,} bytes for one document "
        "([limits] max_member_bytes)"
    )


def _printable(value: str) -> str:
    """An id as valid text: a lone surrogate (from a JSON escape) written as its escape."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _read_lines(partition: Partition, limits: Limits) -> Iterator[Item]:
    done = 0
    try:
        with open(partition.path, "rb") as handle:
            for record in _table_records(handle, partition.kind, partition.offset, limits):
                if done >= partition.count:
                    break
                done += 1
                yield _record_item(partition, partition.start + done, record, limits)
    except OSError as exc:  # the rows not read yet are error rows below
        problem = f"cannot be read ({exc.strerror or exc})"
    else:
        problem = "row has gone from the file"  # the file shrank since it was listed
    for missing in range(done, partition.count):
        source = f"{partition.input}#{partition.start + missing + 1}"
        yield Item(source, source, error=f"{source}: {problem}")


def _record_item(partition: Partition, row_number: int, record: _Record, limits: Limits) -> Item:
    source = f"{partition.input}#{row_number}"
    if record.error:
        return Item(source, source, error=f"{source}: {record.error}")
    values = record.values
    if partition.kind == "csv":
        values = dict(zip(partition.header, values, strict=False))
    return _row_item(partition, row_number, values, limits)


def _read_parquet(partition: Partition, limits: Limits) -> Iterator[Item]:
    import pyarrow.parquet as pq

    columns = [partition.text_column] + ([partition.id_column] if partition.id_column else [])
    parquet = pq.ParquetFile(partition.path)
    groups, first_row, row = [], None, 0
    for g in range(parquet.metadata.num_row_groups):
        rows = parquet.metadata.row_group(g).num_rows
        if row + rows > partition.start and row < partition.start + partition.count:
            groups.append(g)
            first_row = row if first_row is None else first_row
        row += rows
    skip, position, end = partition.start - (first_row or 0), partition.start, partition.start + partition.count
    for batch in parquet.iter_batches(batch_size=1024, row_groups=groups, columns=columns):
        records = batch.to_pylist()
        if skip >= len(records):
            skip -= len(records)
            continue
        for record in records[skip:]:
            if position >= end:
                return
            position += 1
            yield _row_item(partition, position, record, limits)
        skip = 0
    for missing in range(position, end):  # the file shrank since it was listed
        source = f"{partition.input}#{missing + 1}"
        yield Item(source, source, error=f"{source}: row has gone from the file")


# ------------------------------------------------------------------------------------------------------ uploads


def read_upload(
    data: bytes,
    name: str,
    limits: Limits,
    include: Iterable[str] | None = None,
    text_column: str = "text",
    id_column: str | None = None,
) -> Iterator[Item]:
    """The documents of one upload held in memory (a document, an archive or a JSONL/CSV table).

    `name` is the uploader's file name: it only picks the format and labels results, it is never a path here.
    Raises ArchiveRefused (before yielding anything) for an upload over the limits or an unsafe archive.
    """
    label = PurePosixPath(name.replace("\\", "/")).name or "upload"
    if len(data) > limits.max_upload_bytes:
        raise ArchiveRefused(
            f"{label}: {len(data):,} bytes is over the limit of {limits.max_upload_bytes:,} "
            "bytes for one upload ([limits] max_upload_bytes)"
        )
    kind = input_kind(label)
    include = tuple(include) if include else None
    if kind in ("zip", "tar"):
        chains = list(_list_archive(io.BytesIO(data), kind, label, len(data), limits, include, depth=0))
        reader = _ArchiveReader(io.BytesIO(data), kind, label, limits)
        yield from _read_members(reader, label, chains)
    elif kind in ("csv", "jsonl"):
        header, offsets, renamed = _row_offsets(io.BytesIO(data), kind, label, text_column, id_column, limits)
        ids = tuple(renamed.items())
        partition = Partition(0, label, "", kind, header=header, text_column=text_column, id_column=id_column, ids=ids)
        records = _table_records(io.BytesIO(data), kind, offsets[0] if offsets else len(data), limits)
        for number, record in enumerate(records, 1):
            yield _record_item(partition, number, record, limits)
    elif kind == "parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(io.BytesIO(data)).to_pylist()
        labels = [_id_value(r, id_column, f"{label}#{n}") for n, r in enumerate(rows, 1)] if id_column else []
        ids = tuple(_distinct_ids(labels).items())
        partition = Partition(0, label, "", kind, text_column=text_column, id_column=id_column, ids=ids)
        for number, record in enumerate(rows, 1):
            yield _row_item(partition, number, record, limits)
    else:
        if len(data) > limits.max_member_bytes:
            raise ArchiveRefused(f"{label}: over the limit of {limits.max_member_bytes:,} bytes for one document")
        yield _decode(data, label, label, label, limits)
