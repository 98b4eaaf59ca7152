"""Assessing a person against a ladder role, from claims and evidence, never from keywords.

Every rating names what supports it; too little evidence is ``insufficient_evidence``, never a
low rating; evidence crammed into the last fifth of the period is flagged and capped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from perfpacket.ladder.schema import Ladder, Level, Mapping, Role
from perfpacket.vocab import Verdict

MIN_ITEMS = 3
# A merge commit's kind in the assessment: no ladder maps it, so it counts for nothing, and the
# assessment says how many there were.
MERGE_COMMIT = "merge_commit"
NO_MAPPING = Mapping()  # an evidence kind the ladder does not map supports nothing
RATING_POINTS = {"not_yet": 1, "meets": 2, "exceeds": 3, "next_level": 4}
TARGET = re.compile(r"^\s*(<=|>=|<|>)\s*(-?[\d.]+)")


@dataclass(frozen=True)
class ClaimFact:
    slug: str
    recipe: str
    verdict: Verdict
    metric: str
    dimensions: tuple[str, ...] = ()
    estimate: float | None = None
    current: float | None = None
    value: float | None = None
    estimate_interval: tuple[float, float] | None = None
    current_interval: tuple[float, float] | None = None
    partners: tuple[str, ...] = ()
    dates: tuple[datetime, ...] = ()
    unit: str = ""
    is_level: bool = False  # the estimate is a level (a rate, a count), not a change
    # The kinds of the records the claim is computed from; none for telemetry aggregates.
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordFact:
    id: int
    kind: str
    occurred_at: datetime


@dataclass
class Period:
    start: datetime
    end: datetime

    def fraction(self, when: datetime) -> float:
        span = (self.end - self.start).total_seconds() or 1.0
        return min(max((when - self.start).total_seconds() / span, 0.0), 1.0)


@dataclass
class Assessment:
    person: str
    ladder: str
    role: str
    period: Period
    dimensions: list[dict[str, Any]] = field(default_factory=list)
    role_name: str = ""
    score: float | None = None
    coverage: float = 0.0
    kpis: list[dict[str, Any]] = field(default_factory=list)
    domains: list[dict[str, Any]] = field(default_factory=list)
    level: dict[str, Any] = field(default_factory=dict)
    # Records kept out of every count, by why: merge commits restate changes counted already.
    excluded: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "ladder": self.ladder,
            "role": self.role,
            "role_name": self.role_name or self.role,
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "dimensions": self.dimensions,
            "score": self.score,
            "coverage": self.coverage,
            "kpis": self.kpis,
            "domains": self.domains,
            "level": self.level,
            "excluded": self.excluded,
        }


def default_period(claims: list[ClaimFact], records: list[RecordFact]) -> Period:
    dates = [r.occurred_at for r in records] + [d for c in claims for d in c.dates]
    end = max(dates) if dates else datetime.now().astimezone()
    return Period(end - timedelta(days=365), end)


def _mapped(ladder: Ladder, claim: ClaimFact, section: str, valid: set[str]) -> set[str]:
    mapping = ladder.recipes.get(claim.recipe)
    if mapping is not None:
        return set(getattr(mapping, section)) & valid
    return set(claim.dimensions) & valid if section == "dimensions" else set()


def _spread(dates: list[datetime], period: Period) -> dict[str, Any]:
    inside = [d for d in dates if period.start <= d <= period.end]
    quarters = {min(int(period.fraction(d) * 4), 3) for d in inside}
    late = sum(period.fraction(d) >= 0.8 for d in inside)
    share = late / len(inside) if inside else 0.0
    return {
        "dated_items": len(inside),
        "quarters_covered": len(quarters),
        "last_fifth_share": round(share, 3),
        "crammed": bool(inside) and share > 0.5,
    }


def _rate(
    improved: list[ClaimFact],
    other: list[ClaimFact],
    items: int,
    spread: dict[str, Any],
    kinds: int,
) -> str:
    """``kinds``: how many kinds of evidence the items are: the records' kinds and those the
    claims are computed from (a claim with no records, from telemetry, counts as one kind)."""
    # An improvement priced in money is evidence enough on its own: a dimension that one of
    # the packet's top outcomes stands for is never "insufficient evidence".
    if items < MIN_ITEMS and not any(c.value for c in improved):
        return "insufficient_evidence"
    regressed = [c for c in other if c.verdict is Verdict.REGRESSED]
    if not improved and (kinds < 2 or not regressed):
        # One kind of evidence alone cannot show a level is low (commits without outcomes say
        # nothing about the outcomes), and neither can claims that moved nothing either way:
        # "no detectable change" on a handful of items is no evidence of a low level.
        return "insufficient_evidence"
    if not improved or len(regressed) > len(improved):
        return "not_yet"
    sustained = spread["quarters_covered"] >= 3 and not spread["crammed"]
    cross_team = any(len(c.partners) >= 2 for c in improved) or any(c.value for c in improved)
    if len(improved) >= 3 and sustained and cross_team:
        return "next_level"
    if len(improved) >= 2 and sustained:
        return "exceeds"
    return "meets"


def _dimensions(
    ladder: Ladder, role: Role, claims: list[ClaimFact], records: list[RecordFact], period: Period
) -> list[dict[str, Any]]:
    valid = {d.id for d in role.scorecard}
    out = []
    for dim in role.scorecard:
        mine, kinds = _support(ladder, "dimensions", dim.id, valid, claims, records)
        # The count and the spread read the same period: what falls outside it counts for
        # neither.
        mine = [c for c in mine if any(period.start <= d <= period.end for d in c.dates)]
        kinds = [r for r in kinds if period.start <= r.occurred_at <= period.end]
        improved = [c for c in mine if c.verdict is Verdict.IMPROVED]
        other = [c for c in mine if c.verdict is not Verdict.IMPROVED]
        dates = [d for c in mine for d in c.dates] + [r.occurred_at for r in kinds]
        spread = _spread(dates, period)
        items = len(mine) + len(kinds)
        # A claim computed from eval runs is not a second kind beside those eval runs: it is
        # the same evidence, read again.
        sources = {r.kind for r in kinds} | {k for c in mine for k in c.kinds or ("claim",)}
        distinct = len(sources)
        rating = _rate(improved, other, items, spread, distinct)
        reasons = []
        if improved:
            reasons.append(
                "improved with an interval that supports it: " + ", ".join(c.slug for c in improved)
            )
        if other:
            reasons.append(
                "no supported change: "
                + ", ".join(f"{c.slug} ({c.verdict.label or 'no verdict'})" for c in other)
            )
        if kinds:
            counts = Counter(r.kind for r in kinds)
            reasons.append("evidence: " + ", ".join(f"{k} x{n}" for k, n in sorted(counts.items())))
        if rating == "insufficient_evidence" and items < MIN_ITEMS:
            reasons.append(f"{items} item(s) in the period; a rating needs at least {MIN_ITEMS}")
        elif rating == "insufficient_evidence" and distinct < 2:
            only = next(iter(sources), "claim")
            reasons.append(
                f"only one kind of evidence ({only}) and no claim that improved: it cannot show "
                "the level either way; a claim with an outcome, or a second kind of evidence "
                "mapped to this dimension, would decide it"
            )
        elif rating == "insufficient_evidence":
            reasons.append(
                "no claim improved or regressed: nothing shows the level either way; a claim "
                "whose interval supports a change would decide it"
            )
        reasons.append(
            f"spread: {spread['quarters_covered']} of 4 quarters, "
            f"{spread['last_fifth_share']:.0%} in the period's last fifth"
        )
        if spread["crammed"] and rating in {"exceeds", "next_level"}:
            rating = "meets"
            reasons.append("most evidence falls in the last fifth of the period: capped at meets")
        out.append(
            {
                "id": dim.id,
                "name": dim.name,
                "weight": dim.weight,
                "rating": rating,
                "evidence": [c.slug for c in mine] + [r.id for r in kinds],
                "spread": spread,
                "reasons": reasons,
            }
        )
    return out


def _support(
    ladder: Ladder,
    section: str,
    target: str,
    valid: set[str],
    claims: list[ClaimFact],
    records: list[RecordFact],
) -> tuple[list[ClaimFact], list[RecordFact]]:
    """The claims and records the ladder maps to one dimension or domain (``section``)."""
    mine = [c for c in claims if target in _mapped(ladder, c, section, valid)]
    kinds = [
        r for r in records if target in getattr(ladder.evidence.get(r.kind, NO_MAPPING), section)
    ]
    return mine, kinds


def _holds(x: float, op: str, bound: float) -> bool:
    return {"<": x < bound, "<=": x <= bound, ">": x > bound, ">=": x >= bound}[op]


def _kpis(role: Role, claims: list[ClaimFact]) -> list[dict[str, Any]]:
    by_metric = {c.metric: c for c in claims}
    out = []
    for kpi in role.kpis:
        claim = by_metric.get(kpi.metric or "")
        actual, interval, a_level = None, None, True
        if claim is not None:
            by_estimate = kpi.measure == "estimate"
            actual = claim.estimate if by_estimate else claim.current
            interval = claim.estimate_interval if by_estimate else claim.current_interval
            a_level = claim.is_level or not by_estimate
        match = TARGET.match(kpi.target)
        if actual is None:
            status = "no_data"
        elif match is None:
            status = "not_comparable"
        elif interval is None:
            status = "undecided"  # a point alone cannot show a target is met
        else:
            ends = [_holds(x, match.group(1), float(match.group(2))) for x in interval]
            status = "met" if all(ends) else "not_met" if not any(ends) else "undecided"
        out.append(
            {
                "id": kpi.id,
                "name": kpi.name,
                "target": kpi.target,
                "actual": None if actual is None else round(actual, 4),
                "interval": None if interval is None else [round(x, 4) for x in interval],
                "status": status,
                "claim": claim.slug if claim else None,
                # How to print the actual: the claim's unit, as a level or as a change.
                "unit": claim.unit if claim else None,
                "actual_is_level": a_level,
            }
        )
    return out


def _domains(
    ladder: Ladder, claims: list[ClaimFact], records: list[RecordFact], period: Period
) -> list[dict[str, Any]]:
    valid = {d.id for d in ladder.domains}
    out = []
    for domain in ladder.domains:
        mine, kinds = _support(ladder, "domains", domain.id, valid, claims, records)
        improved = [c for c in mine if c.verdict is Verdict.IMPROVED]
        spread = _spread([d for c in improved for d in c.dates], period)
        # Levels are cumulative: each one requires the one before it.
        steps = [
            bool(mine or kinds),
            len(improved) >= 1,
            len(improved) >= 2 and spread["quarters_covered"] >= 2,
            len(improved) >= 3 and any(len(c.partners) >= 2 or c.value for c in improved),
            False,  # industry-wide adoption cannot be read from one organisation's evidence
        ]
        depth = 0
        for reached in steps[: len(domain.levels)]:
            if not reached:
                break
            depth += 1
        out.append(
            {
                "id": domain.id,
                "depth": depth,
                "evidence": [c.slug for c in improved]
                + ([f"{len(kinds)} records"] if kinds else []),
            }
        )
    return out


def _level(
    ladder: Ladder,
    role: Role,
    domains: list[dict[str, Any]],
    claims: list[ClaimFact],
    dimensions: list[dict[str, Any]],
    target: str | None,
) -> dict[str, Any]:
    levels = sorted(ladder.levels, key=lambda lv: lv.rank)
    by_id = {lv.id: lv for lv in levels}
    goal = by_id.get(target or role.level, by_id[role.level])
    impacts = sum(1 for c in claims if c.verdict is Verdict.IMPROVED and c.value)
    depth = max((d["depth"] for d in domains), default=0)

    def conditions(level: Level) -> list[tuple[str, int, int]]:
        if ladder.points:
            return [
                (
                    "points",
                    _points(ladder, dimensions),
                    int(ladder.points["levels"].get(level.id, 0)),
                )
            ]
        rule = level.rule
        breadth = sum(d["depth"] >= rule.breadth_depth for d in domains)
        return [
            ("depth of the deepest domain", depth, rule.min_depth),
            (f"domains at depth {rule.breadth_depth} or more", breadth, rule.min_breadth),
            ("demonstrated impacts (improved claims with value)", impacts, rule.min_impacts),
        ]

    current: Level | None = None
    for level in levels:
        if all(actual >= need for _n, actual, need in conditions(level)):
            current = level
    reasons = [
        f"{name}: {actual} (needs {need}): {'holds' if actual >= need else 'fails'}"
        for name, actual, need in conditions(goal)
    ]
    shown = any(d["rating"] in RATING_POINTS for d in dimensions)
    exposure_only = depth <= 1  # depth 1: some evidence maps to a domain, none improved
    if (
        current is not None
        and current.rank == levels[0].rank
        and exposure_only
        and not (impacts or shown)
    ):
        # The lowest level's bar is met by having nothing: that is no evidence of the level.
        current = None
    if current is None:
        reasons.insert(
            0,
            "current level: insufficient evidence; improved claims with a value, depth in a "
            "domain or a rated dimension would show one",
        )
    held = [min(actual / need, 1.0) if need > 0 else 1.0 for _n, actual, need in conditions(goal)]
    return {
        "current": current.id if current else None,
        "target": goal.id,
        "ready": current is not None and current.rank >= goal.rank,
        # how far the evidence goes toward the target level's rule: the mean, over its
        # conditions, of the share of each that is met (1.0: every condition holds)
        "progress": round(sum(held) / len(held), 3) if held else 1.0,
        "reasons": reasons,
    }


def _points(ladder: Ladder, dimensions: list[dict[str, Any]]) -> int:
    table = list(ladder.points["milestone_points"]) if ladder.points else []
    total = 0
    for dim in dimensions:
        milestone = RATING_POINTS.get(dim["rating"], 0)
        total += table[min(milestone, len(table) - 1)] if table else 0
    return int(total)


def assess(
    ladder: Ladder,
    role_id: str | None,
    person: str,
    claims: list[ClaimFact],
    records: list[RecordFact],
    period: Period | None = None,
    target: str | None = None,
) -> Assessment:
    role = ladder.role(role_id)
    period = period or default_period(claims, records)
    dimensions = _dimensions(ladder, role, claims, records, period)
    rated = [d for d in dimensions if d["rating"] in RATING_POINTS]
    weight = sum(d["weight"] for d in rated)
    score = (
        sum(RATING_POINTS[d["rating"]] * d["weight"] for d in rated) / weight if weight else None
    )
    domains = _domains(ladder, claims, records, period)
    merges = sum(1 for r in records if r.kind == MERGE_COMMIT)
    return Assessment(
        person=person,
        ladder=ladder.name,
        role=role.id,
        role_name=role.name,
        period=period,
        dimensions=dimensions,
        score=None if score is None else round(score, 3),
        coverage=round(weight / 100, 3),
        kpis=_kpis(role, claims),
        domains=domains,
        level=_level(ladder, role, domains, claims, dimensions, target),
        excluded={"merge commits": merges} if merges else {},
    )
