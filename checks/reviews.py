"""The review store: editors' decisions on flagged passages, kept in a real database.

SQLite by default (the file named by the house style's `[review] database`), or any SQLAlchemy URL, e.g. a shared
PostgreSQL server for a team. Decisions are append-only: every decision is a new row with its own unique id, written
in its own transaction, and the current decision on a flag is simply its latest row. Two reviewers working at once
therefore never overwrite or lose each other's work; the full history stays available for export.

Feedback for the house style: the false-alarm rate of each rule (`false_alarm_rates`) and the words marked as false
alarms of spelling rules (`false_alarm_words`), so the dashboard can offer to disable a rule or add a word.
"""

from __future__ import annotations

import hashlib
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
    Index,
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
                "path means SQLite: by default this file in the data folder ($COPYDESK_DATA_DIR, else "
                "$XDG_DATA_HOME/copydesk or ~/.local/share/copydesk), never the source tree; a relative path "
                "given here is taken from the folder of the house-style file. Any "
                "SQLAlchemy URL works too, e.g. a team's shared PostgreSQL server:\n  database = "
                '"postgresql+psycopg://copydesk@db.newsroom.internal:5432/copydesk"',
            ),
            Setting(
                "runs_dir",
                "copydesk-runs",
                "Folder where scored archives are kept so that reviews can "
                "resume after a restart (default and relative paths: as above).",
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

# The current decision on a flag is found by its identity within an archive; this index keeps that a lookup.
flag_index = Index(
    "review_decisions_flag",
    decisions_table.c.archive,
    decisions_table.c.document,
    decisions_table.c.rule,
    decisions_table.c.start,
    decisions_table.c.end,
)
FLAG_IDENTITY = ("document", "rule", "start", "end", "flagged_text")


def flag_key(document: str, rule: str, start: int, end: int, text: str) -> str:
    """A flag's stable identity within an archive (its document, rule, span and flagged words), as a short hex
    string fit for a widget key or a URL; never its position in a list."""
    raw = "\x1f".join((str(document), str(rule), str(int(start)), str(int(end)), str(text)))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


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
        if self.decision == "accept" and self.replacement is None:
            raise ValueError("an accepted fix needs its replacement (a flag without a fix cannot be accepted)")

    @property
    def key(self) -> str:
        return flag_key(self.document, self.rule, self.start, self.end, self.flagged_text)


def database_url(config: Config | None = None, value: str | None = None) -> str:
    """The SQLAlchemy URL of the review database: an explicit value, else `[review] database` of the house style.

    A value containing "://" is used as a URL; anything else is a SQLite file path, relative paths being taken from
    the house-style file's folder. With no value, or a relative one and no house-style file, the file is in the
    data folder (checks.desk.data_dir: $COPYDESK_DATA_DIR, else the user's data folder), never the current one.
    """
    from checks.desk import data_path

    if value is None and config is not None:
        value = config.get("review", "database")
    if value and "://" in value:
        return value
    return f"sqlite:///{data_path(value, config.path if config is not None else None, DEFAULT_DATABASE)}"


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
        flag_index.create(self.engine, checkfirst=True)  # stores made before the index existed get it too

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
        self.record_many([decision])
        return decision.decision_id

    def record_many(self, decisions: Iterable[Decision]) -> int:
        """Append decisions in one transaction (a bulk decision: all of them or none); returns how many."""
        now = datetime.now(UTC)
        rows = [_row(decision, now) for decision in decisions]
        if rows:
            with self.engine.begin() as conn:
                conn.execute(insert(decisions_table), rows)
        return len(rows)

    def history(self, archive: str | None = None):
        """Every decision ever recorded (optionally for one archive), oldest first, as a DataFrame."""
        import pandas as pd

        query = select(*(decisions_table.c[name] for name in EXPORT_COLUMNS)).order_by(decisions_table.c.seq)
        if archive is not None:
            query = query.where(decisions_table.c.archive == archive)
        with self.engine.connect() as conn:
            rows = [tuple(row) for row in conn.execute(query)]
        return pd.DataFrame(rows, columns=list(EXPORT_COLUMNS))

    def latest(self, archive: str | None = None):
        """The current decision on each flag: its most recent row (one per archive and flag identity: document,
        rule, span and flagged words), oldest first, found by the database (one query, the index above)."""
        import pandas as pd

        table = decisions_table
        newest = select(func.max(table.c.seq)).group_by(table.c.archive, *(table.c[name] for name in FLAG_IDENTITY))
        if archive is not None:
            newest = newest.where(table.c.archive == archive)
        query = (
            select(*(table.c[name] for name in EXPORT_COLUMNS))
            .where(table.c.seq.in_(newest.scalar_subquery()))
            .order_by(table.c.seq)
        )
        with self.engine.connect() as conn:
            rows = [tuple(row) for row in conn.execute(query)]  # plain tuples: pandas reads them fast
        return pd.DataFrame(rows, columns=list(EXPORT_COLUMNS))

    def current(self, archive: str) -> dict:
        """{flag key: its current decision row (a named tuple)} for one archive."""
        frame = self.latest(archive)
        keys = [flag_key(*values) for values in zip(*(frame[name].tolist() for name in FLAG_IDENTITY), strict=True)]
        return dict(zip(keys, frame.itertuples(index=False), strict=True))

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


def _row(decision: Decision, now: datetime) -> dict:
    return {
        "decision_id": decision.decision_id,
        "created_at": now,
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
