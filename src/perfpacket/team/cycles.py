"""Review cycles: cohorts, state changes, manager reviews, committee ratings and decisions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from perfpacket.errors import ConflictError, InputError
from perfpacket.ladder import DEFAULT_LADDER
from perfpacket.store.team import (
    DECISIONS,
    DEFAULT_QUORUM,
    MAX_QUORUM,
    RATINGS,
    Candidacy,
    Cohort,
    Cycle,
    Rating,
    User,
)
from perfpacket.team import audit
from perfpacket.team.accounts import find_user
from perfpacket.team.clock import now
from perfpacket.team.ninebox import Cell
from perfpacket.team.text import MAX_NAME, MAX_REASON, check_text
from perfpacket.vocab import CandidacyState

# Which states an admin may move a whole cohort between, and what each step is called.
COHORT_STEPS = {
    "start_calibration": (CandidacyState.SUBMITTED, CandidacyState.IN_CALIBRATION),
    "release": (CandidacyState.DECIDED, CandidacyState.RELEASED),
}
MIN_REASON = 20


def touch(session: Session, cohort_id: int) -> None:
    """Mark the cohort changed (one atomic increment, safe with concurrent raters)."""
    session.execute(
        update(Cohort).where(Cohort.id == cohort_id).values(revision=Cohort.revision + 1)
    )


def create_cycle(
    session: Session,
    name: str,
    cohorts: list[dict[str, Any]],
    ladder: str = DEFAULT_LADDER,
    role: str | None = None,
    quorum: int = DEFAULT_QUORUM,
) -> Cycle:
    """A cycle and its cohorts; each cohort is ``{"name", "members": [emails], "blind"}``.
    ``quorum``: the committee ratings a decision needs."""
    from perfpacket.ladder.schema import load_ladder

    name = check_text(name, "name", MAX_NAME).strip()
    if not name:
        raise InputError("field 'name' is empty", hint="name the cycle, e.g. '2026 H2'")
    if session.scalars(select(Cycle).where(Cycle.name == name)).first():
        raise InputError(f"a cycle '{name}' exists already", hint="choose another name")
    load_ladder(ladder)  # an unknown ladder fails here, with its own message
    if not cohorts:
        raise InputError("field 'cohorts' is empty", hint="a cycle needs at least one cohort")
    if not 1 <= quorum <= MAX_QUORUM:
        raise InputError(
            f"field 'quorum': {quorum} is not a number of ratings",
            hint=f"give 1 to {MAX_QUORUM} (default {DEFAULT_QUORUM})",
        )
    cycle = Cycle(name=name, ladder=ladder, role=role, created_at=now(), quorum=quorum)
    session.add(cycle)
    for i, spec in enumerate(cohorts):
        cohort_name = check_text(str(spec.get("name", "")), f"cohorts[{i}].name", MAX_NAME)
        cohort_name = cohort_name.strip()
        if not cohort_name:
            raise InputError(f"field 'cohorts[{i}].name' is empty", hint="name each cohort")
        members = []
        for email in spec.get("members", []):
            member = find_user(session, email)
            if member.role != "committee":
                raise InputError(
                    f"field 'cohorts[{i}].members': '{email}' has the role {member.role}",
                    hint="cohort members sit on the committee: give them the role committee",
                )
            members.append(member)
        cycle.cohorts.append(
            Cohort(name=cohort_name, blind=bool(spec.get("blind")), members=members)
        )
    session.flush()
    return cycle


def find_cohort(session: Session, cohort_id: int) -> Cohort:
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise InputError(f"field 'cohort_id': no cohort {cohort_id}", hint="pick a listed cohort")
    return cohort


STEP_EFFECTS = {
    "start_calibration": (
        "Start calibration",
        "Their packets stay frozen as submitted, the committee starts rating, and the "
        "candidates can no longer resubmit to this cohort. This cannot be undone.",
    ),
    "release": (
        "Release decisions",
        "Each candidate sees their decision and its reason, and the decisions can no longer "
        "change. This cannot be undone.",
    ),
}


def step_preview(session: Session, cohort: Cohort, step: str) -> dict[str, Any]:
    """What a cohort step will do, before it is done: who moves, from and to which state."""
    if step not in COHORT_STEPS:
        raise InputError(
            f"field 'step': '{step}' is not a step", hint="use " + " or ".join(COHORT_STEPS)
        )
    before, after = COHORT_STEPS[step]
    moving = session.scalars(
        select(Candidacy).where(Candidacy.cohort_id == cohort.id, Candidacy.state == before)
    )
    title, effect = STEP_EFFECTS[step]
    return {
        "step": step,
        "title": title,
        "effect": effect,
        "cohort": cohort,
        "before": before,
        "after": after,
        "candidates": sorted(c.user.name for c in moving),
    }


def released_decisions(session: Session, cycle_id: int | None = None) -> list[dict[str, Any]]:
    """Released decisions as the HR system takes them: one row per candidacy."""
    stmt = select(Candidacy).where(Candidacy.state == CandidacyState.RELEASED)
    if cycle_id is not None:
        stmt = stmt.join(Cohort).where(Cohort.cycle_id == cycle_id)
    rows = []
    for c in session.scalars(stmt.order_by(Candidacy.id)):
        rows.append(
            {
                "cycle": c.cohort.cycle.name,
                "cohort": c.cohort.name,
                "candidate": c.user.name,
                "email": c.user.email,
                "decision": c.decision or "",
                "reason": c.decision_reason or "",
                "decided_at": c.decided_at.isoformat(timespec="seconds") if c.decided_at else "",
            }
        )
    return rows


def advance_cohort(session: Session, cohort: Cohort, step: str, actor: User) -> int:
    """Move every candidacy of the cohort one step on; returns how many moved."""
    if step not in COHORT_STEPS:
        raise InputError(
            f"field 'step': '{step}' is not a step", hint="use " + " or ".join(COHORT_STEPS)
        )
    before, after = COHORT_STEPS[step]
    moved = list(
        session.scalars(
            select(Candidacy).where(Candidacy.cohort_id == cohort.id, Candidacy.state == before)
        )
    )
    if not moved:
        raise ConflictError(
            f"no candidacy in cohort '{cohort.name}' is {before.label}",
            hint="nothing to move",
        )
    for candidacy in moved:
        candidacy.state = after
    touch(session, cohort.id)
    audit.record(session, actor, step, f"cohort:{cohort.id}", "admin", {"candidacies": len(moved)})
    return len(moved)


def _reason(reason: str) -> str:
    reason = check_text(reason, "reason", MAX_REASON).strip()
    if len(reason) < MIN_REASON:
        raise InputError(
            f"field 'reason' has {len(reason)} characters; at least {MIN_REASON} are needed",
            hint="write what in the evidence led to this, so the next reader can check it",
        )
    return reason


def _not_own(candidacy: Candidacy, user: User) -> None:
    if candidacy.user_id == user.id:
        raise ConflictError(
            "nobody rates or decides their own candidacy",
            hint="another member of the cohort's committee has to",
        )


def rate(
    session: Session,
    candidacy: Candidacy,
    rater: User,
    kind: str,
    rating: str,
    reason: str,
    relation: str,
    cell: Cell | None = None,
) -> Rating:
    """A manager review or committee rating; changing one keeps the old value in the audit log.
    ``cell``: the 9-box the committee member moved the candidate into (see :func:`place`); a
    rating given without one clears the box an earlier move recorded."""
    if rating not in RATINGS:
        raise InputError(
            f"field 'rating': '{rating}' is not a rating", hint="use one of: " + ", ".join(RATINGS)
        )
    reason = _reason(reason)
    _not_own(candidacy, rater)
    if kind == "committee" and candidacy.state is not CandidacyState.IN_CALIBRATION:
        raise ConflictError(
            f"the candidacy is {candidacy.state.label}, not in calibration",
            hint="committee ratings open when an admin starts calibration for the cohort",
        )
    if kind == "manager" and candidacy.state not in {
        CandidacyState.SUBMITTED,
        CandidacyState.IN_CALIBRATION,
    }:
        raise ConflictError(
            f"the candidacy is {candidacy.state.label}",
            hint="a manager review is written between submission and the decision",
        )
    existing = session.scalars(
        select(Rating).where(
            Rating.candidacy_id == candidacy.id, Rating.rater_id == rater.id, Rating.kind == kind
        )
    ).first()
    before = _rating_record(existing) if existing else None
    if existing is None:
        existing = Rating(candidacy_id=candidacy.id, rater_id=rater.id, kind=kind)
        session.add(existing)
    existing.rating, existing.reason, existing.updated_at = rating, reason, now()
    existing.performance = cell.performance.value if cell else None
    existing.readiness = cell.readiness.value if cell else None
    touch(session, candidacy.cohort_id)
    audit.record(
        session,
        rater,
        f"{kind}_rating",
        f"candidacy:{candidacy.id}",
        relation,
        {"before": before, "after": _rating_record(existing)},
    )
    session.flush()
    return existing


def _rating_record(rating: Rating) -> dict[str, Any]:
    """A rating as the audit log keeps it: the 9-box only when a move recorded one."""
    out: dict[str, Any] = {"rating": rating.rating, "reason": rating.reason}
    cell = Cell.stored(rating.performance, rating.readiness)
    if cell is not None:
        out["box"] = cell.label
    return out


def place(
    session: Session, candidacy: Candidacy, rater: User, cell: Cell, reason: str, relation: str
) -> Rating:
    """A committee member moves a candidate into a 9-box: their committee rating becomes the
    rating that box stands for, with their reason (the same rules as any committee rating)."""
    return rate(session, candidacy, rater, "committee", cell.rating, reason, relation, cell)


def quorum_of(session: Session, candidacy: Candidacy) -> tuple[int, int]:
    """(committee ratings the candidacy has, ratings its decision needs): the cycle's quorum,
    or the whole committee when the cohort's committee is smaller than that."""
    cohort = candidacy.cohort
    have = len(
        set(
            session.scalars(
                select(Rating.rater_id).where(
                    Rating.candidacy_id == candidacy.id, Rating.kind == "committee"
                )
            )
        )
    )
    return have, quorum_needed(cohort)


def quorum_needed(cohort: Cohort) -> int:
    """The committee ratings a decision in this cohort needs."""
    return max(1, min(cohort.cycle.quorum, len(cohort.members)))


def decide(
    session: Session, candidacy: Candidacy, user: User, decision: str, reason: str, relation: str
) -> Candidacy:
    if decision not in DECISIONS:
        raise InputError(
            f"field 'decision': '{decision}' is not a decision",
            hint="use one of: " + ", ".join(DECISIONS),
        )
    reason = _reason(reason)
    _not_own(candidacy, user)
    if candidacy.state not in {CandidacyState.IN_CALIBRATION, CandidacyState.DECIDED}:
        raise ConflictError(
            f"the candidacy is {candidacy.state.label}, not in calibration",
            hint="decisions are taken in calibration and cannot change once released",
        )
    have, need = quorum_of(session, candidacy)
    if have < need:
        raise ConflictError(
            f"a decision needs {need} committee ratings; this candidacy has {have}",
            hint="committee members rate it first (the cycle's quorum)",
        )
    before = (
        {"decision": candidacy.decision, "reason": candidacy.decision_reason}
        if candidacy.decision
        else None
    )
    candidacy.decision, candidacy.decision_reason = decision, reason
    candidacy.decided_by_id, candidacy.decided_at = user.id, now()
    candidacy.state = CandidacyState.DECIDED
    touch(session, candidacy.cohort_id)
    audit.record(
        session,
        user,
        "decision",
        f"candidacy:{candidacy.id}",
        relation,
        {"before": before, "after": {"decision": decision, "reason": reason}},
    )
    return candidacy
