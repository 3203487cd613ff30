"""Page 1, Check a draft: paste or upload, see flags highlighted, accept fixes, download the result."""

from __future__ import annotations

import io
import json
import time

import streamlit as st

from checks import desk
from checks.flags import CATEGORIES, SEVERITIES, Flag
from checks.names import add_canonical_name
from checks.spelling import add_to_dictionary
from dashboard import common, render

STATE = "draft"  # st.session_state[STATE]: the checked draft, its report and the editor's decisions
MAX_LISTED = 60  # flags listed at once in the side list (the highlights always show all of them)


def flag_key(flag: Flag) -> str:
    return f"{flag.rule}|{flag.start}|{flag.end}"


def new_draft(text: str, source: str, report, note: str | None, seconds: float) -> dict:
    return {
        "text": text,
        "source": source,
        "report": report,
        "note": note,
        "seconds": seconds,
        "accepted": {},
        "ignored": set(),
        "history": [],
    }


# ----------------------------------------------------------------------------------------------------------------
# Decisions: accepted fixes are kept as {flag key: replacement} and always applied to the ORIGINAL text's offsets.


def flags_by_key(draft: dict) -> dict[str, Flag]:
    return {flag_key(f): f for f in draft["report"].issues}


def accepted_edits(draft: dict):
    from checks.fixes import choose_edits

    flags = flags_by_key(draft)
    chosen = [flags[k] for k in draft["accepted"] if k in flags]
    return choose_edits(chosen, lambda f: draft["accepted"].get(flag_key(f)))


def corrected_text(draft: dict) -> str:
    from checks.fixes import apply_edits

    return apply_edits(draft["text"], accepted_edits(draft))


def accept(draft: dict, flag: Flag, replacement: str) -> bool:
    """Accept one fix; refused (False) when it overlaps a fix already accepted."""
    key = flag_key(flag)
    draft["accepted"][key] = replacement
    if len(accepted_edits(draft)) != len(draft["accepted"]):  # it would displace or be displaced by another
        del draft["accepted"][key]
        return False
    draft["history"].append(("accept", [key]))
    return True


def accept_all(draft: dict, category: str) -> int:
    keys = []
    for flag in open_flags(draft):
        if flag.category == category and flag.suggestions and accept(draft, flag, flag.suggestions[0]):
            draft["history"].pop()
            keys.append(flag_key(flag))
    if keys:
        draft["history"].append(("accept", keys))
    return len(keys)


def ignore(draft: dict, flag: Flag) -> None:
    draft["ignored"].add(flag_key(flag))
    draft["history"].append(("ignore", [flag_key(flag)]))


def undo(draft: dict) -> None:
    if not draft["history"]:
        return
    action, keys = draft["history"].pop()
    for key in keys:
        if action == "accept":
            draft["accepted"].pop(key, None)
        else:
            draft["ignored"].discard(key)


def open_flags(draft: dict) -> list[Flag]:
    done = set(draft["accepted"]) | draft["ignored"]
    return [f for f in draft["report"].issues if flag_key(f) not in done]


# ----------------------------------------------------------------------------------------------------------------
# Input


def run_check(text: str, source: str, config, limits: desk.DeskLimits, guessed: str | None = None) -> None:
    """Check a draft and put it on the page; `guessed` is the encoding of an upload whose encoding was guessed."""
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
    common.warm_up(wait=True)
    started = time.perf_counter()
    fast = desk.first_pass(config)
    with st.spinner("Checking…"):
        outcome = desk.check_draft(text, source, fast or config, limits.check_timeout_seconds, common.executor())
    encoding_note = say_guessed(outcome.report, source, guessed)
    notes = [n for n in (encoding_note, outcome.note) if n]
    draft = new_draft(text, source, outcome.report, "\n\n".join(notes) or None, time.perf_counter() - started)
    draft["guessed"] = guessed
    if outcome.pending is not None:  # the check goes on: its complete report follows (take_judged_flags)
        draft["judging"], draft["late"] = outcome.pending, True
    elif fast is not None and not outcome.note:  # the model judge's flags follow (judged_flags_follow)
        from checks.pipeline import check_text

        draft["judging"] = common.executor().submit(check_text, text, source, config)
    st.session_state[STATE] = draft


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
    if not draft or not draft.get("late") or (draft["text"], draft["source"]) != (text, source):
        return False
    return not draft["judging"].done()


def take_judged_flags(draft: dict) -> None:
    """When the model judge (or a check the page stopped waiting for) has finished, show its flags with the others
    (before anything is rendered or any button of this run is handled, so that no click is lost)."""
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
    decided = set(draft["accepted"]) | draft["ignored"]
    draft["report"] = desk.merge_judged(draft["report"], full, lambda f: flag_key(f) in decided)
    encoding_note = say_guessed(draft["report"], draft["source"], draft.get("guessed"))
    if late:
        done = desk.deadline_note(full) or "The check has finished: these are its complete results."
        draft["note"] = "\n\n".join(n for n in (encoding_note, done) if n)


@st.fragment(run_every=0.5)
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


def input_section(config, limits: desk.DeskLimits) -> None:
    paste, upload = st.tabs(["Paste text", "Upload a file"])
    with paste:
        text = st.text_area("Draft", key="draft_input", height=220, placeholder="Paste the draft here (plain text).")
        if st.button("Check draft", type="primary", key="check_paste"):
            run_check(text, "pasted draft", config, limits)
    with upload:
        uploaded = st.file_uploader(
            "Upload .txt, .md, .html or .docx",
            type=[s.lstrip(".") for s in desk.DRAFT_SUFFIXES],
            key="draft_upload",
            max_upload_size=limits.widget_mb(limits.max_draft_bytes),
        )
        if uploaded is not None and st.session_state.get("draft_upload_id") != uploaded.file_id:
            st.session_state["draft_upload_id"] = uploaded.file_id
            read_upload(uploaded, config, limits)


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
# Results


def metrics_section(draft: dict) -> None:
    report = draft["report"]
    metrics = report.metrics
    counts = {c: 0 for c in CATEGORIES}
    for flag in open_flags(draft):
        counts[flag.category] += 1
    cols = st.columns(5)
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
    words = metrics.get("lexicon_count", len(draft["text"].split()))
    cols[3].metric("Words", f"{words:,}")
    cols[4].metric("Open flags", sum(counts.values()), help=f"checked in {draft['seconds']:.2f} s")
    st.html(render.legend_html(counts))
    with st.expander("Charts"):
        left, right = st.columns(2)
        left.caption("Open flags per category")
        left.bar_chart({render.CATEGORY_LABELS[c]: n for c, n in counts.items()}, height=200)
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


def flag_card(draft: dict, flag: Flag, config) -> None:
    key = flag_key(flag)
    with st.container(border=True, key=f"flagcard|{key}"):
        st.html(
            f'{render.HIGHLIGHT_CSS}<div><mark class="cd-flag cd-{render.esc(flag.category)}">'
            f"{render.esc(flag.text) or '&#8248;'}</mark> "
            f"<small>{render.esc(render.CATEGORY_LABELS.get(flag.category, flag.category))} · "
            f"<code>{render.esc(flag.rule)}</code> · {render.esc(flag.severity)} · "
            f"{flag.confidence:.0%}</small><br>{render.esc(flag.message)}</div>"
        )
        choice = None
        if flag.suggestions:
            options = list(flag.suggestions)
            choice = (
                st.selectbox(
                    "Fix",
                    options,
                    key=f"choice|{key}",
                    label_visibility="collapsed",
                    format_func=lambda s: s if s else "(delete)",
                )
                if len(options) > 1
                else options[0]
            )
        buttons = st.columns([1, 1, 2])
        if choice is not None and buttons[0].button(
            "Accept", key=f"accept|{key}", help=f"Replace with: {render.esc(choice or '(delete)')}"
        ):
            if not accept(draft, flag, choice):
                st.session_state["draft_notice"] = "That fix overlaps one already accepted: undo that one first."
            st.rerun()
        if buttons[1].button("Ignore", key=f"ignore|{key}"):
            ignore(draft, flag)
            st.rerun()
        if flag.category == "spelling" and buttons[2].button("Add to dictionary", key=f"dict|{key}"):
            add_word(config, flag)
        if flag.category == "names" and buttons[2].button(
            "Add to house names", key=f"name|{key}", help="Make the chosen spelling the house spelling"
        ):
            add_name(config, flag, choice)


def add_word(config, flag: Flag) -> None:
    path = common.house_style_path(config)
    add_to_dictionary(path, flag.text)
    ignore_everywhere(flag.text, "spelling")
    st.session_state["draft_notice"] = f"Added “{render.esc(flag.text)}” to the dictionary in {render.esc(path)}."
    st.rerun()


def add_name(config, flag: Flag, choice: str | None) -> None:
    """Make the chosen spelling (the fix shown, else the flagged one) the house spelling, the flagged one a variant."""
    path = common.house_style_path(config)
    canonical = choice or flag.text
    variants = (flag.text,) if flag.text != canonical else ()
    add_canonical_name(path, canonical, variants=variants)
    ignore_everywhere(flag.text, "names")
    seen = f" (variant: {flag.text})." if variants else "."
    st.session_state["draft_notice"] = render.esc(f"“{canonical}” is now a house name in {path}{seen}")
    st.rerun()


def ignore_everywhere(word: str, category: str) -> None:
    draft = st.session_state[STATE]
    keys = [flag_key(f) for f in open_flags(draft) if f.category == category and f.text.lower() == word.lower()]
    if keys:
        draft["ignored"].update(keys)
        draft["history"].append(("ignore", keys))


def flag_list(draft: dict, config) -> None:
    flags = open_flags(draft)
    # options stay the same whatever is open, so a filter never loses its state when a category empties
    categories = st.multiselect(
        "Category",
        list(CATEGORIES),
        default=list(CATEGORIES),
        key="filter_categories",
        format_func=lambda c: render.CATEGORY_LABELS.get(c, c),
    )
    severities = st.multiselect("Severity", list(SEVERITIES), default=list(SEVERITIES), key="filter_severities")
    shown = [f for f in flags if f.category in categories and f.severity in severities]
    tools = st.columns(2)
    if tools[0].button("Undo", key="undo", disabled=not draft["history"]):
        undo(draft)
        st.rerun()
    if any(f.suggestions for f in shown):
        target = tools[1].selectbox(
            "Accept all in",
            list(CATEGORIES),
            key="accept_all_category",
            format_func=lambda c: render.CATEGORY_LABELS.get(c, c),
        )
        if tools[1].button("Accept all", key="accept_all", help="Accept the first fix of every open flag in it"):
            if not accept_all(draft, target):
                st.session_state["draft_notice"] = "No open flag with a fix in that category."
            st.rerun()
    st.caption(
        f"{len(shown)} of {len(flags)} open flags; {len(draft['accepted'])} fixes accepted, "
        f"{len(draft['ignored'])} ignored."
    )
    for flag in shown[:MAX_LISTED]:
        flag_card(draft, flag, config)
    if len(shown) > MAX_LISTED:
        st.caption(f"{len(shown) - MAX_LISTED} more: accept or ignore some, or narrow the filters.")


def downloads(draft: dict, fixed: str) -> None:
    from checks.formats import report_json, write_csv

    report = draft["report"]
    document = report_json(report)  # the command line's JSON contract, with the editor's accepted fixes added
    document["accepted_fixes"] = [{"start": s, "end": e, "replacement": r} for s, e, r in accepted_edits(draft)]
    payload = {"documents": [document]}
    buffer = io.StringIO()
    write_csv(buffer, [report])
    cols = st.columns(3)
    cols[0].download_button(
        "Download corrected text", fixed.encode("utf-8"), "corrected.txt", "text/plain", key="download_text"
    )
    cols[1].download_button(
        "Report (JSON)",
        json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8"),
        "report.json",
        "application/json",
        key="download_json",
    )
    cols[2].download_button(
        "Report (CSV)", buffer.getvalue().encode("utf-8"), "report.csv", "text/csv", key="download_csv"
    )


def results(draft: dict, config) -> None:
    report = draft["report"]
    for part in (draft["note"] or "").split("\n\n"):  # file names and error messages: shown as text
        if part:
            st.warning(render.esc(part))
    for name, problem in report.status.get("failed_checks", {}).items():
        st.warning(render.esc(f"The {name} checks failed on this draft and are missing from the results: {problem}"))
    notice = st.session_state.pop("draft_notice", None)
    if notice:
        st.info(notice)
    metrics_section(draft)
    fixed = corrected_text(draft)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.subheader("Draft")
        st.html(render.highlight_html(draft["text"], open_flags(draft)))
        st.subheader("Corrected text")
        st.html(f'<div class="cd-draft" data-testid="corrected-text">{render.esc(fixed)}</div>{render.HIGHLIGHT_CSS}')
        downloads(draft, fixed)
    with right:
        st.subheader("Flags")
        flag_list(draft, config)


def main() -> None:
    config = common.house_style()
    limits = common.limits(config)
    st.title("Check a draft")
    loading = st.empty()
    input_section(config, limits)
    draft = st.session_state.get(STATE)
    if draft:
        take_judged_flags(draft)
    st.sidebar.caption(f"LanguageTool: {common.languagetool_status(config, draft['report'] if draft else None)}")
    if draft:
        judged_flags_follow(draft)
        results(draft, config)
    with loading:
        common.warm_up()  # says so while the models are still loading


main()
