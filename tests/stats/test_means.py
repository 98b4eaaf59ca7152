"""Welch, one-sample and paired t intervals against scipy's own implementations, and the
averted-events counterfactual against its Wilson definition."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from perfpacket.stats import (
    Code,
    Direction,
    SampleMean,
    Verdict,
    averted_events,
    mean_interval,
    paired_diff_interval,
    welch_diff_interval,
    wilson_interval,
)

# The first worked example of the Wikipedia article "Welch's t-test" (equal n, unequal variances),
# which reports t = -2.46, df = 24.99 (about 25) and two-sided p = 0.021.
A = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4]
B = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4]


def test_welch_interval_equals_scipy() -> None:
    result = welch_diff_interval(SampleMean.of(A), SampleMean.of(B))
    reference = sps.ttest_ind(A, B, equal_var=False)
    ci = reference.confidence_interval(0.95)
    assert result.estimate == pytest.approx(np.mean(A) - np.mean(B))
    assert result.ci_low == pytest.approx(ci.low, abs=1e-10)
    assert result.ci_high == pytest.approx(ci.high, abs=1e-10)
    assert result.p_value == pytest.approx(reference.pvalue, abs=1e-10)
    assert round(result.p_value, 3) == 0.021  # type: ignore[arg-type]
    se = (np.var(A, ddof=1) / len(A) + np.var(B, ddof=1) / len(B)) ** 0.5
    assert round(result.estimate / se, 2) == -2.46  # type: ignore[operator]


def test_sample_mean_summary_round_trips() -> None:
    s = SampleMean.of([1.0, 2.0, 4.0])
    assert (s.sum, s.sum_squares, s.n) == (7.0, 21.0, 3)
    assert s.mean == pytest.approx(7 / 3)
    assert s.variance == pytest.approx(np.var([1, 2, 4], ddof=1))


def test_paired_interval_equals_scipy_ttest_rel() -> None:
    result = paired_diff_interval(B, A)
    reference = sps.ttest_rel(B, A)
    ci = reference.confidence_interval(0.95)
    assert (result.ci_low, result.ci_high) == pytest.approx((ci.low, ci.high), abs=1e-10)
    assert result.sample_sizes == {"n": len(A)}


def test_paired_samples_must_have_equal_length() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        paired_diff_interval([1.0, 2.0], [1.0])


@pytest.mark.parametrize(
    ("values", "code"),
    [([], Code.NO_DATA), ([3.0], Code.TOO_FEW_SAMPLES), ([2.0, 2.0, 2.0], Code.ZERO_VARIANCE)],
)
def test_mean_interval_degenerate(values: list[float], code: Code) -> None:
    result = mean_interval(values)
    assert (result.code, result.verdict) == (code, Verdict.INSUFFICIENT_DATA)


def test_welch_with_both_samples_constant_is_zero_variance() -> None:
    result = welch_diff_interval(SampleMean.of([1.0, 1.0]), SampleMean.of([2.0, 2.0]))
    assert result.code is Code.ZERO_VARIANCE


def test_lower_is_better_turns_a_fall_into_an_improvement() -> None:
    result = welch_diff_interval(
        SampleMean.of([1.0, 1.2, 0.9, 1.1]),
        SampleMean.of([330.0, 310.0, 350.0, 340.0]),
        direction=Direction.LOWER_IS_BETTER,
    )
    assert result.verdict is Verdict.IMPROVED


def test_averted_events_scale_the_wilson_interval_by_the_trips() -> None:
    rate = wilson_interval(7, 18)
    result = averted_events(trips=3, historical_incidents=7, historical_bad_releases=18)
    assert result.estimate == pytest.approx(3 * 7 / 18)
    assert result.ci_low == pytest.approx(3 * rate.ci_low)  # type: ignore[operator]
    assert result.ci_high == pytest.approx(3 * rate.ci_high)  # type: ignore[operator]
    assert result.verdict is Verdict.IMPROVED


def test_averted_events_without_history_is_insufficient_data() -> None:
    result = averted_events(trips=3, historical_incidents=0, historical_bad_releases=0)
    assert (result.code, result.verdict) == (Code.NO_DATA, Verdict.INSUFFICIENT_DATA)


def test_zero_trips_avert_nothing_detectable() -> None:
    assert averted_events(0, 7, 18).verdict is Verdict.NO_DETECTABLE_CHANGE
