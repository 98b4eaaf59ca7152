"""The claim a recipe proposes: a statistic in business units, with provenance and value."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

from perfpacket.claims.value import Value
from perfpacket.slugs import slugify
from perfpacket.stats.result import StatResult
from perfpacket.vocab import ClaimRole, Comparison, Direction

# How a before/after claim's assumption starts: the design has no control group.
NO_CONTROL = "no control group"


@dataclass(frozen=True)
class ClaimDraft:
    """A computed claim before it is stored. Numbers are in ``unit`` (already scaled)."""

    slug: str
    title: str
    recipe: str
    metric: str
    unit: str
    direction: Direction
    comparison: Comparison
    result: StatResult
    scale: float = 1.0
    baseline: float | None = None
    current: float | None = None
    value: Value | None = None
    attribution: dict[str, Any] = field(default_factory=dict)
    dimensions: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    evidence_ids: tuple[int, ...] = ()
    # Records among evidence_ids cited as a base rate or a comparison, not as the person's work
    # (the incidents before a kill switch): they name no partner and show no role.
    context_ids: tuple[int, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Plugins may name the kind as its string; an unknown kind fails here.
        object.__setattr__(self, "comparison", Comparison(self.comparison))
        # A role outside the vocabulary is a recipe bug; the stored word is the plain value.
        role = self.attribution.get("role")
        if role is not None:
            object.__setattr__(
                self, "attribution", {**self.attribution, "role": ClaimRole(role).value}
            )
        if not set(self.context_ids) <= set(self.evidence_ids):
            raise ValueError(f"claim '{self.slug}': context_ids must be among its evidence_ids")
        # Whatever a plugin recipe passes, the stored slug is one a packet can reference.
        object.__setattr__(self, "slug", slugify(self.slug))
        # A verdict outside the comparison's vocabulary is a recipe bug: "improved" on a count,
        # "meets target" on a before/after.
        if self.result.verdict not in self.comparison.allowed_verdicts:
            raise ValueError(
                f"claim '{self.slug}': a {self.comparison.value} claim cannot be "
                f"'{self.result.verdict.value}'"
            )
        if (
            self.value is not None
            and self.result.ci_low is not None
            and (self.value.low is None or self.value.high is None)
        ):
            raise ValueError(
                f"claim '{self.slug}': its estimate has an interval but its value has none; "
                "price it with perfpacket.claims.value.priced"
            )
        if self.comparison is Comparison.BEFORE_AFTER and not any(
            a.startswith(NO_CONTROL) for a in self.assumptions
        ):
            raise ValueError(
                f"claim '{self.slug}': a before/after claim must state its no-control assumption"
            )

    def scaled(self, number: float | None) -> float | None:
        return None if number is None else number * self.scale

    def stored_fields(self) -> dict[str, Any]:
        """Every field of the stored claim that a reader sees, in stored units."""
        result = self.result
        return {
            "title": self.title,
            "metric": self.metric,
            "unit": self.unit,
            "direction": self.direction.value,
            "comparison": self.comparison.value,
            "estimate": self.scaled(result.estimate),
            "ci_low": self.scaled(result.ci_low),
            "ci_high": self.scaled(result.ci_high),
            "ci_level": result.ci_level if result.ci_low is not None else None,
            "method": result.method,
            "sample_sizes": dict(result.sample_sizes),
            "p_value": result.p_value,
            "code": result.code.value if result.code else None,
            "verdict": result.verdict.value,
            "baseline": self.baseline,
            "current": self.current,
            "value": self.value.to_dict() if self.value else None,
            "attribution": dict(self.attribution),
            "dimensions": list(self.dimensions),
            "assumptions": list(self.assumptions),
            "details": dict(self.details),
        }

    @property
    def fingerprint(self) -> str:
        """A hash of what the claim was computed from and of every field it shows, so that
        `claims verify` can recompute it and prove it unchanged."""
        payload = {
            "recipe": self.recipe,
            "slug": self.slug,
            "evidence": sorted(self.evidence_ids),
            "inputs": self.inputs,
            "fields": self.stored_fields(),
        }
        return fingerprint_of(payload)


SIGNIFICANT_DIGITS = 12


def canonical(value: Any) -> Any:
    """Floats rounded to ``SIGNIFICANT_DIGITS`` significant digits (a parallel sum over millions
    of rows differs between runs in its last bits), containers canonicalised inside."""
    if isinstance(value, float):
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}") if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return value


def fingerprint_of(payload: Any) -> str:
    encoded = json.dumps(canonical(payload), sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()
