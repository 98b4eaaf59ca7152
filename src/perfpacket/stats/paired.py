"""Paired proportions: the same eval items scored under two versions.

The interval is Newcombe's square-and-add (hybrid score) interval for paired data (Newcombe
1998c, method 10, with his correlation correction); the test is McNemar's, exact while the
discordant pairs are few.
"""

from __future__ import annotations

import math

from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint

from perfpacket.stats.result import (
    Code,
    StatResult,
    check_level,
    degenerate,
    judge,
)
from perfpacket.vocab import Direction

PAIRED = (
    "paired difference of proportions, Newcombe square-and-add interval (the interval decides "
    "the verdict; McNemar test p-value beside it)"
)
EXACT_BELOW = 25  # discordant pairs under which McNemar's test is computed exactly


def paired_proportion_diff(
    both: int,
    after_only: int,
    before_only: int,
    neither: int,
    level: float = 0.95,
    direction: Direction = Direction.HIGHER_IS_BETTER,
) -> StatResult:
    """p_after - p_before for items that passed under both, only after, only before, neither."""
    check_level(level)
    cells = (both, after_only, before_only, neither)
    n = sum(cells)
    sizes = {"n": n, "discordant": after_only + before_only}
    if n == 0:
        return degenerate(PAIRED, Code.NO_DATA, level, sizes)
    if min(cells) < 0:
        return degenerate(PAIRED, Code.INVALID_COUNTS, level, sizes)
    row1, row2 = both + after_only, before_only + neither  # passed after / failed after
    col1, col2 = both + before_only, after_only + neither  # passed before / failed before
    p_after, p_before = row1 / n, col1 / n
    estimate = p_after - p_before
    alpha = 1 - level
    l1, u1 = (float(v) for v in proportion_confint(row1, n, alpha=alpha, method="wilson"))
    l2, u2 = (float(v) for v in proportion_confint(col1, n, alpha=alpha, method="wilson"))
    phi = 0.0
    if min(row1, row2, col1, col2) > 0:
        cross = both * neither - after_only * before_only
        denominator = math.sqrt(row1 * row2 * col1 * col2)
        if cross > n / 2:
            phi = (cross - n / 2) / denominator
        elif cross < 0:
            phi = cross / denominator
    d_low = (p_after - l1) ** 2 + (u2 - p_before) ** 2
    d_low -= 2 * phi * (p_after - l1) * (u2 - p_before)
    d_high = (p_before - l2) ** 2 + (u1 - p_after) ** 2
    d_high -= 2 * phi * (p_before - l2) * (u1 - p_after)
    low, high = estimate - math.sqrt(max(d_low, 0.0)), estimate + math.sqrt(max(d_high, 0.0))
    discordant = after_only + before_only
    p_value = None
    if discordant > 0:
        table = [[both, after_only], [before_only, neither]]
        exact = discordant < EXACT_BELOW
        p_value = float(mcnemar(table, exact=exact, correction=False).pvalue)
    return StatResult(
        PAIRED, estimate, low, high, level, sizes, p_value, None, judge(low, high, direction)
    )
