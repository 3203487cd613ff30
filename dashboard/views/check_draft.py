"""Page 1, Check a draft: paste or upload, then work in one text: the draft edited in place with its flags
highlighted (the editor component, dashboard/components/editor), fixes accepted from a card, re-checked on every
pause, undo and redo, downloads of the clean text or the text with its changes marked. The editor keeps the working
copy in the browser, so after a reload, a closed tab or a server restart the page offers it back (take_restore)."""

from __future__ import annotations

import io
import json
import threading
import time
import uuid

import streamlit as st

from checks import desk
from checks.config import DIALECT_VARIANTS, update_house_style
from checks.flags import CATEGORIES, SEVERITY_RANK, Flag
from checks.formats import plural
from checks.names import add_canonical_name
from checks.spelling import add_to_dictionary
from dashboard import common, render
from dashboard.components import working_copy
from dashboard.components.draft_editor import editor, flag_payload

STATE = "draft"  # st.session_state[STATE]: the draft's working copy, its latest check and the editor's decisions
INPUT_BOX = "draft_input_boxes"  # paste and upload boxes drawn so far: each new draft closes the box
EDITOR_KEY = "cd_editor"  # the editor component's value: {"client", "events": [...]} not yet acknowledged
SESSION = "cd_session"  # this session's token (session_token)
RESTORED = "cd_restored"  # the editor's last Restore answered: {"client", "seq"} (also its acknowledgement)
JUDGE_DELAY_SECONDS = 0.4  # the pause before the model judge reads an edited text (the editor may go on typing)
DIALECT_NAMES = {
    "auto": "auto (follow the draft)",
    "en-US": "US (en-US)",
    "en-GB": "UK (en-GB)",
    "en-AU": "Australian (en-AU)",
    "en-CA": "Canadian (en-CA)",
}


def new_draft(text: str, source: str, report, note: str | None, seconds: float) -> dict:
    return {
        "doc": uuid.uuid4().hex,
        "source": source,
        "copy": working_copy.WorkingCopy.start(text),
        "report": report,
        "checked": text,  # the text `report` is about
        "note": note,
        "seconds": seconds,
        "ack": {"client": None, "seq": 0},
    }


def open_flags(draft: dict) -> list[Flag]:
    """The flags the editor has not ignored, most severe first, then in text order."""
    copy = draft["copy"]
    flags = [f for f in draft["report"].issues if not copy.is_ignored(f)]
    return sorted(flags, key=lambda f: (-SEVERITY_RANK[f.severity], f.start, f.end, f.rule))


# ----------------------------------------------------------------------------------------------------------------
# Checking: the first check of a draft, and again after every edit (the fast checks; the model judge's flags follow)


def check_into(draft: dict, config, limits: desk.DeskLimits) -> None:
    """Check the working copy's text now (the fast pass, bounded by the page's deadline) and start the full check
    whose flags follow."""
    text = draft["copy"].text
    started = time.perf_counter()
    fast = desk.first_pass(config)
    outcome = desk.check_draft(text, draft["source"], fast or config, limits.check_timeout_seconds, common.executor())
    say_guessed(outcome.report, draft["source"], draft.get("guessed"))
    draft.update(report=outcome.report, checked=text, seconds=time.perf_counter() - started)
    draft.pop("judging", None)
    draft.pop("superseded", threading.Event()).set()  # a judge still waiting to read an older text stands down
    draft.pop("late", None)
    if outcome.note:
        draft["note"] = outcome.note
    if outcome.pending is not None:  # the check goes on: its complete report follows (take_judged_flags)
        draft["judging"], draft["late"] = outcome.pending, True
    elif fast is not None and not outcome.note:  # the model judge's flags follow (judged_flags_follow)
        draft["superseded"] = threading.Event()
        draft["judging"] = common.executor().submit(judge_later, text, draft["source"], config, draft["superseded"])
    draft["judging_text"] = text


def judge_later(text: str, source: str, config, superseded: threading.Event):
    """The full check (with the model judge) of a text, started after a short wait: the page's answer to an edit
    goes out first, and a text edited again meanwhile is never judged (None)."""
    from checks.pipeline import check_text

    if superseded.wait(JUDGE_DELAY_SECONDS):
        return None
    return check_text(text, source, config)


def run_check(
    text: str,
    source: str,
    config,
    limits: desk.DeskLimits,
    guessed: str | None = None,
    confirmed: bool = False,
) -> None:
    """Check a draft and put it on the page; `guessed` is the encoding of an upload whose encoding was guessed. A
    working copy with the editor's changes is never replaced without asking (`confirmed`)."""
    if len(text) > limits.max_paste_chars:
        st.error(
            f"This draft has {len(text):,} characters; the limit is {limits.max_paste_chars:,} "
            "(house style [dashboard] max_paste_chars). Split it, or score it on the Score an archive page."
        )
        return
    if not text.strip():
        st.warning("The draft is empty: paste some text or upload a file first.")
        return
    if still_checking(text, source):  # the same work is not started again
        st.session_state["draft_notice"] = "This draft is still being checked: its results are added when it is done."
        return
    if would_lose_work({"text": text, "source": source, "guessed": guessed}, confirmed):
        return
    st.session_state.pop("draft_replace", None)
    common.warm_up(wait=True)
    draft = new_draft(text, source, None, None, 0.0)
    draft["guessed"] = guessed
    with st.spinner("Checking…"):
        check_into(draft, config, limits)
    encoding_note = say_guessed(draft["report"], source, guessed)
    notes = [n for n in (encoding_note, draft["note"]) if n]
    draft["note"] = "\n\n".join(notes) or None
    st.session_state[STATE] = draft
    st.session_state["close_input"] = True  # one copy of the text on the page: the box closes, the editor has it


def would_lose_work(waiting: dict, confirmed: bool) -> bool:
    """Whether starting on `waiting` (a new text, or a copy to restore) would lose the editor's changes: if so it
    waits for confirm_replace to ask."""
    current = st.session_state.get(STATE)
    if current and current["copy"].changed and not confirmed:
        st.session_state["draft_replace"] = waiting
        return True
    return False


def confirm_replace(config, limits: desk.DeskLimits) -> None:
    """Starting over would lose the editor's work: ask first."""
    waiting = st.session_state.get("draft_replace")
    draft = st.session_state.get(STATE)
    if not waiting or not draft:
        return
    copy = draft["copy"]
    with st.container(border=True, key="replace_confirm"):
        st.warning(
            "The draft you are working on has changes: "
            f"{plural(copy.accepted_count(), 'fix', 'fixes')} accepted, "
            f"{plural(len(copy.current.ignored), 'flag')} ignored, and your edits. "
            f"{'Restoring the saved draft' if 'restore' in waiting else 'Checking the new text'} "
            "replaces it: download it first if you need it."
        )
        left, right = st.columns(2)
        if left.button("Replace it with the new text", key="replace_yes"):
            if "restore" in waiting:
                restore_saved(waiting["restore"], config, limits, confirmed=True)
            else:
                run_check(waiting["text"], waiting["source"], config, limits, waiting["guessed"], confirmed=True)
            st.rerun()
        if right.button("Keep working on this draft", key="replace_no"):
            st.session_state.pop("draft_replace", None)
            st.rerun()


def say_guessed(report, source: str, guessed: str | None) -> str | None:
    """A guessed encoding in the report's status (as `check` gives it) and the note that tells the editor."""
    if not guessed:
        return None
    report.status["encoding"] = guessed
    return (
        f"The encoding of {source} was guessed ({guessed}): look at its accented letters and quotes, and save it "
        "as UTF-8 if they are wrong."
    )


def still_checking(text: str, source: str) -> bool:
    """Whether the draft on the page is this one and its check is still running after the page stopped waiting."""
    draft = st.session_state.get(STATE)
    if not draft or not draft.get("late") or (draft["copy"].original, draft["source"]) != (text, source):
        return False
    return not draft["judging"].done()


def take_judged_flags(draft: dict) -> None:
    """When the model judge (or a check the page stopped waiting for) has finished, show its flags, if the text it
    read is still the text on the page (else the next check's follow)."""
    future = draft.get("judging")
    if future is None or not future.done():
        return
    del draft["judging"]
    late = draft.pop("late", False)
    try:
        full = future.result()
    except Exception as exc:  # the fast checks' results stay; the editor is told
        what = "check" if late else "wording check"
        draft["note"] = f"The {what} failed ({type(exc).__name__}: {exc}); the other results are complete."
        return
    if full is None or draft.get("judging_text") != draft["copy"].text:  # a newer text's check follows
        return
    draft["report"] = full
    encoding_note = say_guessed(full, draft["source"], draft.get("guessed"))
    if late:
        done = desk.deadline_note(full) or "The check has finished: these are its complete results."
        draft["note"] = "\n\n".join(n for n in (encoding_note, done) if n)


def judged_flags_follow(draft: dict) -> None:
    """While the model judge (or a slow check) reads the draft, say so; when it is done, run the page again to show
    its flags."""
    future = draft.get("judging")
    if future is None:
        return
    if future.done():
        st.rerun(scope="app")
    if draft.get("late"):
        st.caption(":material/hourglass_top: Still checking… (the results are added when the check is done)")
    else:
        st.caption(":material/hourglass_top: Checking wording… (the model judge; its flags are added when it is done)")


def input_section(limits: desk.DeskLimits) -> None:
    """The paste box and the file upload; what they give is checked by take_inputs at the top of the next run."""
    paste, upload = st.tabs(["Paste text", "Upload a file"])
    with paste:
        st.text_area("Draft", key="draft_input", height=220, placeholder="Paste the draft here (plain text).")
        st.button("Check draft", type="primary", key="check_paste", on_click=request_check)
    with upload:
        st.file_uploader(
            "Upload .txt, .md, .html or .docx",
            type=[s.lstrip(".") for s in desk.DRAFT_SUFFIXES],
            key="draft_upload",
            max_upload_size=limits.widget_mb(limits.max_draft_bytes),
        )


def input_box(limits: desk.DeskLimits) -> None:
    """The paste and upload boxes: on the page, open, while there is no draft; then in a closed expander, a new one
    for each draft (a box keeps its own open state). Never an expander drawn open: one freshly mounted open, its
    content arriving in several messages, could stay drawn shut (Chromium: the <details> open but 40 px tall, the
    text area 0x0), and a first load then showed no box to paste in."""
    if st.session_state.pop("close_input", False):
        st.session_state[INPUT_BOX] = st.session_state.get(INPUT_BOX, 0) + 1
    box = f"draft_input_box_{st.session_state.get(INPUT_BOX, 0)}"
    if STATE in st.session_state:
        with st.expander("Paste or upload a draft", expanded=False, key=box):
            input_section(limits)
    else:
        with st.container(border=True, key=box):
            input_section(limits)


def request_check() -> None:
    st.session_state["check_request"] = st.session_state.get("draft_input", "")


def take_inputs(config, limits: desk.DeskLimits) -> None:
    """Check what was pasted or uploaded before the page is drawn, so the box can close and the editor show it in
    the same run."""
    text = st.session_state.pop("check_request", None)
    if text is not None:
        run_check(text, "pasted draft", config, limits)
    uploaded = st.session_state.get("draft_upload")
    if uploaded is not None and st.session_state.get("draft_upload_id") != uploaded.file_id:
        st.session_state["draft_upload_id"] = uploaded.file_id
        read_upload(uploaded, config, limits)
    take_restore(config, limits)
    if STATE not in st.session_state:
        start_from_editor(config, limits)


def take_restore(config, limits: desk.DeskLimits) -> None:
    """The editor offered the copy it kept in the browser (after a reload, a closed tab or a server restart) and the
    editor chose Restore: the same text, history and change marks, checked again."""
    value = st.session_state.get(EDITOR_KEY)
    if not isinstance(value, dict):
        return
    asked = [
        e
        for e in value.get("events") or []
        if isinstance(e, dict) and e.get("action") == "restore" and e.get("session") == session_token()
    ]
    if not asked:
        return
    stamp = {"client": value.get("client"), "seq": asked[-1].get("seq")}
    if st.session_state.get(RESTORED) == stamp:
        return
    st.session_state[RESTORED] = stamp  # before restoring: a rerun never restores twice
    restore_saved(asked[-1].get("copy"), config, limits)


def session_token() -> str:
    """This session's name, sent to the editor and back with a Restore: a Restore answered before a server restart
    (which the browser may send again) is not replayed in the new session."""
    return st.session_state.setdefault(SESSION, uuid.uuid4().hex)


def restore_saved(saved, config, limits: desk.DeskLimits, confirmed: bool = False) -> None:
    try:
        copy = working_copy.from_saved(saved, limits.max_paste_chars)
    except ValueError as exc:
        st.session_state["draft_notice"] = render.esc(f"The draft kept in this browser could not be restored: {exc}.")
        return
    if would_lose_work({"restore": saved}, confirmed):
        return
    st.session_state.pop("draft_replace", None)
    source = saved.get("source")
    source = source[:200] if isinstance(source, str) and source else "restored draft"
    common.warm_up(wait=True)
    draft = new_draft(copy.original, source, None, None, 0.0)
    draft["copy"] = copy
    with st.spinner("Checking…"):
        check_into(draft, config, limits)
    st.session_state[STATE] = draft
    st.session_state["close_input"] = True
    st.session_state["draft_notice"] = render.esc(
        f"Restored your draft from this browser: {plural(len(copy.text.split()), 'word')}, "
        f"{plural(copy.accepted_count(), 'fix', 'fixes')} accepted."
    )


def read_upload(uploaded, config, limits: desk.DeskLimits) -> None:
    from checks.inputs import InputError, decode_document

    name = common.display_name(uploaded.name)
    suffix = desk.safe_suffix(name, desk.DRAFT_SUFFIXES)
    if suffix is None:
        st.error(f"{render.esc(name)}: only {', '.join(desk.DRAFT_SUFFIXES)} files can be checked here.")
        return
    if uploaded.size > limits.max_draft_bytes:
        st.error(common.bytes_limit_message(name, uploaded.size, limits.max_draft_bytes, limits.draft_key))
        return
    try:  # the bytes are decoded in memory; the file name only tells the format
        decoded = decode_document(uploaded.getvalue(), f"upload{suffix}", source=name, max_chars=limits.max_draft_bytes)
    except InputError as exc:
        st.error(render.esc(exc))  # the message names the file
        return
    run_check(decoded.text, name, config, limits, decoded.encoding if decoded.guessed else None)


# ----------------------------------------------------------------------------------------------------------------
# The editor's events: each carries the full text it leaves, so an event Streamlit drops loses nothing


def take_events(draft: dict, config, limits: desk.DeskLimits) -> bool:
    """Apply the editor's events not yet applied (in order); True when the house style changed."""
    value = st.session_state.get(EDITOR_KEY)
    if not isinstance(value, dict):
        return False
    client, restyled = value.get("client"), False
    if draft["ack"]["client"] != client:  # a new editor (the page was opened again): it counts from 1
        draft["ack"] = {"client": client, "seq": 0}
    for event in value.get("events") or []:
        if not isinstance(event, dict) or event.get("doc") != draft["doc"]:
            continue
        seq = int(event.get("seq", 0))
        if seq <= draft["ack"]["seq"]:
            continue
        draft["ack"] = {"client": client, "seq": seq}  # before applying: a rerun never applies an event twice
        restyled |= apply_event(draft, event, config, limits)
    return restyled


def apply_event(draft: dict, event: dict, config, limits: desk.DeskLimits) -> bool:
    copy: working_copy.WorkingCopy = draft["copy"]
    text, action = event.get("text"), event.get("action")
    if not isinstance(text, str):
        return False
    if len(text) > limits.max_paste_chars:
        st.session_state["draft_notice"] = (
            f"The draft now has {len(text):,} characters, over the limit of {limits.max_paste_chars:,} "
            "(house style [dashboard] max_paste_chars): that edit was not kept."
        )
        return False
    if action == "accept" and accepted_in_place(copy, event, text):
        return False
    copy.edit(text)  # the text the editor sees, whatever else the event did
    rule, word = str(event.get("rule") or ""), str(event.get("flag_text") or "")
    path = common.house_style_path(config)
    if action == "ignore":
        copy.ignore(rule, int(event["start"]), int(event["end"]))
    elif action == "undo":
        copy.undo()
    elif action == "redo":
        copy.redo()
    elif action == "disable-rule" and rule:
        from checks.reviews import disable_rule

        disable_rule(path, rule)
        st.session_state["draft_notice"] = render.esc(f"Turned off {rule} in {path}.")
        return True
    elif action == "dictionary" and word:
        add_to_dictionary(path, word)
        st.session_state["draft_notice"] = render.esc(f"Added “{word}” to the dictionary in {path}.")
        return True
    elif action == "house-name" and word:
        canonical = str(event.get("replacement") or word)
        add_canonical_name(path, canonical, variants=(word,) if word != canonical else ())
        seen = f" (variant: {word})." if word != canonical else "."
        st.session_state["draft_notice"] = render.esc(f"“{canonical}” is now a house name in {path}{seen}")
        return True
    return False


def accepted_in_place(copy: working_copy.WorkingCopy, event: dict, text: str) -> bool:
    """Record an accepted fix as a fix (change marks, the count) when the event's text is exactly the working text
    with that fix applied; otherwise the caller keeps the text as an edit."""
    try:
        start, end, replacement = int(event["start"]), int(event["end"]), str(event["replacement"])
    except (KeyError, TypeError, ValueError):
        return False
    before = copy.text
    if not (0 <= start <= end <= len(before)) or before[start:end] != event.get("flag_text"):
        return False
    if before[:start] + replacement + before[end:] != text:
        return False
    copy.accept(str(event.get("rule") or ""), start, end, replacement)
    return True


# ----------------------------------------------------------------------------------------------------------------
# House style chosen on the page: dialect and audience


def style_section(config) -> None:
    """Dialect and audience, saved to the house style when changed (the draft is checked again)."""
    from checks.readability.house_style import AUDIENCES, DEFAULTS

    section = config.section("readability")
    audiences = sorted({*AUDIENCES, *section.get("audiences", {})})
    audience = str(section.get("audience", DEFAULTS["audience"]))
    variant = str(config.get("spelling", "variant", "auto"))
    dialects: list[str] = list(DIALECT_NAMES)
    chosen = st.session_state.get("cd_dialect")
    if chosen is None or DIALECT_VARIANTS.get(chosen) != (None if variant == "auto" else variant):
        chosen = {v: d for d, v in DIALECT_VARIANTS.items() if v}.get(variant, "auto")
    left, right, _ = st.columns([1, 1, 2])
    left.selectbox(
        "Dialect",
        dialects,
        index=dialects.index(chosen),
        key="dialect_choice",
        format_func=lambda dialect: DIALECT_NAMES[dialect],
        on_change=save_dialect,
        args=(config,),
        help="Saved to the house style ([spelling] variant).",
    )
    right.selectbox(
        "Audience",
        audiences,
        index=audiences.index(audience) if audience in audiences else 0,
        key="audience_choice",
        on_change=save_audience,
        args=(config,),
        help="Saved to the house style ([readability] audience): its reading-grade targets apply.",
    )


def save_dialect(config) -> None:
    dialect = st.session_state["dialect_choice"]
    variant = DIALECT_VARIANTS[dialect] or "auto"
    update_house_style(common.house_style_path(config), lambda d: d.setdefault("spelling", {}).update(variant=variant))
    st.session_state["cd_dialect"] = dialect
    st.session_state["restyled"] = True


def save_audience(config) -> None:
    audience = st.session_state["audience_choice"]
    update_house_style(
        common.house_style_path(config), lambda d: d.setdefault("readability", {}).update(audience=audience)
    )
    st.session_state["restyled"] = True


# ----------------------------------------------------------------------------------------------------------------
# Results


def status_line(draft: dict) -> str:
    copy = draft["copy"]
    flags = open_flags(draft)
    clarity = sum(1 for f in flags if f.category == "readability")
    return (
        f"{plural(len(flags) - clarity, 'issue')} · {clarity} clarity · "
        f"{plural(copy.accepted_count(), 'fix', 'fixes')} accepted · "
        f"{len(copy.current.ignored)} ignored · checked in {draft['seconds']:.2f} s"
    )


def editor_section(draft: dict) -> None:
    copy = draft["copy"]
    marks = working_copy.changes(copy.original, copy.text)
    editor(
        EDITOR_KEY,
        doc=draft["doc"],
        text=copy.text,
        flags=[flag_payload(f) for f in open_flags(draft)],
        ack=draft["ack"],
        can_undo=copy.can_undo(),
        can_redo=copy.can_redo(),
        inserted=[list(s) for s in working_copy.inserted_spans(marks)],
        changes=[[c.kind, c.text] for c in marks],
        colours=render.CATEGORY_COLOURS,
        labels=render.CATEGORY_LABELS,
        status=status_line(draft),
        saved={**working_copy.saved_form(copy), "source": draft["source"]},  # kept in the browser by the editor
        session=session_token(),
    )


def metrics_section(draft: dict) -> None:
    metrics = draft["report"].metrics
    counts = {c: 0 for c in CATEGORIES}
    for flag in open_flags(draft):
        counts[flag.category] += 1
    cols = st.columns(4)
    grade = metrics.get("consensus_grade", metrics.get("flesch_kincaid_grade"))
    target = metrics.get("target_grade")
    if grade is not None:
        delta = f"{grade - target:+.1f} vs target {target:g}" if target is not None else None
        cols[0].metric(
            "Reading grade",
            f"{grade:.1f}",
            delta,
            delta_color="inverse",
            help=f"Audience: {metrics.get('audience', 'default')}; lower is easier.",
        )
    if "flesch_reading_ease" in metrics:
        cols[1].metric("Reading ease", f"{metrics['flesch_reading_ease']:.0f}", help="Flesch: higher is easier")
    if "avg_sentence_length" in metrics:
        cols[2].metric("Words per sentence", f"{metrics['avg_sentence_length']:.1f}")
    words = metrics.get("lexicon_count", len(draft["copy"].text.split()))
    cols[3].metric("Words", f"{words:,}")
    st.html(render.legend_html(counts))
    left, right = st.columns(2)
    left.caption("Open flags per category")
    left.vega_lite_chart(render.category_chart(counts), width="stretch")
    grades = metrics.get("sentence_grades") or []
    if grades:
        right.caption("Grade of each sentence (target: %s)" % (target if target is not None else "none"))
        right.line_chart(
            {
                "grade": [g.get("grade", 0) for g in grades],
                **({"target": [target] * len(grades)} if target is not None else {}),
            },
            height=200,
        )


def downloads(draft: dict) -> None:
    files = download_files(draft)
    cols = st.columns(4)
    cols[0].download_button(
        "Download corrected text", files["text"], "corrected.txt", "text/plain", key="download_text", on_click="ignore"
    )
    cols[1].download_button(
        "Download with changes marked",
        files["marked"],
        "changes.txt",
        "text/plain",
        key="download_marked",
        on_click="ignore",
        help="Deletions as [-old-], insertions as {+new+} (wdiff's marks)",
    )
    cols[2].download_button(
        "Report (JSON)", files["json"], "report.json", "application/json", key="download_json", on_click="ignore"
    )
    cols[3].download_button(
        "Report (CSV)", files["csv"], "report.csv", "text/csv", key="download_csv", on_click="ignore"
    )


def download_files(draft: dict) -> dict[str, bytes]:
    """The four downloads, made again only when the text, its check or the accepted fixes change (a run that only
    answers an ignore or redraws the page does not pay for them)."""
    copy = draft["copy"]
    report, stamp = draft["report"], (copy.text, copy.current.accepted)
    cached = draft.get("files")
    if cached is not None and cached[0] is report and cached[1] == stamp:
        return cached[2]
    files = {
        "text": copy.text.encode("utf-8"),
        "marked": working_copy.marked_text(working_copy.changes(copy.original, copy.text)).encode("utf-8"),
        "json": report_json_bytes(report, copy.current.accepted),
        "csv": report_csv_bytes(report),
    }
    draft["files"] = (report, stamp, files)
    return files


def report_json_bytes(report, accepted: tuple[working_copy.Accepted, ...]) -> bytes:
    """The command line's JSON contract ({"documents": [...]}) for the text as edited, with the fixes accepted."""
    from checks.formats import report_json

    document = report_json(report)
    document["accepted_fixes"] = [
        {"rule": a.rule, "text": a.text, "replacement": a.replacement, "start": a.start, "end": a.end} for a in accepted
    ]
    return json.dumps({"documents": [document]}, ensure_ascii=False, indent=2).encode("utf-8")


def report_csv_bytes(report) -> bytes:
    from checks.formats import write_csv

    buffer = io.StringIO()
    write_csv(buffer, [report])
    return buffer.getvalue().encode("utf-8")


def notes(draft: dict) -> None:
    report = draft["report"]
    for part in (draft["note"] or "").split("\n\n"):  # file names and error messages: shown as text
        if part:
            st.warning(render.esc(part))
    for name, problem in report.status.get("failed_checks", {}).items():
        st.warning(render.esc(f"The {name} checks failed on this draft and are missing from the results: {problem}"))
    notice()


def notice() -> None:
    """The page's last word on what the editor did (escaped where it is set)."""
    said = st.session_state.pop("draft_notice", None)
    if said:
        st.info(said)


def start_from_editor(config, limits: desk.DeskLimits) -> None:
    """A draft pasted or typed straight into the empty editor is checked like one pasted in the box."""
    value = st.session_state.get(EDITOR_KEY)
    if not isinstance(value, dict):
        return
    fresh = [
        e
        for e in value.get("events") or []
        if isinstance(e, dict) and e.get("doc") is None and e.get("action") == "edit"
    ]
    seen = st.session_state.get("cd_editor_started", {})
    if not fresh or seen == {"client": value.get("client"), "seq": fresh[-1].get("seq")}:
        return
    st.session_state["cd_editor_started"] = {"client": value.get("client"), "seq": fresh[-1].get("seq")}
    text = fresh[-1].get("text")
    if isinstance(text, str) and text.strip():
        run_check(text, "pasted draft", config, limits)


def empty_editor() -> None:
    editor(
        EDITOR_KEY,
        doc=None,
        text="",
        flags=[],
        ack=st.session_state.get(RESTORED),  # a Restore that failed (its notice says why) is not waited for
        can_undo=False,
        can_redo=False,
        inserted=[],
        changes=[],
        colours=render.CATEGORY_COLOURS,
        labels=render.CATEGORY_LABELS,
        status="Paste or type a draft here, or upload a file above",
        saved=None,
        session=session_token(),
    )


def main() -> None:
    config = common.house_style()
    limits = common.limits(config)
    st.title("Check a draft")
    loading = st.empty()
    take_inputs(config, limits)
    input_box(limits)
    with st.container():  # every part of the page has its place, so the editor is never drawn again from scratch
        confirm_replace(config, limits)
    draft = st.session_state.get(STATE)
    if draft:
        take_judged_flags(draft)
        restyled = take_events(draft, config, limits) | bool(st.session_state.pop("restyled", False))
        if restyled:  # the house style file changed: read it again
            config = common.house_style()
        if restyled or draft["copy"].text != draft["checked"]:
            check_into(draft, config, limits)
    st.sidebar.caption(f"LanguageTool: {common.languagetool_status(config, draft['report'] if draft else None)}")
    with st.container():  # polled only while a check runs
        if draft and draft.get("judging") is not None:
            st.fragment(judged_flags_follow, run_every=0.5)(draft)
        if draft:
            notes(draft)
        else:
            notice()  # e.g. a kept copy that could not be restored
    style_section(config)
    if draft:
        editor_section(draft)
    else:
        empty_editor()
    with st.container():
        if draft:
            downloads(draft)
            if st.toggle("Readability and charts", key="show_metrics", help="Reading grade against the audience"):
                metrics_section(draft)
    with loading:
        common.warm_up()  # says so while the models are still loading


main()
