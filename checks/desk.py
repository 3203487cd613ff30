"""What the editor's desk (the dashboard) needs from the library that is not a check: its house-style keys and
limits, the files it accepts, what the page shows when a draft check takes too long, the fast first pass of a
draft check that the model judge's flags follow, and where scored runs are kept.

The dashboard only presents; its settings, like every other house-style table, are declared here so that the
schema and samples/copydesk.toml know them.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path, PurePath
from typing import Any

from checks.config import Config, ConfigError, Section, Setting, whole_number
from checks.flags import Flag

SECTIONS = (
    Section(
        "dashboard",
        "",
        (
            Setting(
                "max_paste_chars",
                200_000,
                'Largest draft pasted or uploaded on "Check a draft", in characters '
                "(about 30,000 words). Over it: refused with a message naming this key.",
            ),
            Setting(
                "check_timeout_seconds",
                8,
                "The page waits this long for a draft check (seconds), so it never freezes. A check that "
                "takes longer goes on in the background (it is never started again): the page shows what the "
                "checks that finished found, names the stage still running (a slow LanguageTool server, or "
                "a hostile draft's analysis) and adds the rest when it is done. [limits] max_check_seconds "
                "bounds the check itself.",
            ),
            Setting(
                "batch_workers",
                None,
                'Local Dask worker processes for "Score an archive" (each loads the models '
                "once). Default: one per core.",
                example=2,
            ),
        ),
        footer=(
            "Upload sizes come from the shared [limits] table, so the dashboard refuses exactly what `python -m checks "
            "batch` refuses: one uploaded draft may not exceed max_member_bytes (nor max_upload_bytes), an uploaded "
            "archive or table may not exceed max_upload_bytes. A public dashboard should lower them, e.g.:\n[limits]\n"
            "max_upload_bytes = 50_000_000\nmax_member_bytes = 5_000_000\nStreamlit's own cap (server.maxUploadSize, "
            "200 MB by default) applies on top."
        ),
    ),
)

# ------------------------------------------------------------------------------------------- uploads

DRAFT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx")  # one draft to check
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".zip", ".csv", ".parquet", ".jsonl")  # an archive or a table to score
TABLE_SUFFIXES = (".csv", ".parquet", ".jsonl")  # of those, the tables (a text column and an id column to choose)


def safe_suffix(name: str, allowed: tuple[str, ...]) -> str | None:
    """The allowed suffix of an uploaded file's name (the name itself is never used as a path)."""
    lower = PurePath(name or "").name.lower()
    for suffix in sorted(allowed, key=len, reverse=True):
        if lower.endswith(suffix):
            return suffix
    return None


@dataclass(frozen=True)
class DeskLimits:
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
    def from_config(cls, config: Config) -> DeskLimits:
        from checks.archives import Limits as ArchiveLimits

        section = config.section("dashboard")
        values = {}
        for name in ("max_paste_chars", "check_timeout_seconds"):
            default = getattr(cls, name)
            value = section.get(name, default)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"{config.path or 'house style'}: [dashboard] {name} must be a positive number")
            values[name] = type(default)(value)
        if section.get("batch_workers") is not None:
            values["batch_workers"] = whole_number(config, "dashboard", "batch_workers", 1, 1)
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


# ------------------------------------------------------------------------------------------- checking a draft


@dataclass
class DraftCheck:
    """A draft check as the page shows it: the report (complete, or what the finished stages found), a note for
    the editor (None: nothing to say), and the check still running when the page stopped waiting (its complete
    report follows; the page never starts the same work again)."""

    report: Any  # checks.pipeline.Report
    note: str | None = None
    pending: Future | None = None


def check_draft(text: str, source: str, config: Config, timeout: float, executor) -> DraftCheck:
    """Check a draft on `executor` (a concurrent.futures.Executor), waiting at most `timeout` seconds so the page
    never freezes. A check that takes longer goes on (a running stage cannot be stopped, and checking again would
    repeat the slow work): the page gets what the stages that finished found, a note naming the stage still
    running and for how long, and the running check as `pending`."""
    import concurrent.futures

    from checks.pipeline import Progress, check_text

    progress = Progress()
    future = executor.submit(check_text, text, source, config, progress=progress)
    try:
        report = future.result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        return _still_running(text, source, config, timeout, progress, future)
    return DraftCheck(report, deadline_note(report))


def deadline_note(report) -> str | None:
    """What the editor is told about a check that stopped at the house style's deadline (None: it did not)."""
    if report.stopped is None:
        return None
    return f"This draft was not checked in full: {report.status['deadline']}. Split it, or raise the limit."


def _stage_label(stage: str) -> str:
    from checks.pipeline import ANALYSIS, TAGGING

    if stage == ANALYSIS:
        return "the analysis of its sentences"
    if stage == TAGGING:
        return "the part-of-speech tagging"
    return "the LanguageTool server" if stage == "languagetool" else f"the {stage} checks"


def _still_running(text: str, source: str, config: Config, timeout: float, progress, future) -> DraftCheck:
    from checks.pipeline import ANALYSIS, TAGGING, Report, partial_report

    stage, running = progress.stage, time.perf_counter() - progress.since
    report = partial_report(progress, config) or Report(source, text)
    slow = f"The check did not finish within {timeout:g} s: {_stage_label(stage)} had been running for {running:.1f} s"
    if stage in (ANALYSIS, TAGGING):
        shown = "so there are no results yet"
    else:
        done = [name for name in progress.finished if name not in (ANALYSIS, TAGGING)]
        shown = f"these results are from the checks that finished ({', '.join(done) or 'none'})"
        report.status[stage] = f"off for this check: no answer within {timeout:g} s (its results follow if it ends)"
    rest = ", ".join(_stage_label(name) for name in progress.pending)
    follows = "its results" + (f" and those of {rest}" if rest else "")
    note = (
        f"{slow}, {shown}. The check goes on without being started again: {follows} are added when it is done "
        "(or it stops at the first stage that ends past [limits] max_check_seconds)."
    )
    return DraftCheck(report, note, future)


def first_pass(config: Config) -> Config | None:
    """The house style of a draft's fast first pass, or None when there is no second one (the model judge is off).
    The first pass leaves out the model judge and the statistical mistranslation layer, whose flags the judge
    decides: they follow with the full check (`merge_judged`), so no flag shown first disappears when they come."""
    from checks.judge import settings
    from checks.mistranslation import STATISTICAL_RULE

    if not settings(config).enabled:
        return None
    rules = dict(config.section("rules"))
    rules["disabled"] = [*rules.get("disabled", []), STATISTICAL_RULE]
    return Config({**config.data, "rules": rules}, config.path, config.offline, fast=True)


def merge_judged(first, full, decided: Callable[[Flag], bool]):
    """The full check's report, with any flag of the first pass that the editor has already decided (accepted or
    ignored) and that the full check lacks: what the editor did is never lost."""
    from checks.pipeline import Report

    have = {(f.rule, f.start, f.end) for f in full.issues}
    kept = [f for f in first.issues if decided(f) and (f.rule, f.start, f.end) not in have]
    issues = sorted([*full.issues, *kept], key=lambda f: (f.start, f.end, f.category, f.rule))
    return Report(full.source, full.text, full.metrics, issues, full.status, full.error, full.timings, full.stopped)


# ------------------------------------------------------------------------------------------- scored runs
# A run folder: <runs_dir>/run-<UTC time>-<random id>/ with run.json ({"label", "created"}) and the outputs of
# checks.batch.score_archive; a run is listed once its issues.parquet exists.

DATA_DIR_ENV = "COPYDESK_DATA_DIR"
DEFAULT_RUNS_DIR = "copydesk-runs"


def data_dir() -> Path:
    """Where the dashboard keeps scored runs and the review database unless the house style names a place:
    $COPYDESK_DATA_DIR, else the XDG data folder ($XDG_DATA_HOME/copydesk, or ~/.local/share/copydesk). Never the
    current folder, which is often the source tree."""
    given = os.environ.get(DATA_DIR_ENV, "").strip()
    if given:
        return Path(os.path.expanduser(given)).resolve()
    base = os.environ.get("XDG_DATA_HOME", "").strip()
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "share"
    return root / "copydesk"


def data_path(value: Any, house_file: Path | None, default: str) -> Path:
    """A [review] file or folder of the house style: absolute as given; relative to the house-style file's folder;
    the data folder's `default` when there is no value (and relative to the data folder with no house-style file)."""
    if not value:
        return data_dir() / default
    path = Path(os.path.expanduser(str(value)))
    if path.is_absolute():
        return path
    return (house_file.parent if house_file is not None else data_dir()) / path


def runs_dir(config: Config) -> Path:
    """House style [review] runs_dir: where scored archives are kept for review across restarts."""
    return data_path(config.get("review", "runs_dir"), config.path, DEFAULT_RUNS_DIR)


def new_run_dir(config: Config, label: str) -> Path:
    """A fresh folder for one scoring run, named by time and a random id (never by the upload's name)."""
    import uuid
    from datetime import datetime

    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = runs_dir(config) / f"run-{stamp}-{uuid.uuid4().hex[:6]}"
    path.mkdir(parents=True, exist_ok=False)
    (path / "run.json").write_text(json.dumps({"label": label, "created": stamp}), "utf-8")
    return path


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
