"""The committee's calibration view: candidates side by side, ratings standardised per rater.

A lenient rater's "exceeds" is not a strict rater's "exceeds". Each committee rating is turned
into a z-score against that rater's own ratings in the cohort, so a candidate's standing does
not depend on which raters happened to read their packet.
"""

from __future__ import annotations

import hashlib
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from perfpacket.store.team import RATINGS, Candidacy, Cohort, Rating, User
from perfpacket.team.ninebox import Cell, evidence_cell
from perfpacket.vocab import RATING_LABELS, CandidacyState

MIN_COMPARED, MAX_COMPARED = 2, 4


class CalibrationSort(StrEnum):
    """How the calibration table ranks its candidates."""

    ADJUSTED = "adjusted"  # the rater-adjusted score, highest first
    STANDARDISED = "standardised"
    SCORE = "score"  # the ladder scorecard's score
    NAME = "name"
    DECISION = "decision"

    def order(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows in this order; those without a value go last, by name."""

        def value(row: dict[str, Any]) -> Any:
            match self:
                case CalibrationSort.ADJUSTED:
                    return (row.get("adjusted") or {}).get("estimate")
                case CalibrationSort.STANDARDISED:
                    return row.get("standardised")
                case CalibrationSort.SCORE:
                    return row.get("score")
                case CalibrationSort.DECISION:
                    return row.get("decision")
            return str(row["name"])

        def key(row: dict[str, Any]) -> tuple[Any, ...]:
            v = value(row)
            if v is None:
                return (1, 0.0, "", str(row["name"]))
            if isinstance(v, str):
                return (0, 0.0, v, str(row["name"]))
            return (0, -float(v), "", str(row["name"]))

        return sorted(rows, key=key)


RATING_CHOICES = list(RATINGS)


class Saved(StrEnum):
    """What a workspace form saved, for the line the page shows after it."""

    RATING = "rating"
    MOVE = "move"
    DECISION = "decision"

    def message(self, name: str, mine: MyRating | None, row: dict[str, Any]) -> str:
        rating = RATING_LABELS.get(mine.rating, mine.rating) if mine else "none"
        match self:
            case Saved.RATING:
                return f"Saved your rating of {name}: {rating}."
            case Saved.MOVE:
                box = mine.cell.label if mine and mine.cell else "no box"
                return f"Moved {name} to {box}: your rating is now {rating}."
        decision = str(row.get("decision") or "none").replace("_", " ")
        return f"Recorded the decision on {name}: {decision}."


@dataclass(frozen=True)
class MyRating:
    """The viewer's own committee rating of one candidacy."""

    rating: str
    reason: str
    cell: Cell | None


def my_ratings(session: Session, cohort: Cohort, user: User) -> dict[int, MyRating]:
    """The viewer's committee ratings in the cohort, by candidacy id."""
    rows = session.scalars(
        select(Rating)
        .join(Candidacy, Rating.candidacy_id == Candidacy.id)
        .where(
            Candidacy.cohort_id == cohort.id,
            Rating.rater_id == user.id,
            Rating.kind == "committee",
        )
    )
    return {
        r.candidacy_id: MyRating(r.rating, r.reason, Cell.stored(r.performance, r.readiness))
        for r in rows
    }


def own_candidacies(session: Session, cohort: Cohort, user: User) -> set[int]:
    """The viewer's own candidacies in the cohort: a committee member never rates these."""
    return set(
        session.scalars(
            select(Candidacy.id).where(
                Candidacy.cohort_id == cohort.id, Candidacy.user_id == user.id
            )
        )
    )


@dataclass(frozen=True)
class RaterStats:
    rater: str
    n: int
    mean: float
    sd: float | None  # None: fewer than two ratings, or every rating the same
    leniency: float  # the rater's mean minus the mean of all ratings, in rating points

    def standardise(self, value: float) -> float | None:
        return None if self.sd is None else (value - self.mean) / self.sd


def rater_stats(ratings: list[tuple[str, float]]) -> dict[str, RaterStats]:
    """Per rater: count, mean, sample standard deviation and leniency. ``(rater, value)``."""
    if not ratings:
        return {}
    overall = statistics.fmean(v for _r, v in ratings)
    by_rater: dict[str, list[float]] = defaultdict(list)
    for rater, value in ratings:
        by_rater[rater].append(value)
    out = {}
    for rater, values in by_rater.items():
        sd = statistics.stdev(values) if len(values) >= 2 else 0.0
        mean = statistics.fmean(values)
        out[rater] = RaterStats(rater, len(values), mean, sd or None, mean - overall)
    return out


def pseudonym(candidacy_id: int, cohort_id: int) -> str:
    """A stable label for blind mode that reveals nothing about the person or submission order."""
    tag = hashlib.sha256(f"{cohort_id}:{candidacy_id}".encode()).hexdigest()[:6].upper()
    return f"Candidate {tag}"


BLIND_NOTE = (
    "> Blind review: the candidate's name is replaced by {label}. The prose may still "
    "identify them.\n\n"
)


def blinded(markdown: str, title: str, names: list[str], label: str) -> tuple[str, str]:
    """A packet as a blind committee receives it: every form of the candidate's name (full,
    first, last, email) replaced by the pseudonym in the front matter, headings and prose, the
    title replaced, and a note that the prose may still identify the candidate."""
    import re

    from perfpacket.frontmatter import FRONT_MATTER

    forms = sorted({n for name in names if name for n in (name, *name.split())}, key=len)
    text = markdown
    for form in reversed(forms):  # longest first: "Ana Okafor" before "Ana"
        if len(form) > 1:
            text = re.sub(rf"(?<![\w@.]){re.escape(form)}(?![\w@])", label, text)
    match = FRONT_MATTER.match(text)
    head, body = (text[: match.end()], text[match.end() :]) if match else ("", text)
    return head + BLIND_NOTE.format(label=label) + body, f"{label}: packet"


def rater_effects(
    ratings: list[tuple[str, str, float]],
    shown_as: dict[str, str],
    managers: list[tuple[str, str, float]] | None = None,
    hints: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Rater severities, candidates' adjusted scores, reliability, raters who differ and
    managers who rate their reports unlike the committee, as the page and the API show them
    (people by ``shown_as``: names, or labels when blind)."""
    from perfpacket.stats.raters import (
        differing_raters,
        fit_rater_effects,
        manager_differences,
        ordinal_alpha,
    )

    model = fit_rater_effects(ratings)
    reliability = ordinal_alpha(ratings)
    differ = {d.rater: d for d in differing_raters(ratings)}

    def interval(e: Any) -> dict[str, float]:
        return {"estimate": round(e.estimate, 3), "low": round(e.low, 3), "high": round(e.high, 3)}

    return {
        "fitted": model.fitted,
        "method": model.reason if model.fitted else "",
        "reason": "" if model.fitted else model.reason_for(shown_as),
        "raters": [
            {
                "rater": shown_as.get(e.name, e.name),
                "n": e.n,
                **interval(e),
                "differs": bool(differ.get(e.name) and differ[e.name].differs),
                "differs_from": [shown_as.get(o, o) for o in differ[e.name].differs_from]
                if e.name in differ
                else [],
            }
            for e in model.raters
        ],
        "candidates": {e.name: {**interval(e), "raw": e.raw} for e in model.candidates},
        "managers": [
            {
                "manager": shown_as.get(d.manager, d.manager),
                "hints": (hints or {}).get(d.manager, 0),
                "n": d.n,
                "shift": round(d.shift, 3),
                "p_adjusted": d.p_adjusted,
                "differs": d.differs,
            }
            for d in manager_differences(managers or [], ratings)
        ],
        "reliability": {
            "alpha": None if reliability.alpha is None else round(reliability.alpha, 3),
            "low": None if reliability.low is None else round(reliability.low, 3),
            "high": None if reliability.high is None else round(reliability.high, 3),
            "units": reliability.units,
            "reason": reliability.reason,
        },
    }


def hint_counts(candidacies: list[Candidacy]) -> dict[str, int]:
    """Per rater (email), the bias-language hints in the reasons they wrote in this cohort:
    their ratings' and reviews' reasons, and the decisions' reasons they recorded."""
    from perfpacket.lint.engine import lint_review

    out: Counter[str] = Counter()
    for c in candidacies:
        for r in c.ratings:
            out[r.rater.email] += len(lint_review(r.reason + "\n", "reason").diagnostics)
    return dict(out)


def calibration(session: Session, cohort: Cohort, blind: bool) -> dict[str, Any]:
    """Everything the calibration page and ``/api/calibration/{cohort}`` show."""
    candidacies = list(
        session.scalars(
            select(Candidacy)
            .where(Candidacy.cohort_id == cohort.id, Candidacy.state != CandidacyState.DRAFT)
            .options(
                selectinload(Candidacy.user),
                selectinload(Candidacy.version),
                selectinload(Candidacy.ratings).selectinload(Rating.rater),
            )
            .order_by(Candidacy.id)
        )
    )
    blind = blind or cohort.blind
    committee = [
        (r.rater.email, float(RATINGS[r.rating]))
        for c in candidacies
        for r in c.ratings
        if r.kind == "committee"
    ]
    stats = rater_stats(committee)
    rater_labels = {email: f"Rater {i + 1}" for i, email in enumerate(sorted(stats))}
    managers = sorted(
        {r.rater.email for c in candidacies for r in c.ratings if r.kind == "manager"}
    )
    rater_labels = {
        **{email: f"Manager {i + 1}" for i, email in enumerate(managers)},
        **rater_labels,  # one label a person: a committee rater keeps theirs
    }
    names = {r.rater.email: r.rater.name for c in candidacies for r in c.ratings}
    shown_as = rater_labels if blind else names
    hints = hint_counts(candidacies)
    effects = rater_effects(
        [
            (r.rater.email, str(c.id), float(RATINGS[r.rating]))
            for c in candidacies
            for r in c.ratings
            if r.kind == "committee"
        ],
        shown_as,
        [
            (r.rater.email, str(c.id), float(RATINGS[r.rating]))
            for c in candidacies
            for r in c.ratings
            if r.kind == "manager"
        ],
        hints,
    )
    counts = Counter((r.kind, r.rating) for c in candidacies for r in c.ratings)
    rows = []
    for c in candidacies:
        summary = c.version.summary if c.version else {}
        committee_ratings = [r for r in c.ratings if r.kind == "committee"]
        z = [stats[r.rater.email].standardise(RATINGS[r.rating]) for r in committee_ratings]
        defined = [v for v in z if v is not None]
        manager = next((r for r in c.ratings if r.kind == "manager"), None)
        rows.append(
            {
                "candidacy": c.id,
                "name": pseudonym(c.id, cohort.id) if blind else c.user.name,
                "email": None if blind else c.user.email,
                "state": c.state,
                "version": c.version.number if c.version else None,
                "score": summary.get("score"),
                "coverage": summary.get("coverage"),
                "ready": summary.get("level", {}).get("ready"),
                "cell": cell.value if (cell := evidence_cell(summary)) else None,
                "dimensions": summary.get("dimensions", []),
                "impact": summary.get("impact", {}),
                "manager": {"rating": manager.rating, "reason": manager.reason}
                if manager
                else None,
                "ratings": [
                    {
                        "rater": rater_labels[r.rater.email] if blind else r.rater.name,
                        "rating": r.rating,
                        "reason": r.reason,
                    }
                    for r in committee_ratings
                ],
                "standardised": round(statistics.fmean(defined), 3) if defined else None,
                "adjusted": effects["candidates"].get(str(c.id)),
                "decision": c.decision,
                "decision_reason": c.decision_reason,
            }
        )
    return {
        "cohort": {"id": cohort.id, "name": cohort.name, "cycle": cohort.cycle.name},
        "blind": blind,
        "effects": effects,
        "candidates": rows,
        "distribution": {
            kind: {k: counts[kind, k] for k in RATINGS} for kind in ("committee", "manager")
        },
        "raters": [
            {
                "rater": rater_labels[s.rater] if blind else s.rater,
                "name": shown_as.get(s.rater, s.rater),
                "n": s.n,
                "mean": round(s.mean, 3),
                "sd": None if s.sd is None else round(s.sd, 3),
                "leniency": round(s.leniency, 3),
                "hints": hints.get(s.rater, 0),
            }
            for s in sorted(stats.values(), key=lambda s: -s.leniency)
        ],
    }
