"""Documents from folders, archives and tables, read in memory within limits (house style `[limits]`).

Batch scoring works in two steps so that no machine ever holds a whole archive:

1. `plan(inputs, limits, ...)` runs on the driver. It lists every input (folders recursively, .zip, .tar, .tar.gz,
   .tgz, .tar.bz2, .tar.xz, nested archives, .csv, .parquet, .jsonl), checks the limits and returns `Partition`s:
   small references (a file path and member names, or a table's row range with a byte offset), never text.
   Everything that makes a whole input unsafe (a zip bomb, a member named `../x` or `/etc/x`, too many members,
   archives nested too deep, an input over the upload limit) raises `ArchiveRefused` here, before anything is
   written anywhere. An input archive that cannot be opened at all (damaged, not really a zip) is not a danger:
   it becomes one error row and the run goes on.
2. `read_partition(partition, limits)` runs in a worker. It yields one `Item` per document: its id, source and
   text, or an error (undecodable, too large, a broken member) so that one bad document never stops a run.

Archives are never extracted: members are read into memory with a size cap (a member that inflates past its
limit is an error, whatever its header claims), and member names are only ever strings in ids and messages, never
paths on this machine. `read_upload(data, name, limits)` does the same for an upload held in memory.

House-style keys (see samples/copydesk.toml):

    [limits]
    max_upload_bytes = 2_000_000_000    # largest input file or upload (archive, table or document)
    max_member_bytes = 20_000_000       # largest single document, inside an archive or not
    max_members = 1_000_000             # most members in one archive (nested archives count their own)
    max_nesting = 2                     # deepest archive-in-archive nesting (0: no nested archives)
    max_ratio = 200                     # largest inflation of one compressed member (zip bomb guard)
    max_archive_bytes = 20_000_000_000  # most bytes one archive may inflate to in total
"""

from __future__ import annotations

import csv
import fnmatch
import io
import json
import os
import tarfile
import zipfile
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import PurePosixPath
from typing import Any

from checks.config import Section, Setting
from checks.inputs import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, InputError, decode_document

DOCUMENT_SUFFIXES = frozenset(s for s in SUPPORTED_SUFFIXES if s)  # files without a suffix only via --include
ZIP_SUFFIXES = (".zip",)
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
TABLE_SUFFIXES = (".csv", ".parquet", ".pq", ".jsonl", ".ndjson")
_SKIPPED_PARTS = ("__MACOSX",)
_SMALL_MEMBER = 1_000_000  # below this, a high compression ratio is ordinary text, not a bomb


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
                "than this many times its compressed size (for tar.gz, the whole archive) makes the whole "
                "archive refused before anything is read or written. Ordinary news text compresses 3 to 5 "
                "times.",
            ),
            Setting(
                "max_archive_bytes",
                Limits.max_archive_bytes,
                "Most bytes one archive may inflate to in total (declared member sizes). Over it: refused.",
            ),
        ),
    ),
)


@dataclass(frozen=True)
class Step:
    """One hop into an archive: the member's name, and for tar members where its bytes start and their size."""

    name: str
    offset: int = -1
    size: int = 0


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
    # Compressed tar members read ahead by the driver (bytes, or the error message): a gzip stream cannot seek, so
    # workers reading their own slice would each inflate the archive from its start. Never part of the identity.
    payload: tuple[bytes | str, ...] | None = field(default=None, repr=False, compare=False)

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
        if not os.path.isfile(path):
            raise ArchiveRefused(f"{given}: no such file or folder")
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
            listed.append((given, path, kind, _row_offsets(path, kind, given, text_column, id_column)))
        elif kind == "parquet":
            listed.append((given, path, kind, _parquet_rows(path, given, text_column, id_column)))
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
        return units
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
    elif kind == "parquet":
        for start in range(0, units, size):
            out.append(
                Partition(
                    first + len(out),
                    given,
                    path,
                    kind,
                    start=start,
                    count=min(size, units - start),
                    text_column=text_column,
                    id_column=id_column,
                )
            )
    else:  # csv, jsonl: units = (header, offsets)
        header, offsets = units
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
                )
            )
    return out


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
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename
        if input_kind(name) in ("zip", "tar") and _is_visible(name):
            yield from (
                (Step(name),) + chain
                for chain in _nested(
                    partial(_read_zip_member, archive, info, label, limits), name, label, limits, include, depth
                )
            )
        elif _is_document(name, include):
            yield (Step(name),)


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
            if not info.isfile():
                continue
            total += info.size
            _check_inflation(label, info.name, total, stored_size, total, limits)  # the whole stream inflates
            members.append(info)
    except (tarfile.TarError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise UnreadableArchive(f"{label}: damaged tar archive ({type(exc).__name__}: {exc})") from exc
    for info in members:
        name = info.name
        if input_kind(name) in ("zip", "tar") and _is_visible(name):
            reader = partial(_read_tar_member, archive.fileobj, info.offset_data, info.size, label, name, limits)
            yield from (
                (Step(name, info.offset_data, info.size),) + chain
                for chain in _nested(reader, name, label, limits, include, depth)
            )
        elif _is_document(name, include):
            yield (Step(name, info.offset_data, info.size),)


def _row_offsets(path, kind, label, text_column, id_column) -> tuple[tuple[str, ...], array]:
    """Byte offset of every record of a CSV (RFC 4180: newlines inside quotes stay in the record) or JSONL file."""
    offsets = array("q")
    header: tuple[str, ...] = ()
    with open(path, "rb") as handle:
        position = 0
        if kind == "csv":
            first = handle.readline()
            position = len(first)
            try:
                header = tuple(next(csv.reader([first.decode("utf-8-sig")])))
            except (UnicodeDecodeError, StopIteration) as exc:
                raise ArchiveRefused(f"{label}: cannot read the CSV header as UTF-8 ({exc})") from exc
            for column in (text_column, id_column):
                if column and column not in header:
                    raise ArchiveRefused(f"{label}: no column {column!r} (columns: {', '.join(header)})")
        in_quotes, record_start = False, position
        for line in handle:
            if not in_quotes:
                record_start = position
            position += len(line)
            if kind == "csv":
                in_quotes ^= line.count(b'"') % 2 == 1
                if not in_quotes and line.strip():
                    offsets.append(record_start)
            elif line.strip():
                offsets.append(record_start)
    return header, offsets


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
        return (kind, _open_zip(handle, label) if kind == "zip" else _open_tar(handle, label), label)

    def _member(self, opened, step: Step) -> bytes:
        kind, archive, label = opened
        if kind == "zip":
            try:
                info = archive.getinfo(step.name)
            except KeyError as exc:
                raise InputError(f"{label}!{step.name}: member has gone from the archive") from exc
            return _read_zip_member(archive, info, label, self.limits)
        return _read_tar_member(archive.fileobj, step.offset, step.size, label, step.name, self.limits)

    def read(self, chain: tuple[Step, ...]) -> bytes:
        opened = self.root
        for depth in range(len(chain) - 1):
            key = chain[: depth + 1]
            if key not in self._nested:
                self._nested = {k: v for k, v in self._nested.items() if len(k) < len(key)}  # drop siblings
                data = self._member(opened, chain[depth])
                try:
                    self._nested[key] = self._open(
                        io.BytesIO(data), input_kind(chain[depth].name), f"{opened[2]}!{chain[depth].name}"
                    )
                except ArchiveRefused as exc:
                    raise InputError(str(exc)) from exc
            opened = self._nested[key]
        return self._member(opened, chain[-1])


def _decode(data: bytes, name: str, doc_id: str, source: str) -> Item:
    try:
        decoded = decode_document(data, name, source)
    except InputError as exc:
        return Item(doc_id, source, error=str(exc))
    return Item(doc_id, source, text=decoded.text, encoding=decoded.encoding)


def member_source(given: str, chain: tuple[Step, ...]) -> str:
    """How a document in an archive is named in results: archive.zip!folder/doc.txt (nested: a.zip!b.zip!c.txt)."""
    return "!".join([given, *(step.name for step in chain)])


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
    single = not os.path.isdir(os.path.abspath(partition.input))
    for (step,) in partition.members:
        source = partition.input if single else os.path.join(partition.input, step.name)
        path = os.path.join(partition.path, step.name)
        try:
            size = os.path.getsize(path)
            if size > limits.max_member_bytes:
                raise InputError(
                    f"{source}: {size:,} bytes is over the limit of {limits.max_member_bytes:,} bytes "
                    "for one document ([limits] max_member_bytes)"
                )
            with open(path, "rb") as handle:
                data = handle.read(limits.max_member_bytes + 1)
        except InputError as exc:
            yield Item(source, source, error=str(exc))
            continue
        except OSError as exc:
            yield Item(source, source, error=f"{source}: cannot be read ({exc.strerror or exc})")
            continue
        yield _decode(data, step.name, source, source)


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
                else _decode(data, chain[-1].name, source, source)
            )
        return
    try:
        handle = open(partition.path, "rb")  # noqa: SIM115  (closed by the `with handle` below)
    except OSError as exc:
        for chain in partition.members:
            source = member_source(partition.input, chain)
            yield Item(source, source, error=f"{partition.input}: cannot be read ({exc.strerror or exc})")
        return
    with handle:
        try:
            reader = _ArchiveReader(handle, partition.kind, partition.input, limits)
        except ArchiveRefused as exc:
            for chain in partition.members:
                source = member_source(partition.input, chain)
                yield Item(source, source, error=str(exc))
            return
        yield from _read_members(reader, partition.input, partition.members)


def _read_members(reader: _ArchiveReader, label: str, chains) -> Iterator[Item]:
    """Each archive member as an Item: decoded text, or an error row when it cannot be read."""
    for chain in chains:
        source = member_source(label, chain)
        try:
            data = reader.read(chain)
        except InputError as exc:
            yield Item(source, source, error=str(exc))
            continue
        yield _decode(data, chain[-1].name, source, source)


def _row_item(partition: Partition, row_number: int, record, limits: Limits) -> Item:
    """One table row: `row_number` is 1-based among data rows; the id column, when given, names the document."""
    source = f"{partition.input}#{row_number}"
    if not isinstance(record, dict):
        return Item(source, source, error=f"{source}: row is not an object with a {partition.text_column!r} field")
    doc_id = source
    if partition.id_column:
        value = record.get(partition.id_column)
        doc_id = source if value is None or value == "" else str(value)
    text = record.get(partition.text_column)
    if text is None:
        return Item(doc_id, source, error=f"{source}: no {partition.text_column!r} value")
    if not isinstance(text, str):
        text = str(text)
    if len(text.encode("utf-8")) > limits.max_member_bytes:
        return Item(
            doc_id,
            source,
            error=f"{source}: text is over the limit of {limits.max_member_bytes:,} bytes "
            "for one document ([limits] max_member_bytes)",
        )
    return Item(doc_id, source, text=text, encoding="utf-8")


def _read_lines(partition: Partition, limits: Limits) -> Iterator[Item]:
    with open(partition.path, "rb") as handle:
        handle.seek(partition.offset)
        done = 0
        while done < partition.count:
            raw = _next_record(handle, partition.kind)
            if raw is None:
                break
            if not raw.strip():
                continue
            done += 1
            row_number = partition.start + done
            source = f"{partition.input}#{row_number}"
            try:
                line = raw.decode("utf-8-sig" if partition.offset == 0 and done == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield Item(source, source, error=f"{source}: row is not valid UTF-8 ({exc.reason} at byte {exc.start})")
                continue
            try:
                if partition.kind == "jsonl":
                    record = json.loads(line)
                else:
                    values = next(csv.reader(io.StringIO(line)))
                    record = dict(zip(partition.header, values, strict=False))
            except (ValueError, StopIteration, csv.Error) as exc:
                yield Item(source, source, error=f"{source}: unreadable row ({exc})")
                continue
            yield _row_item(partition, row_number, record, limits)
        for missing in range(done, partition.count):  # the file shrank since it was listed
            source = f"{partition.input}#{partition.start + missing + 1}"
            yield Item(source, source, error=f"{source}: row has gone from the file")


def _next_record(handle, kind) -> bytes | None:
    """The next record's bytes: one line, or for CSV as many lines as a quoted field spans."""
    chunks: list[bytes] = []
    in_quotes = False
    while True:
        line = handle.readline()
        if not line:
            return b"".join(chunks) if chunks else None
        chunks.append(line)
        if kind == "csv":
            in_quotes ^= line.count(b'"') % 2 == 1
        if not in_quotes:
            return b"".join(chunks)


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
        partition = Partition(0, label, "", kind, text_column=text_column, id_column=id_column)
        if kind == "csv":
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ArchiveRefused(f"{label}: a CSV upload must be UTF-8 ({exc.reason} at byte {exc.start})") from exc
            rows = csv.DictReader(io.StringIO(text, newline=""))
            if text_column not in (rows.fieldnames or ()):
                raise ArchiveRefused(f"{label}: no column {text_column!r}")
            records: Iterable[dict | None] = rows
        else:
            records = (_json_or_none(line) for line in data.splitlines() if line.strip())
        for number, record in enumerate(records, 1):
            yield _row_item(partition, number, record, limits)
    elif kind == "parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(io.BytesIO(data))
        partition = Partition(0, label, "", kind, text_column=text_column, id_column=id_column)
        for number, record in enumerate(table.to_pylist(), 1):
            yield _row_item(partition, number, record, limits)
    else:
        if len(data) > limits.max_member_bytes:
            raise ArchiveRefused(f"{label}: over the limit of {limits.max_member_bytes:,} bytes for one document")
        yield _decode(data, label, label, label)


def _json_or_none(line: bytes):
    try:
        return json.loads(line)
    except ValueError:
        return None
