"""Metric definitions over telemetry, as Ibis expressions: the same code on every backend."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from perfpacket.stats import SampleMean
from perfpacket.store.models import TelemetrySource
from perfpacket.telemetry.tables import LOGICAL_COLUMNS, column, open_table

MAX_VALUES = 20_000  # per period, for bootstrap statistics


@dataclass(frozen=True)
class PeriodCounts:
    """How many requests matched a condition, out of how many, in one period."""

    matched: int
    total: int


def _after(table: Any, source: TelemetrySource, change_at: datetime) -> Any:
    import ibis

    return column(table, source, "timestamp") >= ibis.timestamp(change_at)


def _split(
    table: Any,
    source: TelemetrySource,
    change_at: datetime,
    metrics: Callable[[Any], dict[str, Any]],
) -> Any:
    """The metrics before and after a point in time, one row each.

    Two filtered aggregations rather than a GROUP BY on the comparison: a filter on the
    timestamp is pushed into the scan (Parquet row-group statistics, a warehouse's index),
    which measured about 20% faster on 10 million rows in DuckDB.
    """
    import ibis

    rows = []
    for flag in (False, True):
        after = _after(table, source, change_at)
        part = table.filter(after if flag else ~after)
        rows.append(part.aggregate(**metrics(part)).mutate(after=ibis.literal(flag)))
    return rows[0].union(rows[1])


def has_column(source: TelemetrySource, logical: str) -> bool:
    table = open_table(source)
    return source.columns.get(logical, LOGICAL_COLUMNS[logical]) in table.columns


def _value(table: Any, source: TelemetrySource, logical: str) -> Any:
    """A logical column as float, or ``total_tokens`` = input + output tokens."""
    if logical == "total_tokens":
        tokens = column(table, source, "input_tokens") + column(table, source, "output_tokens")
        return tokens.cast("float64")
    return column(table, source, logical).cast("float64")


def moments_by_period(
    source: TelemetrySource, logical: str, change_at: datetime
) -> tuple[SampleMean, SampleMean]:
    """Sum, sum of squares and n of a column before and after ``change_at``.

    Only these aggregates leave the backend, so the statistics scale with the table.
    """

    def metrics(rel: Any) -> dict[str, Any]:
        value = _value(rel, source, logical)
        return {"s": value.sum(), "ss": (value * value).sum(), "n": value.count()}

    expr = _split(open_table(source), source, change_at, metrics)
    found = {
        bool(row["after"]): SampleMean(float(row["s"] or 0), float(row["ss"] or 0), int(row["n"]))
        for row in expr.to_pyarrow().to_pylist()
    }
    empty = SampleMean(0.0, 0.0, 0)
    return found.get(False, empty), found.get(True, empty)


def counts_by_period(
    source: TelemetrySource, condition: str, change_at: datetime
) -> tuple[PeriodCounts, PeriodCounts]:
    """Requests meeting a named condition before and after ``change_at``.

    Conditions: ``cache_hit`` (cached input tokens > 0) and ``error`` (status is not ok).
    """
    if condition not in {"cache_hit", "error"}:
        raise ValueError(f"unknown condition {condition!r}")

    def metrics(rel: Any) -> dict[str, Any]:
        if condition == "cache_hit":
            hit = column(rel, source, "cached_tokens") > 0
        else:
            hit = column(rel, source, "status").lower() != "ok"
        return {"matched": hit.ifelse(1, 0).sum(), "total": rel.count()}

    expr = _split(open_table(source), source, change_at, metrics)
    found = {
        bool(row["after"]): PeriodCounts(int(row["matched"] or 0), int(row["total"]))
        for row in expr.to_pyarrow().to_pylist()
    }
    empty = PeriodCounts(0, 0)
    return found.get(False, empty), found.get(True, empty)


def values_by_period(
    source: TelemetrySource, logical: str, change_at: datetime, limit: int = MAX_VALUES
) -> tuple[np.ndarray, np.ndarray]:
    """The column's values before and after ``change_at`` (for quantiles, which need values,
    not sums), each thinned inside the backend to at most about ``limit``.

    Thinning keeps every k-th row in time order rather than a seeded random sample: seeded
    sampling is not repeatable across threads or backends, and `claims verify` must get the
    same numbers every time.
    """
    import ibis

    table = open_table(source)
    after = _after(table, source, change_at)
    out = []
    for side in (~after, after):
        part = table.filter(side, _value(table, source, logical).notnull())
        part = part.mutate(v=_value(part, source, logical), t=column(part, source, "timestamp"))
        n = int(part.count().to_pyarrow().as_py())
        if n > limit:
            step = -(-n // limit)
            ranked = part.mutate(rn=ibis.row_number().over(order_by=[part.t, part.v]))
            part = ranked.filter(ranked.rn % step == 0)
        out.append(part.select("v").to_pyarrow()["v"].to_numpy(zero_copy_only=False))
    return out[0], out[1]
