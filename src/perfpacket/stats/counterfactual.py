"""Counterfactual estimators for prevented outcomes, each with its assumptions named."""

from __future__ import annotations

from perfpacket.stats.proportion import wilson_interval
from perfpacket.stats.result import (
    Code,
    StatResult,
    check_level,
    degenerate,
    judge,
)
from perfpacket.vocab import Direction

AVERTED = "averted events = trips × P(unguarded bad release → incident), Wilson interval propagated"


def averted_events(
    trips: int,
    historical_incidents: int,
    historical_bad_releases: int,
    level: float = 0.95,
) -> StatResult:
    """Incidents a guard averted: its trip count times the historical rate at which an
    unguarded bad release became an incident. The trip count is observed exactly, so the
    interval is the rate's Wilson interval scaled by the trips.
    """
    check_level(level)
    sizes = {"trips": trips, "historical_bad_releases": historical_bad_releases}
    if trips < 0:
        return degenerate(AVERTED, Code.INVALID_COUNTS, level, sizes)
    rate = wilson_interval(historical_incidents, historical_bad_releases, level)
    if rate.code is not None or rate.estimate is None:
        return degenerate(AVERTED, rate.code or Code.NO_DATA, level, sizes)
    assert rate.ci_low is not None and rate.ci_high is not None
    low, high = trips * rate.ci_low, trips * rate.ci_high
    return StatResult(
        AVERTED,
        trips * rate.estimate,
        low,
        high,
        level,
        sizes,
        None,
        None,
        judge(low, high, Direction.HIGHER_IS_BETTER),
    )
