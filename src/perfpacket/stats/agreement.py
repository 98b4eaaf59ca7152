"""Agreement between two raters of the same items (a judge model and a person), and the share
of an error budget a graded sample burns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from perfpacket.stats.proportion import wilson_interval
from perfpacket.stats.result import Code, StatResult, check_level, degenerate
from perfpacket.vocab import Verdict

KAPPA = "Cohen's kappa, asymptotic interval (Fleiss, Cohen and Everitt 1969)"


def agreement_table(pairs: Iterable[tuple[bool, bool]]) -> list[list[int]]:
    """The 2×2 table of two raters' yes/no labels of the same items: rows the first rater's
    (yes, no), columns the second's (yes, no)."""
    table = [[0, 0], [0, 0]]
    for first, second in pairs:
        table[0 if first else 1][0 if second else 1] += 1
    return table


def cohens_kappa_interval(table: list[list[int]], level: float = 0.95) -> StatResult:
    """Cohen's kappa of a square table of counts (rows: one rater's labels, columns: the
    other's, in the same order) with the asymptotic interval statsmodels computes from the
    Fleiss–Cohen–Everitt variance. A level, so no verdict; judge it against a target with
    :func:`perfpacket.stats.judged_against`."""
    check_level(level)
    n = sum(sum(row) for row in table)
    sizes = {"n": int(n)}
    if n == 0:
        return degenerate(KAPPA, Code.NO_DATA, level, sizes)
    if any(c < 0 for row in table for c in row) or any(len(row) != len(table) for row in table):
        return degenerate(KAPPA, Code.INVALID_COUNTS, level, sizes)
    if n < 2:
        return degenerate(KAPPA, Code.TOO_FEW_SAMPLES, level, sizes)
    rows = [sum(row) for row in table]
    cols = [sum(col) for col in zip(*table, strict=True)]
    # Chance agreement of 1: both raters gave one label to every item, and kappa is 0/0.
    if sum(r * c for r, c in zip(rows, cols, strict=True)) == n * n:
        return degenerate(KAPPA, Code.ZERO_VARIANCE, level, sizes)
    import numpy as np
    from scipy.stats import norm
    from statsmodels.stats.inter_rater import cohens_kappa

    # statsmodels also computes a z-test under "kappa = 0", whose variance is 0 when one rater
    # gave one label throughout; that test is not used here, so its 0/0 is not a warning.
    with np.errstate(invalid="ignore", divide="ignore"):
        res = cohens_kappa(table)
    kappa, half = float(res["kappa"]), float(norm.isf((1 - level) / 2) * res["std_kappa"])
    return StatResult(
        method=KAPPA,
        estimate=kappa,
        ci_low=kappa - half,
        ci_high=kappa + half,
        ci_level=level,
        sample_sizes=sizes,
        verdict=Verdict.NO_VERDICT,
    )


def budget_burn(failed: int, n: int, budget: float, level: float = 0.95) -> StatResult:
    """The share of an error budget a sample burns: its failure rate (Wilson interval) divided
    by the failure rate the SLO allows (``budget`` = 1 − SLO). 1 is the whole budget; the
    interval is the Wilson interval scaled, so it covers exactly as the rate's does."""
    if not 0.0 < budget < 1.0:
        raise ValueError(f"an error budget is a rate between 0 and 1, got {budget!r}")
    rate = wilson_interval(failed, n, level)
    method = f"failure rate over the error budget {budget:g}, Wilson score interval"
    if rate.code is not None:
        return replace(rate, method=method)
    assert rate.estimate is not None and rate.ci_low is not None and rate.ci_high is not None
    return replace(
        rate,
        method=method,
        estimate=rate.estimate / budget,
        ci_low=rate.ci_low / budget,
        ci_high=rate.ci_high / budget,
    )
