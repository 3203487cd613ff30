"""AppTest: the Score an archive page, driving the real batch engine on a small uploaded table."""

from __future__ import annotations

import html
import io
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "dashboard" / "app.py")
DRAFTS = ROOT / "samples" / "drafts"


@pytest.fixture
def house(tmp_path, monkeypatch):
    path = tmp_path / "copydesk.toml"
    path.write_text(
        '[review]\ndatabase = "reviews.sqlite"\nruns_dir = "runs"\n[dashboard]\nbatch_workers = 1\n'
        "[limits]\nmax_upload_bytes = 1_000_000\n",
        "utf-8",
    )
    monkeypatch.setenv("COPYDESK_CONFIG", str(path))
    return path


def open_archive_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/score_archive.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_oversized_archive_is_refused_with_the_limit(house):
    at = open_archive_page()
    at.file_uploader(key="archive_upload").set_value(("big.csv", b"id,text\n" + b"1,word\n" * 200_000, "text/csv"))
    at.run()
    assert any("limit is 1.0 MB" in e.value and "max_upload_bytes" in e.value for e in at.error)


# A file name that Markdown would turn into a live link and bold text (issue 17, item 15).
HOSTILE_NAME = "**Urgent** [Session expired - log in again](evil.example#login) $x$ :red[alarm] _x_.gz"


def assert_shown_as_text(value: str, name: str) -> None:
    """`value` is Markdown that shows `name` literally: no link, emphasis, maths or colour markup survives."""
    for markup in ("**", "](", "[Session", "$x$", ":red["):
        assert markup not in value, (markup, value)
    assert name in html.unescape(value)


def test_uploaded_file_names_are_escaped_in_errors(house):
    at = open_archive_page()
    at.file_uploader(key="archive_upload").set_value((HOSTILE_NAME, b"not an archive", "application/gzip"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error, "the upload is refused"
    assert_shown_as_text(at.error[0].value, HOSTILE_NAME)


def test_uploaded_draft_names_are_escaped_in_errors(house):
    at = AppTest.from_file(APP, default_timeout=60).run()  # the Check a draft page
    name = HOSTILE_NAME.replace(".gz", ".txt")
    at.file_uploader(key="draft_upload").set_value((name, b"\x00\x01 binary", "text/plain"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and "NUL" in at.error[0].value
    assert_shown_as_text(at.error[0].value, name)


def test_archive_label_and_failure_are_escaped_in_captions(house, tmp_path):
    at = open_archive_page()
    label = HOSTILE_NAME.replace(".gz", ".zip")
    job = {
        "done": 1,
        "total": 4,
        "started": time.monotonic(),
        "cancel": threading.Event(),
        "run_dir": tmp_path,
        "label": label,
        "error": None,
        "summary": None,
        "finished": False,
    }
    at.session_state["archive_job"] = job
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value for c in at.caption if "Scoring" in c.value]
    assert captions, [c.value for c in at.caption]
    assert_shown_as_text(captions[0], label)
    job.update(finished=True, error=f"ArchiveRefused: {label}: refused: members share their compressed data")
    at.run()
    assert_shown_as_text(at.error[0].value, label)


def test_progress_shows_counts_and_time_left_per_document(house, tmp_path):
    at = open_archive_page()
    job = {
        "done": 0,
        "total": 0,
        "started": time.monotonic(),
        "cancel": threading.Event(),
        "run_dir": tmp_path,
        "label": "news.zip",
        "error": None,
        "summary": None,
        "finished": False,
    }
    at.session_state["archive_job"] = job
    at.run()
    assert [p.proto.text for p in at.get("progress")] == ["Counting the documents…"]
    job.update(done=3, total=40, since=(time.monotonic() - 10.0, 1))  # 2 documents in 10 s since the first
    at.run()
    text = at.get("progress")[0].proto.text
    assert text.startswith("Scored 3 of 40 documents · about ") and text.endswith(" min left"), text
    assert 3 <= float(text.split("about ")[1].split(" ")[0]) <= 4  # 37 documents at 5 s each: about 3 min


@pytest.mark.slow
def test_scoring_an_uploaded_table_shows_results_and_keeps_the_run(house, tmp_path, monkeypatch):
    drafts = sorted(p for p in DRAFTS.glob("*.txt") if p.name != "hostile.txt")
    table = pd.DataFrame(
        {"story": [f"s{i}" for i in range(len(drafts))], "body": [p.read_text("utf-8") for p in drafts]}
    )
    buffer = io.BytesIO()
    table.to_csv(buffer, index=False)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temporary))  # where the page keeps its copy of the upload
    at = open_archive_page()
    at.file_uploader(key="archive_upload").set_value(("../../../etc/cron.d/news.csv", buffer.getvalue(), "text/csv"))
    at.run()
    assert not at.error, [e.value for e in at.error]
    at.selectbox(key="archive_text_column").select("body")
    at.selectbox(key="archive_id_column").select("story")
    at.button(key="archive_start").click().run()
    job = at.session_state["archive_job"]
    deadline = time.monotonic() + 240
    while not job["finished"] and time.monotonic() < deadline:
        time.sleep(0.5)
    assert job["finished"] and job["error"] is None, job["error"]
    assert (job["done"], job["total"]) == (len(drafts), len(drafts))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"Scored {len(drafts)} documents" in s.value for s in at.success)
    documents = at.dataframe[0].value  # the documents table comes first
    assert sorted(documents["document_id"]) == sorted(table["story"])
    # documents keep the name the user gave the upload, never the server's copy of it
    assert set(documents["input"]) == {"news.csv"}, set(documents["input"])
    assert all(source.startswith("news.csv") for source in documents["source"]), list(documents["source"])
    run_dir = Path(job["run_dir"])
    assert run_dir.parent == tmp_path / "runs" and (run_dir / "issues.parquet").is_file()
    assert not Path("/etc/cron.d/news.csv").exists()
    at.run()  # the page shown again after the run: no copy of the upload is left behind (issue 17, item 16)
    assert not list(temporary.glob("copydesk-upload-*"))
    # the run is offered for review (as it would be after a restart)
    at.switch_page("views/review_flags.py").run()
    assert not at.exception
    assert at.selectbox(key="review_run").value == str(run_dir)


@pytest.mark.slow
def test_a_running_scoring_can_be_cancelled(house):
    drafts = sorted(p for p in DRAFTS.glob("*.txt"))
    table = pd.DataFrame({"text": [p.read_text("utf-8") for p in drafts] * 5})
    at = open_archive_page()
    at.file_uploader(key="archive_upload").set_value(("table.csv", table.to_csv(index=False).encode(), "text/csv"))
    at.run()
    at.button(key="archive_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("progress"), "a progress bar is shown while scoring"
    at.button(key="archive_cancel").click().run()
    job = at.session_state["archive_job"]
    assert job["cancel"].is_set()
    deadline = time.monotonic() + 240
    while not job["finished"] and time.monotonic() < deadline:
        time.sleep(0.5)
    assert job["finished"] and job["error"] is None, job["error"]
    assert job["summary"].cancelled
    at.run()
    assert any("cancelled" in w.value and "Continue scoring" in w.value for w in at.warning)
    run_dir = Path(job["run_dir"])
    finished = len(list((run_dir / "parts").glob("*.documents.parquet")))
    assert Path(job["input"]).is_file() and Path(job["input"]).is_relative_to(run_dir)  # kept to continue
    at.button(key="archive_start").click().run()  # "Continue scoring": the same run folder, from its finished part
    assert not at.exception, [e.value for e in at.exception]
    again = at.session_state["archive_job"]
    assert again is not job and again["run_dir"] == run_dir
    deadline = time.monotonic() + 240
    while not again["finished"] and time.monotonic() < deadline:
        time.sleep(0.5)
    assert again["finished"] and again["error"] is None, again["error"]
    summary = again["summary"]
    assert not summary.cancelled and summary.resumed_partitions == finished
    assert summary.documents == len(table)
    assert not (run_dir / "upload").exists()  # finished: the copy of the upload goes
    assert [p.name for p in (run_dir.parent).iterdir()] == [run_dir.name]  # no second run folder
