"""Bootstrap intervals for means of skewed data (BCa), over every value given.

Quantiles need no bootstrap: see :mod:`perfpacket.stats.quantile`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import stats as sps

from perfpacket.stats.result import (
    Code,
    StatResult,
    check_level,
    degenerate,
    judge,
)
from perfpacket.vocab import Direction, Verdict

DEFAULT_RESAMPLES = 2000
DEFAULT_SEED = 20261121


def _prepare(values: Sequence[float] | np.ndarray) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    finite: np.ndarray = arr[np.isfinite(arr)]
    return finite


def _two_sample(
    method: str,
    after: Sequence[float] | np.ndarray,
    before: Sequence[float] | np.ndarray,
    statistic: Callable[..., np.ndarray],
    bootstrap_method: str,
    level: float,
    direction: Direction,
    resamples: int,
    seed: int,
) -> StatResult:
    check_level(level)
    rng = np.random.default_rng(seed)
    a, b = _prepare(after), _prepare(before)
    sizes = {"n1": int(np.asarray(after).size), "n2": int(np.asarray(before).size)}
    if a.size == 0 or b.size == 0:
        return degenerate(method, Code.NO_DATA, level, sizes)
    if a.size < 2 or b.size < 2:
        return degenerate(method, Code.TOO_FEW_SAMPLES, level, sizes)
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        return degenerate(method, Code.ZERO_VARIANCE, level, sizes)
    res = sps.bootstrap(
        (a, b),
        statistic,
        n_resamples=resamples,
        confidence_level=level,
        method=bootstrap_method,
        vectorized=True,
        batch=50,
        random_state=rng,
    )
    low, high = float(res.confidence_interval.low), float(res.confidence_interval.high)
    estimate = float(statistic(a, b, axis=-1))
    return StatResult(
        method, estimate, low, high, level, sizes, None, None, judge(low, high, direction)
    )


def bca_mean_diff_interval(
    after: Sequence[float] | np.ndarray,
    before: Sequence[float] | np.ndarray,
    level: float = 0.95,
    direction: Direction = Direction.HIGHER_IS_BETTER,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> StatResult:
    """mean(after) - mean(before) with a BCa bootstrap interval, for skewed data."""

    def statistic(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.asarray(np.mean(x, axis=axis) - np.mean(y, axis=axis))

    method = f"difference of means, BCa bootstrap ({resamples} resamples)"
    return _two_sample(method, after, before, statistic, "BCa", level, direction, resamples, seed)


def bca_mean_interval(
    values: Sequence[float] | np.ndarray,
    level: float = 0.95,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> StatResult:
    """The mean of skewed data (durations, MTTR) with a seeded BCa bootstrap interval: a level,
    so no verdict (judge it against a target with :func:`judged_against`)."""
    check_level(level)
    method = f"mean, BCa bootstrap ({resamples} resamples, seed {seed})"
    arr = _prepare(values)
    sizes = {"n": int(arr.size)}
    if arr.size == 0:
        return degenerate(method, Code.NO_DATA, level, sizes)
    if arr.size < 3:
        return degenerate(method, Code.TOO_FEW_SAMPLES, level, sizes)
    if np.ptp(arr) == 0:
        return degenerate(method, Code.ZERO_VARIANCE, level, sizes)
    res = sps.bootstrap(
        (arr,),
        np.mean,
        n_resamples=resamples,
        confidence_level=level,
        method="BCa",
        random_state=np.random.default_rng(seed),
    )
    low, high = float(res.confidence_interval.low), float(res.confidence_interval.high)
    return StatResult(
        method, float(arr.mean()), low, high, level, sizes, None, None, Verdict.NO_VERDICT
    )
