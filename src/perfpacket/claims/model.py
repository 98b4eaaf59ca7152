"""The claim a recipe proposes: a statistic in business units, with provenance and value."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from perfpacket.claims.value import Value
from perfpacket.stats import Direction, StatResult


@dataclass(frozen=True)
class ClaimDraft:
    """A computed claim before it is stored. Numbers are in ``unit`` (already scaled)."""

    slug: str
    title: str
    recipe: str
    metric: str
    unit: str
    direction: Direction
    comparison: str  # before_after | ab | counterfactual | paired | projection
    result: StatResult
    scale: float = 1.0
    baseline: float | None = None
    current: float | None = None
    value: Value | None = None
    attribution: dict[str, Any] = field(default_factory=dict)
    dimensions: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    evidence_ids: tuple[int, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)

    def scaled(self, number: float | None) -> float | None:
        return None if number is None else number * self.scale

    @property
    def fingerprint(self) -> str:
        """A hash of what the claim was computed from, so it can be recomputed and compared."""
        payload = {
            "recipe": self.recipe,
            "slug": self.slug,
            "evidence": sorted(self.evidence_ids),
            "inputs": self.inputs,
            # The organisation's constants are inputs too: a changed constant changes the value.
            "value": self.value.to_dict() if self.value else None,
        }
        encoded = json.dumps(payload, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()
