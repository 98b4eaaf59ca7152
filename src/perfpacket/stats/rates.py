"""Event rates: the ratio of two Poisson rates with its exact conditional interval."""

from __future__ import annotations

from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson, test_poisson_2indep

from perfpacket.stats.result import (
    Code,
    StatResult,
    check_level,
    degenerate,
    judge,
)
from perfpacket.vocab import Direction, Verdict

RATE_RATIO = "Poisson rate ratio, exact conditional (Clopper-Pearson) interval"


def poisson_rate_ratio(
    events_after: int,
    exposure_after: float,
    events_before: int,
    exposure_before: float,
    level: float = 0.95,
    direction: Direction = Direction.LOWER_IS_BETTER,
) -> StatResult:
    """(events_after / exposure_after) / (events_before / exposure_before); 1 is no change.

    Exposure is whatever the events are counted over: days, releases, requests.
    """
    check_level(level)
    sizes = {"events_after": events_after, "events_before": events_before}
    if exposure_after <= 0 or exposure_before <= 0 or min(events_after, events_before) < 0:
        return degenerate(RATE_RATIO, Code.INVALID_COUNTS, level, sizes)
    if events_after + events_before == 0:
        return degenerate(RATE_RATIO, Code.NO_DATA, level, sizes)
    if events_before == 0:
        return degenerate(RATE_RATIO, Code.ZERO_BASELINE, level, sizes)
    # Conditioned on the total, events_after is binomial with p = R·e1 / (R·e1 + e0): the
    # Clopper-Pearson interval of p, turned back into a rate ratio, is the exact interval
    # (as R's poisson.test computes it).
    total = events_after + events_before
    p_low, p_high = proportion_confint(events_after, total, alpha=1 - level, method="beta")
    scale = exposure_before / exposure_after
    low = float(p_low) / (1 - float(p_low)) * scale
    high = float(p_high) / (1 - float(p_high)) * scale  # p_high < 1: events_before > 0
    test = test_poisson_2indep(
        events_after,
        exposure_after,
        events_before,
        exposure_before,
        method="exact-cond",
        compare="ratio",
    )
    estimate = (events_after / exposure_after) / (events_before / exposure_before)
    return StatResult(
        RATE_RATIO,
        estimate,
        low,
        high,
        level,
        sizes,
        float(test.pvalue),
        None,
        judge(low, high, direction, null_value=1.0),
    )


RATE = "Poisson rate, exact (Garwood) interval"


def poisson_rate_interval(events: int, exposure: float, level: float = 0.95) -> StatResult:
    """events / exposure with the exact interval: a level, so no verdict."""
    check_level(level)
    sizes = {"events": events}
    if exposure <= 0 or events < 0:
        return degenerate(RATE, Code.INVALID_COUNTS, level, sizes)
    low, high = confint_poisson(events, exposure, method="exact-c", alpha=1 - level)
    low, high = float(low), float(high)
    return StatResult(
        RATE,
        events / exposure,
        low,
        high,
        level,
        sizes,
        None,
        None,
        Verdict.NO_VERDICT,
    )
