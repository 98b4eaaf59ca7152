"""Reading stored claims: one person's, one by slug, their JSON shape, and whose packet a
command is about. Kept apart from the claims engine (recipes, statistics, the value model) so
that listing or showing claims loads none of it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from perfpacket.errors import NotFoundError
from perfpacket.evidence.people import find_person, records_per_person
from perfpacket.store.models import Claim, ClaimEvidence, Evidence, Person


def all_claims(session: Session) -> list[Claim]:
    """Every person's claims: only for checks that cover the whole store (``claims verify``)."""
    stmt = select(Claim).options(selectinload(Claim.evidence)).order_by(Claim.id)
    return list(session.scalars(stmt))


def load_claims(session: Session, person: Person, *, with_evidence: bool = True) -> list[Claim]:
    """One person's claims. A packet, a list or a lint run is about one person: another
    person's claim with the same slug must never stand in for theirs.

    ``with_evidence=False`` leaves each claim's records unloaded, for a reader that needs only
    their ids (:func:`claim_dicts`): a workspace's claims cite thousands of records."""
    stmt = select(Claim).where(Claim.person_id == person.id).order_by(Claim.id)
    if with_evidence:
        stmt = stmt.options(selectinload(Claim.evidence))
    return list(session.scalars(stmt))


def get_claim(session: Session, person: Person, slug: str) -> Claim:
    claim = session.scalars(
        select(Claim)
        .options(selectinload(Claim.evidence))
        .where(Claim.person_id == person.id, Claim.slug == slug)
    ).first()
    if claim is None:
        mine = select(Claim.slug).where(Claim.person_id == person.id).order_by(Claim.slug)
        known = ", ".join(session.scalars(mine)) or "none"
        raise NotFoundError(
            f"no claim '{slug}' for {person.email}",
            hint=f"their claims: {known}; see `perfpacket claims list`",
        )
    return claim


def claim_to_dict(claim: Claim, evidence: Sequence[int] | None = None) -> dict[str, Any]:
    """The stable JSON shape of a claim (``perfpacket claims list --json``). ``evidence``: the
    ids of its records, where the caller read them without loading the records."""
    return {
        "slug": claim.slug,
        "title": claim.title,
        "recipe": claim.recipe,
        "metric": claim.metric,
        "unit": claim.unit,
        "direction": claim.direction,
        "comparison": claim.comparison,
        "estimate": claim.estimate,
        "ci_low": claim.ci_low,
        "ci_high": claim.ci_high,
        "ci_level": claim.ci_level,
        "method": claim.method,
        "sample_sizes": claim.sample_sizes,
        "p_value": claim.p_value,
        "code": claim.code,
        "verdict": claim.verdict,
        "baseline": claim.baseline,
        "current": claim.current,
        "value": claim.value,
        "attribution": claim.attribution,
        "dimensions": claim.dimensions,
        "assumptions": claim.assumptions,
        "details": claim.details,
        "evidence": list(evidence) if evidence is not None else [e.id for e in claim.evidence],
        "fingerprint": claim.fingerprint,
    }


class Cited(NamedTuple):
    """A record a claim cites: its id and kind."""

    id: int
    kind: str


def cited_records(session: Session, claims: Sequence[Claim]) -> dict[int, list[Cited]]:
    """Each claim's records (by claim id) as id and kind, in id order as the claim's
    ``evidence`` relationship orders them, read in one query instead of loading the records:
    a workspace's claims cite thousands of them."""
    cited: dict[int, list[Cited]] = defaultdict(list)
    if claims:
        links = (
            select(ClaimEvidence.claim_id, Evidence.id, Evidence.kind)
            .join(Evidence, Evidence.id == ClaimEvidence.evidence_id)
            .where(ClaimEvidence.claim_id.in_([c.id for c in claims]))
        )
        for claim_id, evidence_id, kind in session.execute(links.order_by(Evidence.id)):
            cited[claim_id].append(Cited(evidence_id, kind))
    return cited


def claim_dicts(session: Session, claims: Sequence[Claim]) -> list[dict[str, Any]]:
    """The claims' JSON shapes, their record ids read by :func:`cited_records`."""
    cited = cited_records(session, claims)
    return [claim_to_dict(c, [r.id for r in cited[c.id]]) for c in claims]


def list_claims(session: Session, person: Person) -> list[dict[str, Any]]:
    return claim_dicts(session, load_claims(session, person, with_evidence=False))


CANDIDATES = 10  # people named when a command needs --person and was not given it


def resolve_person(session: Session, email: str | None, configured: str | None = None) -> Person:
    """The person a command is about: --person (or a packet's front matter), else the
    workspace's person, else the only one. Matched case-insensitively on email, any identity
    (a handle) or the display name."""
    wanted = (email or configured or "").strip()
    if wanted:
        return find_person(session, wanted)
    people = list(session.scalars(select(Person).order_by(Person.email)))
    if len(people) == 1:
        return people[0]
    if not people:
        raise NotFoundError("no people in this workspace yet", hint="import evidence first")
    # The people with the most evidence first: in a team's history those are the likely ones.
    held = records_per_person(session)
    people.sort(key=lambda p: (-held.get(p.id, 0), p.email))
    shown = ", ".join(f"{p.email} ({held.get(p.id, 0)} records)" for p in people[:CANDIDATES])
    more = len(people) - CANDIDATES
    raise NotFoundError(
        f"{len(people)} people in this workspace; say whose",
        hint="--person EMAIL, or set person = EMAIL under [workspace] in perfpacket.toml; "
        f"most evidence: {shown}"
        + (f"; and {more} more (perfpacket people list)" if more > 0 else ""),
    )


def packet_person(
    session: Session,
    front_matter: dict[str, Any],
    explicit: str | None = None,
    configured: str | None = None,
) -> Person:
    """Whose packet this is, resolved in one order everywhere: --person, then the packet's
    front matter ``person`` (a name or email), then the workspace's person, then the only one."""
    named = front_matter.get("person")
    return resolve_person(
        session, explicit or (str(named) if isinstance(named, str) else None), configured
    )
