"""Page 3, Review flagged passages: browse a scored archive's flags and record decisions in the review store.

A decision is one click (or one key, on the first card of the page) on the card it belongs to; every button is
keyed by the flag's identity (checks.reviews.flag_key), never its place in the list, so a click on a card that a
rerun is about to remove can only ever be recorded on that card's passage. Filters, reviewer and page live in the
URL, so a reload or a shared link shows the same list.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

import streamlit as st

from checks import desk
from checks.flags import CATEGORIES
from checks.formats import plural
from checks.reviews import (
    DECISION_LABELS,
    DECISIONS,
    Decision,
    database_url,
    disable_rule,
    flag_key,
    high_false_alarm_rules,
)
from checks.spelling import add_to_dictionary
from dashboard import common, render

PAGE_SIZE = 10
SEVERITIES = ["error", "warning", "info"]
STATUSES = ["Undecided", "Decided", "All"]
SHORTCUTS = {"accept": "A", "false_alarm": "F", "fixed_at_source": "X", "skip": "S"}  # "C" and "R" are Streamlit's
# widget key -> (URL parameter, kind): what a reload or a shared link restores
URL_STATE = {
    "rv_reviewer": ("reviewer", "text"),
    "rv_categories": ("category", "list"),
    "rv_rules": ("rule", "list"),
    "rv_severities": ("severity", "list"),
    "rv_confidence": ("confidence", "float"),
    "rv_document": ("document", "text"),
    "rv_search": ("q", "text"),
    "rv_status": ("show", "text"),
    "rv_page": ("page", "int"),
}
DEFAULTS = {
    "rv_reviewer": "",
    "rv_categories": list(CATEGORIES),
    "rv_rules": [],
    "rv_severities": list(SEVERITIES),
    "rv_confidence": 0.0,
    "rv_document": "(all)",
    "rv_search": "",
    "rv_status": "Undecided",
    "rv_page": 1,
}


# ------------------------------------------------------------------------------------------- the URL


def from_url(key: str):
    """The widget's value as the URL gives it (None: not in the URL, or not readable)."""
    name, kind = URL_STATE[key]
    if name not in st.query_params:
        return None
    if kind == "list":
        return [v for v in st.query_params.get_all(name) if v]
    raw = st.query_params[name]
    try:
        return {"float": float, "int": int}.get(kind, str)(raw)
    except ValueError:
        return None


def restore_from_url(options: dict) -> None:
    """Before the widgets are made: each widget not yet in this session takes its value from the URL, else its
    default; values the current archive does not offer are dropped (a widget refuses them)."""
    for key, default in DEFAULTS.items():
        if key not in st.session_state:
            given = from_url(key)
            st.session_state[key] = default if given is None else given
        allowed = options.get(key)
        value = st.session_state[key]
        if allowed is not None:
            if isinstance(value, list):
                st.session_state[key] = [v for v in value if v in allowed]
            elif value not in allowed:
                st.session_state[key] = default


def save_to_url(run_name: str | None) -> None:
    """The widgets' values into the URL (defaults left out, so a plain link shows the plain queue)."""
    wanted: dict[str, str | list[str]] = {}
    if run_name:
        wanted["run"] = run_name
    for key, (name, kind) in URL_STATE.items():
        value = st.session_state.get(key, DEFAULTS[key])
        if value == DEFAULTS[key] or value in ("", []):
            continue
        wanted[name] = [str(v) for v in value] if kind == "list" else str(value)
    current = {name: st.query_params.get_all(name) for name in st.query_params}
    normal = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    if current != normal:
        st.query_params.from_dict(wanted)


# ------------------------------------------------------------------------------------------- the archive


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
        st.sidebar.error(f"{render.esc(folder)}: no issues.parquet there.")
    if not options:
        st.info(
            "No scored archive yet: score one on the Score an archive page (results are kept in "
            f"{render.esc(desk.runs_dir(config))}), or give a results folder in the sidebar."
        )
        return None
    if "review_run" not in st.session_state:
        wanted = st.query_params.get("run")
        st.session_state["review_run"] = next((o for o in options if Path(o).name == wanted), options[0])
    elif st.session_state["review_run"] not in options:
        st.session_state["review_run"] = options[0]
    chosen = st.selectbox("Scored archive", options, key="review_run", format_func=lambda p: desk.run_label(Path(p)))
    return Path(chosen)


@st.cache_resource(max_entries=4, show_spinner=False)
def _issues(path: str, modified: int, size: int):
    """The archive's flags with their identity (`key`) and lower-case search text, read once per file version.
    Shared between sessions: never modified after it is made."""
    import pandas as pd

    issues = pd.read_parquet(path)
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
        ("text", ""),
    ):
        if column not in issues.columns:
            issues[column] = default
    issues["text"] = issues["text"].fillna("").astype(str)
    issues["confidence"] = issues["confidence"].fillna(1.0).astype(float)
    issues["key"] = [
        flag_key(*values)
        for values in zip(
            issues["document"], issues["rule"], issues["start"], issues["end"], issues["text"], strict=True
        )
    ]
    issues["haystack"] = (issues["text"] + "\x1f" + issues["sentence"].fillna("").astype(str)).str.lower()
    return issues.reset_index(drop=True)


def load_issues(run_dir: Path):
    path = run_dir / "issues.parquet"
    stat = os.stat(path)
    return _issues(str(path), stat.st_mtime_ns, stat.st_size)


def filter_widgets(issues) -> None:
    """The sidebar filters (their values come from and go to the URL)."""
    sidebar = st.sidebar
    sidebar.multiselect("Category", list(CATEGORIES), key="rv_categories")
    sidebar.multiselect("Rule", sorted(issues["rule"].unique()), key="rv_rules", placeholder="all rules")
    sidebar.multiselect("Severity", SEVERITIES, key="rv_severities")
    sidebar.slider("Minimum confidence", 0.0, 1.0, step=0.05, key="rv_confidence")
    sidebar.selectbox("Document", ["(all)", *sorted(issues["document"].unique())], key="rv_document")
    sidebar.text_input("Text search", key="rv_search", placeholder="in the flagged words or sentence")
    sidebar.radio("Show", STATUSES, key="rv_status", horizontal=True)


def filtered(issues, decided: dict):
    """The archive's flags that the sidebar's filters keep."""
    state = st.session_state
    keep = issues["category"].isin(state["rv_categories"]) & issues["severity"].isin(state["rv_severities"])
    keep &= issues["confidence"] >= float(state["rv_confidence"])
    if state["rv_rules"]:
        keep &= issues["rule"].isin(state["rv_rules"])
    if state["rv_document"] != "(all)":
        keep &= issues["document"] == state["rv_document"]
    if state["rv_search"]:
        keep &= issues["haystack"].str.contains(state["rv_search"].lower(), regex=False)
    is_decided = issues["key"].isin(decided.keys())
    if state["rv_status"] == "Undecided":
        keep &= ~is_decided
    elif state["rv_status"] == "Decided":
        keep &= is_decided
    return issues[keep]


def suggestions_of(row) -> list[str]:
    return fixes(row["suggestions"])


def fixes(value) -> list[str]:
    """The suggestions cell of the issues table as a list (a list, an array, " | "-joined text, or nothing)."""
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


# ------------------------------------------------------------------------------------------- deciding


def notify(text: str) -> None:
    """A line for the next redraw of the page (escaped when shown)."""
    st.session_state.setdefault("rv_notices", []).append(text)


def reviewer() -> str:
    """Who decides: the signed-in user when the newsroom configured Streamlit's authentication, else the name
    typed in the sidebar (kept in the URL)."""
    user = st.user
    if user.get("is_logged_in"):
        who = str(user.get("email") or user.get("name") or user.get("sub") or "")
        st.sidebar.caption(f"Signed in as {render.esc(who)}")
        st.session_state["rv_reviewer"] = ""  # a typed name has no say (and leaves the URL)
        return who
    st.sidebar.text_input("Your name", key="rv_reviewer", placeholder="reviewer")
    return str(st.session_state.get("rv_reviewer", ""))


def decision_for(row, archive: str, choice: str, replacement: str | None, who: str, comment: str = "") -> Decision:
    return Decision(
        archive=archive,
        document=str(row["document"]),
        rule=str(row["rule"]),
        start=int(row["start"]),
        end=int(row["end"]),
        decision=choice,
        flagged_text=str(row["text"]),
        category=str(row["category"]),
        replacement=replacement if choice == "accept" else None,
        comment=comment,
        reviewer=who,
        confidence=float(row["confidence"]),
    )


def record_one(store, row: dict, archive: str, choice: str, replacement: str | None, who: str) -> None:
    """A card's button callback: runs before the next run, with the row the button was made for."""
    comment = str(st.session_state.get(f"rv_comment-{row['key']}", "") or "")
    store.record(decision_for(row, archive, choice, replacement, who, comment))
    label = DECISION_LABELS[choice] + (f" → {replacement or '(delete)'}" if choice == "accept" else "")
    notify(f"Saved: {label} on “{row['text']}” ({row['document']}).")


def short(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def decision_buttons(row, store, archive: str, who: str, first: bool) -> None:
    """One button per suggestion ("keen fire → live fire") and one per other decision; no default, and no
    accept for a flag without a fix. The first card of the page also answers to the keys A, F, X and S."""
    key, flagged = row["key"], str(row["text"])
    data = {name: row[name] for name in ("key", "document", "rule", "start", "end", "text", "category", "confidence")}
    buttons: list[tuple[str, str, str | None]] = [
        ("accept", render.esc(f"{short(flagged)} → {short(s) if s else '(delete)'}"), s)
        for s in suggestions_of(row)[:3]
    ]
    buttons += [(choice, DECISION_LABELS[choice], None) for choice in DECISIONS if choice != "accept"]
    row_of_buttons = st.container(horizontal=True, vertical_alignment="center")
    used: set[str] = set()
    for i, (choice, label, replacement) in enumerate(buttons):
        shortcut = SHORTCUTS[choice] if first and choice not in used else None
        used.add(choice)
        row_of_buttons.button(
            label,
            key=f"rv_{choice}-{key}-{i}",
            on_click=record_one,
            args=(store, data, archive, choice, replacement, who),
            shortcut=shortcut,
            type="primary" if choice == "accept" else "secondary",
        )
    row_of_buttons.text_input(
        "Comment", key=f"rv_comment-{key}", placeholder="optional comment", label_visibility="collapsed", width=260
    )


def card_html(row, current) -> str:
    """What a card says, in one element: where the flag is, the passage, the message, the current decision."""
    category = render.CATEGORY_LABELS.get(row["category"], row["category"])
    parts = [
        f"<div><small>{render.esc(row['document'])} · {render.esc(category)} · {render.esc(row['rule'])} · "
        f"{render.esc(row['severity'])} · confidence {float(row['confidence']):.0%}</small></div>",
        context_html(row),
        f"<div>{render.esc(row['message'])}</div>",
    ]
    if current is not None:
        by = f" by {current.reviewer}" if current.reviewer else ""
        fix = f" → {current.replacement or '(delete)'}" if current.decision == "accept" else ""
        said = f" — “{current.comment}”" if current.comment else ""
        parts.append(
            f"<div><small>Current decision: <b>{render.esc(DECISION_LABELS[current.decision] + fix)}</b>"
            f"{render.esc(by + said)}</small></div>"
        )
    return "".join(parts)


def card(row, store, archive: str, current, who: str, first: bool) -> None:
    with st.container(border=True, key=f"rv_card-{row['key']}"):
        st.html(card_html(row, current))
        decision_buttons(row, store, archive, who, first)


def bulk(shown, store, archive: str, who: str) -> None:
    """One decision for every flag of the filtered set (all pages), after a confirmation naming the count."""
    if shown.empty:
        return
    what = "the flag shown" if len(shown) == 1 else f"all {len(shown):,} flags shown"
    with st.expander(f"Decide {what} by the filters"):
        choice = st.selectbox(
            "Decision",
            DECISIONS,
            index=None,
            format_func=lambda c: (
                DECISION_LABELS[c] + (" (first suggestion; flags without a fix are left)" if c == "accept" else "")
            ),
            placeholder="choose a decision",
            key="rv_bulk_choice",
        )
        rows = shown
        if choice == "accept":
            rows = shown[shown["suggestions"].map(lambda value: bool(fixes(value)))]
        pending = st.session_state.get("rv_bulk_pending")
        signature = (archive, choice, tuple(rows["key"]))
        many = plural(len(rows), "flag")
        if choice is not None and st.button(f"{DECISION_LABELS[choice]} on {many}…", key="rv_bulk"):
            st.session_state["rv_bulk_pending"] = pending = signature
        if pending is None or choice is None:
            return
        if pending != signature:  # the filters or the choice changed since: ask again
            st.session_state.pop("rv_bulk_pending", None)
            return
        flags = plural(len(rows), "flag")
        st.warning(f"Record “{DECISION_LABELS[choice]}” on {flags}? Each one is kept in the history.")
        yes, no = st.columns(2)
        if yes.button(f"Confirm: {flags}", type="primary", key="rv_bulk_confirm"):
            count = store.record_many(
                decision_for(r, archive, choice, next(iter(suggestions_of(r)), None), who) for _, r in rows.iterrows()
            )
            st.session_state.pop("rv_bulk_pending", None)
            notify(f"Saved: {DECISION_LABELS[choice]} on {count:,} flags.")
            st.rerun()
        if no.button("Cancel", key="rv_bulk_cancel"):
            st.session_state.pop("rv_bulk_pending", None)
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
                notify(f"Disabled {row.rule} in {path}.")
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
                notify(f"Added “{word}” to the dictionary in {path}.")
                st.rerun()


def show_notices() -> None:
    notices = st.session_state.pop("rv_notices", [])
    if notices:  # every decision since the last redraw: two quick clicks show two lines
        st.success("  \n".join(render.esc(n) for n in notices))


@st.fragment
def queue(issues, store, archive: str, who: str, run_name: str | None) -> None:
    """The count, the bulk decision, one page of cards and the page number: a decision redraws only this part."""
    show_notices()
    decided = store.current(archive)
    shown = filtered(issues, decided)
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    st.session_state["rv_page"] = min(max(1, int(st.session_state.get("rv_page", 1))), pages)  # the list shrank
    st.caption(
        f"{len(shown):,} of {len(issues):,} flags; {len(decided):,} decided in this archive. "
        "Keys on the first card: A accept the first fix, F false alarm, X fixed at source, S skip."
    )
    bulk(shown, store, archive, who)
    first_row = (st.session_state["rv_page"] - 1) * PAGE_SIZE
    for i, (_, row) in enumerate(shown.iloc[first_row : first_row + PAGE_SIZE].iterrows()):
        card(row, store, archive, decided.get(row["key"]), who, first=i == 0)
    if pages > 1:
        st.number_input(f"Page (of {pages:,})", 1, pages, key="rv_page")
    save_to_url(run_name)


def main() -> None:
    config = common.house_style()
    st.title("Review flagged passages")
    url = database_url(config)
    try:
        store = common.review_store(url)
    except Exception as exc:  # a database that cannot be reached is a message, not a crash
        st.error(
            f"The review database cannot be opened ({render.esc(type(exc).__name__)}: {render.esc(exc)}). "
            "Check [review] database in the house style."
        )
        return
    run_dir = choose_run(config)
    issues = load_issues(run_dir) if run_dir is not None else None
    options: dict[str, Collection[str]] = {"rv_status": STATUSES}
    if issues is not None:
        options.update(rv_rules=set(issues["rule"]), rv_document={"(all)", *issues["document"]})
    options.update(rv_categories=set(CATEGORIES), rv_severities=set(SEVERITIES))
    restore_from_url(options)
    who = reviewer()
    st.sidebar.caption(f"Decisions are stored in {render.esc(store.display_url)}")
    st.download_button(
        "Export all decisions (CSV)",
        lambda: store.export_csv().encode("utf-8"),
        "review-decisions.csv",
        "text/csv",
        key="rv_export",
        help="Every decision ever recorded, "
        "all archives, oldest first (the store is append-only: changed minds are kept too)",
    )
    if run_dir is None or issues is None:
        show_notices()
        save_to_url(None)
        return
    # runs kept by the dashboard have unique folder names; any other results folder is named by its full path
    archive = run_dir.name if run_dir.parent == desk.runs_dir(config) else str(run_dir.resolve())
    feedback(store, config, archive)
    filter_widgets(issues)
    queue(issues, store, archive, who, run_dir.name if run_dir.parent == desk.runs_dir(config) else None)


main()
