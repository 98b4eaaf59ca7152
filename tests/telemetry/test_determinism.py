"""Claims over a table large enough for DuckDB to parallelise fingerprint the same on one thread
and on several: the inputs are canonicalised, so `claims verify` never flags an unchanged
source. (Raw DuckDB sums over this table differ between thread counts in their 13th
significant digit; canonical() rounds to 12.)"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from perfpacket.claims.model import canonical, fingerprint_of
from perfpacket.store.models import TelemetrySource
from perfpacket.telemetry.metrics import moments_by_period, quantiles_by_period
from perfpacket.telemetry.tables import _duckdb

ROWS = 3_000_000
CHANGE = datetime(2026, 3, 16, tzinfo=UTC)


def _table(path: Path) -> None:
    with duckdb.connect() as con:
        con.execute("SELECT setseed(0.3)")
        con.execute(
            f"COPY (SELECT TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(i * 2.5) AS ts, "
            f"0.002 + random() * 0.01 AS cost_usd, 300 + random() * 1500 AS latency_ms "
            f"FROM range({ROWS}) t(i)) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 100000)"
        )


def test_inputs_fingerprint_the_same_on_one_and_on_two_threads(tmp_path: Path) -> None:
    path = tmp_path / "big.parquet"
    _table(path)
    source = TelemetrySource(name="big", uri=str(path), format="parquet", columns={})
    con = _duckdb()
    prints = []
    try:
        for threads in (1, 2, 1, 2):
            con.raw_sql(f"SET threads = {threads}")
            before, after = moments_by_period(source, "cost_usd", CHANGE)
            q_before, q_after = quantiles_by_period(source, "latency_ms", CHANGE, 0.95, 0.975)
            payload = {
                "moments": [[m.sum, m.sum_squares, m.n] for m in (before, after)],
                "quantiles": [[q.estimate, q.low, q.high, q.n] for q in (q_before, q_after)],
            }
            prints.append(fingerprint_of(payload))
            assert before.n + after.n == ROWS
    finally:
        con.raw_sql("RESET threads")
    assert len(set(prints)) == 1


def test_canonical_rounds_floats_to_twelve_significant_digits() -> None:
    assert canonical(0.1 + 0.2) == 0.3
    assert canonical({"a": [1.0000000000001, 2]}) == {"a": [1.0, 2]}
    assert canonical(float("nan")) == "nan"


def test_sums_are_exact_whatever_the_thread_count(tmp_path: Path) -> None:
    """The sums behind every mean are decimal, so they are the same to the last bit on one
    thread and on two; a float sum differs in its 13th digit here, and a value that rounds
    on a 12-digit boundary would then make `claims verify` flag an unchanged source."""
    path = tmp_path / "big.parquet"
    _table(path)
    source = TelemetrySource(name="big", uri=str(path), format="parquet", columns={})
    con = _duckdb()
    seen = set()
    try:
        for threads in (1, 2, 1, 2):
            con.raw_sql(f"SET threads = {threads}")
            before, after = moments_by_period(source, "cost_usd", CHANGE)
            seen.add((before.sum, before.sum_squares, after.sum, after.sum_squares))
    finally:
        con.raw_sql("RESET threads")
    assert len(seen) == 1
