"""The review store against SQLite (always) and a real PostgreSQL server (COPYDESK_TEST_POSTGRES_URL)."""

from __future__ import annotations

import csv
import io
import os
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest

from checks.config import Config, load_config
from checks.reviews import Decision, ReviewStore, database_url, disable_rule, flag_key, high_false_alarm_rules

POSTGRES_ENV = "COPYDESK_TEST_POSTGRES_URL"


def _postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    in_ci = os.environ.get("CI", "").lower() == "true"
    if not url:
        if in_ci:
            pytest.fail(f"CI=true but {POSTGRES_ENV} is not set: .ci/run must start PostgreSQL and set it")
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_ENV}=postgresql+psycopg://user@127.0.0.1:PORT/db")
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # unreachable server
        if in_ci:
            pytest.fail(f"{POSTGRES_ENV}={url} is unreachable in CI: {exc}")
        pytest.skip(f"PostgreSQL at {POSTGRES_ENV} is unreachable: {type(exc).__name__}")
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'reviews.sqlite'}"
        made = ReviewStore(url)
        yield made
        made.close()
        return
    url = _postgres_url()
    made = ReviewStore(url)
    archive_prefix = f"test-{uuid.uuid4().hex[:8]}"
    made.test_archive_prefix = archive_prefix
    yield made
    from sqlalchemy import delete

    from checks.reviews import decisions_table

    with made.engine.begin() as conn:  # leave the shared server as we found it
        conn.execute(delete(decisions_table).where(decisions_table.c.archive.startswith(archive_prefix)))
    made.close()


def _archive(store) -> str:
    return getattr(store, "test_archive_prefix", "") + "-run1"


def _decision(store, **fields) -> Decision:
    base: dict[str, Any] = dict(
        archive=_archive(store),
        document="doc-1",
        rule="mistranslation.calque",
        start=10,
        end=20,
        flagged_text="keen fire",
        category="mistranslation",
        decision="accept",
        replacement="live fire",
    )
    base.update(fields)
    return Decision(**base)


def test_decisions_are_appended_and_latest_wins(store):
    store.record(_decision(store, decision="accept"))
    store.record(_decision(store, decision="false_alarm", comment="a quote: kept as said <b>", reviewer="ana"))
    store.record(_decision(store, document="doc-2", decision="skip"))
    history = store.history(_archive(store))
    assert list(history["decision"]) == ["accept", "false_alarm", "skip"]
    latest = store.latest(_archive(store))
    assert len(latest) == 2
    current = latest[latest["document"] == "doc-1"].iloc[0]
    assert current["decision"] == "false_alarm"
    assert current["comment"] == "a quote: kept as said <b>"
    assert current["reviewer"] == "ana"


def test_decisions_survive_reopening_the_database(store):
    store.record(_decision(store, decision="fixed_at_source"))
    reopened = ReviewStore(store.url)
    try:
        latest = reopened.latest(_archive(store))
        assert list(latest["decision"]) == ["fixed_at_source"]
    finally:
        reopened.close()


def test_concurrent_reviewers_never_lose_a_decision(store):
    second = ReviewStore(store.url)  # another reviewer: another engine, another connection pool
    per_thread = 15
    errors = []

    def review(target, reviewer):
        try:
            for i in range(per_thread):
                target.record(_decision(store, document=f"doc-{i}", reviewer=reviewer, decision="false_alarm"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=review, args=(s, name)) for s, name in ((store, "ana"), (second, "ben"))]
    threads += [threading.Thread(target=review, args=(second, "cy"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    second.close()
    assert not errors
    history = store.history(_archive(store))
    assert len(history) == 3 * per_thread
    assert history["decision_id"].is_unique
    assert sorted(history["reviewer"].value_counts().to_dict().items()) == [("ana", 15), ("ben", 15), ("cy", 15)]


def test_export_csv_has_every_decision(store):
    store.record(_decision(store, comment='commas, "quotes"\nand a new line'))
    store.record(_decision(store, document="doc-9", decision="skip"))
    rows = list(csv.DictReader(io.StringIO(store.export_csv(_archive(store)))))
    assert [r["document"] for r in rows] == ["doc-1", "doc-9"]
    assert rows[0]["comment"] == 'commas, "quotes"\nand a new line'
    assert rows[0]["replacement"] == "live fire"


def test_false_alarm_rate_per_rule_uses_current_decisions(store):
    for i in range(4):
        store.record(
            _decision(
                store,
                rule="spelling.unknown-word",
                category="spelling",
                document=f"d{i}",
                flagged_text=f"Kadhimi{i}",
                decision="false_alarm",
            )
        )
    store.record(
        _decision(
            store,
            rule="spelling.unknown-word",
            category="spelling",
            document="d4",
            flagged_text="teh",
            decision="accept",
        )
    )
    store.record(_decision(store, document="d0", decision="false_alarm"))
    store.record(_decision(store, document="d0", decision="accept"))  # changed their mind: accept is current
    mine = store.false_alarm_rates(archive=_archive(store))
    spelling = mine[mine["rule"] == "spelling.unknown-word"].iloc[0]
    assert (spelling["decisions"], spelling["false_alarms"]) == (5, 4)
    assert spelling["false_alarm_rate"] == pytest.approx(0.8)
    assert mine[mine["rule"] == "mistranslation.calque"].iloc[0]["false_alarms"] == 0
    assert list(high_false_alarm_rules(store, 0.5, 5, archive=_archive(store))["rule"]) == ["spelling.unknown-word"]
    assert store.false_alarm_words(archive=_archive(store)) == [f"Kadhimi{i}" for i in range(4)]


def test_unknown_decision_is_refused():
    with pytest.raises(ValueError, match="unknown decision"):
        Decision(archive="a", document="d", rule="r", start=0, end=1, decision="maybe")
    with pytest.raises(ValueError, match="without a fix cannot be accepted"):
        Decision(archive="a", document="d", rule="r", start=0, end=1, decision="accept")
    assert Decision(archive="a", document="d", rule="r", start=0, end=1, decision="accept", replacement="").key


def test_the_current_decision_belongs_to_the_flag_by_its_identity(store):
    """Two flags of one rule on one span but other words (a document scored again after an edit) are two flags."""
    store.record(_decision(store, decision="accept"))
    store.record(_decision(store, flagged_text="keen fires", decision="skip"))
    store.record(_decision(store, decision="false_alarm", reviewer="ben"))
    current = store.current(_archive(store))
    keen = current[flag_key("doc-1", "mistranslation.calque", 10, 20, "keen fire")]
    fires = current[flag_key("doc-1", "mistranslation.calque", 10, 20, "keen fires")]
    assert (keen.decision, keen.reviewer, fires.decision) == ("false_alarm", "ben", "skip")
    assert len(current) == 2 and len(store.history(_archive(store))) == 3


def test_a_bulk_decision_is_recorded_whole(store):
    decisions = [_decision(store, document=f"d{i}", decision="skip") for i in range(50)]
    assert store.record_many(decisions) == 50
    assert store.record_many([]) == 0
    assert sorted(store.latest(_archive(store))["document"]) == sorted(f"d{i}" for i in range(50))
    broken = [_decision(store, document="x1", decision="skip"), _decision(store, document="x2", decision="skip")]
    broken[1] = Decision(**{**broken[1].__dict__, "decision_id": broken[0].decision_id})  # ids are unique
    with pytest.raises(Exception):  # noqa: B017 - the database's own integrity error
        store.record_many(broken)
    assert "x1" not in set(store.history(_archive(store))["document"])  # all of it or none


def test_runs_and_the_database_live_in_the_data_folder_by_default(tmp_path, monkeypatch):
    from checks import desk

    monkeypatch.setenv("COPYDESK_DATA_DIR", str(tmp_path / "data"))
    assert desk.data_dir() == tmp_path / "data"
    assert database_url(Config()) == f"sqlite:///{tmp_path / 'data' / 'copydesk-reviews.sqlite'}"
    assert desk.runs_dir(Config()) == tmp_path / "data" / "copydesk-runs"
    house = Config({}, path=tmp_path / "house" / "copydesk.toml")  # a house style that names neither
    assert desk.runs_dir(house) == tmp_path / "data" / "copydesk-runs"
    assert database_url(house).endswith(str(tmp_path / "data" / "copydesk-reviews.sqlite"))
    named = Config({"review": {"runs_dir": "runs"}}, path=tmp_path / "house" / "copydesk.toml")
    assert desk.runs_dir(named) == tmp_path / "house" / "runs"  # relative to the house-style file, as before
    monkeypatch.delenv("COPYDESK_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    expected = tmp_path / "xdg" / "copydesk"
    assert desk.data_dir() == expected
    monkeypatch.setenv("XDG_DATA_HOME", "relative/not/allowed")  # the XDG spec ignores a relative path
    assert desk.data_dir() == Path.home() / ".local" / "share" / "copydesk"
    assert not desk.data_dir().is_relative_to(Path(__file__).resolve().parents[1])  # never the source tree


def test_database_url_from_house_style(tmp_path):
    house = tmp_path / "house" / "copydesk.toml"
    house.parent.mkdir()
    house.write_text('[review]\ndatabase = "reviews/team.sqlite"\n', "utf-8")
    assert database_url(load_config(house)) == f"sqlite:///{tmp_path / 'house' / 'reviews' / 'team.sqlite'}"
    url = "postgresql+psycopg://me@db.example:5432/reviews"
    assert database_url(Config({"review": {"database": url}})) == url
    assert database_url(Config()).endswith("copydesk-reviews.sqlite")


def test_disable_rule_writes_the_house_style(tmp_path):
    house = tmp_path / "copydesk.toml"
    house.write_text('[dictionary]\nwords = ["Kadhimi"]\n[rules]\ndisabled = ["style.a"]\n', "utf-8")
    disable_rule(house, "spelling.unknown-word")
    disable_rule(house, "spelling.unknown-word")
    config = load_config(house)
    assert config.disabled_rules == {"style.a", "spelling.unknown-word"}
    assert config.user_words == {"kadhimi"}


def test_disable_rule_keeps_the_comments_of_the_house_style(tmp_path):
    house = tmp_path / "copydesk.toml"
    original = '# ours\n[rules]\ndisabled = ["style.a"]  # noisy on quotes\n\n[dictionary]\nwords = ["Kadhimi"]\n'
    house.write_text(original, "utf-8")
    disable_rule(house, "grammar.b")
    assert house.read_text("utf-8") == original.replace('["style.a"]', '["style.a", "grammar.b"]')
