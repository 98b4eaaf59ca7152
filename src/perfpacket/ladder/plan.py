"""Growth plans: what brings the person to the target level soonest, along five vectors."""

from __future__ import annotations

from typing import Any

from perfpacket.ladder.assess import Assessment
from perfpacket.ladder.schema import Ladder

BREADTH_MONTHS = 4  # a new domain to level 2 (DOMAIN.md §5)
SCALE_MONTHS = 6


def plan(ladder: Ladder, assessment: Assessment) -> list[dict[str, Any]]:
    """Opportunities, those that close a failing condition of the target level first."""
    by_domain = {d.id: d for d in ladder.domains}
    role = ladder.role(assessment.role)
    failing = " ".join(r for r in assessment.level["reasons"] if r.endswith("fails"))
    out: list[dict[str, Any]] = []
    ranked = sorted(assessment.domains, key=lambda d: -d["depth"])
    if ranked:
        deepest = ranked[0]
        domain = by_domain[deepest["id"]]
        if deepest["depth"] < len(domain.levels):
            nxt = domain.levels[deepest["depth"]]
            months = domain.levels[deepest["depth"] - 1].typical_months if deepest["depth"] else 1
            out.append(
                _item(
                    "depth",
                    f"{domain.name} at level {deepest['depth']}",
                    f"{domain.name} at level {nxt.level}",
                    months or 12,
                    f"Demonstrate: {nxt.demonstrates}",
                    "medium",
                    "depth" in failing,
                )
            )
    for d in ranked[1:]:
        if d["depth"] < 2:
            domain = by_domain[d["id"]]
            out.append(
                _item(
                    "breadth",
                    f"{domain.name} at level {d['depth']}",
                    f"{domain.name} at level 2",
                    BREADTH_MONTHS,
                    "Ship a production feature with it and handle its incidents: "
                    + domain.levels[1].demonstrates,
                    "low",
                    "domains at depth" in failing,
                )
            )
    for dim in assessment.dimensions:
        if dim["rating"] in {"insufficient_evidence", "not_yet"}:
            card = next(c for c in role.scorecard if c.id == dim["id"])
            vector = "leadership" if "leadership" in dim["id"] else "impact"
            out.append(
                _item(
                    vector,
                    f"{card.name}: {dim['rating'].replace('_', ' ')}",
                    f"{card.name}: meets",
                    6,
                    f"Evidence over at least two quarters that shows: {card.meets}",
                    "medium",
                    True,
                )
            )
    leadership = next((d for d in assessment.dimensions if "leadership" in d["id"]), None)
    if leadership and leadership["rating"] not in {"exceeds", "next_level"}:
        out.append(
            _item(
                "leadership",
                f"leadership {leadership['rating'].replace('_', ' ')}",
                "leadership exceeds",
                6,
                "An RFC or reference implementation adopted by two or more teams; "
                "an engineer you mentored owns a system",
                "low",
                False,
            )
        )
    out.append(
        _item(
            "impact",
            "outcomes within one product area",
            "outcomes across several product areas",
            9,
            "Claims whose evidence spans three or more teams' systems, each with value",
            "medium",
            "impacts" in failing,
        )
    )
    out.append(
        _item(
            "scale",
            "the current system",
            "the system at ten times its load",
            SCALE_MONTHS,
            "Cost, latency and reliability claims holding at the new volume",
            "high",
            False,
        )
    )
    out.sort(key=lambda o: (not o.pop("_closes"), o["months"]))
    return out


def _item(
    vector: str, current: str, target: str, months: float, validation: str, risk: str, closes: bool
) -> dict[str, Any]:
    return {
        "vector": vector,
        "current": current,
        "target": target,
        "months": months,
        "validation_criteria": validation,
        "risk": risk,
        "_closes": closes,
    }
