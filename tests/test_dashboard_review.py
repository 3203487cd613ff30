"""AppTest: the Review flagged passages page on a scored archive laid out as `checks.batch` writes it."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from checks.config import load_config
from checks.reviews import ReviewStore, database_url
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


def open_review() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/review_flags.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def bodies(at) -> str:
    return "".join(h.proto.body for h in at.get("html"))


def decide(at, index: int, decision: str, comment: str = "") -> None:
    at.radio(key=f"rv_decision|{index}").set_value(decision)
    if comment:
        at.text_input(key=f"rv_comment|{index}").input(comment)
    next(b for b in at.button if b.key == f"rv_save|{index}").click()  # form submit buttons are buttons
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_passages_are_listed_escaped_and_in_context(house):
    at = open_review()
    html = bodies(at)
    assert "keen fire</mark>" in html and "Police opened " in html
    assert "<script>" not in html and "&#60;script&#62;alert(1)&#60;/script&#62;" in html
    assert html.count("</mark>") == html.count("<mark ")
    assert any("4 of 4 flags" in c.value for c in at.caption)


def test_a_decision_is_stored_and_survives_a_restart(house):
    at = open_review()
    at.text_input(key="rv_reviewer").input("ana")
    decide(at, 1, "false_alarm", comment="a quote <b>kept</b> as said")
    store = ReviewStore(database_url(load_config(house)))
    latest = store.latest("run-20261128-090000-abcdef")
    store.close()
    assert latest[["document", "rule", "flagged_text", "decision", "comment", "reviewer"]].values.tolist() == [
        ["doc-1", "mistranslation.unlikely-sense", "keen fire", "false_alarm", "a quote <b>kept</b> as said", "ana"]
    ]
    # a new session (as after a server restart): the flag is decided, so it leaves the "Undecided" list
    again = open_review()
    assert any("3 of 4 flags" in c.value for c in again.caption)
    again.sidebar.radio(key="rv_status").set_value("Decided").run()
    html = bodies(again)
    assert "False alarm" in html and "&#60;b&#62;kept&#60;/b&#62;" in html and "<b>kept</b>" not in html


def test_filters_narrow_the_list(house):
    at = open_review()
    at.sidebar.multiselect(key="rv_categories").set_value(["names"]).run()
    assert any("1 of 4 flags" in c.value for c in at.caption)
    at.sidebar.multiselect(key="rv_categories").set_value(["mistranslation", "names", "style"]).run()
    at.sidebar.text_input(key="rv_search").input("crowd").run()
    assert any("1 of 4 flags" in c.value for c in at.caption)
    assert "keen fire</mark>" in bodies(at)


def test_a_noisy_rule_can_be_disabled_from_the_feedback(house):
    at = open_review()
    decide(at, 0, "false_alarm")  # widgets are keyed by the flag's row in the archive, stable as the list shrinks
    decide(at, 1, "false_alarm")
    key = "rv_disable|mistranslation.unlikely-sense"
    assert key in [b.key for b in at.button]
    at.button(key=key).click().run()
    assert "mistranslation.unlikely-sense" in load_config(house).disabled_rules
    assert any("Disabled mistranslation.unlikely-sense" in s.value for s in at.success)
