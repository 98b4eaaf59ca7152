"""Wilson and Newcombe intervals against the published tables.

References:
- Newcombe RG (1998a). Two-sided confidence intervals for the single proportion: comparison of
  seven methods. Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score).
- Newcombe RG (1998b). Interval estimation for the difference between independent proportions:
  comparison of eleven methods. Statistics in Medicine 17:873-890, Table II, method 10 (hybrid
  score interval).
"""

from __future__ import annotations

import pytest

from perfpacket.stats import Code, Direction, Verdict, newcombe_diff_interval, wilson_interval


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998a(x: int, n: int, low: float, high: float) -> None:
    result = wilson_interval(x, n)
    assert result.ci_low == pytest.approx(low, abs=5e-5)
    assert result.ci_high == pytest.approx(high, abs=5e-5)
    assert result.estimate == pytest.approx(x / n)
    assert result.sample_sizes == {"n": n}
    assert result.code is None


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
    ],
)
def test_newcombe_hybrid_score_matches_newcombe_1998b(
    x1: int, n1: int, x2: int, n2: int, low: float, high: float
) -> None:
    result = newcombe_diff_interval(x1, n1, x2, n2)
    assert result.estimate == pytest.approx(x1 / n1 - x2 / n2)
    assert result.ci_low == pytest.approx(low, abs=5e-5)
    assert result.ci_high == pytest.approx(high, abs=5e-5)


def test_difference_whose_interval_contains_zero_is_no_detectable_change() -> None:
    # 5/56 vs 0/29 looks like a 9-point gap, but the interval spans zero.
    assert newcombe_diff_interval(5, 56, 0, 29).verdict is Verdict.NO_DETECTABLE_CHANGE


def test_verdict_follows_the_metrics_direction() -> None:
    # A regression rate falling from 12% to 4%: lower is better.
    fell = newcombe_diff_interval(6, 150, 18, 150, direction=Direction.LOWER_IS_BETTER)
    assert fell.verdict is Verdict.IMPROVED
    rose = newcombe_diff_interval(18, 150, 6, 150, direction=Direction.LOWER_IS_BETTER)
    assert rose.verdict is Verdict.REGRESSED


@pytest.mark.parametrize(
    ("args", "code"),
    [((0, 0), Code.NO_DATA), ((5, 3), Code.INVALID_COUNTS), ((-1, 3), Code.INVALID_COUNTS)],
)
def test_wilson_degenerate_data_returns_a_code(args: tuple[int, int], code: Code) -> None:
    result = wilson_interval(*args)
    assert result.code is code
    assert result.verdict is Verdict.INSUFFICIENT_DATA
    assert result.estimate is None and result.ci_low is None


def test_newcombe_with_an_empty_sample_is_insufficient_data() -> None:
    result = newcombe_diff_interval(3, 10, 0, 0)
    assert (result.code, result.verdict) == (Code.NO_DATA, Verdict.INSUFFICIENT_DATA)


def test_level_changes_the_width() -> None:
    narrow = wilson_interval(81, 263, level=0.80)
    wide = wilson_interval(81, 263, level=0.99)
    assert narrow.ci_level == 0.80
    assert wide.ci_low < narrow.ci_low < narrow.ci_high < wide.ci_high  # type: ignore[operator]


def test_level_outside_zero_one_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        wilson_interval(1, 2, level=95)
