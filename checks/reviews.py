"""The review store: editors' decisions on flagged passages, kept in a real database.

SQLite by default (the file named by the house style's `[review] database`), or any SQLAlchemy URL, e.g. a shared
PostgreSQL server for a team. Decisions are append-only: every decision is a new row with its own unique id, written
in its own transaction, and the current decision on a flag is simply its latest row. Two reviewers working at once
therefore never overwrite or lose each other's work; the full history stays available for export.

Feedback for the house style: the false-alarm rate of each rule (`false_alarm_rates`) and the words marked as false
alarms of spelling rules (`false_alarm_words`), so the dashboard can offer to disable a rule or add a word.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Engine

from checks.config import Config, Section, Setting

DECISIONS = ("accept", "false_alarm", "fixed_at_source", "skip")

SECTIONS = (
    Section(
        "review",
        "`streamlit run dashboard/app.py` reads the house style like the command line does "
        "(COPYDESK_CONFIG, ./copydesk.toml, ~/.config/copydesk/copydesk.toml). Every key is optional; the values "
        "below are the defaults.",
        (
            Setting(
                "database",
                "copydesk-reviews.sqlite",
                "Where editors' review decisions are stored. A file "
                "path means SQLite (relative paths are taken from the folder of the house-style file); any "
                "SQLAlchemy URL works too, e.g. a team's shared PostgreSQL server:\n  database = "
                '"postgresql+psycopg://copydesk@db.newsroom.internal:5432/copydesk"',
            ),
            Setting(
                "runs_dir",
                "copydesk-runs",
                "Folder where scored archives are kept so that reviews can "
                "resume after a restart (relative: as above).",
            ),
            Setting(
                "false_alarm_threshold",
                0.5,
                "A rule is offered for disabling when at least this share of at "
                "least `min_decisions` decisions are false alarms.",
            ),
            Setting("min_decisions", 5, "See false_alarm_threshold."),
        ),
    ),
)
DECISION_LABELS = {
    "accept": "Accept fix",
    "false_alarm": "False alarm",
    "fixed_at_source": "Fixed at source",
    "skip": "Skip",
}
DEFAULT_DATABASE = "copydesk-reviews.sqlite"
EXPORT_COLUMNS = (
    "decision_id",
    "created_at",
    "reviewer",
    "archive",
    "document",
    "rule",
    "category",
    "start",
    "end",
    "flagged_text",
    "decision",
    "replacement",
    "comment",
    "confidence",
)

metadata = MetaData()
decisions_table = Table(
    "review_decisions",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),  # insertion order, for "latest wins"
    Column("decision_id", String(36), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("reviewer", String(200), nullable=False, default=""),
    Column("archive", String(500), nullable=False),
    Column("document", String(1000), nullable=False),
    Column("rule", String(200), nullable=False, index=True),
    Column("category", String(40), nullable=False, default=""),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("flagged_text", Text, nullable=False, default=""),
    Column("decision", String(20), nullable=False),
    Column("replacement", Text, nullable=True),
    Column("comment", Text, nullable=False, default=""),
    Column("confidence", Float, nullable=True),
)


@dataclass(frozen=True)
class Decision:
    """One editor's verdict on one flag of one document of a scored archive."""

    archive: str
    document: str
    rule: str
    start: int
    end: int
    decision: str
    flagged_text: str = ""
    category: str = ""
    replacement: str | None = None
    comment: str = ""
    reviewer: str = ""
    confidence: float | None = None
    decision_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def __post_init__(self) -> None:
        if self.decision not in DECISIONS:
            raise ValueError(f"unknown decision {self.decision!r}; expected one of {', '.join(DECISIONS)}")


def database_url(config: Config | None = None, value: str | None = None) -> str:
    """The SQLAlchemy URL of the review database: an explicit value, else `[review] database` of the house style.

    A value containing "://" is used as a URL; anything else is a SQLite file path, relative paths being taken from
    the house-style file's folder (or the current folder when there is none).
    """
    if value is None and config is not None:
        value = config.get("review", "database")
    value = value or DEFAULT_DATABASE
    if "://" in value:
        return value
    path = Path(os.path.expanduser(value))
    if not path.is_absolute():
        base = config.path.parent if config is not None and config.path is not None else Path.cwd()
        path = base / path
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets reviewers read while another writes; the busy timeout makes a writer wait instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def open_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        database = url.split(":///", 1)[-1]
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


class ReviewStore:
    """Decisions in a database; thread-safe (one engine, one short transaction per call)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = open_engine(url)
        metadata.create_all(self.engine)

    @classmethod
    def from_config(cls, config: Config) -> ReviewStore:
        return cls(database_url(config))

    def close(self) -> None:
        self.engine.dispose()

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for the page to show."""
        return self.engine.url.render_as_string(hide_password=True)

    def record(self, decision: Decision) -> str:
        """Append one decision in its own transaction; returns its unique id."""
        row = {
            "decision_id": decision.decision_id,
            "created_at": datetime.now(UTC),
            "reviewer": decision.reviewer,
            "archive": decision.archive,
            "document": decision.document,
            "rule": decision.rule,
            "category": decision.category,
            "start": int(decision.start),
            "end": int(decision.end),
            "flagged_text": decision.flagged_text,
            "decision": decision.decision,
            "replacement": decision.replacement,
            "comment": decision.comment,
            "confidence": decision.confidence,
        }
        with self.engine.begin() as conn:
            conn.execute(insert(decisions_table), row)
        return decision.decision_id

    def history(self, archive: str | None = None):
        """Every decision ever recorded (optionally for one archive), oldest first, as a DataFrame."""
        import pandas as pd

        query = select(*(decisions_table.c[name] for name in EXPORT_COLUMNS)).order_by(decisions_table.c.seq)
        if archive is not None:
            query = query.where(decisions_table.c.archive == archive)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return pd.DataFrame([dict(r) for r in rows], columns=list(EXPORT_COLUMNS))

    def latest(self, archive: str | None = None):
        """The current decision on each flag: its most recent row (one row per archive, document, rule, span)."""
        frame = self.history(archive)
        if frame.empty:
            return frame
        return frame.drop_duplicates(subset=["archive", "document", "rule", "start", "end"], keep="last").reset_index(
            drop=True
        )

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(decisions_table)).scalar_one())

    def export_csv(self, archive: str | None = None) -> str:
        """All decisions (the full history) as CSV text."""
        buffer = io.StringIO()
        self.history(archive).to_csv(buffer, index=False)
        return buffer.getvalue()

    def false_alarm_rates(self, min_decisions: int = 1, archive: str | None = None):
        """Per rule: current decisions, how many are false alarms, and the rate, highest rate first."""
        import pandas as pd

        frame = self.latest(archive)
        columns = ["rule", "category", "decisions", "false_alarms", "false_alarm_rate"]
        decided = frame[frame["decision"] != "skip"] if not frame.empty else frame
        if decided.empty:
            return pd.DataFrame(columns=columns)
        grouped = decided.groupby("rule").agg(
            category=("category", "last"),
            decisions=("decision", "size"),
            false_alarms=("decision", lambda s: int((s == "false_alarm").sum())),
        )
        grouped["false_alarm_rate"] = grouped["false_alarms"] / grouped["decisions"]
        grouped = grouped[grouped["decisions"] >= min_decisions].reset_index()
        return grouped.sort_values(["false_alarm_rate", "decisions"], ascending=[False, False])[columns].reset_index(
            drop=True
        )

    def false_alarm_words(self, categories: Iterable[str] = ("spelling",), archive: str | None = None) -> list[str]:
        """Distinct flagged words currently marked as false alarms in the given categories (dictionary candidates)."""
        frame = self.latest(archive)
        if frame.empty:
            return []
        wanted = frame[(frame["decision"] == "false_alarm") & frame["category"].isin(list(categories))]
        words = {text.strip() for text in wanted["flagged_text"] if text and text.strip() and " " not in text.strip()}
        return sorted(words, key=str.lower)


def high_false_alarm_rules(
    store: ReviewStore, threshold: float = 0.5, min_decisions: int = 5, archive: str | None = None
):
    """Rules whose current false-alarm rate is at least `threshold` over at least `min_decisions` decisions."""
    rates = store.false_alarm_rates(min_decisions=min_decisions, archive=archive)
    return rates[rates["false_alarm_rate"] >= threshold].reset_index(drop=True)


def disable_rule(config_path: str | os.PathLike, rule_id: str) -> None:
    """Add a rule id to `[rules] disabled` of the house-style file (created when missing); the file's comments and
    layout are kept."""
    from checks.config import update_house_style

    def add(data: dict) -> None:
        disabled = data.setdefault("rules", {}).setdefault("disabled", [])
        if rule_id not in disabled:
            disabled.append(rule_id)

    update_house_style(config_path, add)
