"""What a rendered packet shows beyond its prose (gathered by perfpacket.snapshot).

Rendering reads this and the claims; it never recomputes a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from perfpacket.store.models import (
    Artifact,
    Change,
    Claim,
    EvalRun,
    Evidence,
    Experiment,
    Feedback,
    Grade,
    GuardEvent,
    Incident,
    Interview,
    Release,
    Review,
    Ticket,
)
from perfpacket.vocab import Outcome, Verdict

APPENDIX_PER_CLAIM = 12


@dataclass
class RenderContext:
    assessment: dict[str, Any] | None = None
    plan: list[dict[str, Any]] = field(default_factory=list)
    feedback: list[dict[str, str]] = field(default_factory=list)
    reach: dict[str, list[str]] = field(default_factory=dict)
    evidence: dict[str, dict[str, Any]] = field(default_factory=dict)  # slug -> shown, total, kinds


def evidence_label(e: Evidence) -> str:
    """How a record is cited: commit, pull request, eval run, incident..."""
    if isinstance(e, Change):
        return f"commit {e.repo}@{e.sha[:10]}" if e.sha else f"pull request {e.repo}#{e.number}"
    if isinstance(e, EvalRun):
        return f"eval run {e.suite} · {e.model or '?'} · {e.run_at.date().isoformat()}"
    if isinstance(e, Incident):
        return f"incident {e.external_id} ({e.severity}, {e.opened_at.date().isoformat()})"
    if isinstance(e, Release):
        state = ", rolled back" if e.rolled_back else ""
        return f"release {e.version} ({e.released_at.date().isoformat()}{state})"
    if isinstance(e, GuardEvent):
        return f"{e.guard.replace('_', ' ')} {e.at.isoformat(timespec='minutes')}"
    if isinstance(e, Experiment):
        return f"experiment {e.name}"
    if isinstance(e, Review):
        return f"review of {e.repo}#{e.number} ({e.state})"
    if isinstance(e, Feedback):
        return f"feedback from {e.author_name}"
    if isinstance(e, Artifact):
        return f"{e.artifact_kind} {e.title}"
    if isinstance(e, Grade):
        human = "" if e.human_pass is None else f", person {'pass' if e.human_pass else 'fail'}"
        judge = "pass" if e.judge_pass else "fail"
        return f"graded output {e.item} (judge {judge}{human}, {e.graded_at.date().isoformat()})"
    if isinstance(e, Interview):
        stage = f"{e.stage}, " if e.stage else ""
        return f"interview of candidate {e.candidate} ({stage}{e.interviewed_at:%Y-%m-%d})"
    if isinstance(e, Ticket):
        kind = (e.issue_type or "ticket").lower()
        return f"{e.tracker.value.capitalize()} {kind} {e.key} ({e.status})"
    return f"{e.kind} {e.natural_key}"


def is_prevented(claim: Claim) -> bool:
    """Outcomes that did not happen (counterfactuals, escaped regressions, decay held off), as
    the recipe that priced the claim says."""
    return claim.value is not None and claim.value.get("outcome") == Outcome.PREVENTED


TOTAL_LEVEL = 0.95
TOTAL_DRAWS = 200_000
TOTAL_SEED = 20260101
TOTAL_METHOD = (
    "Monte Carlo sum of the claims' values, each drawn from a split normal that matches its "
    "estimate and interval, the claims taken as independent (200,000 draws, fixed seed)"
)


def total_interval(values: Sequence[dict[str, Any]]) -> dict[str, float] | None:
    """The interval of a sum of values: each value drawn from a two-piece normal whose halves
    match its interval's lower and upper ends (so a skewed interval stays skewed), summed over
    seeded draws. None when any value has no interval: the sum cannot then be bounded."""
    if not values or any(v.get("low") is None or v.get("level") is None for v in values):
        return None
    from statistics import NormalDist  # Wichura's AS241, as scipy's norm.ppf: no scipy here

    import numpy as np

    rng = np.random.default_rng(TOTAL_SEED)
    total = np.zeros(TOTAL_DRAWS)
    for v in values:
        z = NormalDist().inv_cdf(0.5 + float(v["level"]) / 2)
        amount, low, high = float(v["amount"]), float(v["low"]), float(v["high"])
        u = rng.standard_normal(TOTAL_DRAWS)
        total += amount + np.where(u < 0, u * (amount - low) / z, u * (high - amount) / z)
    tail = (1 - TOTAL_LEVEL) / 2
    low_q, high_q = np.quantile(total, [tail, 1 - tail])
    return {"low": float(low_q), "high": float(high_q), "level": TOTAL_LEVEL}


def currency_summary(claims: Sequence[Claim]) -> dict[str, dict[str, Any]]:
    """Shipped and prevented outcomes in one currency: improved claims valued in USD only (other
    units, such as kgCO2e, are shown with their claim and never summed with money)."""
    valued = [
        c for c in claims if c.value and c.value["unit"] == "USD" and c.verdict is Verdict.IMPROVED
    ]

    def group(members: list[Claim]) -> dict[str, Any]:
        year = [c.value for c in members if c.value and c.value["period"] == "year"]
        once = [c.value for c in members if c.value and c.value["period"] != "year"]
        return {
            "year": sum(float(v["amount"]) for v in year),
            "once": sum(float(v["amount"]) for v in once),
            "year_interval": total_interval(year),
            "once_interval": total_interval(once),
            "claims": members,
        }

    return {
        "shipped": group([c for c in valued if not is_prevented(c)]),
        "prevented": group([c for c in valued if is_prevented(c)]),
    }
