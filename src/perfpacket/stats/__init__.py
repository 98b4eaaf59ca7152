"""Statistics: pure functions returning frozen :class:`StatResult` values; no I/O."""

from perfpacket.stats.ab import Proportion, ab_test
from perfpacket.stats.bootstrap import bca_mean_diff_interval, bca_mean_interval
from perfpacket.stats.counterfactual import averted_events
from perfpacket.stats.means import (
    SampleMean,
    mean_interval,
    paired_diff_interval,
    welch_diff_interval,
)
from perfpacket.stats.paired import paired_proportion_diff
from perfpacket.stats.proportion import newcombe_diff_interval, wilson_interval
from perfpacket.stats.quantile import (
    QuantileSummary,
    order_statistic_ranks,
    quantile_diff_from_summaries,
    quantile_diff_interval,
    quantile_summary,
)
from perfpacket.stats.rates import poisson_rate_interval, poisson_rate_ratio
from perfpacket.stats.result import (
    Code,
    StatResult,
    as_level,
    judge,
    judge_target,
    judged_against,
)
from perfpacket.stats.trend import (
    ChangePoints,
    SegmentedFit,
    change_points,
    segmented_regression,
)
from perfpacket.vocab import Direction, Verdict

__all__ = [
    "ChangePoints",
    "Code",
    "Direction",
    "Proportion",
    "QuantileSummary",
    "SampleMean",
    "SegmentedFit",
    "StatResult",
    "Verdict",
    "ab_test",
    "as_level",
    "averted_events",
    "bca_mean_diff_interval",
    "bca_mean_interval",
    "change_points",
    "judge",
    "judge_target",
    "judged_against",
    "mean_interval",
    "newcombe_diff_interval",
    "order_statistic_ranks",
    "paired_diff_interval",
    "paired_proportion_diff",
    "poisson_rate_interval",
    "poisson_rate_ratio",
    "quantile_diff_from_summaries",
    "quantile_diff_interval",
    "quantile_summary",
    "segmented_regression",
    "welch_diff_interval",
    "wilson_interval",
]
