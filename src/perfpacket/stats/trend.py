"""Series: when did it shift (PELT change points), and did its trend bend (segmented
regression with autocorrelation-robust errors)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from perfpacket.stats.result import (
    Code,
    StatResult,
    check_level,
    degenerate,
    judge,
)
from perfpacket.vocab import Direction

PELT = "PELT change points (ruptures, l2 cost)"
SEGMENTED = "segmented regression, Newey-West (HAC) errors"
GAP = "segmented regression, level + slope change at a time, Newey-West (HAC) covariance"


@dataclass(frozen=True)
class ChangePoints:
    """Indices where a new segment starts, and the segment means around them."""

    method: str
    indices: tuple[int, ...]
    segment_means: tuple[float, ...]
    penalty: float
    code: Code | None = None


def change_points(
    series: Sequence[float] | np.ndarray, penalty: float | None = None, min_size: int = 5
) -> ChangePoints:
    """Sustained shifts in the mean of a series (segments of at least ``min_size`` points).

    The default penalty is MBIC-like, 3·σ²·ln(n) (the changepoint package's default family),
    with σ estimated robustly from successive differences so that the shifts do not inflate it.
    """
    import ruptures

    y = np.asarray(series, dtype=float)
    if y.size < 2 * min_size:
        return ChangePoints(PELT, (), (), math.nan, Code.TOO_FEW_SAMPLES)
    if penalty is None:
        sigma = float(np.median(np.abs(np.diff(y))) / (0.6745 * math.sqrt(2)))
        if sigma == 0:
            sigma = float(np.std(y)) or 1.0
        penalty = 3 * sigma**2 * math.log(y.size)
    ends = ruptures.Pelt(model="l2", min_size=min_size, jump=1).fit(y).predict(pen=penalty)
    starts = [0, *ends[:-1]]
    means = tuple(float(y[s:e].mean()) for s, e in zip(starts, ends, strict=True))
    return ChangePoints(PELT, tuple(int(i) for i in ends[:-1]), means, float(penalty))


@dataclass(frozen=True)
class SegmentedFit:
    """The level and slope change at a known break, each with its HAC interval."""

    level_change: StatResult
    slope_change: StatResult
    slope_before: float | None
    slope_after: float | None
    maxlags: int
    params: tuple[float, ...] = ()  # b0..b3
    cov: tuple[tuple[float, ...], ...] = ()  # their HAC covariance

    def gap(self, since: float, level: float = 0.95) -> StatResult:
        """The fitted gap ``since`` periods after the break between the new trend and the old
        one carried on, b2 + b3·since, with its interval from the HAC covariance of (b2, b3):
        var = V22 + since²·V33 + 2·since·V23 (a normal interval, as the coefficients' own)."""
        from scipy.stats import norm

        if not self.params:
            return degenerate(GAP, self.level_change.code or Code.NO_DATA, level, {})
        b2, b3 = self.params[2], self.params[3]
        v = self.cov
        var = v[2][2] + since**2 * v[3][3] + 2 * since * v[2][3]
        estimate = b2 + b3 * since
        half = float(norm.ppf(0.5 + level / 2)) * math.sqrt(max(var, 0.0))
        low, high = estimate - half, estimate + half
        return StatResult(
            GAP,
            estimate,
            low,
            high,
            level,
            dict(self.level_change.sample_sizes),
            None,
            None,
            judge(low, high, Direction.HIGHER_IS_BETTER),
        )


def segmented_regression(
    y: Sequence[float] | np.ndarray,
    t: Sequence[float] | np.ndarray,
    break_at: float,
    level: float = 0.95,
    direction: Direction = Direction.HIGHER_IS_BETTER,
) -> SegmentedFit:
    """Fit y = b0 + b1·t + b2·after + b3·(t - break)·after; b3 is the change in trend.

    Errors are Newey-West with the usual lag rule floor(4·(n/100)^(2/9)), because a series
    measured repeatedly is autocorrelated and plain OLS errors would be too narrow.
    """
    import statsmodels.api as sm

    check_level(level)
    yy = np.asarray(y, dtype=float)
    tt = np.asarray(t, dtype=float)
    after = (tt >= break_at).astype(float)
    sizes = {"n": int(yy.size), "n_after": int(after.sum())}
    enough = yy.size >= 8 and 3 <= after.sum() <= yy.size - 3
    if not enough:
        bad = degenerate(SEGMENTED, Code.TOO_FEW_SAMPLES, level, sizes)
        return SegmentedFit(bad, bad, None, None, 0)
    if np.ptp(yy) == 0:
        bad = degenerate(SEGMENTED, Code.ZERO_VARIANCE, level, sizes)
        return SegmentedFit(bad, bad, None, None, 0)
    design = np.column_stack([np.ones_like(tt), tt, after, (tt - break_at) * after])
    maxlags = math.floor(4 * (yy.size / 100) ** (2 / 9))
    fit = sm.OLS(yy, design).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags})
    ci = fit.conf_int(alpha=1 - level)

    def coefficient(i: int) -> StatResult:
        low, high = float(ci[i][0]), float(ci[i][1])
        return StatResult(
            SEGMENTED,
            float(fit.params[i]),
            low,
            high,
            level,
            sizes,
            float(fit.pvalues[i]),
            None,
            judge(low, high, direction),
        )

    slope_before = float(fit.params[1])
    cov = np.asarray(fit.cov_params())
    return SegmentedFit(
        coefficient(2),
        coefficient(3),
        slope_before,
        slope_before + float(fit.params[3]),
        maxlags,
        tuple(float(b) for b in fit.params),
        tuple(tuple(float(x) for x in row) for row in cov),
    )
