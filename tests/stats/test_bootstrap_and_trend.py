"""Bootstrap intervals, change points and segmented regression.

Bootstrap intervals have no closed form to compare with, so they are checked for what a user
relies on: seeded runs repeat exactly, and over many simulated samples the 95% interval covers
the true difference about 95% of the time. Segmented regression is checked against an
independent least-squares solve and a hand-computed Newey-West (Bartlett kernel) covariance.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from perfpacket.stats import (
    Code,
    Direction,
    Verdict,
    bca_mean_diff_interval,
    bca_mean_interval,
    change_points,
    quantile_diff_interval,
    segmented_regression,
)


def test_quantile_difference_is_reproducible_and_brackets_the_estimate() -> None:
    rng = np.random.default_rng(3)
    before = rng.lognormal(np.log(900), 0.4, 3000)
    after = rng.lognormal(np.log(700), 0.4, 3000)
    first = quantile_diff_interval(after, before)
    again = quantile_diff_interval(after, before)
    assert first == again
    assert first.ci_low < first.estimate < first.ci_high  # type: ignore[operator]
    assert first.estimate == pytest.approx(np.quantile(after, 0.95) - np.quantile(before, 0.95))
    assert first.verdict is Verdict.IMPROVED  # latency: lower is better


def test_quantile_interval_covers_the_truth_about_95_percent_of_the_time() -> None:
    # Exponential latencies: the true p90 difference is (ln 10)(scale_a - scale_b).
    rng = np.random.default_rng(11)
    truth = math.log(10) * (80 - 100)
    covered = 0
    runs = 120
    for _ in range(runs):
        a, b = rng.exponential(80, 400), rng.exponential(100, 400)
        r = quantile_diff_interval(a, b, quantile=0.9)
        covered += r.ci_low <= truth <= r.ci_high  # type: ignore[operator]
    # Bonferroni-combined order-statistic intervals are conservative: at least 95%.
    assert covered / runs >= 0.94


def test_bca_mean_interval_covers_the_truth_for_skewed_data() -> None:
    rng = np.random.default_rng(5)
    covered, runs = 0, 120
    for i in range(runs):
        a, b = rng.exponential(3.0, 150), rng.exponential(2.0, 150)
        r = bca_mean_diff_interval(a, b, resamples=500, seed=i)
        covered += r.ci_low <= 1.0 <= r.ci_high  # type: ignore[operator]
    assert 0.88 <= covered / runs <= 0.99


def test_bootstrap_degenerate_inputs() -> None:
    assert quantile_diff_interval([], [1.0, 2.0]).code is Code.NO_DATA
    assert quantile_diff_interval([1.0], [1.0, 2.0]).code is Code.TOO_FEW_SAMPLES
    assert bca_mean_interval([1.0, 2.0]).code is Code.TOO_FEW_SAMPLES
    assert bca_mean_diff_interval([2.0, 2.0], [2.0, 2.0]).code is Code.ZERO_VARIANCE


def test_pelt_finds_a_known_shift_in_pass_rate() -> None:
    # A feature launched at 92% pass rate that drifted to 78% at week 30.
    rng = np.random.default_rng(2)
    series = np.r_[rng.normal(0.92, 0.01, 30), rng.normal(0.78, 0.01, 22)]
    found = change_points(series)
    assert found.indices == (30,)
    assert found.segment_means == pytest.approx((0.92, 0.78), abs=0.01)


def test_pelt_finds_nothing_in_a_flat_series() -> None:
    rng = np.random.default_rng(4)
    assert change_points(rng.normal(0.9, 0.01, 60)).indices == ()


def test_pelt_on_a_short_series_says_so() -> None:
    assert change_points([0.9, 0.8]).code is Code.TOO_FEW_SAMPLES


def _newey_west(x: np.ndarray, resid: np.ndarray, lags: int) -> np.ndarray:
    """Textbook Newey-West covariance with the Bartlett kernel and no small-sample scaling."""
    scores = x * resid[:, None]
    s = scores.T @ scores
    for lag in range(1, lags + 1):
        w = 1 - lag / (lags + 1)
        gamma = scores[lag:].T @ scores[:-lag]
        s += w * (gamma + gamma.T)
    bread = np.linalg.inv(x.T @ x)
    return bread @ s @ bread


def test_segmented_regression_matches_an_independent_solve() -> None:
    rng = np.random.default_rng(8)
    t = np.arange(52, dtype=float)
    # Pass rate decaying 0.5 points a week, then held flat by sustain work from week 26.
    y = 92 - 0.5 * t + 0.5 * np.clip(t - 26, 0, None) + rng.normal(0, 0.6, t.size)
    fit = segmented_regression(y, t, break_at=26)
    after = (t >= 26).astype(float)
    x = np.column_stack([np.ones_like(t), t, after, (t - 26) * after])
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    cov = _newey_west(x, y - x @ beta, fit.maxlags)
    assert fit.maxlags == math.floor(4 * (52 / 100) ** (2 / 9))
    assert fit.slope_change.estimate == pytest.approx(beta[3], abs=1e-9)
    se = math.sqrt(cov[3, 3])
    assert fit.slope_change.ci_high - fit.slope_change.estimate == pytest.approx(  # type: ignore[operator]
        1.959964 * se, rel=1e-5
    )
    assert fit.slope_change.verdict is Verdict.IMPROVED
    assert fit.slope_before == pytest.approx(beta[1])


def test_segmented_regression_with_too_few_points() -> None:
    fit = segmented_regression([1.0, 2.0, 3.0], [0.0, 1.0, 2.0], break_at=1)
    assert fit.slope_change.code is Code.TOO_FEW_SAMPLES


def test_segmented_regression_direction() -> None:
    t = np.arange(40, dtype=float)
    y = 0.02 * t + 0.3 * np.clip(t - 20, 0, None)  # error rate climbing faster after week 20
    y = y + np.random.default_rng(1).normal(0, 0.05, t.size)
    fit = segmented_regression(y, t, 20, direction=Direction.LOWER_IS_BETTER)
    assert fit.slope_change.verdict is Verdict.REGRESSED


def test_order_statistic_ranks_match_scipy_quantile_test() -> None:
    # scipy.stats.quantile_test(...).confidence_interval implements Conover (1999) §3.2.
    from scipy import stats

    from perfpacket.stats import order_statistic_ranks, quantile_summary

    rng = np.random.default_rng(4)
    for n in (137, 1000, 5000):
        x = rng.lognormal(6, 0.5, n)
        ci = stats.quantile_test(x, q=0, p=0.95).confidence_interval(0.95)
        summary = quantile_summary(x, 0.95, 0.95)
        assert (summary.low, summary.high) == (ci.low, ci.high)
    # Too few rows to bound a p95 from above: scipy answers nan, we answer no bound.
    assert order_statistic_ranks(40, 0.95, 0.95) is None


def test_bca_mean_interval_is_seeded_and_covers_skewed_means() -> None:
    rng = np.random.default_rng(8)
    covered, runs = 0, 100
    for _ in range(runs):
        r = bca_mean_interval(rng.exponential(3.0, 60), resamples=500)
        covered += r.ci_low <= 3.0 <= r.ci_high  # type: ignore[operator]
        assert r.verdict is Verdict.NO_VERDICT  # a level, not a comparison
    assert 0.88 <= covered / runs <= 0.99
    values = rng.exponential(3.0, 60)
    assert bca_mean_interval(values) == bca_mean_interval(values)


def test_bca_mean_interval_matches_r_boot() -> None:
    # R's boot package, boot.ci(type = "bca") on the mean of these 16 values with 10^6
    # resamples: (32.31, 91.43). The same reference scipy's own tests use
    # (scipy/stats/tests/test_resampling.py, test_bootstrap_against_R).
    x = [10, 12, 12.5, 12.5, 13.9, 15, 21, 22, 23, 34, 50, 81, 89, 121, 134, 213]
    r = bca_mean_interval(x, resamples=200_000, seed=0)
    assert r.ci_low == pytest.approx(32.31, rel=0.01)
    assert r.ci_high == pytest.approx(91.43, rel=0.01)
    assert r.estimate == pytest.approx(sum(x) / len(x))
