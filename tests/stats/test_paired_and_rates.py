"""Paired proportions and Poisson rate ratios against published values.

References:
- Fagerland MW, Lydersen S, Laake P (2017). Statistical Analysis of Contingency Tables, ch. 8:
  complete response before and after consolidation therapy (Cavo et al. 2012), table
  [[59, 6], [16, 80]]: Newcombe square-and-add estimate -0.0621, 95% CI -0.1186 to -0.0046
  (also the expected output in the contingencytables R package's test-ch8.R).
- McNemar's test on the same table: chi-square 4.5455 without continuity correction,
  p = 0.0330; the exact conditional test gives p = 0.0525 (binomial, 6 of 22 discordant).
- R's poisson.test documentation, eba1977 example, poisson.test(c(11, 21), c(800, 3011)):
  rate ratio 1.971488, 95% CI 0.8584264 to 4.2772659, p = 0.07967.
- Miettinen O, Nurminen M (1985). Comparative analysis of two rates. Statistics in Medicine
  4:213-226: the score interval of a difference of two Poisson rates, inverted below with a
  root finder over the restricted maximum-likelihood rates, independently of statsmodels.
"""

from __future__ import annotations

import math

import pytest
from scipy import optimize
from scipy import stats as sps

from perfpacket.stats import (
    Code,
    Direction,
    Verdict,
    averted_at_base_rate,
    paired_proportion_diff,
    poisson_rate_ratio,
)
from perfpacket.stats.paired import EXACT_BELOW


def test_paired_interval_matches_fagerland_cavo_example() -> None:
    result = paired_proportion_diff(both=59, after_only=6, before_only=16, neither=80)
    assert round(result.estimate, 4) == -0.0621  # type: ignore[arg-type]
    assert round(result.ci_low, 4) == -0.1186  # type: ignore[arg-type]
    assert round(result.ci_high, 4) == -0.0046  # type: ignore[arg-type]
    assert result.sample_sizes == {"n": 161, "discordant": 22}


def test_mcnemar_is_exact_for_few_discordant_pairs() -> None:
    result = paired_proportion_diff(59, 6, 16, 80)
    assert EXACT_BELOW > 22
    assert round(result.p_value, 4) == 0.0525  # type: ignore[arg-type]
    assert result.p_value == pytest.approx(sps.binomtest(6, 22).pvalue)


def test_mcnemar_is_asymptotic_for_many_discordant_pairs() -> None:
    # Scale the discordant cells past the exact threshold: chi2 = (b - c)^2 / (b + c).
    result = paired_proportion_diff(590, 60, 160, 800)
    assert result.p_value == pytest.approx(sps.chi2.sf((60 - 160) ** 2 / 220, 1))


def test_same_items_improving_is_an_improvement() -> None:
    # 500 eval items: 40 newly pass, 8 newly fail.
    result = paired_proportion_diff(both=380, after_only=40, before_only=8, neither=72)
    assert result.estimate == pytest.approx(32 / 500)
    assert result.verdict is Verdict.IMPROVED
    assert result.ci_low > 0  # type: ignore[operator]


@pytest.mark.parametrize(
    ("cells", "code"), [((0, 0, 0, 0), Code.NO_DATA), ((5, -1, 2, 3), Code.INVALID_COUNTS)]
)
def test_paired_degenerate(cells: tuple[int, int, int, int], code: Code) -> None:
    result = paired_proportion_diff(*cells)
    assert (result.code, result.verdict) == (code, Verdict.INSUFFICIENT_DATA)


def test_no_discordant_pairs_is_no_detectable_change_without_a_p_value() -> None:
    result = paired_proportion_diff(10, 0, 0, 10)
    assert result.estimate == 0 and result.p_value is None
    assert result.verdict is Verdict.NO_DETECTABLE_CHANGE


def test_rate_ratio_matches_r_poisson_test() -> None:
    result = poisson_rate_ratio(11, 800, 21, 3011, direction=Direction.HIGHER_IS_BETTER)
    assert round(result.estimate, 6) == 1.971488  # type: ignore[arg-type]
    assert round(result.ci_low, 7) == 0.8584264  # type: ignore[arg-type]
    assert round(result.ci_high, 7) == 4.2772659  # type: ignore[arg-type]
    assert round(result.p_value, 5) == 0.07967  # type: ignore[arg-type]
    assert result.verdict is Verdict.NO_DETECTABLE_CHANGE  # the interval contains 1


def test_fewer_incidents_per_release_is_an_improvement() -> None:
    # 2 incidents in 150 gated releases against 12 in 150 ungated ones.
    result = poisson_rate_ratio(2, 150, 12, 150)
    assert result.estimate == pytest.approx(1 / 6)
    assert result.verdict is Verdict.IMPROVED and result.ci_high < 1  # type: ignore[operator]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((0, 10.0, 0, 10.0), Code.NO_DATA),
        ((3, 10.0, 0, 10.0), Code.ZERO_BASELINE),
        ((3, 0.0, 2, 10.0), Code.INVALID_COUNTS),
        ((-1, 10.0, 2, 10.0), Code.INVALID_COUNTS),
    ],
)
def test_rate_ratio_degenerate(args: tuple[int, float, int, float], code: Code) -> None:
    assert poisson_rate_ratio(*args).code is code


def test_quality_lift_uses_paired_proportions_for_pass_fail_items() -> None:
    from perfpacket.claims.recipes.quality_lift import _paired

    before = [1.0] * 59 + [1.0] * 16 + [0.0] * 6 + [0.0] * 80
    after = [1.0] * 59 + [0.0] * 16 + [1.0] * 6 + [0.0] * 80
    result = _paired(before, after)
    assert "McNemar" in result.method
    assert round(result.ci_low, 4) == -0.1186  # type: ignore[arg-type]
    graded = _paired([0.5, 0.6, 0.7, 0.4], [0.6, 0.7, 0.9, 0.5])
    assert graded.method.startswith("paired difference of means")


def score_interval(
    x1: int, t1: float, x2: int, t2: float, level: float = 0.95
) -> tuple[float, float]:
    """The score interval of λ1 − λ2 for two Poisson counts (Miettinen and Nurminen 1985,
    without their small-sample factor), inverted with a root finder."""
    z = sps.norm.ppf(0.5 + level / 2)
    d_hat = x1 / t1 - x2 / t2

    def score(delta: float) -> float:
        a, b = t1 + t2, (t1 + t2) * delta - x1 - x2
        lam2 = (-b + math.sqrt(b * b + 4 * a * x2 * delta)) / (2 * a)  # restricted MLE
        lam1 = lam2 + delta
        return (d_hat - delta) / math.sqrt(lam1 / t1 + lam2 / t2)

    reach = 50 * (1 + x1 / t1 + x2 / t2)  # far beyond any bound: the score is monotone in δ
    low = optimize.brentq(lambda d: score(d) - z, -reach, d_hat)
    high = optimize.brentq(lambda d: score(d) + z, d_hat, reach)
    return low, high


@pytest.mark.parametrize(
    ("before", "after"), [((12, 6.0), (3, 6.0)), ((5, 6.0), (0, 4.0)), ((4, 7.5), (9, 3.2))]
)
def test_averted_at_the_base_rate_inverts_the_rate_difference_score_test(
    before: tuple[int, float], after: tuple[int, float]
) -> None:
    (x0, t0), (x1, t1) = before, after
    result = averted_at_base_rate(x0, t0, x1, t1)
    low, high = score_interval(x0, t0, x1, t1)
    assert result.estimate == pytest.approx(t1 * (x0 / t0) - x1)
    assert result.ci_low == pytest.approx(t1 * low, abs=1e-6)
    assert result.ci_high == pytest.approx(t1 * high, abs=1e-6)
    expected = (
        Verdict.IMPROVED
        if low > 0
        else (Verdict.REGRESSED if high < 0 else Verdict.NO_DETECTABLE_CHANGE)
    )
    assert result.verdict is expected


def test_averted_events_need_a_count_and_exposure() -> None:
    assert averted_at_base_rate(0, 6.0, 0, 6.0).code is Code.NO_DATA
    assert averted_at_base_rate(3, 0.0, 1, 6.0).code is Code.INVALID_COUNTS
