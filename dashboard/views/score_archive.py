"""Page 2, Score an archive: the batch engine of `python -m checks batch`, with progress, time left and cancel."""

from __future__ import annotations

import functools
import io
import shutil
import threading
import time
from pathlib import Path

import streamlit as st

from checks import desk
from checks.batch import score_archive
from checks.formats import plural
from dashboard import common, render

JOB = "archive_job"  # st.session_state[JOB]: the running or finished scoring run


def table_columns(source, suffix: str) -> list[str]:
    """Column names of a table (a path, or an uploaded file's bytes in a buffer), read from a few rows only."""
    import pandas as pd

    if suffix == ".csv":
        return list(pd.read_csv(source, nrows=5).columns)
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(source).names)
    return list(pd.read_json(source, lines=True, nrows=5).columns)


def choose_input(config, limits: desk.DeskLimits) -> dict | None:
    """The input to score, its columns and filters, or None while the user is still choosing."""
    kind = st.radio("Archive", ["Upload a file", "Folder on the server"], horizontal=True, key="archive_kind")
    path: Path | None = None  # a folder on the server; an upload is written to disk only when scoring starts
    if kind == "Upload a file":
        uploaded = st.file_uploader(
            "Upload a .zip, .tar.gz, CSV, Parquet or JSONL file",
            type=["zip", "gz", "tgz", "csv", "parquet", "jsonl"],
            key="archive_upload",
            max_upload_size=limits.widget_mb(limits.max_archive_bytes),
        )
        if uploaded is None:
            return None
        name = common.display_name(uploaded.name)
        suffix = desk.safe_suffix(name, desk.ARCHIVE_SUFFIXES)
        if suffix is None:
            st.error(f"{render.esc(name)}: expected one of {', '.join(desk.ARCHIVE_SUFFIXES)}.")
            return None
        if uploaded.size > limits.max_archive_bytes:
            st.error(common.bytes_limit_message(name, uploaded.size, limits.max_archive_bytes, limits.archive_key))
            return None
        table: Path | io.BytesIO = io.BytesIO(uploaded.getvalue())
        label, include, upload = name, None, uploaded
    else:
        folder = st.text_input("Folder path on the server", key="archive_folder")
        include = (
            st.text_input("Only files matching (glob, optional)", key="archive_include", placeholder="*.txt") or None
        )
        if not folder:
            return None
        path = Path(folder).expanduser()
        if not path.is_dir():
            st.error(f"{render.esc(folder)}: no such folder on the server.")
            return None
        table, label, suffix, upload = path, str(path), "", None
    text_column, id_column = "text", None
    if suffix in desk.TABLE_SUFFIXES:
        try:
            columns = table_columns(table, suffix)
        except Exception as exc:  # a damaged table: say so, do not crash the page
            st.error(render.esc(f"{label}: cannot read the table ({type(exc).__name__}: {exc})"))
            return None
        cols = st.columns(2)
        text_column = cols[0].selectbox(
            "Text column", columns, key="archive_text_column", index=columns.index("text") if "text" in columns else 0
        )
        id_options = ["(row number)"] + columns
        id_choice = cols[1].selectbox(
            "Id column", id_options, key="archive_id_column", index=id_options.index("id") if "id" in id_options else 0
        )
        id_column = None if id_choice == "(row number)" else id_choice
    return {
        "path": path,
        "label": label,
        "text_column": text_column,
        "id_column": id_column,
        "include": [include] if include else None,
        "upload": upload,
        "suffix": suffix,
    }


def job_key(chosen: dict) -> tuple:
    """What decides a run's results on this page: the input (an upload by its file id) and its options."""
    given = chosen["upload"].file_id if chosen["upload"] is not None else str(chosen["path"])
    return (given, chosen["text_column"], chosen["id_column"], tuple(chosen["include"] or ()))


def cancelled_run(chosen: dict | None) -> dict | None:
    """This session's cancelled run of the same input with the same options, which scoring again continues."""
    job = st.session_state.get(JOB)
    if chosen is None or job is None or not job["finished"] or not job.get("cancelled"):
        return None
    return job if job["key"] == job_key(chosen) and Path(job["input"]).exists() else None


def drop_upload_copy(job: dict | None) -> None:
    if job is not None and job.get("upload_dir") is not None:
        shutil.rmtree(job["upload_dir"], ignore_errors=True)


def start_job(chosen: dict, config, workers: int | None) -> None:
    """Score the chosen input in a new run folder, or continue this session's cancelled run of it: the batch
    engine resumes a run folder from its finished partitions. An upload is copied into its run folder (under a
    fixed name) and the copy is removed when the run finishes or fails; a cancelled run keeps it to continue."""
    earlier = cancelled_run(chosen)
    if earlier is not None:
        run_dir, path, upload_dir = earlier["run_dir"], earlier["input"], earlier["upload_dir"]
    else:
        drop_upload_copy(st.session_state.get(JOB))  # a cancelled run of another input is not continued
        run_dir = desk.new_run_dir(config, chosen["label"])
        path, upload_dir = chosen["path"], None
        if chosen["upload"] is not None:
            path = common.save_upload(chosen["upload"].getvalue(), chosen["suffix"], run_dir / "upload")
            upload_dir = path.parent
    job = {
        "done": 0,
        "total": 0,
        "started": time.monotonic(),
        "cancel": threading.Event(),
        "run_dir": run_dir,
        "input": str(path),
        "upload_dir": upload_dir,
        "key": job_key(chosen),
        "cancelled": False,
        "label": chosen["label"],
        "error": None,
        "summary": None,
        "finished": False,
    }

    def progress(done, total):
        job["done"], job["total"] = done, total
        if done and job.get("since") is None:  # time left is measured from the first document scored
            job["since"] = (time.monotonic(), done)

    def work():
        try:
            job["summary"] = score_archive(
                [str(path)],
                str(run_dir),
                config,
                workers=workers,
                text_column=chosen["text_column"],
                id_column=chosen["id_column"],
                include=chosen["include"],
                progress=progress,
                cancel=job["cancel"],
                names={str(path): chosen["label"]} if chosen["upload"] is not None else None,
            )
        except Exception as exc:  # shown on the page (ArchiveRefused explains an unsafe or over-limit input)
            job["error"] = f"{type(exc).__name__}: {exc}"
        finally:
            job["cancelled"] = bool(getattr(job["summary"], "cancelled", False))
            if not job["cancelled"]:  # finished or failed: the copy goes (a cancelled run keeps it to continue)
                drop_upload_copy(job)
            job["finished"] = True

    job["thread"] = threading.Thread(target=work, name="copydesk-archive", daemon=True)
    st.session_state[JOB] = job
    job["thread"].start()


def time_left(job: dict) -> str:
    """From the pace since the first document was scored (the cluster's start-up and a resumed run's finished part
    do not count)."""
    done, total, since = job["done"], job["total"], job.get("since")
    if not total or since is None or done <= since[1]:
        return "estimating time left…"
    started, first = since
    left = (time.monotonic() - started) / (done - first) * (total - done)
    if left < 5:
        return "a few seconds left"
    return f"about {left:.0f} s left" if left < 90 else f"about {left / 60:.0f} min left"


@st.fragment(run_every=0.5)
def progress_panel() -> None:
    job = st.session_state.get(JOB)
    if job is None:
        return
    if job["finished"]:
        st.rerun()  # the whole page shows the results
    done, total = job["done"], job["total"]
    if not total:
        st.progress(0.0, text="Counting the documents…")
    else:
        text = f"Scored {done:,} of {plural(total, 'document')} · {time_left(job)}"
        st.progress(min(done / total, 1.0), text=text)
    if st.button("Cancel", key="archive_cancel"):
        job["cancel"].set()
        st.caption("Cancelling after the documents in progress…")


def read_results(run_dir: Path) -> dict:
    import pandas as pd

    out = {}
    for name in ("documents", "issues", "names"):
        path = run_dir / f"{name}.parquet"
        out[name] = pd.read_parquet(path) if path.is_file() else pd.DataFrame()
    return out


def first_column(frame, *candidates):
    return next((c for c in candidates if c in frame.columns), None)


def charts(results: dict) -> None:
    import altair as alt

    documents, issues = results["documents"], results["issues"]
    cols = st.columns(3)
    score = first_column(documents, "score", "quality_score")
    if score:
        cols[0].altair_chart(
            alt.Chart(documents)
            .mark_bar()
            .encode(
                alt.X(
                    f"{score}:Q",
                    bin=alt.Bin(step=5, extent=[0, 100]),
                    scale=alt.Scale(domain=[0, 100]),
                    title="quality score (100 = clean)",
                ),
                alt.Y("count()", title="documents"),
            )
            .properties(title="Score distribution", height=240),
            width="stretch",
        )
    if not issues.empty and "category" in issues.columns:
        per_category = issues.groupby("category").size().reset_index(name="flags")
        cols[1].altair_chart(
            alt.Chart(per_category)
            .mark_bar()
            .encode(
                alt.X("flags:Q"),
                alt.Y("category:N", sort="-x"),
                alt.Color(
                    "category:N",
                    legend=None,
                    scale=alt.Scale(domain=list(render.CATEGORY_COLOURS), range=list(render.CATEGORY_COLOURS.values())),
                ),
            )
            .properties(title="Flags per category", height=240),
            width="stretch",
        )
    length = first_column(documents, "words", "metric_lexicon_count")
    grade = first_column(documents, "metric_consensus_grade", "metric_flesch_kincaid_grade", "consensus_grade")
    if length and grade:
        cols[2].altair_chart(
            alt.Chart(documents)
            .mark_circle(opacity=0.6)
            .encode(
                alt.X(f"{length}:Q", title="words"),
                alt.Y(f"{grade}:Q", title="reading grade"),
                tooltip=[c for c in ("document_id", "source", score, length, grade) if c in documents.columns],
            )
            .properties(title="Readability against length", height=240),
            width="stretch",
        )


def csv_bytes(frame) -> bytes:
    """A table as CSV, list cells (fixes, a name's documents) joined with " | " as `batch --csv` writes them."""
    import numpy as np

    def joined(value):
        return " | ".join(map(str, value)) if isinstance(value, (list, tuple, np.ndarray)) else value

    listed = [c for c in frame.columns if frame[c].dtype == object and frame[c].map(np.ndim).gt(0).any()]
    return frame.assign(**{c: frame[c].map(joined) for c in listed}).to_csv(index=False).encode("utf-8")


def parquet_bytes(frame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def downloads(results: dict) -> None:
    """Each table as Parquet and CSV, made when its button is pressed (not at every redraw of the page)."""
    cols = st.columns(6)
    for i, name in enumerate(("documents", "issues", "names")):
        frame = results[name]
        if frame.empty:
            continue
        cols[2 * i].download_button(
            f"{name}.parquet",
            functools.partial(parquet_bytes, frame),
            f"{name}.parquet",
            "application/vnd.apache.parquet",
            key=f"dl_{name}_parquet",
        )
        cols[2 * i + 1].download_button(
            f"{name}.csv", functools.partial(csv_bytes, frame), f"{name}.csv", "text/csv", key=f"dl_{name}_csv"
        )


def show_results(job: dict) -> None:
    summary = job.get("summary")
    if job["error"]:
        st.error(f"Scoring failed: {render.esc(job['error'])}")
    elif job.get("cancelled"):
        st.warning(
            f"Scoring was cancelled after {job['done']:,} of {job['total']:,} documents: nothing was combined yet. "
            "Press Continue scoring (the same input, columns and filter, in this session) to go on from the "
            "finished part in the same run folder; choosing another input starts a new run instead."
        )
        return
    results = read_results(job["run_dir"])
    if results["documents"].empty:
        return
    st.success(
        f"Scored {plural(len(results['documents']), 'document')} with {plural(len(results['issues']), 'flag')} "
        f"(results in {job['run_dir']}). Review them on the Review flagged passages page."
    )
    if summary is not None and hasattr(summary, "lines"):
        st.caption(" · ".join(line.strip() for line in summary.lines()[1:]))
    charts(results)
    st.subheader("Documents")
    documents = results["documents"]
    first = [c for c in ("document_id", "source", "score", "words", "flags") if c in documents.columns]
    st.dataframe(
        documents[first + [c for c in documents.columns if c not in first]],
        hide_index=True,
        key="archive_documents",
        column_config={"score": st.column_config.ProgressColumn("score", min_value=0, max_value=100, format="%.1f")},
    )
    if not results["names"].empty:
        st.subheader("Name variants across the archive")
        st.dataframe(results["names"], hide_index=True, key="archive_names")
    downloads(results)


def main() -> None:
    config = common.house_style()
    limits = common.limits(config)
    st.title("Score an archive")
    job = st.session_state.get(JOB)
    chosen = choose_input(config, limits)  # shown while a run goes on too, so the choices are kept
    if job is not None and not job["finished"]:
        st.caption(f"Scoring {render.esc(job['label'])}…")
        progress_panel()
        return
    label = "Continue scoring" if cancelled_run(chosen) is not None else "Score archive"
    if st.button(label, type="primary", key="archive_start", disabled=chosen is None) and chosen is not None:
        start_job(chosen, config, limits.batch_workers)
        st.rerun()
    if job is not None:
        show_results(job)


main()
