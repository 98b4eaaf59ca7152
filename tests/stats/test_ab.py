"""The A/B t-test against GrowthBook's own reference values.

Reference: growthbook/growthbook, packages/stats/tests/frequentist/test_tests.py
(TestTwoSidedTTest): control mean 0.41, sd 3.9, n 3407; treatment mean 0.70, sd 6.2, n 3461.
Absolute: 0.29, CI [0.04538, 0.53462], p 0.02016. Relative: 0.70732, CI [-0.03526, 1.44989],
p 0.06191. The sums below are those summaries written as sum / sum of squares / n.
"""

from __future__ import annotations

import pytest

from perfpacket.stats import Code, Proportion, SampleMean, Verdict, ab_test

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
