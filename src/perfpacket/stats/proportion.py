"""Intervals for rates: Wilson for one proportion, Newcombe's hybrid score for a difference."""

from __future__ import annotations

from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from perfpacket.stats.result import (
    Code,
    StatResult,
    check_level,
    degenerate,
    judge,
)
from perfpacket.vocab import Direction, Verdict

WILSON = "Wilson score interval"
NEWCOMBE = "difference of proportions, Newcombe hybrid score interval"


def _valid(x: int, n: int) -> bool:
    return n > 0 and 0 <= x <= n


def wilson_interval(x: int, n: int, level: float = 0.95) -> StatResult:
    """The rate x/n with its Wilson score interval (Newcombe 1998, method 3)."""
    check_level(level)
    sizes = {"n": n}
    if n == 0:
        return degenerate(WILSON, Code.NO_DATA, level, sizes)
    if not _valid(x, n):
        return degenerate(WILSON, Code.INVALID_COUNTS, level, sizes)
    low, high = proportion_confint(x, n, alpha=1 - level, method="wilson")
    return StatResult(
        method=WILSON,
        estimate=x / n,
        ci_low=float(low),
        ci_high=float(high),
        ci_level=level,
        sample_sizes=sizes,
        # A single rate has no change to judge: it is reported as what it is.
        verdict=Verdict.NO_VERDICT,
    )


def newcombe_diff_interval(
    x1: int,
    n1: int,
    x2: int,
    n2: int,
    level: float = 0.95,
    direction: Direction = Direction.HIGHER_IS_BETTER,
) -> StatResult:
    """p1 - p2 for independent samples with Newcombe's hybrid score interval (1998, method 10)."""
    check_level(level)
    sizes = {"n1": n1, "n2": n2}
    if n1 == 0 or n2 == 0:
        return degenerate(NEWCOMBE, Code.NO_DATA, level, sizes)
    if not (_valid(x1, n1) and _valid(x2, n2)):
        return degenerate(NEWCOMBE, Code.INVALID_COUNTS, level, sizes)
    low, high = confint_proportions_2indep(
        x1, n1, x2, n2, method="newcomb", compare="diff", alpha=1 - level
    )
    low, high = float(low), float(high)
    return StatResult(
        method=NEWCOMBE,
        estimate=x1 / n1 - x2 / n2,
        ci_low=low,
        ci_high=high,
        ci_level=level,
        sample_sizes=sizes,
        verdict=judge(low, high, direction),
    )


DIFF_IN_DIFF = "difference of two differences of proportions, Wald interval"


def diff_in_diff_wald(
    after: tuple[tuple[int, int], tuple[int, int]],
    before: tuple[tuple[int, int], tuple[int, int]],
    level: float = 0.95,
    direction: Direction = Direction.HIGHER_IS_BETTER,
) -> StatResult:
    """(p_a1 − p_a2) − (p_b1 − p_b2) for four independent proportions, each given as
    (x, n), with the Wald interval: the variance is the sum of the four p(1 − p)/n. Used for
    large evaluation sets (thousands of items), where the Wald interval is accurate; it refuses
    a rate of 0 or 1, where it is not."""
    check_level(level)
    cells = [*after, *before]
    sizes = {"n_after_1": after[0][1], "n_after_2": after[1][1]}
    sizes |= {"n_before_1": before[0][1], "n_before_2": before[1][1]}
    if any(n == 0 for _x, n in cells):
        return degenerate(DIFF_IN_DIFF, Code.NO_DATA, level, sizes)
    if not all(_valid(x, n) for x, n in cells):
        return degenerate(DIFF_IN_DIFF, Code.INVALID_COUNTS, level, sizes)
    rates = [x / n for x, n in cells]
    if any(p in (0.0, 1.0) for p in rates):
        return degenerate(DIFF_IN_DIFF, Code.ZERO_VARIANCE, level, sizes)
    from scipy.stats import norm

    estimate = (rates[0] - rates[1]) - (rates[2] - rates[3])
    se = sum(p * (1 - p) / n for p, (_x, n) in zip(rates, cells, strict=True)) ** 0.5
    half = float(norm.isf((1 - level) / 2)) * se
    low, high = estimate - half, estimate + half
    return StatResult(
        method=DIFF_IN_DIFF,
        estimate=estimate,
        ci_low=low,
        ci_high=high,
        ci_level=level,
        sample_sizes=sizes,
        verdict=judge(low, high, direction),
    )
