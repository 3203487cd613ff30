"""The one pipeline the command line, the dashboard and the batch engine all call, so a document scores the same
everywhere: analyse once, run every enabled family, filter by the house style, de-duplicate, sort.

A deadline per document (house style `[limits] max_check_seconds`, checks/archives.py): Python cannot stop a stage
that is running, so the clock is read once after each stage (analysis, tagging, each family) and, once the
document is past its deadline, the stages not yet run are skipped. The report then has a `deadline` status naming
the slow stage, its time and what was not run (`Report.stopped` holds the same for callers: batch makes the
document an error row). A `Progress` passed in lets a caller that stops waiting (the dashboard) see which stage is
running and take the results of the stages that finished."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from checks.config import Config
from checks.document import Document, Sentence
from checks.flags import Flag, overlaps
from checks.registry import Family, families

log = logging.getLogger(__name__)
_logged_failures: set[tuple[str, str]] = set()  # (family, error type) already logged with a traceback


@dataclass
class Report:
    """The result of checking one document: the JSON contract's `source`, `metrics` and `issues`, plus status."""

    source: str
    text: str
    metrics: dict = field(default_factory=dict)
    issues: list[Flag] = field(default_factory=list)
    status: dict = field(default_factory=dict)  # backend modes and any check that failed, for the user to see
    error: str | None = None  # set when the input could not be checked at all
    timings: dict = field(default_factory=dict)  # seconds per family, analysis, tagging (benchmark; not in JSON)
    stopped: Stopped | None = None  # set when the deadline skipped stages (also said by status["deadline"])

    def to_dict(self) -> dict:
        out = {"source": self.source, "metrics": self.metrics, "issues": [f.to_dict() for f in self.issues]}
        if self.status:
            out["status"] = self.status
        if self.error is not None:
            out["error"] = self.error
        return out


ANALYSIS, TAGGING = "analysis", "tagging"  # the stages before the families'
DEADLINE_KEY = "[limits] max_check_seconds"


@dataclass(frozen=True)
class Stopped:
    """Why a check stopped early: the stage during which the deadline passed, how long it took, the whole check's
    time, the limit, and the stages that were not run."""

    stage: str
    stage_seconds: float
    seconds: float
    limit: float
    skipped: tuple[str, ...]

    def message(self) -> str:
        return (
            f"stopped after {self.seconds:.2f} s, over the limit of {self.limit:g} s ({DEADLINE_KEY}): "
            f"{_stage_name(self.stage)} took {self.stage_seconds:.2f} s; not run: {', '.join(self.skipped)}"
        )


def _stage_name(stage: str) -> str:
    return stage if stage in (ANALYSIS, TAGGING) else f"the {stage} checks"


@dataclass
class Progress:
    """Where a running check is, for a caller that stops waiting for it (the dashboard): the stage running and
    when it started (time.perf_counter), and, once analysed, the report being built and the flags found so far.
    Written by the pipeline's thread, read by the caller's (`partial_report`)."""

    stage: str = ANALYSIS
    since: float = field(default_factory=time.perf_counter)
    report: Report | None = None
    ours: list[Flag] = field(default_factory=list)
    secondary: list[Flag] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)  # the stages done, in order
    pending: tuple[str, ...] = ()  # the families not started yet

    def enter(self, stage: str, now: float) -> None:
        self.stage, self.since = stage, now


def partial_report(progress: Progress, config: Config | None = None) -> Report | None:
    """A copy of what a running check has found so far (the finished families' flags, metrics and statuses), or
    None before the text is analysed."""
    report = progress.report
    if report is None:
        return None
    config = config or Config()
    issues = _finish(list(progress.ours), list(progress.secondary), config, None)
    return Report(report.source, report.text, dict(report.metrics), issues, dict(report.status), None, {})


def max_check_seconds(config: Config) -> float:
    """The house style's deadline per document (math.inf when it is 0: no deadline)."""
    from checks.archives import Limits

    limit = float(Limits.from_config(config).max_check_seconds)
    return limit if limit > 0 else math.inf


def select_families(config: Config, names: Iterable[str] | None = None, offline: bool | None = None) -> list[Family]:
    offline = config.offline if offline is None else offline
    wanted = set(names) if names is not None else None
    chosen = []
    for fam in families():
        if wanted is not None and fam.name not in wanted:
            continue
        if wanted is None and not fam.default:
            continue
        if offline and not fam.offline:
            continue
        chosen.append(fam)
    return chosen


def check_document(
    doc: Document,
    config: Config | None = None,
    family_names: Iterable[str] | None = None,
    categories: Iterable[str] | None = None,
    *,
    started: float | None = None,
    max_seconds: float | None = None,
    progress: Progress | None = None,
) -> Report:
    """Run the chosen families (default: all default ones) on an analysed document.

    started: when the document's work began (time.perf_counter, before its analysis), so that the analysis counts
    against the deadline; max_seconds: the deadline in seconds (None: the house style's, see max_check_seconds;
    math.inf: none); progress: updated as each stage starts and ends (see Progress)."""
    config = config or Config()
    now = time.perf_counter()
    limit = max_check_seconds(config) if max_seconds is None else max_seconds
    report = Report(source=doc.source, text=doc.text)
    progress = progress or Progress()
    chosen = select_families(config, family_names)
    progress.report, progress.pending = report, tuple(f.name for f in chosen)
    begun = now if started is None else started
    deadline = begun + limit
    if started is not None:
        report.timings[ANALYSIS] = now - started
        progress.finished.append(ANALYSIS)
        if now > deadline:
            return _stop(report, progress, now - begun, limit, config, categories)
    progress.enter(TAGGING, now)
    _tag_ahead(doc, config, chosen)
    for fam in chosen:
        now = _end_stage(report, progress)
        if now > deadline:
            return _stop(report, progress, now - begun, limit, config, categories)
        progress.enter(fam.name, now)
        progress.pending = progress.pending[1:]
        _run_family(fam, doc, config, report, progress)
    _end_stage(report, progress)
    report.issues = _finish(progress.ours, progress.secondary, config, set(categories) if categories else None)
    return report


def _end_stage(report: Report, progress: Progress) -> float:
    """Time the stage just run (the one clock read per stage) and mark it finished."""
    now = time.perf_counter()
    report.timings[progress.stage] = now - progress.since
    progress.finished.append(progress.stage)
    return now


def _run_family(fam: Family, doc: Document, config: Config, report: Report, progress: Progress) -> None:
    try:
        if fam.metrics is not None:
            report.metrics.update(fam.metrics(doc, config))
        result = fam.check(doc, config)
        (progress.secondary if fam.secondary else progress.ours).extend(result.flags)
        if result.status:
            report.status[fam.name] = result.status
    except Exception as exc:  # one broken check must not lose the others' results
        _log_failure(fam.name, doc.source, exc)
        report.status.setdefault("failed_checks", {})[fam.name] = f"{type(exc).__name__}: {exc}"


def _stop(report: Report, progress: Progress, seconds: float, limit: float, config: Config, categories) -> Report:
    """The report of a document past its deadline after the stage just finished: the finished stages' results,
    and what was not run."""
    stage = progress.finished[-1]
    report.stopped = Stopped(stage, report.timings[stage], seconds, limit, progress.pending)
    report.status["deadline"] = report.stopped.message()
    log.info("%s: %s", report.source, report.status["deadline"])  # the status says it to the user
    report.issues = _finish(progress.ours, progress.secondary, config, set(categories) if categories else None)
    return report


def _tag_ahead(doc: Document, config: Config, chosen: list[Family]) -> None:
    """Tag, in one batch, every sentence the families will ask about (cheaper than one tagger call each)."""
    wanted: dict[int, Sentence] = {}
    for fam in chosen:
        if fam.tag_requests is None:
            continue
        try:
            wanted.update((s.index, s) for s in fam.tag_requests(doc, config))
        except Exception as exc:  # the family's own check will tag lazily, or report the same failure
            _log_failure(fam.name, doc.source, exc)
    if wanted:
        doc.tag_many(wanted.values())


def _log_failure(family: str, source: str, exc: Exception) -> None:
    """A full traceback the first time a family fails with an error type, one line after that (archives)."""
    key = (family, type(exc).__name__)
    if key in _logged_failures:
        log.error("check family %s failed on %s: %s", family, source, exc)
    else:
        _logged_failures.add(key)
        log.exception("check family %s failed on %s", family, source)


def check_text(text: str, source: str = "<text>", config: Config | None = None, **kwargs) -> Report:
    started = time.perf_counter()
    doc = Document(text, source)
    return check_document(doc, config, started=started, **kwargs)


def _finish(ours: list[Flag], secondary: list[Flag], config: Config, categories: set[str] | None) -> list[Flag]:
    """Drop what the house style or the caller turned off, and a secondary backend's flags on words ours flagged."""
    disabled_categories = config.disabled_categories

    def kept(flags: list[Flag]) -> list[Flag]:
        return [
            f
            for f in flags
            if config.rule_enabled(f.rule)
            and f.category not in disabled_categories
            and (categories is None or f.category in categories)
        ]

    ours = kept(ours)
    secondary = [f for f in kept(secondary) if not any(overlaps(f, o) for o in ours)]
    unique = {(f.rule, f.start, f.end): f for f in ours + secondary}
    return sorted(unique.values(), key=lambda f: (f.start, f.end, f.category, f.rule))
