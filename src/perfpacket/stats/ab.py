"""A/B readouts: the frequentist two-sided t-test as GrowthBook's stats engine defines it.

Absolute lift is mean(T) - mean(C); relative lift is that over mean(C), with its variance from
the delta method. Degrees of freedom are Welch's in both cases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats as sps

from perfpacket.stats.means import SampleMean, welch_df
from perfpacket.stats.result import (
    Code,
    Direction,
    StatResult,
    check_level,
    degenerate,
    judge,
)

ABSOLUTE = "A/B two-sided t-test, absolute lift (Welch df)"
RELATIVE = "A/B two-sided t-test, relative lift (delta method, Welch df)"


@dataclass(frozen=True)
class Proportion:
    """A conversion metric: x converted users out of n."""

    x: int
    n: int

    def as_sample_mean(self) -> SampleMean:
        # For 0/1 data the sum of squares equals the sum.
        return SampleMean(float(self.x), float(self.x), self.n)


def _variance(stat: SampleMean | Proportion) -> tuple[SampleMean, float]:
    if isinstance(stat, Proportion):
        mean = stat.as_sample_mean()
        p = stat.x / stat.n
        # GrowthBook uses p(1 - p) for proportions, not the n - 1 sample variance.
        return mean, p * (1 - p)
    return stat, stat.variance


def ab_test(
    control: SampleMean | Proportion,
    treatment: SampleMean | Proportion,
    relative: bool = True,
    level: float = 0.95,
    direction: Direction = Direction.HIGHER_IS_BETTER,
) -> StatResult:
    """Lift of treatment over control with its interval and two-sided p-value."""
    check_level(level)
    method = RELATIVE if relative else ABSOLUTE
    sizes = {"control": control.n, "treatment": treatment.n}
    if control.n == 0 or treatment.n == 0:
        return degenerate(method, Code.NO_DATA, level, sizes)
    if control.n < 2 or treatment.n < 2:
        return degenerate(method, Code.TOO_FEW_SAMPLES, level, sizes)
    if isinstance(control, Proportion) and not 0 <= control.x <= control.n:
        return degenerate(method, Code.INVALID_COUNTS, level, sizes)
    if isinstance(treatment, Proportion) and not 0 <= treatment.x <= treatment.n:
        return degenerate(method, Code.INVALID_COUNTS, level, sizes)
    c, var_c = _variance(control)
    t, var_t = _variance(treatment)
    if var_c == 0 and var_t == 0:
        return degenerate(method, Code.ZERO_VARIANCE, level, sizes)
    mean_c, mean_t = c.mean, t.mean
    if relative:
        if mean_c == 0:
            return degenerate(method, Code.ZERO_BASELINE, level, sizes)
        estimate = (mean_t - mean_c) / mean_c
        variance = var_t / (t.n * mean_c**2) + var_c * mean_t**2 / (c.n * mean_c**4)
    else:
        estimate = mean_t - mean_c
        variance = var_t / t.n + var_c / c.n
    se = math.sqrt(variance)
    if se == 0:  # variances below what floating point can hold
        return degenerate(method, Code.ZERO_VARIANCE, level, sizes)
    df = welch_df(var_t, t.n, var_c, c.n)
    half = float(sps.t.ppf(1 - (1 - level) / 2, df)) * se
    p = float(2 * (1 - sps.t.cdf(abs(estimate) / se, df)))
    low, high = estimate - half, estimate + half
    return StatResult(
        method, estimate, low, high, level, sizes, p, None, judge(low, high, direction)
    )
