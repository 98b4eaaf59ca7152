"""Statistics: pure functions returning frozen :class:`StatResult` values; no I/O.

Importing the package loads nothing heavy: each name is imported from its module on first use
(scipy, statsmodels and pandas are loaded by the methods that need them), so a command that only
reads stored claims never pays for the statistics stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from perfpacket._lazy import lazy_exports

if TYPE_CHECKING:
    from perfpacket.stats.ab import Proportion, ab_test
    from perfpacket.stats.agreement import (
        agreement_table,
        budget_burn,
        cohens_kappa_interval,
    )
    from perfpacket.stats.bootstrap import bca_mean_diff_interval, bca_mean_interval
    from perfpacket.stats.counterfactual import averted_events
    from perfpacket.stats.means import (
        SampleMean,
        mean_interval,
        paired_diff_interval,
        welch_diff_interval,
    )
    from perfpacket.stats.paired import paired_proportion_diff
    from perfpacket.stats.proportion import (
        diff_in_diff_wald,
        newcombe_diff_interval,
        wilson_interval,
    )
    from perfpacket.stats.quantile import (
        QuantileSummary,
        order_statistic_ranks,
        quantile_diff_from_summaries,
        quantile_diff_interval,
        quantile_summary,
    )
    from perfpacket.stats.rates import (
        averted_at_base_rate,
        poisson_rate_interval,
        poisson_rate_ratio,
    )
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

_WHERE = {
    "ChangePoints": "perfpacket.stats.trend",
    "Code": "perfpacket.stats.result",
    "Direction": "perfpacket.vocab",
    "Proportion": "perfpacket.stats.ab",
    "QuantileSummary": "perfpacket.stats.quantile",
    "SampleMean": "perfpacket.stats.means",
    "SegmentedFit": "perfpacket.stats.trend",
    "StatResult": "perfpacket.stats.result",
    "Verdict": "perfpacket.vocab",
    "ab_test": "perfpacket.stats.ab",
    "agreement_table": "perfpacket.stats.agreement",
    "as_level": "perfpacket.stats.result",
    "averted_at_base_rate": "perfpacket.stats.rates",
    "averted_events": "perfpacket.stats.counterfactual",
    "bca_mean_diff_interval": "perfpacket.stats.bootstrap",
    "budget_burn": "perfpacket.stats.agreement",
    "cohens_kappa_interval": "perfpacket.stats.agreement",
    "bca_mean_interval": "perfpacket.stats.bootstrap",
    "change_points": "perfpacket.stats.trend",
    "diff_in_diff_wald": "perfpacket.stats.proportion",
    "judge": "perfpacket.stats.result",
    "judge_target": "perfpacket.stats.result",
    "judged_against": "perfpacket.stats.result",
    "mean_interval": "perfpacket.stats.means",
    "newcombe_diff_interval": "perfpacket.stats.proportion",
    "order_statistic_ranks": "perfpacket.stats.quantile",
    "paired_diff_interval": "perfpacket.stats.means",
    "paired_proportion_diff": "perfpacket.stats.paired",
    "poisson_rate_interval": "perfpacket.stats.rates",
    "poisson_rate_ratio": "perfpacket.stats.rates",
    "quantile_diff_from_summaries": "perfpacket.stats.quantile",
    "quantile_diff_interval": "perfpacket.stats.quantile",
    "quantile_summary": "perfpacket.stats.quantile",
    "segmented_regression": "perfpacket.stats.trend",
    "welch_diff_interval": "perfpacket.stats.means",
    "wilson_interval": "perfpacket.stats.proportion",
}


__getattr__ = lazy_exports(__name__, _WHERE)


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
    "agreement_table",
    "as_level",
    "averted_at_base_rate",
    "averted_events",
    "bca_mean_diff_interval",
    "bca_mean_interval",
    "budget_burn",
    "change_points",
    "cohens_kappa_interval",
    "diff_in_diff_wald",
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
