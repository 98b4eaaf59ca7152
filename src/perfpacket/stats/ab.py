"""A/B readouts: the frequentist two-sided t-test as GrowthBook's stats engine defines it,
with the checks a growth team relies on before it believes one.

Absolute lift is mean(T) - mean(C); relative lift is that over mean(C), with its variance from
the delta method. Degrees of freedom are Welch's in both cases. Arms may be conversions
(:class:`Proportion`), means (:class:`SampleMean`), ratio metrics such as cost per request
(:class:`Ratio`, delta method) or means with a pre-period covariate (:class:`Cuped`, CUPED
with GrowthBook's pooled theta). :func:`srm_p_value` is the sample-ratio-mismatch check
(chi-square against the planned split) and :func:`minimum_detectable_effect` the power line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from scipy import stats as sps

from perfpacket.stats.means import SampleMean, welch_df
from perfpacket.stats.result import (
    Code,
    StatResult,
    check_level,
    degenerate,
    judge,
)
from perfpacket.vocab import Direction, Verdict

ABSOLUTE = "A/B two-sided t-test, absolute lift (Welch df)"
RELATIVE = "A/B two-sided t-test, relative lift (delta method, Welch df)"
SRM_THRESHOLD = 0.001  # GrowthBook's and Eppo's default: below it the split is not trusted
POWER = 0.8


@dataclass(frozen=True)
class Proportion:
    """A conversion metric: x converted users out of n."""

    x: int
    n: int

    def as_sample_mean(self) -> SampleMean:
        # For 0/1 data the sum of squares equals the sum.
        return SampleMean(float(self.x), float(self.x), self.n)


@dataclass(frozen=True)
class Ratio:
    """A ratio metric per unit (cost per request, tokens per session): the numerator's and the
    denominator's sums over units, and the sum of their products."""

    numerator: SampleMean
    denominator: SampleMean
    sum_products: float

    @property
    def n(self) -> int:
        return self.numerator.n

    @property
    def mean(self) -> float:
        return self.numerator.sum / self.denominator.sum

    @property
    def variance(self) -> float:
        """Per-unit variance of the ratio by the delta method:
        var_m/d² + var_d·m²/d⁴ − 2·cov·m/d³ at the means m, d."""
        m, d = self.numerator.mean, self.denominator.mean
        cov = _covariance(self.numerator, self.denominator, self.sum_products)
        var_m, var_d = self.numerator.variance, self.denominator.variance
        return max(var_m / d**2 + var_d * m**2 / d**4 - 2 * cov * m / d**3, 0.0)


@dataclass(frozen=True)
class Cuped:
    """A mean metric with its pre-period covariate: post and pre sums and their products."""

    post: SampleMean
    pre: SampleMean
    sum_products: float

    @property
    def n(self) -> int:
        return self.post.n

    @property
    def covariance(self) -> float:
        return _covariance(self.post, self.pre, self.sum_products)

    def adjusted(self, theta: float) -> tuple[float, float]:
        """The CUPED mean and per-unit variance at ``theta``."""
        mean = self.post.mean - theta * self.pre.mean
        var = self.post.variance + theta**2 * self.pre.variance - 2 * theta * self.covariance
        return mean, max(var, 0.0)


Arm = Proportion | SampleMean | Ratio | Cuped


def _covariance(a: SampleMean, b: SampleMean, sum_products: float) -> float:
    return (sum_products - a.sum * b.sum / a.n) / (a.n - 1)


def pooled_theta(control: Cuped, treatment: Cuped) -> float:
    """GrowthBook's theta: the covariance of post and pre over both arms together, over the
    variance of pre (0 when either has no variance)."""
    n = control.n + treatment.n
    post = SampleMean(
        control.post.sum + treatment.post.sum,
        control.post.sum_squares + treatment.post.sum_squares,
        n,
    )
    pre = SampleMean(
        control.pre.sum + treatment.pre.sum, control.pre.sum_squares + treatment.pre.sum_squares, n
    )
    if pre.variance == 0 or post.variance == 0:
        return 0.0
    return _covariance(post, pre, control.sum_products + treatment.sum_products) / pre.variance


def impossible(arm: Arm) -> str | None:
    """Why summary statistics cannot come from any data, or None: a negative count, a sum of
    squares below sum²/n (a negative variance), conversions outside 0..n."""
    moments: list[SampleMean] = []
    if isinstance(arm, Proportion):
        if arm.n < 0 or not 0 <= arm.x <= arm.n:
            return f"{arm.x} conversions out of {arm.n} users"
        return None
    if isinstance(arm, SampleMean):
        moments = [arm]
    elif isinstance(arm, Ratio):
        moments = [arm.numerator, arm.denominator]
    else:
        moments = [arm.post, arm.pre]
    for m in moments:
        if m.n < 0:
            return f"n = {m.n} is negative"
        if m.n and m.sum_squares < m.sum**2 / m.n * (1 - 1e-9) - 1e-12:
            return (
                f"sum of squares {m.sum_squares:g} is below sum²/n = {m.sum**2 / m.n:g}: "
                "no data has a negative variance"
            )
    return None


def _variance(stat: SampleMean | Proportion) -> tuple[SampleMean, float]:
    if isinstance(stat, Proportion):
        mean = stat.as_sample_mean()
        p = stat.x / stat.n
        # GrowthBook uses p(1 - p) for proportions, not the n - 1 sample variance.
        return mean, p * (1 - p)
    return stat, stat.variance


def _moments(
    control: Arm, treatment: Arm
) -> tuple[float, float, float, float, float, float | None]:
    """(mean_c, var_c, mean_t, var_t, baseline, theta): per-unit means and variances, the
    control's unadjusted mean that relative lift divides by, and CUPED's theta if any."""
    if isinstance(control, Cuped) and isinstance(treatment, Cuped):
        theta = pooled_theta(control, treatment)
        mc, vc = control.adjusted(theta)
        mt, vt = treatment.adjusted(theta)
        return mc, vc, mt, vt, control.post.mean, theta
    if isinstance(control, Ratio) and isinstance(treatment, Ratio):
        return (
            control.mean,
            control.variance,
            treatment.mean,
            treatment.variance,
            control.mean,
            None,
        )
    assert isinstance(control, Proportion | SampleMean)
    assert isinstance(treatment, Proportion | SampleMean)
    c, var_c = _variance(control)
    t, var_t = _variance(treatment)
    return c.mean, var_c, t.mean, var_t, c.mean, None


def _method(control: Arm, relative: bool) -> str:
    base = RELATIVE if relative else ABSOLUTE
    if isinstance(control, Ratio):
        return base + ", ratio metric by the delta method"
    if isinstance(control, Cuped):
        return base + ", CUPED with a pre-period covariate (pooled theta)"
    return base


def ab_test(
    control: Arm,
    treatment: Arm,
    relative: bool = True,
    level: float = 0.95,
    direction: Direction = Direction.HIGHER_IS_BETTER,
) -> StatResult:
    """Lift of treatment over control with its interval and two-sided p-value."""
    check_level(level)
    if type(control) is not type(treatment):
        raise TypeError("control and treatment must be the same kind of metric")
    method = _method(control, relative)
    sizes = {"control": control.n, "treatment": treatment.n}
    if impossible(control) or impossible(treatment):
        code = Code.INVALID_COUNTS if isinstance(control, Proportion) else Code.IMPOSSIBLE_MOMENTS
        return degenerate(method, code, level, sizes)
    if control.n == 0 or treatment.n == 0:
        return degenerate(method, Code.NO_DATA, level, sizes)
    if control.n < 2 or treatment.n < 2:
        return degenerate(method, Code.TOO_FEW_SAMPLES, level, sizes)
    no_denominator = (
        isinstance(control, Ratio)
        and isinstance(treatment, Ratio)
        and (control.denominator.sum == 0 or treatment.denominator.sum == 0)
    )
    if no_denominator:
        return degenerate(method, Code.ZERO_BASELINE, level, sizes)
    mean_c, var_c, mean_t, var_t, baseline, theta = _moments(control, treatment)
    if var_c == 0 and var_t == 0:
        return degenerate(method, Code.ZERO_VARIANCE, level, sizes)
    n_c, n_t = control.n, treatment.n
    if relative:
        # Relative lift over a zero or negative baseline has no meaning: the sign would invert.
        if baseline == 0:
            return degenerate(method, Code.ZERO_BASELINE, level, sizes)
        if baseline < 0:
            return degenerate(method, Code.NEGATIVE_BASELINE, level, sizes)
        estimate = (mean_t - mean_c) / baseline
        if isinstance(control, Cuped) and isinstance(treatment, Cuped) and theta is not None:
            variance = _relative_cuped_variance(control, treatment, theta, var_t)
        else:
            variance = var_t / (n_t * mean_c**2) + var_c * mean_t**2 / (n_c * mean_c**4)
    else:
        estimate = mean_t - mean_c
        variance = var_t / n_t + var_c / n_c
    se = math.sqrt(variance)
    if se == 0:  # variances below what floating point can hold
        return degenerate(method, Code.ZERO_VARIANCE, level, sizes)
    df = welch_df(var_t, n_t, var_c, n_c)
    half = float(sps.t.ppf(1 - (1 - level) / 2, df)) * se
    p = float(2 * sps.t.sf(abs(estimate) / se, df))
    low, high = estimate - half, estimate + half
    return StatResult(
        method, estimate, low, high, level, sizes, p, None, judge(low, high, direction)
    )


def _relative_cuped_variance(control: Cuped, treatment: Cuped, theta: float, var_t: float) -> float:
    """Delta-method variance of (adjusted T − adjusted C) / unadjusted mean(C): the control's
    unadjusted mean is itself estimated, so its post variance and its covariance with pre
    enter through the denominator (GrowthBook's relative CUPED variance)."""
    base = control.post.mean
    v_t = var_t / (treatment.n * base**2)
    k = -treatment.post.mean / base
    v_c = (
        control.post.variance * k**2
        + 2 * theta * control.covariance * k
        + theta**2 * control.pre.variance
    ) / (control.n * base**2)
    return v_t + v_c


def srm_p_value(counts: Sequence[int], weights: Sequence[float] | None = None) -> float:
    """Sample-ratio-mismatch check: the chi-square goodness-of-fit p-value of the arms' unit
    counts against the planned split (equal by default)."""
    planned = list(weights) if weights else [1.0] * len(counts)
    total = sum(counts)
    if total == 0:
        return 1.0
    expected = [w / sum(planned) * total for w in planned]
    return float(sps.chisquare(list(counts), expected).pvalue)


def with_srm_check(result: StatResult, p: float) -> StatResult:
    """The readout as a growth team reads it: a split this unlikely under the plan makes the
    lift untrustworthy, whatever its interval says."""
    if result.code is None and p < SRM_THRESHOLD:
        return replace(result, verdict=Verdict.SAMPLE_RATIO_MISMATCH)
    return result


def minimum_detectable_effect(result: StatResult, power: float = POWER) -> float | None:
    """The smallest true lift this test would detect with ``power`` at its own level: the
    standard error behind the interval times (z for the level + z for the power)."""
    if result.code is not None or result.ci_low is None or result.ci_high is None:
        return None
    z_level = float(sps.norm.ppf(1 - (1 - result.ci_level) / 2))
    se = (result.ci_high - result.ci_low) / 2 / z_level
    return (z_level + float(sps.norm.ppf(power))) * se
