"""Batch scoring on a real local Dask cluster of 2 workers: the same numbers as `python -m checks check`, and a run
killed part way then resumed writes exactly what an uninterrupted run writes."""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow  # real Dask clusters; about 30 s of CPU in all
import pyarrow.parquet as pq  # noqa: E402

from checks.archives import ArchiveRefused  # noqa: E402
from checks.batch import BatchError, score_archive  # noqa: E402
from checks.config import load_config  # noqa: E402
from checks.flags import Flag  # noqa: E402
from checks.scoring import quality_score  # noqa: E402
from tests.conftest import ROOT  # noqa: E402

ARCHIVE = ROOT / "samples" / "archive"
FOLDER = ARCHIVE / "articles"
# The zip holds the folder's bytes (tests/test_archives.py checks that worker-side reading gives the same texts).
SAMPLE_INPUTS = [str(FOLDER), str(ARCHIVE / "articles.jsonl")]
OPTIONS = dict(partition_size=2, id_column="id")
OUTPUTS = ("documents", "issues", "names")


@pytest.fixture(scope="module")
def house(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("house") / "copydesk.toml"
    path.write_text('[dictionary]\nwords = ["Varna"]\n', "utf-8")
    return path


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """The sample archive, a .tgz of one of its articles (read ahead by the driver) and a folder whose one document
    cannot be decoded (it must become an error row)."""
    import tarfile

    extra = tmp_path_factory.mktemp("extra")
    with tarfile.open(extra / "pack.tgz", "w:gz") as archive:
        archive.add(FOLDER / "port-strike.txt", arcname="port-strike.txt")
    (extra / "bad").mkdir()
    (extra / "bad" / "undecodable.txt").write_bytes(b"\x00\x9f\x92\x96 binary \x00" * 40)
    return SAMPLE_INPUTS + [str(extra / "pack.tgz"), str(extra / "bad")]


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, cluster, house, inputs):
    out = tmp_path_factory.mktemp("batch") / "whole"
    seen = []
    summary = score_archive(
        inputs,
        str(out),
        load_config(house),
        scheduler=cluster.scheduler_address,
        progress=lambda done, total: seen.append((done, total)),
        **OPTIONS,
    )
    return out, summary, seen


def _cli_reports(paths, house, capsys) -> dict[str, dict]:
    """What `python -m checks check --format json` says about each file (run in this process)."""
    from checks.cli import main

    capsys.readouterr()
    code = main(["check", "--format", "json", "--config", str(house), *map(str, paths)])
    assert code in (0, 1)
    return {d["source"]: d for d in json.loads(capsys.readouterr().out)["documents"]}


def test_every_document_scores_exactly_as_the_check_command(uninterrupted, house, capsys):
    out, summary, seen = uninterrupted
    documents = pq.read_table(out / "documents.parquet").to_pylist()
    issues = pq.read_table(out / "issues.parquet").to_pylist()
    folder_files = sorted(p for p in FOLDER.rglob("*") if p.is_file())
    reports = _cli_reports(folder_files, house, capsys)
    texts = {p.relative_to(FOLDER).as_posix(): p.read_text("utf-8") for p in folder_files}

    def expected_for(row) -> dict:  # the jsonl holds the folder's .txt articles, its id column their names
        source = row["source"]
        if "articles.jsonl#" in source:
            name = row["document_id"]
        elif "pack.tgz!" in source:
            name = source.split("pack.tgz!")[1]
        else:
            name = Path(source).relative_to(FOLDER).as_posix()
        return reports[str(FOLDER / name)]

    assert summary.documents == len(documents) == len(folder_files) + sum(1 for n in texts if n.endswith(".txt")) + 2
    assert seen[-1] == (len(documents), len(documents)) and seen[0][0] < seen[-1][0]
    errors = [row for row in documents if row["error"] is not None]
    assert (
        [Path(row["source"]).name for row in errors]
        == ["undecodable.txt"]
        == [Path(row["document_id"]).name for row in errors]
    )
    assert "undecodable.txt" in errors[0]["error"] and errors[0]["score"] is None and errors[0]["flags"] is None
    documents = [row for row in documents if row["error"] is None]
    assert summary.errors == 1 and not summary.cancelled
    flags_total = 0
    for row in documents:
        report = expected_for(row)
        got = [
            {k: v for k, v in i.items() if k not in ("document_id", "sentence", "sentence_start")}
            for i in issues
            if i["document_id"] == row["document_id"]
        ]
        fields = set(Flag.__dataclass_fields__)  # the JSON also gives line and column, which batch leaves out
        assert got == [{k: v for k, v in i.items() if k in fields} for i in report["issues"]], row["source"]
        flags_total += len(got)
        assert row["flags"] == len(report["issues"])
        for key, value in report["metrics"].items():
            column = row[f"metric_{key}"]
            if isinstance(value, (int, float)):
                assert column == float(value), (row["source"], key)
            elif isinstance(value, str):
                assert column == value
            else:
                assert json.loads(column) == value
        flags = [Flag.from_dict(i) for i in report["issues"]]
        assert row["score"] == quality_score(flags, row["words"])
        for category in ("readability", "spelling", "grammar", "mistranslation", "names", "style"):
            assert row[f"flags_{category}"] == sum(1 for f in flags if f.category == category)
    assert summary.flags == flags_total == len(issues)
    for issue in issues:  # the context sentence holds the flag at its exact offset
        start = issue["start"] - issue["sentence_start"]
        assert issue["sentence"][start : start + len(issue["text"])] == issue["text"]


def test_killed_run_resumes_to_the_same_outputs(uninterrupted, tmp_path, cluster, house, inputs):
    whole, _, _ = uninterrupted
    out = tmp_path / "killed"
    command = [
        sys.executable,
        "-m",
        "checks",
        "batch",
        *inputs,
        "--out",
        str(out),
        "--config",
        str(house),
        "--scheduler",
        cluster.scheduler_address,
        "--partition-size",
        "2",
        "--id-column",
        "id",
        "--no-progress",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    parts = out / "parts"
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if parts.is_dir() and any(p.name.endswith(".documents.parquet") for p in parts.iterdir()):
                break
            time.sleep(0.02)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    finished_before = sum(1 for p in parts.iterdir() if p.name.endswith(".documents.parquet"))
    assert finished_before >= 1 and not (out / "documents.parquet").exists(), "the run was not killed part way"

    cancel, calls = threading.Event(), []

    def cancel_after_one_partition(done, total):
        calls.append(done)  # 0 as soon as the documents are counted, then the finished part of the earlier run
        if len(calls) > 2:  # a document of this run is scored: the partition in hand is the last one
            cancel.set()

    cancelled = score_archive(
        inputs,
        str(out),
        load_config(house),
        scheduler=cluster.scheduler_address,
        cancel=cancel,
        progress=cancel_after_one_partition,
        **OPTIONS,
    )
    assert cancelled.cancelled and cancelled.resumed_partitions == finished_before
    assert not (out / "documents.parquet").exists()
    finished_after_cancel = sum(1 for p in parts.iterdir() if p.name.endswith(".documents.parquet"))
    assert finished_after_cancel > finished_before

    # Finished by a LocalCluster of its own with another worker count: partitions do not depend on it.
    resumed = score_archive(inputs, str(out), load_config(house), workers=1, write_csv=True, **OPTIONS)
    assert not resumed.cancelled and resumed.resumed_partitions == finished_after_cancel
    assert resumed.workers == 1 and 0 < resumed.peak_worker_memory_mb < 2000
    for name in OUTPUTS:
        assert pq.read_table(out / f"{name}.parquet").equals(pq.read_table(whole / f"{name}.parquet")), name
    issues = pq.read_table(out / "issues.parquet").to_pylist()
    with open(out / "issues.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["document_id"], int(r["start"]), r["text"], r["suggestions"]) for r in rows] == [
        (i["document_id"], i["start"], i["text"], " | ".join(i["suggestions"])) for i in issues
    ]


def test_another_run_in_the_same_folder_is_refused(uninterrupted, cluster, house):
    whole, _, _ = uninterrupted
    with pytest.raises(BatchError, match="different run.*plan"):
        score_archive(
            SAMPLE_INPUTS[:1], str(whole), load_config(house), partition_size=2, scheduler=cluster.scheduler_address
        )


def test_unsafe_archive_is_refused_before_anything_is_written(tmp_path, house):
    import zipfile

    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("story.txt", "A story.")
        archive.writestr("../../outside.txt", "Escaping.")
    out = tmp_path / "out"
    with pytest.raises(ArchiveRefused, match="outside.txt"):
        score_archive([str(FOLDER), str(bad)], str(out), load_config(house))
    assert not out.exists()
    from checks.cli import main

    assert main(["batch", str(bad), "--out", str(out), "--config", str(house), "--no-progress"]) == 2
    assert not out.exists()


def test_quality_score_formula():
    warning = Flag("grammar", "grammar.x", 0, 1, "x", "m", severity="warning", confidence=1.0)
    error = Flag("spelling", "spelling.x", 0, 1, "x", "m", severity="error", confidence=0.5)
    assert quality_score([], 500) == 100.0
    assert quality_score([warning] * 23, 2000) == 50.0  # 11.5 points per 1,000 words halve the score
    assert quality_score([warning], 10) == round(100 * 0.5 ** (10 / 11.5), 1)  # short texts count as 100 words
    assert quality_score([error], 1000) == round(100 * 0.5 ** (1.5 / 11.5), 1)
    assert math.isclose(quality_score([warning] * 46, 2000), 25.0)


def test_resumed_run_scores_edited_documents_again_and_a_bad_row_is_one_error(tmp_path, cluster, house):
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text("Leaders assisted at the funeral on Friday.", "utf-8")
    (folder / "b.txt").write_text("The port strike ended on Monday.", "utf-8")
    rows = tmp_path / "rows.jsonl"  # a lone surrogate once failed its partition twice and aborted the run
    rows.write_text('{"text": "Good row."}\n{"text": "Bad \\ud800 row."}\n{"text": "Good again."}\n', "utf-8")
    inputs, out = [str(folder), str(rows)], tmp_path / "out"

    def run():
        summary = score_archive(
            inputs, str(out), load_config(house), scheduler=cluster.scheduler_address, partition_size=1
        )
        return summary, {row["source"]: row for row in pq.read_table(out / "documents.parquet").to_pylist()}

    first, documents = run()
    assert (first.documents, first.errors) == (5, 1) and "lone surrogate" in documents[f"{rows}#2"]["error"]
    assert documents[f"{rows}#3"]["error"] is None and documents[str(folder / "a.txt")]["flags_mistranslation"] == 1
    edited = "The council met on Tuesday and agreed the budget."
    (folder / "a.txt").write_text(edited, "utf-8")  # the same path, other contents
    leftovers = [out / "parts" / f"documents.parquet.{'0' * 32}.tmp", out / f"issues.parquet.{'1' * 32}.tmp"]
    for leftover in leftovers:  # as a kill during the final combine leaves it (in DIR itself: earlier versions)
        leftover.write_bytes(b"partial")
    second, documents = run()
    assert second.resumed_partitions == first.partitions - 1  # only the edited document is scored again
    row = documents[str(folder / "a.txt")]
    assert (row["characters"], row["flags_mistranslation"]) == (len(edited), 0)
    assert row["content_sha256"] == hashlib.sha256(edited.encode()).hexdigest()
    assert not any(leftover.exists() for leftover in leftovers) and not list(out.glob("**/*.tmp"))


def test_a_partition_whose_reading_fails_part_way_keeps_its_other_documents(tmp_path, monkeypatch):
    import zipfile

    import checks.batch as batch
    from checks.archives import Limits, plan, read_partition
    from checks.config import Config

    archive = tmp_path / "three.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for name in ("one.txt", "two.txt", "three.txt"):
            handle.writestr(name, f"The {name[:-4]} story.")
    (partition,) = plan([str(archive)], Limits())

    def failing_after_one(partition, limits):
        yield next(read_partition(partition, limits))
        raise MemoryError("the reader gave up")

    monkeypatch.setattr(batch, "read_partition", failing_after_one)
    config = Config(offline=True, fast=True)
    result = batch.score_partition(partition, config, Limits(), batch.metric_spec(config))
    documents = result["documents"].to_pylist()
    assert [(row["document_id"].split("!")[1], row["error"] is None) for row in documents] == [
        ("one.txt", True),
        ("two.txt", False),
        ("three.txt", False),
    ]
    assert "MemoryError: the reader gave up" in documents[1]["error"]


def test_progress_moves_per_document_and_documents_keep_the_name_the_user_gave(tmp_path, cluster, house):
    import zipfile

    copy = tmp_path / "copydesk-upload-x1" / "upload.zip"  # the server's copy of an upload named Amazon.zip
    copy.parent.mkdir()
    articles = sorted(FOLDER.glob("*.txt"))[:3]
    with zipfile.ZipFile(copy, "w") as handle:
        for article in articles:
            handle.write(article, article.name)
        handle.writestr("bad.txt", b"\x00\x9f\x92\x96 binary \x00" * 40)
    seen: list[tuple[int, int | None]] = []
    summary = score_archive(
        [str(copy)],
        str(tmp_path / "out"),
        load_config(house),
        scheduler=cluster.scheduler_address,
        partition_size=10,  # one partition: any step between 0 and 4 comes from the worker, per document
        progress=lambda done, total: seen.append((done, total)),
        names={str(copy): "Amazon.zip"},
    )
    assert summary.documents == 4 and summary.partitions == 1
    assert seen[0] == (0, 4) and seen[-1] == (4, 4), seen
    assert [done for done, _ in seen] == sorted({done for done, _ in seen}), seen  # never backwards nor twice
    assert any(0 < done < 4 for done, _ in seen), seen
    documents = pq.read_table(tmp_path / "out" / "documents.parquet").to_pylist()
    issues = pq.read_table(tmp_path / "out" / "issues.parquet").to_pylist()
    expected = sorted(f"Amazon.zip!{name}" for name in [*(a.name for a in articles), "bad.txt"])
    assert sorted(row["document_id"] for row in documents) == expected
    assert {row["source"] for row in documents} == set(expected) and {row["input"] for row in documents} == {
        "Amazon.zip"
    }
    assert {row["document_id"] for row in issues} <= set(expected) and issues
    (bad,) = [row for row in documents if row["error"] is not None]
    assert bad["error"].startswith("Amazon.zip!bad.txt") and "copydesk-upload" not in bad["error"], bad["error"]
