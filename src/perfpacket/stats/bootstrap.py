"""Bootstrap intervals: quantile differences (p95 latency) and means of skewed data (BCa)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import stats as sps

from perfpacket.stats.result import (
    Code,
    Direction,
    StatResult,
    check_level,
    degenerate,
    judge,
)

DEFAULT_RESAMPLES = 2000
DEFAULT_SEED = 20261121
MAX_SAMPLE = 20_000  # larger samples are thinned, without replacement, to bound memory and time


def _prepare(values: Sequence[float] | np.ndarray, rng: np.random.Generator) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size > MAX_SAMPLE:
        arr = rng.choice(arr, MAX_SAMPLE, replace=False)
    return arr


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
    a, b = _prepare(after, rng), _prepare(before, rng)
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


def quantile_diff_interval(
    after: Sequence[float] | np.ndarray,
    before: Sequence[float] | np.ndarray,
    quantile: float = 0.95,
    level: float = 0.95,
    direction: Direction = Direction.LOWER_IS_BETTER,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> StatResult:
    """q-quantile(after) - q-quantile(before) with a percentile bootstrap interval."""
    if not 0 < quantile < 1:
        raise ValueError(f"quantile must be between 0 and 1, got {quantile!r}")

    def statistic(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.asarray(np.quantile(x, quantile, axis=axis) - np.quantile(y, quantile, axis=axis))

    method = f"difference of p{quantile * 100:g}, percentile bootstrap ({resamples} resamples)"
    return _two_sample(
        method, after, before, statistic, "percentile", level, direction, resamples, seed
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
