"""The one pipeline the command line, the dashboard and the batch engine all call, so a document scores the same
everywhere: analyse once, run every enabled family, filter by the house style, de-duplicate, sort."""

from __future__ import annotations

import logging
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

    def to_dict(self) -> dict:
        out = {"source": self.source, "metrics": self.metrics, "issues": [f.to_dict() for f in self.issues]}
        if self.status:
            out["status"] = self.status
        if self.error is not None:
            out["error"] = self.error
        return out


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
) -> Report:
    """Run the chosen families (default: all default ones) on an analysed document."""
    config = config or Config()
    report = Report(source=doc.source, text=doc.text)
    ours: list[Flag] = []
    secondary: list[Flag] = []
    chosen = select_families(config, family_names)
    started = time.perf_counter()
    _tag_ahead(doc, config, chosen)
    report.timings["tagging"] = time.perf_counter() - started
    for fam in chosen:
        started = time.perf_counter()
        try:
            if fam.metrics is not None:
                report.metrics.update(fam.metrics(doc, config))
            result = fam.check(doc, config)
            (secondary if fam.secondary else ours).extend(result.flags)
            if result.status:
                report.status[fam.name] = result.status
        except Exception as exc:  # one broken check must not lose the others' results
            _log_failure(fam.name, doc.source, exc)
            report.status.setdefault("failed_checks", {})[fam.name] = f"{type(exc).__name__}: {exc}"
        report.timings[fam.name] = time.perf_counter() - started
    report.issues = _finish(ours, secondary, config, set(categories) if categories else None)
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
    analysed = time.perf_counter() - started
    report = check_document(doc, config, **kwargs)
    report.timings["analysis"] = analysed
    return report


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
