"""Event rates: one rate with its exact interval, the ratio of two with its exact conditional
interval, and the events a change averted at the rate before it."""

from __future__ import annotations

import warnings

from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson, confint_poisson_2indep, test_poisson_2indep

from perfpacket.stats.result import (
    Code,
    StatResult,
    check_level,
    degenerate,
    judge,
)
from perfpacket.vocab import Direction, Verdict

RATE_RATIO = "Poisson rate ratio, exact conditional (Clopper-Pearson) interval"


def _two_rates_refused(
    method: str,
    events: tuple[int, int],
    exposures: tuple[float, float],
    level: float,
    sizes: dict[str, int],
) -> StatResult | None:
    """Why two counts over their exposures cannot be compared, or None when they can."""
    if min(exposures) <= 0 or min(events) < 0:
        return degenerate(method, Code.INVALID_COUNTS, level, sizes)
    if sum(events) == 0:
        return degenerate(method, Code.NO_DATA, level, sizes)
    return None


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
    events, exposures = (events_after, events_before), (exposure_after, exposure_before)
    refused = _two_rates_refused(RATE_RATIO, events, exposures, level, sizes)
    if refused is not None:
        return refused
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


AVERTED_AT_BASE_RATE = (
    "events averted at the base rate = exposure after × (rate before − rate after), "
    "score interval of the Poisson rate difference (Miettinen-Nurminen)"
)


def averted_at_base_rate(
    events_before: int,
    exposure_before: float,
    events_after: int,
    exposure_after: float,
    level: float = 0.95,
) -> StatResult:
    """Events that did not happen after a change, had the rate before it held: the
    counterfactual ``exposure_after × (events_before / exposure_before)`` less what was seen,
    with the score interval of the rate difference (Miettinen and Nurminen 1985, as
    statsmodels' ``confint_poisson_2indep(compare="diff", method="score")``) scaled by the
    exposure after. "Improved" only when the whole interval is above zero.
    """
    check_level(level)
    sizes = {"events_before": events_before, "events_after": events_after}
    events, exposures = (events_before, events_after), (exposure_before, exposure_after)
    refused = _two_rates_refused(AVERTED_AT_BASE_RATE, events, exposures, level, sizes)
    if refused is not None:
        return refused
    with warnings.catch_warnings():  # a zero count divides by zero inside the ratio it prints
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = confint_poisson_2indep(
            events_before,
            exposure_before,
            events_after,
            exposure_after,
            method="score",
            compare="diff",
            alpha=1 - level,
        )
        p = test_poisson_2indep(
            events_before,
            exposure_before,
            events_after,
            exposure_after,
            method="score",
            compare="diff",
        ).pvalue
    estimate = exposure_after * (events_before / exposure_before - events_after / exposure_after)
    low, high = exposure_after * float(low), exposure_after * float(high)
    return StatResult(
        AVERTED_AT_BASE_RATE,
        estimate,
        low,
        high,
        level,
        sizes,
        float(p),
        None,
        judge(low, high, Direction.HIGHER_IS_BETTER),
    )
