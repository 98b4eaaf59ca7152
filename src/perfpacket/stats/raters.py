"""Rater effects: a severe rater told from a weak cohort, with intervals.

The model is a linear mixed model (statsmodels ``MixedLM``) of each rating on the rater as a
fixed effect, coded to sum to zero, and the candidate as a random intercept: the rating a
candidate gets is their standing plus the rater's severity plus noise, candidates and raters
crossed. Raters are fixed because a committee has a handful and each one's severity is the
question (its interval comes from the fixed-effect standard error); candidates are random
because they are many and their adjusted score should borrow strength from the cohort (their
intervals come from the conditional variance of the random effect). A many-facet Rasch model
would treat the scale as ordinal; with four rating levels and a few dozen ratings it does not
converge reliably, and the linear model's severities are what a committee reads.

Severities can only be compared between raters joined by shared candidates: the model is fit
only when the rater–candidate graph is connected, and otherwise says which raters cannot be
compared. Reliability is Krippendorff's alpha for ordinal data (the ``krippendorff`` package)
with a bootstrap interval over candidates; raters whose distribution differs from the rest
are flagged by Mann–Whitney tests with a Holm correction.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Z95 = 1.959963984540054
MIN_RATINGS = 6
BOOTSTRAP = 2_000


@dataclass(frozen=True)
class Effect:
    """A severity or an adjusted score, with its interval."""

    name: str
    n: int
    estimate: float
    low: float
    high: float
    raw: float | None = None  # a candidate's raw mean rating


@dataclass
class RaterModel:
    fitted: bool
    reason: str  # why not fitted, or the method
    raters: list[Effect] = field(default_factory=list)
    candidates: list[Effect] = field(default_factory=list)
    groups: list[list[str]] = field(default_factory=list)  # raters in each connected part

    def reason_for(self, shown_as: dict[str, str]) -> str:
        """The reason, raters named as the reader sees them (names, or blind labels)."""
        if len(self.groups) < 2:
            return self.reason
        listed = "; ".join(", ".join(shown_as.get(r, r) for r in g) for g in self.groups)
        return (
            "raters in different groups share no candidate, so their severities cannot be "
            f"compared: {listed}"
        )


def connected_groups(ratings: Sequence[tuple[str, str, float]]) -> list[list[str]]:
    """The raters in each connected part of the rater–candidate graph (largest first)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    raters = sorted({r for r, _c, _v in ratings})
    candidates = sorted({c for _r, c, _v in ratings})
    index = {f"r:{r}": i for i, r in enumerate(raters)}
    index |= {f"c:{c}": len(raters) + i for i, c in enumerate(candidates)}
    rows = [index[f"r:{r}"] for r, _c, _v in ratings]
    cols = [index[f"c:{c}"] for _r, c, _v in ratings]
    size = len(index)
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(size, size))
    _count, labels = connected_components(graph, directed=False)
    parts: dict[int, list[str]] = {}
    for i, r in enumerate(raters):
        parts.setdefault(int(labels[i]), []).append(r)
    return sorted(parts.values(), key=lambda p: (-len(p), p))


def fit_rater_effects(ratings: Sequence[tuple[str, str, float]], level: float = 0.95) -> RaterModel:
    """Rater severities and candidates' adjusted scores from ``(rater, candidate, value)``."""
    import pandas as pd
    import statsmodels.formula.api as smf

    if len(ratings) < MIN_RATINGS:
        return RaterModel(False, f"{len(ratings)} ratings: the model needs {MIN_RATINGS}")
    groups = connected_groups(ratings)
    if len(groups) > 1:
        listed = "; ".join(", ".join(g) for g in groups)
        return RaterModel(
            False,
            "raters in different groups share no candidate, so their severities cannot be "
            f"compared: {listed}",
            groups=groups,
        )
    raters = groups[0]
    if len(raters) < 2:
        return RaterModel(False, "one rater: severity is relative to other raters", groups=groups)
    frame = pd.DataFrame(ratings, columns=["rater", "candidate", "value"])
    z = _z(level)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; a failed fit is reported
        try:
            model = smf.mixedlm("value ~ C(rater, Sum)", frame, groups=frame["candidate"]).fit(
                reml=True, method=["lbfgs", "powell"]
            )
        except (ValueError, np.linalg.LinAlgError) as exc:
            return RaterModel(False, f"the model did not fit: {exc}", groups=groups)
    try:
        rater_out, cand_out = _effects(model, frame, raters, z)
    except (ValueError, KeyError, IndexError, np.linalg.LinAlgError) as exc:
        return RaterModel(False, f"the model did not fit: {exc}", groups=groups)
    return RaterModel(
        True,
        "linear mixed model: rater fixed (sum to zero), candidate random intercept (REML)",
        sorted(rater_out, key=lambda e: e.estimate),
        sorted(cand_out, key=lambda e: -e.estimate),
        groups,
    )


def _effects(
    model: Any, frame: Any, raters: list[str], z: float
) -> tuple[list[Effect], list[Effect]]:
    """Severities and adjusted scores with their intervals; a degenerate fit (a variance
    estimated at or below zero, a non-finite value) raises ValueError instead of showing NaN."""
    params, cov = model.fe_params, model.cov_params()
    names = [f"C(rater, Sum)[S.{r}]" for r in raters[:-1]]
    effects = [
        (r, float(params[t]), float(cov.loc[t, t])) for r, t in zip(raters[:-1], names, strict=True)
    ]
    # The last rater's effect is minus the sum of the others (sum-to-zero coding).
    last = -float(sum(params[n] for n in names))
    effects.append((raters[-1], last, float(cov.loc[names, names].to_numpy().sum())))
    counts = frame.groupby("rater").size()
    rater_out = []
    for r, est, var in effects:
        se = _root(var)
        rater_out.append(Effect(r, int(counts[r]), est, est - z * se, est + z * se))
    intercept = float(params["Intercept"])
    intercept_var = float(cov.loc["Intercept", "Intercept"])
    raw = frame.groupby("candidate")["value"].agg(["mean", "size"])
    conditional = model.random_effects_cov
    cand_out = []
    for cand, effect in model.random_effects.items():
        est = intercept + float(np.asarray(effect)[0])
        se = _root(float(np.asarray(conditional[cand])[0][0]) + intercept_var)
        mean, size = float(raw.loc[cand, "mean"]), int(raw.loc[cand, "size"])
        cand_out.append(Effect(str(cand), size, est, est - z * se, est + z * se, mean))
    values = [v for e in rater_out + cand_out for v in (e.estimate, e.low, e.high)]
    if not all(np.isfinite(values)):
        raise ValueError("the estimates are not finite")
    return rater_out, cand_out


def _root(variance: float) -> float:
    if not np.isfinite(variance) or variance < 0:
        raise ValueError("a variance was estimated below zero")
    return float(np.sqrt(variance))


def _z(level: float) -> float:
    from scipy.stats import norm

    return Z95 if level == 0.95 else float(norm.ppf(0.5 + level / 2))


@dataclass(frozen=True)
class Reliability:
    alpha: float | None
    low: float | None
    high: float | None
    units: int
    reason: str = ""


def ordinal_alpha(
    ratings: Sequence[tuple[str, str, float]], seed: int = 0, draws: int = BOOTSTRAP
) -> Reliability:
    """Krippendorff's alpha for ordinal data over candidates rated at least twice, with a
    percentile bootstrap interval over those candidates."""
    import krippendorff

    raters = sorted({r for r, _c, _v in ratings})
    by_candidate: dict[str, dict[str, float]] = {}
    for r, c, v in ratings:
        by_candidate.setdefault(c, {})[r] = v
    units = [c for c, given in by_candidate.items() if len(given) >= 2]
    if len(units) < 2:
        return Reliability(None, None, None, len(units), "fewer than two candidates rated twice")
    matrix = np.array(
        [[by_candidate[c].get(r, np.nan) for c in units] for r in raters], dtype=float
    )
    domain = np.unique(matrix[~np.isnan(matrix)])
    if len(domain) < 2:
        return Reliability(None, None, None, len(units), "every rating is the same")

    def alpha(m: np.ndarray) -> float:
        return float(
            krippendorff.alpha(
                reliability_data=m, level_of_measurement="ordinal", value_domain=domain
            )
        )

    point = alpha(matrix)
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(draws):
        pick = rng.integers(0, len(units), len(units))
        m = matrix[:, pick]
        if len(np.unique(m[~np.isnan(m)])) < 2:
            continue
        value = alpha(m)
        if np.isfinite(value):
            samples.append(value)
    if not np.isfinite(point) or not samples:
        return Reliability(None, None, None, len(units), "alpha is not defined for these ratings")
    low, high = (float(x) for x in np.percentile(samples, [2.5, 97.5]))
    return Reliability(point, low, high, len(units))


@dataclass(frozen=True)
class RaterDifference:
    rater: str
    n: int
    compared: int  # raters compared with on shared candidates
    differs_from: tuple[str, ...]  # those whose paired ratings differ after correction
    p_adjusted: float  # the smallest Holm-adjusted p-value among its comparisons

    @property
    def differs(self) -> bool:
        """Differs from most of the raters it can be compared with: the odd one out, not
        just a rater sitting next to the odd one."""
        return self.compared > 0 and len(self.differs_from) > self.compared / 2


MIN_SHARED = 5


def differing_raters(
    ratings: Sequence[tuple[str, str, float]], alpha: float = 0.05
) -> list[RaterDifference]:
    """Each pair of raters on the candidates both rated (Wilcoxon signed-rank on the paired
    differences), Holm-corrected over every pair; a rater is flagged when it differs from
    most of those it shares candidates with. Comparing one rater with everyone else would
    flag fair raters too, since the odd one shifts "everyone else"."""
    from itertools import combinations

    from scipy.stats import wilcoxon
    from statsmodels.stats.multitest import multipletests

    given: dict[str, dict[str, float]] = {}
    for r, c, v in ratings:
        given.setdefault(r, {})[c] = v
    pairs, pvalues = [], []
    for a, b in combinations(sorted(given), 2):
        shared = sorted(set(given[a]) & set(given[b]))
        diffs = [given[a][c] - given[b][c] for c in shared]
        if len(shared) < MIN_SHARED:
            continue
        p = float(wilcoxon(diffs, zero_method="zsplit").pvalue) if any(diffs) else 1.0
        pairs.append((a, b))
        pvalues.append(p)
    adjusted = multipletests(pvalues, alpha, "holm")[1] if pvalues else []
    out = []
    for rater in sorted(given):
        mine = [(pair, float(q)) for pair, q in zip(pairs, adjusted, strict=True) if rater in pair]
        differs = tuple(sorted(a if b == rater else b for (a, b), q in mine if q < alpha))
        out.append(
            RaterDifference(
                rater,
                len(given[rater]),
                len(mine),
                differs,
                min((q for _p, q in mine), default=1.0),
            )
        )
    return out


@dataclass(frozen=True)
class ManagerDifference:
    manager: str
    n: int  # their reports the committee also rated
    shift: float  # median of (manager's rating − committee's mean) on those candidates
    p_adjusted: float
    differs: bool


def manager_differences(
    managers: Sequence[tuple[str, str, float]],
    committee: Sequence[tuple[str, str, float]],
    alpha: float = 0.05,
) -> list[ManagerDifference]:
    """Each manager's ratings of their reports against the committee's mean rating of the
    same candidates (Wilcoxon signed-rank), Holm-corrected over managers: a manager who rates
    their own people higher than the committee does, told apart from one with strong reports.
    Managers rate different people, so each is compared on their own candidates only."""
    from scipy.stats import wilcoxon
    from statsmodels.stats.multitest import multipletests

    panel: dict[str, list[float]] = {}
    for _r, c, v in committee:
        panel.setdefault(c, []).append(v)
    shifts: dict[str, list[float]] = {}
    for m, c, v in managers:
        if c in panel:
            shifts.setdefault(m, []).append(v - float(np.mean(panel[c])))
    tested = [(m, d) for m, d in sorted(shifts.items()) if len(d) >= 2]
    if not tested:
        return []
    pvalues = [
        float(wilcoxon(d, zero_method="zsplit").pvalue) if any(d) else 1.0 for _m, d in tested
    ]
    reject, adjusted, _s, _b = multipletests(pvalues, alpha, "holm")
    return [
        ManagerDifference(m, len(d), float(np.median(d)), float(q), bool(r))
        for (m, d), q, r in zip(tested, adjusted, reject, strict=True)
    ]
