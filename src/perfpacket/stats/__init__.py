"""Statistics: pure functions returning frozen :class:`StatResult` values; no I/O."""

from perfpacket.stats.ab import Proportion, ab_test
from perfpacket.stats.counterfactual import averted_events
from perfpacket.stats.means import (
    SampleMean,
    mean_interval,
    paired_diff_interval,
    welch_diff_interval,
)
from perfpacket.stats.proportion import newcombe_diff_interval, wilson_interval
from perfpacket.stats.result import Code, Direction, StatResult, Verdict, judge

__all__ = [
    "Code",
    "Direction",
    "Proportion",
    "SampleMean",
    "StatResult",
    "Verdict",
    "ab_test",
    "averted_events",
    "judge",
    "mean_interval",
    "newcombe_diff_interval",
    "paired_diff_interval",
    "welch_diff_interval",
    "wilson_interval",
]
