"""The telemetry claim set at scale: DuckDB from 1M to 100M rows, against pandas, polars and
hand-written DuckDB SQL at 10M, and on Spark local against hand-written Spark SQL.

The claim set is what the telemetry recipes read for one change: cost and token moments before
and after it, cache-hit and error counts, and the exact p95 latency with its order-statistic
bounds, per period. Every baseline computes the same numbers and is checked equal first.

Goals (issue: beyond one machine): at 10M rows, >= 5x faster than pandas and within 2x of
hand-written DuckDB SQL; at 100M, memory flat in rows (peak within 1.5x of the 1M run's); on
Spark local, within 1.5x of hand-written Spark SQL. How time grows from 1M to 10M to 100M is
printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _harness import Result, best_of

CHANGE_AT = datetime(2026, 3, 16, tzinfo=UTC)
SIZES = (1_000_000, 10_000_000, 100_000_000)
SPARK_ROWS = 10_000_000
P95, LEVEL = 0.95, 0.975


def _generate(path: Path, rows: int) -> None:
    import duckdb

    if path.exists():
        return
    with duckdb.connect() as con:
        con.execute("SELECT setseed(0.42)")
        con.execute(
            f"""
            COPY (
                SELECT TIMESTAMPTZ '2025-11-01 00:00:00+00'
                           + to_microseconds((i * (31536000000000 // {rows}))::BIGINT) AS ts,
                       (1000 + random() * 2000)::BIGINT AS input_tokens,
                       (100 + random() * 600)::BIGINT AS output_tokens,
                       CASE WHEN random() < 0.3 THEN 700 ELSE 0 END AS cached_tokens,
                       round(0.002 + random() * 0.01, 9) AS cost_usd,
                       round(300 + random() * 1500, 3) AS latency_ms,
                       CASE WHEN random() < 0.004 THEN 'error' ELSE 'ok' END AS status
                FROM range({rows}) t(i)
            ) TO '{path}' (FORMAT parquet)
            """
        )


def claim_set(source: Any) -> tuple[Any, ...]:
    """What the telemetry claims of one change read, as the recipes call it."""
    from perfpacket.telemetry.metrics import counts_by_period, moments_by_period
    from perfpacket.telemetry.metrics import quantiles_by_period as quantiles

    cost = moments_by_period(source, "cost_usd", CHANGE_AT)
    tokens = moments_by_period(source, "total_tokens", CHANGE_AT)
    hits = counts_by_period(source, "cache_hit", CHANGE_AT)
    errors = counts_by_period(source, "error", CHANGE_AT)
    p95 = quantiles(source, "latency_ms", CHANGE_AT, P95, LEVEL)
    return (
        tuple((m.sum, m.sum_squares, m.n) for m in (*cost, *tokens)),
        tuple((c.matched, c.total) for c in (*hits, *errors)),
        tuple((q.estimate, q.low, q.high) for q in p95),
    )


def _fractions(n: int) -> list[float]:
    """The p95 and the positions of the order statistics that bound it, as fractions: the
    method's definition (perfpacket.stats.quantile), which every baseline computes."""
    from perfpacket.stats.quantile import order_statistic_ranks, rank_fraction

    ranks = order_statistic_ranks(n, P95, LEVEL)
    assert ranks is not None
    return [P95, *(rank_fraction(r, n) for r in ranks)]


def _summary(periods: list[dict[str, Any]]) -> tuple[Any, ...]:
    """The same shape from a baseline's per-period values (before, then after)."""
    return (
        tuple(
            (float(p[f"{m}_s"]), float(p[f"{m}_ss"]), int(p["n"]))
            for m in ("cost", "tokens")
            for p in periods
        ),
        tuple((int(p[k]), int(p["n"])) for k in ("hits", "errors") for p in periods),
        tuple(tuple(float(v) for v in p["q"]) for p in periods),
    )


def _same(a: Any, b: Any) -> bool:
    """Equal counts, and sums and quantiles equal to 1e-9 (a float sum over millions of rows
    differs from an exact one in its last digits)."""
    if isinstance(a, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))


def _duckdb_sql(path: Path) -> tuple[Any, ...]:
    """Hand-written DuckDB SQL: one scan for the sums and counts, one for both periods'
    order statistics (their positions depend on the counts)."""
    import duckdb

    at = CHANGE_AT.isoformat()
    con = duckdb.connect()
    rows = con.sql(
        f"""
        SELECT ts >= TIMESTAMPTZ '{at}' AS after,
               sum(cost_usd::DECIMAL(38, 12)), sum((cost_usd * cost_usd)::DECIMAL(38, 12)),
               sum((input_tokens + output_tokens)::DECIMAL(38, 12)),
               sum(((input_tokens + output_tokens) * (input_tokens + output_tokens))
                   ::DECIMAL(38, 12)),
               count(*) FILTER (WHERE cached_tokens > 0), count(*) FILTER (WHERE status = 'error'),
               count(*)
        FROM '{path}' GROUP BY 1 ORDER BY 1
        """
    ).fetchall()
    before, after = (_fractions(r[7]) for r in rows)
    q = con.sql(
        f"""
        SELECT quantile_cont(latency_ms, {before}) FILTER (WHERE ts < TIMESTAMPTZ '{at}'),
               quantile_cont(latency_ms, {after}) FILTER (WHERE ts >= TIMESTAMPTZ '{at}')
        FROM '{path}'
        """
    ).fetchall()[0]
    con.close()
    keys = ("cost_s", "cost_ss", "tokens_s", "tokens_ss", "hits", "errors", "n")
    return _summary(
        [{**dict(zip(keys, r[1:], strict=True)), "q": q[i]} for i, r in enumerate(rows)]
    )


def _pandas(path: Path) -> tuple[Any, ...]:
    import pandas as pd

    frame = pd.read_parquet(path)
    after = frame["ts"] >= pd.Timestamp(CHANGE_AT)
    periods = []
    for part in (frame[~after], frame[after]):
        tokens = part["input_tokens"] + part["output_tokens"]
        periods.append(
            {
                "cost_s": part["cost_usd"].sum(),
                "cost_ss": (part["cost_usd"] ** 2).sum(),
                "tokens_s": tokens.sum(),
                "tokens_ss": (tokens.astype("float64") ** 2).sum(),
                "hits": (part["cached_tokens"] > 0).sum(),
                "errors": (part["status"] == "error").sum(),
                "n": len(part),
                "q": part["latency_ms"].quantile(_fractions(len(part))).tolist(),
            }
        )
    return _summary(periods)


def _polars(path: Path) -> tuple[Any, ...]:
    import polars as pl

    tokens = pl.col("input_tokens") + pl.col("output_tokens")
    out = (
        pl.scan_parquet(path)
        .group_by(after=pl.col("ts") >= CHANGE_AT)
        .agg(
            cost_s=pl.col("cost_usd").sum(),
            cost_ss=(pl.col("cost_usd") ** 2).sum(),
            tokens_s=tokens.sum(),
            tokens_ss=(tokens.cast(pl.Float64) ** 2).sum(),
            hits=(pl.col("cached_tokens") > 0).sum(),
            errors=(pl.col("status") == "error").sum(),
            n=pl.len(),
            latency=pl.col("latency_ms"),
        )
        .sort("after")
        .collect()
    )
    periods = []
    for row in out.iter_rows(named=True):
        values = pl.Series(row.pop("latency"))
        row["q"] = [values.quantile(f, interpolation="linear") for f in _fractions(row["n"])]
        periods.append(row)
    return _summary(periods)


def _peak_mb(path: Path) -> float:
    """Peak resident memory of a process that only computes the claim set."""
    code = (
        "import sys; sys.path.insert(0, 'bench');"
        "from bench_scale import claim_set;"
        "from perfpacket.store.models import TelemetrySource;"
        f"claim_set(TelemetrySource(name='s', uri='{path}', format='parquet', columns={{}}));"
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    return int(done.stdout.strip().splitlines()[-1]) / 1024


def _spark(tmp: Path) -> list[Result]:
    import ibis

    from perfpacket.store.models import TelemetrySource

    path = tmp / f"scale-{SPARK_ROWS}.parquet"
    _generate(path, SPARK_ROWS)
    spark = ibis.connect("pyspark://")._session
    spark.read.parquet(str(path)).createOrReplaceTempView("requests")
    source = TelemetrySource(name="spark", uri="pyspark://#requests", format="ibis", columns={})

    def hand_written() -> tuple[Any, ...]:
        at = CHANGE_AT.strftime("%Y-%m-%d %H:%M:%S")
        rows = spark.sql(
            f"""
            SELECT ts >= TIMESTAMP '{at}' AS after,
                   sum(CAST(cost_usd AS DECIMAL(38, 12))),
                   sum(CAST(cost_usd * cost_usd AS DECIMAL(38, 12))),
                   sum(CAST(input_tokens + output_tokens AS DECIMAL(38, 12))),
                   sum(CAST((input_tokens + output_tokens) * (input_tokens + output_tokens)
                       AS DECIMAL(38, 12))),
                   count_if(cached_tokens > 0), count_if(status = 'error'), count(*)
            FROM requests GROUP BY 1 ORDER BY 1
            """
        ).collect()
        before, after = (_fractions(r[7]) for r in rows)
        q = spark.sql(
            f"""
            SELECT percentile(latency_ms, array({", ".join(map(str, before))}))
                       FILTER (WHERE ts < TIMESTAMP '{at}'),
                   percentile(latency_ms, array({", ".join(map(str, after))}))
                       FILTER (WHERE ts >= TIMESTAMP '{at}')
            FROM requests
            """
        ).collect()[0]
        keys = ("cost_s", "cost_ss", "tokens_s", "tokens_ss", "hits", "errors", "n")
        return _summary(
            [{**dict(zip(keys, r[1:], strict=True)), "q": q[i]} for i, r in enumerate(rows)]
        )

    assert _same(claim_set(source), hand_written())
    ours = best_of(lambda: claim_set(source), repeat=2)
    theirs = best_of(hand_written, repeat=2)
    return [
        Result(
            f"telemetry claim set, {SPARK_ROWS:,} rows on Spark local",
            ours,
            "hand-written Spark SQL, same aggregates",
            theirs,
            "<= 1.5x",
            ours / theirs <= 1.5,
        )
    ]


def run(tmp: Path) -> list[Result]:
    from perfpacket.store.models import TelemetrySource

    results: list[Result] = []
    timings: dict[int, float] = {}
    peaks: dict[int, float] = {}
    for rows in SIZES:
        path = tmp / f"scale-{rows}.parquet"
        _generate(path, rows)
        source = TelemetrySource(name=f"s{rows}", uri=str(path), format="parquet", columns={})
        expected = _duckdb_sql(path)
        assert _same(claim_set(source), expected), rows
        start = time.perf_counter()
        claim_set(source)
        timings[rows] = time.perf_counter() - start
        peaks[rows] = _peak_mb(path)
        print(
            f"  {rows:>11,} rows: claim set {timings[rows]:.2f} s, "
            f"peak {peaks[rows]:.0f} MB, file {path.stat().st_size / 2**20:,.0f} MB"
        )
        if rows == 10_000_000:
            assert _same(_pandas(path), expected) and _same(_polars(path), expected)
            ours = best_of(lambda s=source: claim_set(s), repeat=3)
            sql = best_of(lambda p=path: _duckdb_sql(p), repeat=3)
            pandas = best_of(lambda p=path: _pandas(p), repeat=1)
            polars = best_of(lambda p=path: _polars(p), repeat=3)
            results += [
                Result(
                    "claim set, 10M rows (DuckDB)",
                    ours,
                    "pandas",
                    pandas,
                    ">= 5x faster",
                    pandas / ours >= 5,
                ),
                Result(
                    "claim set, 10M rows (DuckDB)",
                    ours,
                    "polars (lazy scan)",
                    polars,
                    "reported",
                    True,
                ),
                Result(
                    "claim set, 10M rows (DuckDB)",
                    ours,
                    "hand-written DuckDB SQL",
                    sql,
                    "<= 2.0x",
                    ours / sql <= 2.0,
                ),
                # How far any code that runs this claim set in DuckDB can get ahead of pandas
                # here: the 5x goal cannot be met where this ratio is itself below 5.
                Result(
                    "the ceiling: hand-written DuckDB SQL, 10M rows",
                    sql,
                    "pandas",
                    pandas,
                    "reported",
                    True,
                ),
            ]
    small, big = SIZES[0], SIZES[-1]
    print(
        "  growth: "
        + ", ".join(f"{r:,} rows {timings[r]:.2f} s" for r in SIZES)
        + f" ({timings[big] / timings[small]:.0f}x time for {big // small}x rows)"
    )
    results.append(
        Result(
            f"claim set peak memory, {big:,} rows",
            peaks[big],
            f"the same at {small:,} rows",
            peaks[small],
            "flat (<= 1.5x)",
            peaks[big] / peaks[small] <= 1.5,
            unit="MB",
        )
    )
    if os.environ.get("PERFPACKET_BENCH_SPARK", "1") != "0":
        results += _spark(tmp)
    return results
