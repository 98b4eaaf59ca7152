"""Latency: the p95 before and after a gateway change, from request-level telemetry."""

from __future__ import annotations

import numpy as np

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.recipe import RecipeContext
from perfpacket.claims.recipes._query import gateway_telemetry
from perfpacket.stats import Direction, quantile_diff_interval
from perfpacket.telemetry.metrics import values_by_period


class LatencyRecipe:
    name = "latency"
    title = "p95 latency"
    dimensions: tuple[str, ...] = ("ai-system-design", "software-engineering")

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        claims = []
        for change, source in gateway_telemetry(ctx, "latency_ms"):
            before, after = values_by_period(source, "latency_ms", change.released_at)
            result = quantile_diff_interval(
                after, before, 0.95, direction=Direction.LOWER_IS_BETTER
            )
            claims.append(
                ClaimDraft(
                    slug="p95-latency",
                    title=f"p95 latency of LLM requests after {change.version}",
                    recipe=self.name,
                    metric="p95 request latency",
                    unit="ms",
                    direction=Direction.LOWER_IS_BETTER,
                    comparison="before_after",
                    result=result,
                    baseline=float(np.quantile(before, 0.95)) if before.size else None,
                    current=float(np.quantile(after, 0.95)) if after.size else None,
                    attribution={"role": "led", "partners": ["Gateway team"]},
                    dimensions=self.dimensions,
                    assumptions=("requests sampled in the backend represent all requests",),
                    evidence_ids=(change.id,),
                    details={
                        "telemetry": source.name,
                        "change": change.version,
                        "value_note": "latency is a user-experience input: its money effect is "
                        "read in engagement or conversion, not assumed here",
                    },
                    inputs={
                        "telemetry_sha256": source.sha256,
                        "change_at": change.released_at.isoformat(),
                        "n": [int(before.size), int(after.size)],
                    },
                )
            )
        return claims
