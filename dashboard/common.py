"""What the three pages share: the house style, limits, optional library parts, cached resources, safe uploads.

Presentation glue only: every check, score and decision comes from the `checks` library.
"""
from __future__ import annotations

import concurrent.futures
import json
import os
import re
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePath

import streamlit as st

from checks.archives import Limits as ArchiveLimits
from checks.config import Config, ConfigError, load_config

DRAFT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx")
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".zip", ".csv", ".parquet", ".jsonl")
WARM_UP_TEXT = ("The minister attended the meeting in the capital on Monday, officials said. Thousands of "
                "protesters, who had gathered since dawn, marched to the parliament, where Ana Lopes spoke.")


@dataclass(frozen=True)
class Limits:
    """What the dashboard accepts. Paste size and check time are the house style's [dashboard] table; upload sizes
    are the shared [limits] table of checks/archives.py (max_member_bytes for one draft, max_upload_bytes for an
    archive), so the dashboard and `python -m checks batch` refuse the same inputs."""

    max_paste_chars: int = 200_000
    check_timeout_seconds: float = 8.0
    max_draft_bytes: int = 20_000_000
    max_archive_bytes: int = 2_000_000_000
    draft_key: str = "max_member_bytes"
    archive_key: str = "max_upload_bytes"
    batch_workers: int | None = None  # [dashboard] batch_workers: local Dask workers (default one per core)

    @classmethod
    def from_config(cls, config: Config) -> "Limits":
        section = config.section("dashboard")
        values = {}
        for name in ("max_paste_chars", "check_timeout_seconds"):
            default = getattr(cls, name)
            value = section.get(name, default)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"{config.path or 'house style'}: [dashboard] {name} must be a positive number")
            values[name] = type(default)(value)
        workers = section.get("batch_workers")
        if workers is not None:
            if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
                raise ConfigError(f"{config.path or 'house style'}: [dashboard] batch_workers must be a whole "
                                  "number >= 1")
            values["batch_workers"] = workers
        shared = ArchiveLimits.from_config(config)  # validates [limits]; errors name the key
        upload, member = int(shared.max_upload_bytes), int(shared.max_member_bytes)
        values["max_archive_bytes"] = upload
        values["max_draft_bytes"] = min(member, upload)
        values["draft_key"] = "max_member_bytes" if member <= upload else "max_upload_bytes"
        return cls(**values)

    @staticmethod
    def widget_mb(limit_bytes: int) -> int:
        """The file uploader's own size limit (whole megabytes, at least 1)."""
        return max(1, -(-limit_bytes // 1_000_000))


def house_style() -> Config:
    """The house style as the command line finds it; a broken file is shown to the user, not a crash."""
    try:
        return load_config()
    except ConfigError as exc:
        st.error(f"The house style could not be read, so the defaults apply: {exc}")
        return Config()


def limits(config: Config) -> Limits:
    try:
        return Limits.from_config(config)
    except ConfigError as exc:
        st.error(f"{exc}; the default limits apply.")
        return Limits()


def house_style_path(config: Config) -> Path:
    """Where the dashboard writes dictionary words, names and disabled rules."""
    return Path(config.path) if config.path is not None else Path("copydesk.toml").resolve()


def _warm_up() -> float:
    """Run the default checks once so heavy resources (tagger, word lists, statistics) load once per process."""
    import time

    from checks.pipeline import check_text

    started = time.perf_counter()
    sample = Path(__file__).resolve().parents[1] / "samples" / "drafts" / "port-strike.txt"
    text = sample.read_text("utf-8") if sample.is_file() else WARM_UP_TEXT  # flags of every kind load everything
    check_text(text, "<warm-up>", Config(offline=True))  # offline: a slow server must not block this
    return time.perf_counter() - started


@st.cache_resource(show_spinner=False)
def _warm_up_future() -> concurrent.futures.Future:
    return _executor().submit(_warm_up)


def warm_up(wait: bool = False) -> None:
    """Start loading the models in the background at the first page view; say so while it lasts. With `wait`,
    block (with a spinner) until they are loaded, so a check's own time is never spent loading."""
    future = _warm_up_future()
    if future.done():
        return
    if wait:
        with st.spinner("Loading the language models (once per server start)…"):
            concurrent.futures.wait([future])
    else:
        st.caption(":material/hourglass_top: Loading the language models in the background (once per server start); "
                   "the first check waits for them.")


@st.cache_resource(show_spinner=False)
def _executor() -> concurrent.futures.ThreadPoolExecutor:
    return concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="copydesk-check")


def check_draft(text: str, source: str, config: Config, timeout: float):
    """Check a draft; when it takes longer than `timeout` (a slow or dead LanguageTool server), check it again
    without any server so the page never freezes. Returns (report, note or None)."""
    from checks.pipeline import check_text

    future = _executor().submit(check_text, text, source, config)
    try:
        return future.result(timeout=timeout), None
    except concurrent.futures.TimeoutError:
        future.cancel()
        if config.offline:
            raise
        report = check_text(text, source, config.with_offline(True))
        report.status.setdefault("languagetool", f"off for this check: no answer within {timeout:g} s")
        note = (f"The check did not finish within {timeout:g} s (LanguageTool server slow or down?), "
                "so these results are from the offline checks only.")
        return report, note


def languagetool_status(config: Config, report=None) -> str:
    """LanguageTool's mode as the family reported it for the last check ("off: ...", "remote: ...", "local: ..."),
    or the configured mode before any check."""
    if config.offline:
        return "off (offline mode)"
    if report is not None:
        failed = report.status.get("failed_checks", {}).get("languagetool")
        if failed:
            return f"failed: {failed}"
        detail = str(report.status.get("languagetool", "")).strip()
        if detail:
            return detail
    mode = str(config.section("languagetool").get("mode", "auto"))
    return f"{mode} (status shown after the first check)"


def safe_suffix(name: str, allowed: tuple[str, ...]) -> str | None:
    """The allowed suffix of an uploaded file's name (the name itself is never used as a path)."""
    lower = PurePath(name or "").name.lower()
    for suffix in sorted(allowed, key=len, reverse=True):
        if lower.endswith(suffix):
            return suffix
    return None


def display_name(name: str) -> str:
    """An uploaded file's name for display and as a document source: no folders, no control characters."""
    base = PurePath((name or "upload").replace("\\", "/")).name
    return re.sub(r"[\x00-\x1f\x7f]", "", base)[:200] or "upload"


def runs_dir(config: Config) -> Path:
    """House style [review] runs_dir: where scored archives are kept for review across restarts."""
    value = config.get("review", "runs_dir", "copydesk-runs")
    path = Path(os.path.expanduser(str(value)))
    if not path.is_absolute():
        path = (config.path.parent if config.path is not None else Path.cwd()) / path
    return path


def new_run_dir(config: Config, label: str) -> Path:
    """A fresh folder for one scoring run, named by time and a random id (never by the upload's name)."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    path = runs_dir(config) / f"run-{stamp}-{uuid.uuid4().hex[:6]}"
    path.mkdir(parents=True, exist_ok=False)
    (path / "run.json").write_text(json.dumps({"label": label, "created": stamp}), "utf-8")
    return path


def save_upload(data: bytes, suffix: str) -> Path:
    """Write uploaded bytes to a new private temporary folder under a fixed name with the validated suffix."""
    folder = Path(tempfile.mkdtemp(prefix="copydesk-upload-"))
    target = folder / f"upload{suffix}"
    target.write_bytes(data)
    return target


def list_runs(config: Config) -> list[Path]:
    """Scored runs (folders with issues.parquet), newest first."""
    base = runs_dir(config)
    if not base.is_dir():
        return []
    return sorted((p for p in base.iterdir() if (p / "issues.parquet").is_file()), key=lambda p: p.name, reverse=True)


def run_label(path: Path) -> str:
    try:
        label = json.loads((path / "run.json").read_text("utf-8")).get("label", "")
    except (OSError, ValueError):
        label = ""
    return f"{path.name} · {label}" if label else path.name


@st.cache_resource(show_spinner=False)
def review_store(url: str):
    from checks.reviews import ReviewStore

    return ReviewStore(url)


def bytes_limit_message(what: str, size: int, limit_bytes: int, key: str) -> str:
    return (f"{what} is {size / 1_000_000:,.1f} MB; the limit is {limit_bytes / 1_000_000:,.1f} MB "
            f"(house style [limits] {key}).")
