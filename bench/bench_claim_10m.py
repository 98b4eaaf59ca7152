"""A cost-efficiency claim over 10 million telemetry rows in Parquet, against pandas.

Goals (issue: claims engine): at least 5x faster than the same computation in pandas, and under
3 s on this machine. Both sides compute the same claim: sum, sum of squares and count of
per-request cost before and after a change, then the Welch interval.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from _harness import Result, best_of

ROWS = 10_000_000
CHANGE_AT = datetime(2026, 3, 16, tzinfo=UTC)


def _generate(path: Path) -> None:
    import duckdb

    with duckdb.connect() as con:
        con.execute("SELECT setseed(0.42)")
        con.execute(
            f"""
            COPY (
                SELECT TIMESTAMPTZ '2025-11-01 00:00:00+00' + to_seconds(i * 3.1536) AS ts,
                       'req-' || i AS request_id,
                       CASE WHEN random() < 0.5 THEN 'large-1' ELSE 'small-fast-2' END AS model,
                       (1000 + random() * 2000)::BIGINT AS input_tokens,
                       (100 + random() * 600)::BIGINT AS output_tokens,
                       0.002 + random() * 0.01 AS cost_usd,
                       300 + random() * 1500 AS latency_ms
                FROM range({ROWS}) t(i)
            ) TO '{path}' (FORMAT parquet)
            """
        )


def run(tmp: Path) -> list[Result]:
    import pandas as pd

    from perfpacket.stats import SampleMean, welch_diff_interval
    from perfpacket.store.models import TelemetrySource
    from perfpacket.telemetry.metrics import moments_by_period

    path = tmp / "requests_10m.parquet"
    if not path.exists():
        _generate(path)
    source = TelemetrySource(name="bench-10m", uri=str(path), format="parquet", columns={})

    def ours() -> object:
        before, after = moments_by_period(source, "cost_usd", CHANGE_AT)
        return welch_diff_interval(after, before)

    def pandas_baseline() -> object:
        frame = pd.read_parquet(path, columns=["ts", "cost_usd"])
        after = frame["ts"] >= pd.Timestamp(CHANGE_AT)
        parts = []
        for part in (frame.loc[after, "cost_usd"], frame.loc[~after, "cost_usd"]):
            parts.append(SampleMean(part.sum(), (part * part).sum(), int(part.count())))
        return welch_diff_interval(parts[0], parts[1])

    def duckdb_sql() -> object:
        import duckdb

        with duckdb.connect() as con:
            rows = con.execute(
                "SELECT ts >= ? AS after, sum(cost_usd), sum(cost_usd * cost_usd), count(cost_usd) "
                f"FROM '{path}' GROUP BY after ORDER BY after DESC",
                [CHANGE_AT],
            ).fetchall()
        parts = [SampleMean(total, squares, n) for _after, total, squares, n in rows]
        return welch_diff_interval(parts[0], parts[1])

    # The same claim three ways, before any timing.
    mine, theirs, sql = ours(), pandas_baseline(), duckdb_sql()
    assert abs(mine.estimate - theirs.estimate) < 1e-9  # type: ignore[attr-defined,operator]
    assert abs(mine.estimate - sql.estimate) < 1e-9  # type: ignore[attr-defined,operator]
    candidate = best_of(ours, repeat=3)
    baseline = best_of(pandas_baseline, repeat=3)
    engine = best_of(duckdb_sql, repeat=3)
    return [
        Result(
            "cost-efficiency claim, 10M Parquet rows",
            candidate,
            "pandas, same computation",
            baseline,
            ">= 5x faster and < 3 s",
            baseline / candidate >= 5 and candidate < 3.0,
        ),
        Result(
            "cost-efficiency claim, 10M Parquet rows",
            candidate,
            "raw DuckDB SQL, same computation",
            engine,
            "report",
            True,
        ),
        # How far any code that computes this in DuckDB can get ahead of pandas on this machine.
        Result(
            "the ceiling: raw DuckDB SQL, same computation",
            engine,
            "pandas, same computation",
            baseline,
            "report",
            True,
        ),
    ]
