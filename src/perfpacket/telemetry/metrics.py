"""Metric definitions over telemetry, as Ibis expressions: the same code on every backend."""

from __future__ import annotations

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


def has_column(source: TelemetrySource, logical: str) -> bool:
    table = open_table(source)
    return source.columns.get(logical, LOGICAL_COLUMNS[logical]) in table.columns


def moments_by_period(
    source: TelemetrySource, logical: str, change_at: datetime
) -> tuple[SampleMean, SampleMean]:
    """Sum, sum of squares and n of a column before and after ``change_at``.

    Only these aggregates leave the backend, so the statistics scale with the table.
    """
    table = open_table(source)
    value = column(table, source, logical).cast("float64")
    expr = table.group_by(after=_after(table, source, change_at)).aggregate(
        s=value.sum(), ss=(value * value).sum(), n=value.count()
    )
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
    table = open_table(source)
    if condition == "cache_hit":
        hit = column(table, source, "cached_tokens") > 0
    elif condition == "error":
        hit = column(table, source, "status").lower() != "ok"
    else:
        raise ValueError(f"unknown condition {condition!r}")
    expr = table.group_by(after=_after(table, source, change_at)).aggregate(
        matched=hit.ifelse(1, 0).sum(), total=table.count()
    )
    found = {
        bool(row["after"]): PeriodCounts(int(row["matched"] or 0), int(row["total"]))
        for row in expr.to_pyarrow().to_pylist()
    }
    empty = PeriodCounts(0, 0)
    return found.get(False, empty), found.get(True, empty)


def values_by_period(
    source: TelemetrySource, logical: str, change_at: datetime, limit: int = MAX_VALUES
) -> tuple[np.ndarray, np.ndarray]:
    """The column's values before and after ``change_at``, each thinned to about ``limit`` by a
    seeded sample inside the backend (for quantiles, which need values, not sums)."""
    table = open_table(source)
    value = column(table, source, logical).cast("float64")
    after = _after(table, source, change_at)
    out = []
    for side in (~after, after):
        part = table.filter(side, value.notnull())
        n = int(part.count().to_pyarrow().as_py())
        if n > limit:
            part = part.sample(limit / n, seed=20261121)
        out.append(part.select(v=value).to_pyarrow()["v"].to_numpy(zero_copy_only=False))
    return out[0], out[1]
