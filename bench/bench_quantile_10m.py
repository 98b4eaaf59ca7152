"""Exact p95 latency and error-rate claims over 10 million telemetry rows in Parquet.

Goals (issue: truth under scrutiny): within 2x of raw DuckDB SQL computing the same exact
numbers, and at least 5x faster than pandas. All three compute, per period, the exact p95 and
the two order statistics that bound it, and the error count of a LiteLLM-style status column.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from _harness import Result, best_of

ROWS = 10_000_000
CHANGE_AT = datetime(2026, 3, 16, tzinfo=UTC)
LEVEL = 0.975  # each period's level inside a 95% difference interval


def _generate(path: Path) -> None:
    import duckdb

    with duckdb.connect() as con:
        con.execute("SELECT setseed(0.17)")
        con.execute(
            f"""
            COPY (
                SELECT TIMESTAMPTZ '2025-11-01 00:00:00+00' + to_seconds(i * 3.1536) AS ts,
                       300 + random() * 1500 AS latency_ms,
                       CASE WHEN random() < 0.004 THEN 'failure' ELSE 'success' END AS status
                FROM range({ROWS}) t(i)
            ) TO '{path}' (FORMAT parquet)
            """
        )


def run(tmp: Path) -> list[Result]:
    import duckdb
    import numpy as np
    import pandas as pd

    from perfpacket.stats.quantile import order_statistic_ranks
    from perfpacket.store.models import TelemetrySource
    from perfpacket.telemetry.metrics import error_counts_by_period, quantiles_by_period

    path = tmp / "requests_status_10m.parquet"
    if not path.exists():
        _generate(path)
    source = TelemetrySource(name="bench-q", uri=str(path), format="parquet", columns={})
    change = CHANGE_AT.isoformat()

    def ours() -> list[float]:
        before, after = quantiles_by_period(source, "latency_ms", CHANGE_AT, 0.95, LEVEL)
        _rule, err_before, err_after = error_counts_by_period(source, CHANGE_AT)
        return [
            *(x for s in (before, after) for x in (s.estimate, s.low, s.high)),
            err_before.matched,
            err_after.matched,
        ]

    def duckdb_sql() -> list[float]:
        with duckdb.connect() as con:
            counts = con.execute(
                f"SELECT count(*) FILTER (ts < '{change}'), count(*) FILTER (ts >= '{change}'), "
                f"count(*) FILTER (ts < '{change}' AND status = 'failure'), "
                f"count(*) FILTER (ts >= '{change}' AND status = 'failure') "
                f"FROM '{path}'"
            ).fetchone()
            assert counts is not None
            out: list[float] = []
            for op, n in (("<", counts[0]), (">=", counts[1])):
                ranks = order_statistic_ranks(n, 0.95, LEVEL)
                assert ranks is not None
                fractions = [0.95, *(r / (n - 1) for r in ranks)]
                row = con.execute(
                    f"SELECT quantile_cont(latency_ms, {fractions}) FROM '{path}' "
                    f"WHERE ts {op} '{change}'"
                ).fetchone()
                assert row is not None
                out += list(row[0])
            return [*out, counts[2], counts[3]]

    def pandas_baseline() -> list[float]:
        frame = pd.read_parquet(path, columns=["ts", "latency_ms", "status"])
        after = frame["ts"] >= pd.Timestamp(CHANGE_AT)
        out: list[float] = []
        for part in (frame.loc[~after, "latency_ms"], frame.loc[after, "latency_ms"]):
            values = np.sort(part.to_numpy())
            ranks = order_statistic_ranks(values.size, 0.95, LEVEL)
            assert ranks is not None
            out += [float(np.quantile(values, 0.95)), values[ranks[0]], values[ranks[1]]]
        failed = frame["status"] == "failure"
        return [*out, int((failed & ~after).sum()), int((failed & after).sum())]

    # The same exact numbers three ways, before any timing.
    mine, sql, theirs = ours(), duckdb_sql(), pandas_baseline()
    assert np.allclose(mine, sql, rtol=1e-9) and np.allclose(mine, theirs, rtol=1e-9)
    candidate = best_of(ours, repeat=3)
    engine = best_of(duckdb_sql, repeat=3)
    baseline = best_of(pandas_baseline, repeat=3)
    return [
        Result(
            "exact p95 + error rate claims, 10M Parquet rows",
            candidate,
            "raw DuckDB SQL, same numbers",
            engine,
            "within 2x of DuckDB SQL",
            candidate / engine <= 2.0,
        ),
        Result(
            "exact p95 + error rate claims, 10M Parquet rows",
            candidate,
            "pandas, same numbers",
            baseline,
            ">= 5x faster than pandas",
            baseline / candidate >= 5,
        ),
        # How far any code that runs these numbers in DuckDB can get ahead of pandas on this
        # machine: the 5x goal above cannot be met where this ratio is itself below 5.
        Result(
            "the ceiling: raw DuckDB SQL, same numbers",
            engine,
            "pandas, same numbers",
            baseline,
            "report",
            True,
        ),
    ]
