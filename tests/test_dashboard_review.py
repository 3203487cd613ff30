"""AppTest: the Review flagged passages page on a scored archive laid out as `checks.batch` writes it."""

from __future__ import annotations

import html as html_text

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from checks.config import load_config
from checks.reviews import ReviewStore, database_url, flag_key
from tests.conftest import ROOT

APP = str(ROOT / "dashboard" / "app.py")

SENTENCES = [
    (
        "doc-1",
        "The governor assisted at the funeral of the victims.",
        "assisted at the funeral",
        "mistranslation",
        "mistranslation.unlikely-sense",
        ["attended the funeral"],
    ),
    (
        "doc-1",
        "Police opened keen fire on the crowd.",
        "keen fire",
        "mistranslation",
        "mistranslation.unlikely-sense",
        ["live fire"],
    ),
    ("doc-2", "Kowalchyk condemned the violence.", "Kowalchyk", "names", "names.variant", ["Kowalczyk"]),
    (
        "doc-3",
        "He wrote <script>alert(1)</script> and </mark> here.",
        "<script>alert(1)</script>",
        "style",
        "style.markup",
        [""],
    ),
]


@pytest.fixture
def house(tmp_path, monkeypatch):
    path = tmp_path / "copydesk.toml"
    path.write_text('[review]\ndatabase = "reviews.sqlite"\nruns_dir = "runs"\nmin_decisions = 2\n', "utf-8")
    monkeypatch.setenv("COPYDESK_CONFIG", str(path))
    run = tmp_path / "runs" / "run-20261128-090000-abcdef"
    run.mkdir(parents=True)
    rows = []
    for document, sentence, text, category, rule, suggestions in SENTENCES:
        start = 100 + sentence.index(text)
        rows.append(
            {
                "document": document,
                "category": category,
                "rule": rule,
                "start": start,
                "end": start + len(text),
                "text": text,
                "message": f"Check “{text}”.",
                "suggestions": suggestions,
                "severity": "warning",
                "confidence": 0.8,
                "sentence": sentence,
            }
        )
    pd.DataFrame(rows).to_parquet(run / "issues.parquet")
    pd.DataFrame({"document": ["doc-1", "doc-2", "doc-3"], "quality_score": [60.0, 80.0, 90.0]}).to_parquet(
        run / "documents.parquet"
    )
    return path


def open_review(query: dict | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if user is not None:
        at.user = user
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    at.switch_page("views/review_flags.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def bodies(at) -> str:
    return "".join(h.proto.body for h in at.get("html"))


def key_of(text: str) -> str:
    document, _, flagged, _, rule, _ = next(row for row in SENTENCES if row[2] == text)
    sentence = next(row[1] for row in SENTENCES if row[2] == text)
    start = 100 + sentence.index(flagged)
    return flag_key(document, rule, start, start + len(flagged), flagged)


def decision_button(at, text: str, decision: str):
    """The button of one decision on the card of the flag whose words are `text` (found by the flag's identity)."""
    prefix = f"rv_{decision}-{key_of(text)}-"
    matches = [b for b in at.button if b.key and b.key.startswith(prefix)]
    assert matches, (prefix, [b.key for b in at.button])
    return matches[0]


def url(at, name: str) -> list[str]:
    value = at.query_params[name]
    return value if isinstance(value, list) else [value]


def decide(at, text: str, decision: str, comment: str = "") -> None:
    if comment:
        at.text_input(key=f"rv_comment-{key_of(text)}").input(comment)
    decision_button(at, text, decision).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def latest(house):
    store = ReviewStore(database_url(load_config(house)))
    try:
        return store.latest("run-20261128-090000-abcdef")
    finally:
        store.close()


def test_passages_are_listed_escaped_and_in_context(house):
    at = open_review()
    html = bodies(at)
    assert "keen fire</mark>" in html and "Police opened " in html
    assert "<script>" not in html and "&#60;script&#62;alert(1)&#60;/script&#62;" in html
    assert html.count("</mark>") == html.count("<mark ")
    assert any("4 of 4 flags" in c.value for c in at.caption)


def test_cards_offer_their_fixes_and_no_default_decision(house):
    at = open_review()
    labels = {b.key: b.label for b in at.button if b.key and b.key.startswith("rv_")}
    assert labels[decision_button(at, "keen fire", "accept").key] == "keen fire → live fire"
    # a fix that deletes is named so; the hostile words are entities in the label, never markup
    deleting = labels[decision_button(at, "<script>alert(1)</script>", "accept").key]
    assert deleting.endswith("→ (delete)") and "<script>" not in deleting and "&#60;script&#62;" in deleting
    assert [r.key for r in at.radio] == ["rv_status"], "no decision widget with a preselected value"


def test_a_flag_without_a_fix_offers_no_accept(house, tmp_path):
    run = tmp_path / "runs" / "run-20261128-090000-abcdef"
    issues = pd.read_parquet(run / "issues.parquet")
    issues.loc[issues["text"] == "Kowalchyk", "suggestions"] = pd.Series([[]], index=[2])
    issues.to_parquet(run / "issues.parquet")
    at = open_review()
    prefix = f"rv_accept-{key_of('Kowalchyk')}-"
    assert not [b for b in at.button if b.key and b.key.startswith(prefix)]
    assert decision_button(at, "Kowalchyk", "false_alarm")


def test_a_decision_is_one_click_stored_against_its_flag_and_survives_a_restart(house):
    at = open_review({"reviewer": "ana"})
    assert at.sidebar.text_input(key="rv_reviewer").value == "ana"  # from the URL
    decide(at, "keen fire", "false_alarm", comment="a quote <b>kept</b> as said")
    assert latest(house)[["document", "rule", "flagged_text", "decision", "comment", "reviewer"]].values.tolist() == [
        ["doc-1", "mistranslation.unlikely-sense", "keen fire", "false_alarm", "a quote <b>kept</b> as said", "ana"]
    ]
    assert any("Saved: False alarm on “keen fire”" in html_text.unescape(s.value) for s in at.success)
    # a new session (as after a server restart): the flag is decided, so it leaves the "Undecided" list
    again = open_review()
    assert any("3 of 4 flags" in c.value for c in again.caption)
    again.sidebar.radio(key="rv_status").set_value("Decided").run()
    html = bodies(again)
    assert "False alarm" in html and "&#60;b&#62;kept&#60;/b&#62;" in html and "<b>kept</b>" not in html


def test_a_card_keeps_its_buttons_when_the_list_shifts(house):
    at = open_review()
    before = decision_button(at, "Kowalchyk", "skip").key
    decide(at, "keen fire", "accept")  # the list shifts: one card fewer above Kowalchyk
    assert decision_button(at, "Kowalchyk", "skip").key == before  # keyed by the flag, not by its place
    decision_button(at, "Kowalchyk", "skip").click()
    at.run()
    decided = latest(house)
    pairs = zip(decided["flagged_text"], decided["decision"], decided["replacement"].fillna("-"), strict=True)
    assert sorted(pairs) == [
        ("Kowalchyk", "skip", "-"),
        ("keen fire", "accept", "live fire"),
    ]


def test_filters_narrow_the_list_and_live_in_the_url(house):
    at = open_review()
    at.sidebar.multiselect(key="rv_categories").set_value(["names"]).run()
    assert any("1 of 4 flags" in c.value for c in at.caption)
    assert url(at, "category") == ["names"]
    at.sidebar.multiselect(key="rv_categories").set_value(["mistranslation", "names", "style"]).run()
    at.sidebar.text_input(key="rv_search").input("crowd").run()
    assert any("1 of 4 flags" in c.value for c in at.caption)
    assert "keen fire</mark>" in bodies(at)
    assert url(at, "q") == ["crowd"] and url(at, "run") == ["run-20261128-090000-abcdef"]
    # a reload: a new session from the same URL shows the same list
    again = open_review({"category": ["mistranslation", "names", "style"], "q": "crowd", "reviewer": "ana"})
    assert any("1 of 4 flags" in c.value for c in again.caption)
    assert again.sidebar.text_input(key="rv_search").value == "crowd"
    assert again.sidebar.text_input(key="rv_reviewer").value == "ana"


def test_a_bulk_decision_needs_a_confirmation(house):
    at = open_review()
    at.sidebar.multiselect(key="rv_categories").set_value(["mistranslation"]).run()
    at.selectbox(key="rv_bulk_choice").set_value("false_alarm").run()
    at.button(key="rv_bulk").click().run()
    assert latest(house).empty, "nothing is recorded before the confirmation"
    assert any("on 2 flags" in w.value for w in at.warning)
    at.button(key="rv_bulk_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert sorted(latest(house)["flagged_text"]) == ["assisted at the funeral", "keen fire"]
    assert any("0 of 4 flags" in c.value for c in at.caption)


def test_a_noisy_rule_can_be_disabled_from_the_feedback(house):
    at = open_review()
    decide(at, "assisted at the funeral", "false_alarm")
    decide(at, "keen fire", "false_alarm")
    key = "rv_disable|mistranslation.unlikely-sense"
    assert key in [b.key for b in at.button]
    at.button(key=key).click().run()
    assert "mistranslation.unlikely-sense" in load_config(house).disabled_rules
    assert any("Disabled mistranslation.unlikely-sense" in s.value for s in at.success)


def test_a_signed_in_reviewer_is_who_signed_in(house):
    at = open_review({"reviewer": "someone else"}, user={"is_logged_in": True, "email": "ana@newsroom.example"})
    assert not [t for t in at.sidebar.text_input if t.key == "rv_reviewer"], "no name to type when signed in"
    assert any("Signed in as ana@newsroom.example" in c.value for c in at.sidebar.caption)
    decide(at, "keen fire", "skip")
    assert list(latest(house)["reviewer"]) == ["ana@newsroom.example"]
    assert "reviewer" not in at.query_params
