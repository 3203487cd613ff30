"""Page 3, Review flagged passages: browse a scored archive's flags and record decisions in the review store."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from checks import desk
from checks.flags import CATEGORIES
from checks.reviews import DECISION_LABELS, DECISIONS, Decision, database_url, disable_rule, high_false_alarm_rules
from checks.spelling import add_to_dictionary
from dashboard import common, render

PAGE_SIZE = 10


def choose_run(config) -> Path | None:
    runs = desk.list_runs(config)
    job = st.session_state.get("archive_job")
    options = [str(p) for p in runs]
    if job and (Path(job["run_dir"]) / "issues.parquet").is_file() and str(job["run_dir"]) not in options:
        options.insert(0, str(job["run_dir"]))
    folder = st.sidebar.text_input(
        "…or a results folder on the server",
        key="review_folder",
        help="A folder written by `python -m checks batch --out FOLDER`.",
    )
    if folder:
        path = Path(folder).expanduser()
        if (path / "issues.parquet").is_file():
            return path
        st.sidebar.error(f"{folder}: no issues.parquet there.")
    if not options:
        st.info(
            "No scored archive yet: score one on the Score an archive page (results are kept in "
            f"{desk.runs_dir(config)}), or give a results folder in the sidebar."
        )
        return None
    chosen = st.selectbox("Scored archive", options, key="review_run", format_func=lambda p: desk.run_label(Path(p)))
    return Path(chosen)


def load_issues(run_dir: Path):
    import pandas as pd

    issues = pd.read_parquet(run_dir / "issues.parquet")
    document = next((c for c in ("document_id", "document", "id", "source") if c in issues.columns), None)
    issues = issues.rename(columns={document: "document"}) if document else issues.assign(document="")
    issues["document"] = issues["document"].astype(str)
    for column, default in (
        ("severity", "warning"),
        ("confidence", 1.0),
        ("message", ""),
        ("sentence", ""),
        ("suggestions", None),
        ("category", ""),
    ):
        if column not in issues.columns:
            issues[column] = default
    return issues.reset_index(drop=True)


def filters(issues, latest, archive: str):
    """The sidebar filters applied to the archive's flags (options that depend on the archive are keyed by it)."""
    sidebar = st.sidebar
    categories = list(CATEGORIES)
    chosen_categories = sidebar.multiselect("Category", categories, default=categories, key="rv_categories")
    rules = sorted(issues["rule"].unique())
    chosen_rules = sidebar.multiselect("Rule", rules, key=f"rv_rules|{archive}", placeholder="all rules")
    severities = sidebar.multiselect(
        "Severity", ["error", "warning", "info"], default=["error", "warning", "info"], key="rv_severities"
    )
    min_confidence = sidebar.slider("Minimum confidence", 0.0, 1.0, 0.0, 0.05, key="rv_confidence")
    documents = ["(all)"] + sorted(issues["document"].unique())
    document = sidebar.selectbox("Document", documents, key=f"rv_document|{archive}")
    search = sidebar.text_input("Text search", key="rv_search", placeholder="in the flagged words or sentence")
    status = sidebar.radio("Show", ["Undecided", "Decided", "All"], key="rv_status", horizontal=True)
    keep = issues["category"].isin(chosen_categories) & issues["severity"].isin(severities)
    keep &= issues["confidence"].astype(float) >= min_confidence
    if chosen_rules:
        keep &= issues["rule"].isin(chosen_rules)
    if document != "(all)":
        keep &= issues["document"] == document
    if search:
        needle = search.lower()
        keep &= issues["text"].astype(str).str.lower().str.contains(needle, regex=False) | issues["sentence"].astype(
            str
        ).str.lower().str.contains(needle, regex=False)
    decided = decided_keys(latest)
    is_decided = issues.apply(lambda r: flag_id(r) in decided, axis=1) if len(issues) else issues["rule"].astype(bool)
    if status == "Undecided":
        keep &= ~is_decided
    elif status == "Decided":
        keep &= is_decided
    return issues[keep]


def flag_id(row) -> tuple:
    return (str(row["document"]), str(row["rule"]), int(row["start"]), int(row["end"]))


def decided_keys(latest) -> dict:
    if latest.empty:
        return {}
    return {(str(r.document), str(r.rule), int(r.start), int(r.end)): r for r in latest.itertuples(index=False)}


def suggestions_of(row) -> list[str]:
    value = row["suggestions"]
    if value is None or (isinstance(value, float)):
        return []
    if isinstance(value, str):
        return [s.strip() for s in value.split("|")] if value else []
    return [str(s) for s in list(value)]


def context_html(row) -> str:
    """The flagged words inside their sentence (the issues table carries the sentence text)."""
    sentence, text = str(row["sentence"] or ""), str(row["text"] or "")
    at = -1
    if "sentence_start" in row.index and row["sentence_start"] == row["sentence_start"]:  # not NaN
        at = int(row["start"]) - int(row["sentence_start"])
        if sentence[at : at + len(text)] != text:
            at = -1
    if at < 0:
        at = sentence.find(text) if text else -1
    tip = f"{row['rule']}\n{row['message']}"
    if at < 0:
        sentence, at = text, 0
    return render.passage_html(sentence, at, at + len(text), str(row["category"]), tip)


def passage(row, index: int, store, archive: str, current) -> None:
    suggestions = suggestions_of(row)
    with st.container(border=True, key=f"rv_card|{index}"):
        st.html(
            f"<small>{render.esc(row['document'])} · "
            f"{render.esc(render.CATEGORY_LABELS.get(row['category'], row['category']))} · "
            f"{render.esc(row['rule'])} · {render.esc(row['severity'])} · "
            f"confidence {float(row['confidence']):.0%}</small>"
        )
        st.html(context_html(row))
        fix = f" Fix: {' | '.join(s or '(delete)' for s in suggestions)}" if suggestions else ""
        st.html(f"<div>{render.esc(row['message'])}<b>{render.esc(fix)}</b></div>")
        if current is not None:
            who = f" by {current.reviewer}" if current.reviewer else ""
            said = f" — “{current.comment}”" if current.comment else ""
            st.html(
                f"<small>Current decision: <b>{render.esc(DECISION_LABELS[current.decision])}</b>"
                f"{render.esc(who + said)}</small>"
            )
        with st.form(key=f"rv_form|{index}", border=False):
            cols = st.columns([3, 3, 1])
            decision = cols[0].radio(
                "Decision",
                DECISIONS,
                format_func=DECISION_LABELS.get,
                horizontal=True,
                index=DECISIONS.index(current.decision) if current is not None else 0,
                key=f"rv_decision|{index}",
                label_visibility="collapsed",
            )
            comment = cols[1].text_input(
                "Comment", key=f"rv_comment|{index}", placeholder="optional comment", label_visibility="collapsed"
            )
            if cols[2].form_submit_button("Save", key=f"rv_save|{index}"):
                store.record(
                    Decision(
                        archive=archive,
                        document=str(row["document"]),
                        rule=str(row["rule"]),
                        start=int(row["start"]),
                        end=int(row["end"]),
                        decision=decision,
                        flagged_text=str(row["text"]),
                        category=str(row["category"]),
                        replacement=suggestions[0] if decision == "accept" and suggestions else None,
                        comment=comment,
                        reviewer=st.session_state.get("rv_reviewer", ""),
                        confidence=float(row["confidence"]),
                    )
                )
                quoted = render.esc(row["text"])
                st.session_state["rv_notice"] = f"Saved: {DECISION_LABELS[decision]} on “{quoted}”."
                st.rerun()


def feedback(store, config, archive: str) -> None:
    review = config.section("review")
    threshold = float(review.get("false_alarm_threshold", 0.5))
    min_decisions = int(review.get("min_decisions", 5))
    noisy = high_false_alarm_rules(store, threshold, min_decisions)
    label = f"Feedback for the house style ({len(noisy)} noisy rules)" if len(noisy) else "Feedback for the house style"
    with st.expander(label, expanded=not noisy.empty):
        if noisy.empty:
            st.caption(f"No rule has {threshold:.0%} or more false alarms over {min_decisions}+ decisions.")
        for row in noisy.itertuples(index=False):
            cols = st.columns([4, 1])
            cols[0].write(
                f"`{row.rule}`: {row.false_alarms} false alarms in {row.decisions} decisions "
                f"({row.false_alarm_rate:.0%})."
            )
            if row.rule in config.disabled_rules:
                cols[1].caption("disabled")
            elif cols[1].button("Disable rule", key=f"rv_disable|{row.rule}"):
                path = common.house_style_path(config)
                disable_rule(path, row.rule)
                st.session_state["rv_notice"] = f"Disabled {row.rule} in {path}."
                st.rerun()
        words = [w for w in store.false_alarm_words() if w.lower() not in config.user_words]
        if words:
            st.write("Words marked as false alarms of spelling rules:")
        for word in words[:30]:
            cols = st.columns([4, 1])
            cols[0].text(word)
            if cols[1].button("Add to dictionary", key=f"rv_word|{word}"):
                path = common.house_style_path(config)
                add_to_dictionary(path, word)
                st.session_state["rv_notice"] = f"Added “{render.esc(word)}” to the dictionary in {render.esc(path)}."
                st.rerun()


def main() -> None:
    config = common.house_style()
    st.title("Review flagged passages")
    url = database_url(config)
    try:
        store = common.review_store(url)
    except Exception as exc:  # a database that cannot be reached is a message, not a crash
        st.error(
            f"The review database cannot be opened ({type(exc).__name__}: {exc}). "
            "Check [review] database in the house style."
        )
        return
    st.sidebar.text_input("Your name", key="rv_reviewer", placeholder="reviewer")
    st.sidebar.caption(f"Decisions are stored in {store.display_url}")
    run_dir = choose_run(config)
    notice = st.session_state.pop("rv_notice", None)
    if notice:
        st.success(notice)
    st.download_button(
        "Export all decisions (CSV)",
        lambda: store.export_csv().encode("utf-8"),
        "review-decisions.csv",
        "text/csv",
        key="rv_export",
        help="Every decision ever recorded, "
        "all archives, oldest first (the store is append-only: changed minds are kept too)",
    )
    if run_dir is None:
        return
    # runs kept by the dashboard have unique folder names; any other results folder is named by its full path
    archive = run_dir.name if run_dir.parent == desk.runs_dir(config) else str(run_dir.resolve())
    feedback(store, config, archive)
    issues = load_issues(run_dir)
    latest = store.latest(archive)
    shown = filters(issues, latest, archive)
    decided = decided_keys(latest)
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    page_key = f"rv_page|{archive}"
    if st.session_state.get(page_key, 1) > pages:  # the list shrank as flags were decided
        st.session_state[page_key] = pages
    page = st.number_input(f"Page (of {pages})", 1, pages, key=page_key) if pages > 1 else 1
    st.caption(f"{len(shown):,} of {len(issues):,} flags; {len(decided):,} decided in this archive.")
    for index, row in shown.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE].iterrows():
        passage(row, index, store, archive, decided.get(flag_id(row)))


main()
