"""Intervals for means: Welch for two independent samples, Student t for one or paired samples."""

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

WELCH = "difference of means, Welch t interval"
ONE_SAMPLE = "mean, Student t interval"
PAIRED = "paired difference of means, Student t interval"


@dataclass(frozen=True)
class SampleMean:
    """A sample summarised as sum, sum of squares and n (how warehouses hand it over)."""

    sum: float
    sum_squares: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float] | np.ndarray) -> SampleMean:
        arr = np.asarray(values, dtype=float)
        return cls(float(arr.sum()), float(np.square(arr).sum()), int(arr.size))

    @property
    def mean(self) -> float:
        return self.sum / self.n

    @property
    def variance(self) -> float:
        """Sample variance with n - 1 in the denominator."""
        if self.n < 2:
            return math.nan
        return max((self.sum_squares - self.sum**2 / self.n) / (self.n - 1), 0.0)


def welch_df(var1: float, n1: int, var2: float, n2: int) -> float:
    """Welch-Satterthwaite degrees of freedom, written in the shares of the combined variance
    so that tiny variances do not underflow to 0/0."""
    a, b = var1 / n1, var2 / n2
    share = a / (a + b)
    return float(1 / (share**2 / (n1 - 1) + (1 - share) ** 2 / (n2 - 1)))


def welch_diff_interval(
    after: SampleMean,
    before: SampleMean,
    level: float = 0.95,
    direction: Direction = Direction.HIGHER_IS_BETTER,
) -> StatResult:
    """mean(after) - mean(before) with a Welch t interval and two-sided p-value."""
    check_level(level)
    sizes = {"n1": after.n, "n2": before.n}
    if after.n == 0 or before.n == 0:
        return degenerate(WELCH, Code.NO_DATA, level, sizes)
    if after.n < 2 or before.n < 2:
        return degenerate(WELCH, Code.TOO_FEW_SAMPLES, level, sizes)
    var1, var2 = after.variance, before.variance
    if var1 == 0 and var2 == 0:
        return degenerate(WELCH, Code.ZERO_VARIANCE, level, sizes)
    se = math.sqrt(var1 / after.n + var2 / before.n)
    if se == 0:  # variances below what floating point can hold
        return degenerate(WELCH, Code.ZERO_VARIANCE, level, sizes)
    df = welch_df(var1, after.n, var2, before.n)
    diff = after.mean - before.mean
    half = float(sps.t.ppf(1 - (1 - level) / 2, df)) * se
    p = float(2 * sps.t.sf(abs(diff / se), df))
    low, high = diff - half, diff + half
    return StatResult(WELCH, diff, low, high, level, sizes, p, None, judge(low, high, direction))


def mean_interval(
    values: Sequence[float] | np.ndarray,
    level: float = 0.95,
    direction: Direction = Direction.HIGHER_IS_BETTER,
    method: str = ONE_SAMPLE,
) -> StatResult:
    """The mean with a Student t interval; the verdict compares it with zero."""
    check_level(level)
    arr = np.asarray(values, dtype=float)
    sizes = {"n": int(arr.size)}
    if arr.size == 0:
        return degenerate(method, Code.NO_DATA, level, sizes)
    if arr.size < 2:
        return degenerate(method, Code.TOO_FEW_SAMPLES, level, sizes)
    if float(np.ptp(arr)) == 0.0:
        return degenerate(method, Code.ZERO_VARIANCE, level, sizes)
    res = sps.ttest_1samp(arr, 0.0)
    ci = res.confidence_interval(confidence_level=level)
    low, high = float(ci.low), float(ci.high)
    return StatResult(
        method,
        float(arr.mean()),
        low,
        high,
        level,
        sizes,
        float(res.pvalue),
        None,
        judge(low, high, direction),
    )


def paired_diff_interval(
    after: Sequence[float] | np.ndarray,
    before: Sequence[float] | np.ndarray,
    level: float = 0.95,
    direction: Direction = Direction.HIGHER_IS_BETTER,
) -> StatResult:
    """Mean of per-item differences (after - before) for the same items under two versions."""
    a = np.asarray(after, dtype=float)
    b = np.asarray(before, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired samples differ in length: {a.size} and {b.size}")
    return mean_interval(a - b, level, direction, method=PAIRED)
