"""The frozen result every statistics function returns, and the verdict rule."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

from perfpacket.vocab import Direction, Verdict


class Code(StrEnum):
    """Why a result carries no usable estimate or interval."""

    NO_DATA = "NO_DATA"
    ZERO_VARIANCE = "ZERO_VARIANCE"
    TOO_FEW_SAMPLES = "TOO_FEW_SAMPLES"
    INVALID_COUNTS = "INVALID_COUNTS"
    ZERO_BASELINE = "ZERO_BASELINE"
    NEGATIVE_BASELINE = "NEGATIVE_BASELINE"
    IMPOSSIBLE_MOMENTS = "IMPOSSIBLE_MOMENTS"


@dataclass(frozen=True)
class StatResult:
    """An estimate with its interval. ``code`` is set when the data could not support one."""

    method: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    ci_level: float
    sample_sizes: dict[str, int] = field(default_factory=dict)
    p_value: float | None = None
    code: Code | None = None
    verdict: Verdict = Verdict.INSUFFICIENT_DATA

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["code"] = self.code.value if self.code else None
        data["verdict"] = self.verdict.value
        return data


def judge(
    ci_low: float | None,
    ci_high: float | None,
    direction: Direction,
    null_value: float = 0.0,
) -> Verdict:
    """An interval containing the null value is no detectable change, whatever the estimate."""
    if ci_low is None or ci_high is None or math.isnan(ci_low) or math.isnan(ci_high):
        return Verdict.INSUFFICIENT_DATA
    if ci_low <= null_value <= ci_high:
        return Verdict.NO_DETECTABLE_CHANGE
    above = ci_low > null_value
    if above == (direction is Direction.HIGHER_IS_BETTER):
        return Verdict.IMPROVED
    return Verdict.REGRESSED


def degenerate(
    method: str, code: Code, level: float, sample_sizes: dict[str, int] | None = None
) -> StatResult:
    """A result that says plainly why there is no estimate."""
    return StatResult(
        method=method,
        estimate=None,
        ci_low=None,
        ci_high=None,
        ci_level=level,
        sample_sizes=sample_sizes or {},
        code=code,
        verdict=Verdict.INSUFFICIENT_DATA,
    )


def check_level(level: float) -> None:
    """Reject a confidence level outside (0, 1); a programming error, not degenerate data."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"confidence level must be between 0 and 1, got {level!r}")


def judge_target(
    ci_low: float | None, ci_high: float | None, direction: Direction, target: float
) -> Verdict:
    """A level against a target: met only when the whole interval is on the good side."""
    verdict = judge(ci_low, ci_high, direction, null_value=target)
    return {
        Verdict.IMPROVED: Verdict.MEETS_TARGET,
        Verdict.REGRESSED: Verdict.MISSES_TARGET,
        Verdict.NO_DETECTABLE_CHANGE: Verdict.TARGET_UNDECIDED,
    }.get(verdict, verdict)


def judged_against(
    result: StatResult, target: float, direction: Direction, label: str
) -> StatResult:
    """The same level judged against a target: ``meets_target`` when its interval lies wholly
    on the good side of the target, ``misses_target`` wholly on the bad side, otherwise
    ``target_undecided``."""
    if result.code is not None:
        return result
    return replace(
        result,
        method=f"{result.method}, judged against {label}",
        verdict=judge_target(result.ci_low, result.ci_high, direction, target),
    )


def as_level(result: StatResult) -> StatResult:
    """A level or count reported as what it is: no verdict unless the data gave none."""
    if result.code is not None:
        return result
    return replace(result, verdict=Verdict.NO_VERDICT)
