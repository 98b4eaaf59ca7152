"""Quantiles over every row: distribution-free order-statistic intervals.

A quantile's interval needs no resampling: the number of observations below the true
q-quantile is Binomial(n, q), so two order statistics of the full, sorted column bound it with
known coverage (Conover, *Practical Nonparametric Statistics*, 3rd ed., §3.2; the same ranks as
``scipy.stats.quantile_test(...).confidence_interval()``). An engine only has to return the
quantile and the two order statistics, so the interval scales to any table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from perfpacket.stats.result import (
    Code,
    StatResult,
    check_level,
    degenerate,
    judge,
)
from perfpacket.vocab import Direction

_ORDER_STAT = "distribution-free order-statistic interval (binomial ranks)"


@dataclass(frozen=True)
class QuantileSummary:
    """One period's q-quantile (linear interpolation, as numpy's default and SQL's
    ``percentile_cont``) and the order statistics that bound it at ``level``."""

    n: int
    quantile: float
    estimate: float | None
    low: float | None
    high: float | None
    level: float


def order_statistic_ranks(n: int, quantile: float, level: float) -> tuple[int, int] | None:
    """0-based positions (low, high) in the sorted column whose values bound the
    ``quantile`` with at least ``level`` coverage; None when n is too small for that."""
    check_level(level)
    if not 0 < quantile < 1:
        raise ValueError(f"quantile must be between 0 and 1, got {quantile!r}")
    if n <= 0:
        return None
    tail = (1 - level) / 2
    dist = sps.binom(n, quantile)
    low, high = int(dist.ppf(tail)) - 1, int(dist.isf(tail))
    if low < 0 or high >= n:
        return None
    return low, high


def rank_fraction(position: int, n: int) -> float:
    """The fraction at which ``percentile_cont`` returns the value at a 0-based position."""
    return position / (n - 1) if n > 1 else 0.0


def quantile_summary(
    values: Sequence[float] | np.ndarray, quantile: float = 0.95, level: float = 0.95
) -> QuantileSummary:
    """The same summary an engine computes, from values in memory (every finite value)."""
    arr = np.sort(np.asarray(values, dtype=float))
    arr = arr[np.isfinite(arr)]
    n = int(arr.size)
    ranks = order_statistic_ranks(n, quantile, level)
    estimate = float(np.quantile(arr, quantile)) if n else None
    if ranks is None:
        return QuantileSummary(n, quantile, estimate, None, None, level)
    return QuantileSummary(n, quantile, estimate, float(arr[ranks[0]]), float(arr[ranks[1]]), level)


def joint_level(level: float) -> float:
    """Each period's level so that both intervals hold together with at least ``level``
    (Bonferroni): the difference interval built from them then covers at ``level``."""
    return 1 - (1 - level) / 2


def quantile_diff_from_summaries(
    after: QuantileSummary,
    before: QuantileSummary,
    level: float = 0.95,
    direction: Direction = Direction.LOWER_IS_BETTER,
) -> StatResult:
    """q(after) − q(before), exact over all rows, with a conservative distribution-free
    interval: each period's order-statistic interval at ``joint_level(level)``, combined as
    [low_after − high_before, high_after − low_before]."""
    check_level(level)
    method = (
        f"difference of p{after.quantile * 100:g}, exact over all rows; {_ORDER_STAT} "
        f"per period at {joint_level(level):.1%}, combined (Bonferroni) into a conservative "
        f"{level:.0%} interval"
    )
    sizes = {"n1": after.n, "n2": before.n}
    if after.n == 0 or before.n == 0 or after.estimate is None or before.estimate is None:
        return degenerate(method, Code.NO_DATA, level, sizes)
    if None in (after.low, after.high, before.low, before.high):
        return degenerate(method, Code.TOO_FEW_SAMPLES, level, sizes)
    assert after.low is not None and after.high is not None
    assert before.low is not None and before.high is not None
    if after.low == after.high == before.low == before.high:
        return degenerate(method, Code.ZERO_VARIANCE, level, sizes)
    low, high = after.low - before.high, after.high - before.low
    estimate = after.estimate - before.estimate
    if not (math.isfinite(low) and math.isfinite(high)):
        return degenerate(method, Code.NO_DATA, level, sizes)
    return StatResult(
        method, estimate, low, high, level, sizes, None, None, judge(low, high, direction)
    )


def quantile_diff_interval(
    after: Sequence[float] | np.ndarray,
    before: Sequence[float] | np.ndarray,
    quantile: float = 0.95,
    level: float = 0.95,
    direction: Direction = Direction.LOWER_IS_BETTER,
) -> StatResult:
    """q-quantile(after) − q-quantile(before) over every value given, with the interval of
    :func:`quantile_diff_from_summaries`."""
    inner = joint_level(level)
    return quantile_diff_from_summaries(
        quantile_summary(after, quantile, inner),
        quantile_summary(before, quantile, inner),
        level,
        direction,
    )
