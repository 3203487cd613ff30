"""The deadline per document ([limits] max_check_seconds, checks/pipeline.py): a check past it skips the stages not
yet run, with a status naming the slow one; batch makes such a document an error row and goes on with the next.
A family that is slow by design (it waits out the deadline) makes the slow stage certain: nothing here asserts a
speed."""

from __future__ import annotations

import json
import time

import pytest

import checks.pipeline as pipeline
from checks.config import Config
from checks.registry import Family, Result, families
from tests.conftest import ROOT

DRAFT = (ROOT / "samples" / "drafts" / "port-strike.txt").read_text("utf-8")
LIMIT = 0.3  # seconds; the slow family waits longer than this, so the deadline always passes inside it
TRIGGER = "SLOW-DOWN"  # the slow family is slow only on a text holding this


def _slow_check(doc, config):
    if TRIGGER in doc.text:
        time.sleep(LIMIT + 0.05)  # past the deadline, however fast the stages before it were
    return Result([], "slow: read the whole text")


SLOW = Family(name="slow", category="style", check=_slow_check, rules=list)


def _config(limit: float = LIMIT) -> Config:
    return Config({"limits": {"max_check_seconds": limit}}, offline=True, fast=True)


@pytest.fixture(scope="module", autouse=True)
def loaded():
    """Every resource loaded before a deadline is tested, so that only the slow family can be slow."""
    pipeline.check_text(DRAFT, "warm-up", _config(0))


@pytest.fixture
def slow_family_first(monkeypatch):
    """The real families with a slow one run first."""
    real = families()
    monkeypatch.setattr(pipeline, "families", lambda: (SLOW, *real))


def test_a_tiny_deadline_on_a_real_draft_stops_after_the_analysis_and_says_so():
    report = pipeline.check_text(DRAFT, "port-strike.txt", _config(1e-9))
    every = tuple(f.name for f in pipeline.select_families(_config()))
    assert report.stopped is not None
    assert (report.stopped.stage, report.stopped.skipped) == ("analysis", every)
    assert report.issues == [] and report.metrics == {}
    status = report.status["deadline"]
    assert "analysis took" in status and "[limits] max_check_seconds" in status
    assert "not run: " + ", ".join(every) in status
    assert report.to_dict()["status"]["deadline"] == status  # the JSON contract carries it


def test_the_slow_family_is_named_and_the_finished_stages_results_are_kept(slow_family_first):
    text = f"The minister assisted at the funeral on Monday. {TRIGGER}\n\nThe goverment agreed on Tuesday."
    report = pipeline.check_text(text, "draft", _config(), family_names=["slow", "readability", "style"])
    assert report.stopped is not None and report.stopped.stage == "slow"
    assert report.stopped.skipped == ("readability", "style")
    assert report.stopped.stage_seconds >= LIMIT
    assert "the slow checks took" in report.status["deadline"]
    assert "not run: readability, style" in report.status["deadline"]
    assert report.status["slow"] == "slow: read the whole text"  # the slow stage finished: its results stay
    assert "flesch_reading_ease" not in report.metrics  # readability never ran
    complete = pipeline.check_text(text.replace(TRIGGER, ""), "draft", _config(), family_names=["slow", "readability"])
    assert complete.stopped is None and "deadline" not in complete.status and "flesch_reading_ease" in complete.metrics


def test_a_last_stage_past_the_deadline_skips_nothing_so_the_report_is_complete(monkeypatch):
    real = families()
    monkeypatch.setattr(pipeline, "families", lambda: (*real, SLOW))
    report = pipeline.check_text(f"A short story about the port. {TRIGGER}", "draft", _config(), family_names=["slow"])
    assert report.stopped is None and "deadline" not in report.status
    assert report.timings["slow"] > LIMIT  # it did run past the deadline


def test_no_deadline_when_the_limit_is_zero(slow_family_first):
    report = pipeline.check_text(f"A short story. {TRIGGER}", "draft", _config(0), family_names=["slow", "style"])
    assert report.stopped is None and "deadline" not in report.status
    assert pipeline.max_check_seconds(Config()) == 300  # the documented default


def test_progress_shows_the_running_stage_and_the_finished_results():
    progress = pipeline.Progress()
    report = pipeline.check_text(DRAFT, "port-strike.txt", _config(0), progress=progress)
    chosen = [f.name for f in pipeline.select_families(_config())]
    assert progress.finished == ["analysis", "tagging", *chosen] and progress.pending == ()
    partial = pipeline.partial_report(progress, _config())
    assert partial is not None and partial.issues == report.issues and partial.metrics == report.metrics
    assert pipeline.partial_report(pipeline.Progress()) is None  # nothing analysed yet


def test_batch_makes_the_slow_document_an_error_row_and_goes_on_with_the_next(tmp_path, slow_family_first):
    from checks.archives import Limits, plan
    from checks.batch import score_partition
    from checks.scoring import metric_spec

    (tmp_path / "a-slow.txt").write_text(f"The port strike went on. {TRIGGER}", "utf-8")
    (tmp_path / "b-fine.txt").write_text("The port strike ended on Monday, officials said.", "utf-8")
    config = _config()
    spec = metric_spec(config)
    (partition,) = plan([str(tmp_path)], Limits.from_config(config))
    rows = score_partition(partition, config, Limits.from_config(config), spec)["documents"].to_pylist()
    slow, fine = rows
    assert slow["source"].endswith("a-slow.txt") and slow["score"] is None
    assert "not checked in full" in slow["error"] and "the slow checks took" in slow["error"]
    assert "max_check_seconds" in slow["error"]
    assert fine["error"] is None and fine["score"] is not None and fine["words"] == 8
    assert json.loads(fine["status"])["slow"] == "slow: read the whole text"
    assert any(key.startswith("metric_") and fine[key] is not None for key in fine)
