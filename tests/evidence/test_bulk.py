"""Records go to the database in bulk, past SQLAlchemy's per-row parameter processing: what is
stored must be exactly what SQLAlchemy Core would have stored, on SQLite and PostgreSQL."""

from __future__ import annotations

import gc
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Table, insert, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.types import DateTime

from perfpacket.evidence.load import _bulk, few_collections
from perfpacket.store import open_store
from perfpacket.store.models import Change, Evidence, Source, UTCDateTime
from tests.conftest import reset_postgres

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _rows(n: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``n`` pull requests and commits as the evidence and change rows an import writes: with
    offsets other than UTC, microseconds, unknown counts, JSON lists, and text no ASCII holds."""
    ist = timezone(timedelta(hours=5, minutes=30))
    base, typed = [], []
    for i in range(1, n + 1):
        when = datetime(2025, 1, 1, 9, tzinfo=ist) + timedelta(minutes=7 * i, microseconds=i)
        base.append(
            {
                "id": i,
                "kind": "change",
                "natural_key": f"acme/ai#{i}",
                "source_id": 1,
                "person_id": None,
                "occurred_at": when,
                "actor": None if i % 3 else f"github:dev{i}",
                "source_version": when.isoformat(),
            }
        )
        typed.append(
            {
                "id": i,
                "repo": "acme/ai",
                "sha": None if i % 2 else f"{i:040x}",
                "number": i if i % 2 else None,
                "title": f"évaluer le modèle n°{i} — “gate”",
                "author_email": None,
                "author_name": f"dev{i}",
                "authored_at": when,
                "merged_at": None if i % 4 else when + timedelta(days=1),
                "closed_at": None,
                "is_merge": bool(i % 5 == 0),
                "additions": None if i % 2 else i,
                "deletions": None if i % 2 else 0,
                "files_changed": None if i % 2 else 1,
                "files": [] if i % 2 else [f"src/m{i}.py"],
                "co_authors": [],
                "reviewers": sorted({f"r{i % 7}", "ana"}),
                "labels": ["eval", "gate"] if i % 6 == 0 else [],
                "comments": None if i % 2 else i % 11,
            }
        )
    return base, typed


def _dump(url: str) -> list[list[Any]]:
    store = open_store(url)
    try:
        with store.session() as session:
            return [
                [list(r) for r in session.execute(text(f"SELECT * FROM {t} ORDER BY id")).all()]
                for t in ("evidence", "change")
            ]
    finally:
        store.close()


def _store(url: str, bulk: bool, rows: tuple[list[dict[str, Any]], ...], limit: int) -> None:
    store = open_store(url)
    try:
        with store.session() as session:
            session.add(
                Source(
                    id=1,
                    kind="github-prs",
                    location="x",
                    sha256="b" * 64,
                    importer="github-prs",
                    importer_version="1",
                    imported_at=NOW,
                )
            )
            session.flush()
            driver = session.connection().connection.dbapi_connection
            if isinstance(driver, sqlite3.Connection):
                # Few values a statement: the rows take many statements and a short last one.
                driver.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
            for model, table_rows in zip((Evidence, Change), rows, strict=True):
                table = cast(Table, model.__table__)
                keys = [c.key for c in table.columns]
                if bulk:
                    _bulk(session, table, keys, [[r[k] for k in keys] for r in table_rows])
                else:  # SQLAlchemy Core's executemany: the reference
                    session.execute(insert(table), table_rows)
    finally:
        store.close()


def test_bulk_rows_are_the_rows_core_stores(db_url: str) -> None:
    """1,001 rows written in bulk read back, in the database's own text, as the same rows
    written through SQLAlchemy Core into the same kind of database (on SQLite with 200 values a
    statement: ten rows a statement for the 20 change columns, 101 statements, the last of one
    row)."""
    rows = _rows(1001)
    _store(db_url, True, rows, 200)
    bulk = _dump(db_url)
    if db_url.startswith("sqlite"):
        Path(db_url.removeprefix("sqlite:///")).unlink()
    else:
        reset_postgres(db_url)
    _store(db_url, False, rows, 200)
    core = _dump(db_url)
    assert [len(t) for t in bulk] == [1001, 1001]
    assert bulk == core


@given(
    st.datetimes(
        min_value=datetime(1000, 1, 1),
        max_value=datetime(9999, 12, 30),
        timezones=st.none() | st.timezones(),
    )
)
def test_utc_datetime_text_on_sqlite_is_sqlalchemys(value: datetime) -> None:
    """UTCDateTime writes SQLite's text in one C call; SQLAlchemy's own SQLite DATETIME
    processor, given the same instant in UTC, is the reference."""
    dialect = sqlite.dialect()
    ours = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    reference = DateTime().dialect_impl(dialect).bind_processor(dialect)
    assert ours is not None and reference is not None
    utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    assert ours(value) == reference(utc)
    assert ours(None) is None


def test_collector_thresholds_come_back_when_the_last_overlapping_import_ends() -> None:
    """Imports in the server's threads overlap: the first to end must not restore the
    collector's thresholds under the second, nor the second leave them raised."""
    before = gc.get_threshold()
    first, second = few_collections(), few_collections()
    first.__enter__()
    assert gc.get_threshold()[0] == max(before[0], 50_000)
    second.__enter__()
    first.__exit__(None, None, None)  # the first ends while the second runs
    assert gc.get_threshold()[0] == max(before[0], 50_000)
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before
