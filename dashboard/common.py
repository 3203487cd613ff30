"""What the three pages share: the house style and limits as the pages show them, cached resources (the models'
warm-up, the thread pool drafts are checked on, the review store), safe uploads.

Presentation glue only: every check, score and decision comes from the `checks` library (limits, accepted files,
what the page shows of a slow draft check and the run folders are checks.desk).
"""

from __future__ import annotations

import concurrent.futures
import re
import tempfile
from pathlib import Path, PurePath

import streamlit as st

from checks.config import Config, ConfigError, load_config
from checks.desk import DeskLimits

WARM_UP_TEXT = (
    "The minister attended the meeting in the capital on Monday, officials said. Thousands of "
    "protesters, who had gathered since dawn, marched to the parliament, where Ana Lopes spoke."
)


def house_style() -> Config:
    """The house style as the command line finds it; a broken file is shown to the user, not a crash."""
    try:
        return load_config()
    except ConfigError as exc:
        st.error(f"The house style could not be read, so the defaults apply: {exc}")
        return Config()


def limits(config: Config) -> DeskLimits:
    try:
        return DeskLimits.from_config(config)
    except ConfigError as exc:
        st.error(f"{exc}; the default limits apply.")
        return DeskLimits()


def house_style_path(config: Config) -> Path:
    """Where the dashboard writes dictionary words, names and disabled rules."""
    return Path(config.path) if config.path is not None else Path("copydesk.toml").resolve()


def _warm_up() -> float:
    """Load the heavy resources once per process: the fast checks run once (tagger, word lists, statistics) and the
    judge's model is loaded. The model's own work waits for a real draft: a first check waits for this, and the
    judge's flags follow the fast ones anyway (on a busy machine, judging a whole sample took over a minute)."""
    import contextlib
    import time

    from checks import lm
    from checks.pipeline import check_text

    started = time.perf_counter()
    sample = Path(__file__).resolve().parents[1] / "samples" / "drafts" / "port-strike.txt"
    text = sample.read_text("utf-8") if sample.is_file() else WARM_UP_TEXT  # flags of every kind load everything
    check_text(text, "<warm-up>", Config(offline=True, fast=True))  # offline: a slow server must not block this
    with contextlib.suppress(lm.Unavailable):  # a missing model is said by each check's status
        lm.scorer()
    return time.perf_counter() - started


@st.cache_resource(show_spinner=False)
def _warm_up_future() -> concurrent.futures.Future:
    return executor().submit(_warm_up)


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
        st.caption(
            ":material/hourglass_top: Loading the language models in the background (once per server start); "
            "the first check waits for them."
        )


@st.cache_resource(show_spinner=False)
def executor() -> concurrent.futures.ThreadPoolExecutor:
    return concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="copydesk-check")


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


def display_name(name: str) -> str:
    """An uploaded file's name for display and as a document source: no folders, no control characters."""
    base = PurePath((name or "upload").replace("\\", "/")).name
    return re.sub(r"[\x00-\x1f\x7f]", "", base)[:200] or "upload"


def save_upload(data: bytes, suffix: str, folder: Path | None = None) -> Path:
    """Write uploaded bytes under a fixed name with the validated suffix, in `folder` (created) or else a new
    private temporary folder."""
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="copydesk-upload-"))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"upload{suffix}"
    target.write_bytes(data)
    return target


@st.cache_resource(show_spinner=False)
def review_store(url: str):
    from checks.reviews import ReviewStore

    return ReviewStore(url)


def bytes_limit_message(what: str, size: int, limit_bytes: int, key: str) -> str:
    """Markdown for st.error: `what` (a file name) is escaped."""
    from dashboard.render import esc

    return (
        f"{esc(what)} is {size / 1_000_000:,.1f} MB; the limit is {limit_bytes / 1_000_000:,.1f} MB "
        f"(house style [limits] {key})."
    )
