"""The A/B t-test against GrowthBook's own reference values.

Reference: growthbook/growthbook, packages/stats/tests/frequentist/test_tests.py
(TestTwoSidedTTest): control mean 0.41, sd 3.9, n 3407; treatment mean 0.70, sd 6.2, n 3461.
Absolute: 0.29, CI [0.04538, 0.53462], p 0.02016. Relative: 0.70732, CI [-0.03526, 1.44989],
p 0.06191. The sums below are those summaries written as sum / sum of squares / n.
"""

from __future__ import annotations

import math

import pytest

from perfpacket.stats import Code, Direction, Proportion, SampleMean, Verdict, ab_test
from perfpacket.stats.ab import (
    Cuped,
    Ratio,
    minimum_detectable_effect,
    pooled_theta,
    srm_p_value,
    with_srm_check,
)

CONTROL = SampleMean(sum=1396.87, sum_squares=52377.9767, n=3407)
TREATMENT = SampleMean(sum=2422.7, sum_squares=134698.29, n=3461)


def test_absolute_lift_matches_growthbook() -> None:
    result = ab_test(CONTROL, TREATMENT, relative=False)
    assert round(result.estimate, 5) == 0.29  # type: ignore[arg-type]
    assert round(result.ci_low, 5) == 0.04538  # type: ignore[arg-type]
    assert round(result.ci_high, 5) == 0.53462  # type: ignore[arg-type]
    assert round(result.p_value, 5) == 0.02016  # type: ignore[arg-type]
    assert result.verdict is Verdict.IMPROVED


def test_relative_lift_matches_growthbook_delta_method() -> None:
    result = ab_test(CONTROL, TREATMENT, relative=True)
    assert round(result.estimate, 5) == 0.70732  # type: ignore[arg-type]
    assert round(result.ci_low, 5) == -0.03526  # type: ignore[arg-type]
    assert round(result.ci_high, 5) == 1.44989  # type: ignore[arg-type]
    assert round(result.p_value, 5) == 0.06191  # type: ignore[arg-type]
    # A 71% point estimate whose interval crosses zero is not an improvement.
    assert result.verdict is Verdict.NO_DETECTABLE_CHANGE


def test_proportions_use_the_bernoulli_variance() -> None:
    # For 0/1 data GrowthBook's variance is p(1 - p); the absolute lift is then the plain
    # difference with a Welch interval, which for large n agrees with the normal interval.
    result = ab_test(Proportion(1000, 10000), Proportion(1200, 10000), relative=False)
    se = (0.12 * 0.88 / 10000 + 0.1 * 0.9 / 10000) ** 0.5
    assert result.estimate == pytest.approx(0.02)
    assert result.ci_low == pytest.approx(0.02 - 1.96 * se, abs=1e-5)
    assert result.ci_high == pytest.approx(0.02 + 1.96 * se, abs=1e-5)


@pytest.mark.parametrize(
    ("control", "treatment", "code"),
    [
        (Proportion(0, 0), Proportion(3, 10), Code.NO_DATA),
        (Proportion(1, 1), Proportion(3, 10), Code.TOO_FEW_SAMPLES),
        (SampleMean(10, 20, 5), SampleMean(10, 20, 5), Code.ZERO_VARIANCE),
        (Proportion(0, 100), Proportion(3, 100), Code.ZERO_BASELINE),
        (Proportion(12, 10), Proportion(3, 10), Code.INVALID_COUNTS),
    ],
)
def test_degenerate_inputs_never_raise(
    control: Proportion | SampleMean, treatment: Proportion | SampleMean, code: Code
) -> None:
    result = ab_test(control, treatment, relative=True)
    assert result.code is code
    assert result.verdict is Verdict.INSUFFICIENT_DATA
    assert result.to_dict()["code"] == code.value


# Ratio metrics, CUPED and SRM against GrowthBook's stats engine. The per-unit data behind these
# sums was drawn once (seed 7: gamma pre-period, post = 0.8·pre + noise; a Poisson denominator);
# the expected values are gbstats' TwoSidedTTest and check_srm on the same sums: gbstats 0.8.0
# from PyPI for ratio, absolute CUPED and SRM, and the gbstats source at growthbook/growthbook
# main (packages/stats, 2026-11) for relative CUPED, whose variance 0.8.0 computed more crudely.
RATIO_C = Ratio(
    SampleMean(4087.1273326942896, 10515.45446605391, 2000),
    SampleMean(8163.0, 39417.0, 2000),
    19651.965695274506,
)
RATIO_T = Ratio(
    SampleMean(4425.763550860301, 11952.586519683622, 2100),
    SampleMean(8434.0, 40386.0, 2100),
    21233.746294776567,
)
CUPED_C = Cuped(
    SampleMean(21442.575698041717, 324941.0831035295, 2000),
    SampleMean(19311.37500097615, 286933.4209551418, 2000),
    286392.53847340366,
)
CUPED_T = Cuped(
    SampleMean(24556.752015437873, 383496.28113467316, 2100),
    SampleMean(21120.0688867946, 315632.79375505855, 2100),
    328334.6612940406,
)


@pytest.mark.parametrize(
    ("control", "treatment", "relative", "expected", "ci", "p"),
    [
        (RATIO_C, RATIO_T, False, 0.024063244, (0.014894853, 0.033231635), 2.7912936e-07),
        (RATIO_C, RATIO_T, True, 0.048060225, (0.029309796, 0.066810654), 5.2443557e-07),
        (CUPED_C, CUPED_T, False, 0.65510083, (0.41176180, 0.89843986), 1.3736449e-07),
        (CUPED_C, CUPED_T, True, 0.061102811, (0.037212475, 0.084993147), 5.5472094e-07),
    ],
)
def test_ratio_and_cuped_match_growthbook(
    control: Ratio | Cuped,
    treatment: Ratio | Cuped,
    relative: bool,
    expected: float,
    ci: tuple[float, float],
    p: float,
) -> None:
    result = ab_test(control, treatment, relative=relative)
    assert result.estimate == pytest.approx(expected, rel=1e-7)
    assert result.ci_low == pytest.approx(ci[0], rel=1e-7)
    assert result.ci_high == pytest.approx(ci[1], rel=1e-7)
    assert result.p_value == pytest.approx(p, rel=1e-6)


def test_cuped_theta_is_growthbooks_pooled_theta() -> None:
    assert pooled_theta(CUPED_C, CUPED_T) == pytest.approx(0.7903165988659968, rel=1e-12)
    # CUPED narrows the interval (here by 42%) against the same post-period means alone
    plain = ab_test(CUPED_C.post, CUPED_T.post, relative=False)
    adjusted = ab_test(CUPED_C, CUPED_T, relative=False)
    assert adjusted.ci_high - adjusted.ci_low < 0.6 * (plain.ci_high - plain.ci_low)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("counts", "weights", "p"),
    [
        ([5000, 5300], None, 0.003116693839866867),
        ([10000, 10321], [0.5, 0.5], 0.024334035286806444),
        ([3000, 7200], [0.3, 0.7], 0.19483514774304656),
    ],
)
def test_srm_matches_growthbook_check_srm(
    counts: list[int], weights: list[float] | None, p: float
) -> None:
    assert srm_p_value(counts, weights) == pytest.approx(p, rel=1e-9)


def test_a_sample_ratio_mismatch_makes_the_lift_untrustworthy() -> None:
    result = ab_test(Proportion(2000, 20000), Proportion(2400, 21000), relative=False)
    assert result.verdict is Verdict.IMPROVED
    p = srm_p_value([20000, 21000])
    assert p < 0.001
    flagged = with_srm_check(result, p)
    assert flagged.verdict is Verdict.SAMPLE_RATIO_MISMATCH
    assert flagged.verdict.label == "not trustworthy: SRM"
    assert with_srm_check(result, 0.2).verdict is Verdict.IMPROVED


def test_minimum_detectable_effect_matches_statsmodels_power() -> None:
    from statsmodels.stats.power import NormalIndPower

    result = ab_test(Proportion(2000, 20000), Proportion(2000, 20000), relative=False)
    mde = minimum_detectable_effect(result)
    # statsmodels solves for the standardised effect at 80% power, alpha 0.05, equal arms
    effect = NormalIndPower().solve_power(nobs1=20000, alpha=0.05, power=0.8, ratio=1.0)
    sd = math.sqrt(0.1 * 0.9)
    assert mde == pytest.approx(effect * sd, rel=1e-3)


@pytest.mark.parametrize(
    ("control", "treatment", "code"),
    [
        (SampleMean(-50.0, 600.0, 10), SampleMean(20.0, 300.0, 10), Code.NEGATIVE_BASELINE),
        (SampleMean(10.0, 1.0, 5), SampleMean(10.0, 40.0, 5), Code.IMPOSSIBLE_MOMENTS),
        (Proportion(-1, 10), Proportion(3, 10), Code.INVALID_COUNTS),
    ],
)
def test_impossible_inputs_and_negative_baselines_are_refused(
    control: SampleMean | Proportion, treatment: SampleMean | Proportion, code: Code
) -> None:
    result = ab_test(control, treatment, relative=True)
    assert result.code is code and result.estimate is None


def test_lower_is_better_flips_the_verdict_not_the_number() -> None:
    up = ab_test(Proportion(1000, 10000), Proportion(1200, 10000), relative=False)
    down = ab_test(
        Proportion(1000, 10000),
        Proportion(1200, 10000),
        relative=False,
        direction=Direction.LOWER_IS_BETTER,
    )
    assert up.estimate == down.estimate
    assert (up.verdict, down.verdict) == (Verdict.IMPROVED, Verdict.REGRESSED)
