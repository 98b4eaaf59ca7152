"""Telemetry: request-level tables queried in place through DuckDB, never copied row by row."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from perfpacket.stats import SampleMean
from perfpacket.store.models import TelemetrySource

_READERS = {
    "parquet": "read_parquet",
    "csv": "read_csv_auto",
    "jsonl": "read_json_auto",
}


@cache
def _database() -> Any:
    """One in-memory DuckDB per process: opening one costs more than a query over 100k rows."""
    import duckdb

    return duckdb.connect()


def quote_identifier(name: str) -> str:
    """A column name from a user's mapping, safe inside SQL."""
    return '"' + name.replace('"', '""') + '"'


def relation_sql(source: TelemetrySource) -> str:
    """A DuckDB table expression reading the source's file(s)."""
    reader = _READERS[source.format]
    return f"{reader}(?)"


def cost_per_request_by_period(
    source: TelemetrySource, change_at: datetime
) -> tuple[SampleMean, SampleMean]:
    """Sum, sum of squares and n of per-request cost before and after ``change_at``.

    Only the aggregates leave DuckDB, so the statistics scale with the table, not with memory.
    """
    ts = quote_identifier(source.columns.get("timestamp", "ts"))
    cost = quote_identifier(source.columns.get("cost_usd", "cost_usd"))
    sql = f"""
        SELECT {ts} >= CAST(? AS TIMESTAMPTZ) AS after_change,
               SUM({cost}), SUM({cost} * {cost}), COUNT({cost})
        FROM {relation_sql(source)}
        GROUP BY 1
    """
    # A cursor is a cheap connection of its own, safe to use from any thread.
    with _database().cursor() as con:
        rows = con.execute(sql, [change_at.isoformat(), source.uri]).fetchall()
    empty = SampleMean(0.0, 0.0, 0)
    found = {bool(r[0]): SampleMean(float(r[1] or 0), float(r[2] or 0), int(r[3])) for r in rows}
    return found.get(False, empty), found.get(True, empty)
