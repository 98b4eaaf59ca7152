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
