"""Who a claim's work was done with, and what the person did in it, read from the claim's own
evidence and nowhere else.

A partner is named only when the evidence names them: the co-authors and reviewers of the
changes behind a claim, the other teams and responders on the incidents the person responded
to with them, the adopters of its artifacts. An incident the person did not respond to is an
outcome a claim counts (a stale-data incident that stopped happening), not work done with its
responders, so it names no partner. A recipe never writes a partner of its own; the person
adds what the evidence does not hold (a partner team on a release, say) in ``claims.yaml``. A
claim with none says so.

The role is what the person's own records behind the claim show they did: code they wrote
(their commits and pull requests) "built", reviews they gave and standards of theirs that
other teams adopted "enabled", an artifact of theirs nobody adopted yet "built", interviews
they conducted "contributed". A recipe sets a role only where its records are the person's
part by construction (the incidents the person responded to: "contributed"); an incident a
claim cites for another reason says nothing of the person's part, and records a recipe cites
as a base rate (``ClaimDraft.context_ids``) name no partner either.
Nothing in the evidence shows who led a piece of work, so "led" is only ever the person's own
word in ``claims.yaml``; a claim whose records show no role (eval runs, releases, telemetry)
says "role not recorded".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, with_polymorphic

from perfpacket.claims.model import ClaimDraft
from perfpacket.store.models import (
    Artifact,
    Change,
    Evidence,
    Identity,
    Incident,
    Interview,
    Person,
    Review,
)
from perfpacket.vocab import ROLE_NOT_RECORDED, ClaimRole

NOT_RECORDED = "partners: not recorded; add them in claims.yaml (attribution.partners)"
CONTACT = re.compile(r"^\s*(?P<name>[^<]*?)\s*<(?P<email>[^>]+)>\s*$")
# Enough to read in a claim card; the rest stay countable in the evidence appendix.
MAX_PARTNERS = 8


def contact_keys(raw: str) -> set[str]:
    """What an entry in evidence can match a person's identities by, lowercased: the text
    itself and, for "Name <id>" (an email, or a PagerDuty user id), the id; never the name."""
    text = raw.strip().lower()
    match = CONTACT.match(text)
    return {text, match["email"]} if match else {text}


def describe(attribution: dict[str, Any]) -> str:
    """The role and partners as the author reads them: "led, with SRE, Search", or the role
    and what to do when the evidence names no partner."""
    role = attribution.get("role") or ROLE_NOT_RECORDED
    partners = attribution.get("partners") or []
    return f"{role}, with {', '.join(partners)}" if partners else f"{role}; {NOT_RECORDED}"


class _Names:
    """Maps what evidence names a partner by (an email, a handle, "Name <email>") to how the
    packet shows them: a known person's display name, else the name or handle itself, and
    tells the claim's own person apart so nobody is their own partner."""

    def __init__(self, session: Session, person: Person) -> None:
        self.display: dict[str, str] = {}
        for p in session.scalars(select(Person)):
            self.display[p.email.lower()] = p.display_name
        known = select(Identity.value, Person.display_name).join(
            Person, Identity.person_id == Person.id
        )
        for value, shown in session.execute(known):
            self.display[value.lower()] = shown
        # The person, and their own team: an incident their team worked is not a partnership.
        self.own = {person.email.lower(), person.display_name.lower()} | {
            i.value.lower() for i in person.identities
        }
        if person.team:
            self.own.add(person.team.lower())
        # What evidence names the person by (never their name): email and identities.
        self.ids = {person.email.lower()} | {i.value.lower() for i in person.identities}

    def responded(self, incident: Incident) -> bool:
        """Whether the person is among the incident's responders."""
        return any(contact_keys(r) & self.ids for r in incident.responders or [])

    def name(self, raw: str) -> str | None:
        """How the packet names this partner; None for the person themselves or a blank."""
        text = raw.strip()
        if not text:
            return None
        match = CONTACT.match(text)
        keys = [text.lower()]
        if match:
            keys = [match["email"].lower(), match["name"].lower()]
        if any(k in self.own for k in keys):
            return None
        for key in keys:
            if key in self.display:
                shown = self.display[key]
                return None if shown.lower() in self.own else shown
        return match["name"] or match["email"] if match else text


def _named_by(evidence: Evidence, names: _Names) -> Iterable[str]:
    if isinstance(evidence, Change):
        yield from evidence.co_authors or []
        yield from evidence.reviewers or []
    elif isinstance(evidence, Incident) and names.responded(evidence):
        yield from evidence.teams or []
        yield from evidence.responders or []
    elif isinstance(evidence, Artifact):
        yield from evidence.adopters or []


def _role_shown(evidence: Evidence, person: Person) -> ClaimRole | None:
    """What one record of the person's own shows they did, if it shows anything."""
    if evidence.person_id != person.id:
        return None  # another person's record, or an outcome the claim counts
    if isinstance(evidence, Change):
        return ClaimRole.BUILT
    if isinstance(evidence, Review):
        return ClaimRole.ENABLED
    if isinstance(evidence, Artifact):
        return ClaimRole.ENABLED if evidence.adopters else ClaimRole.BUILT
    if isinstance(evidence, Interview):
        return ClaimRole.CONTRIBUTED
    return None


# When a claim's records show several roles, the one that says most of the person's own work.
ROLE_ORDER = (ClaimRole.BUILT, ClaimRole.ENABLED, ClaimRole.CONTRIBUTED)


def evidence_attribution(
    session: Session, person: Person, evidence_ids: Sequence[int], names: _Names | None = None
) -> tuple[ClaimRole | None, list[str]]:
    """The role the person's own records behind a claim show (None when they show none), and
    the partners the evidence names, most often named first (then by name), at most
    ``MAX_PARTNERS``; the person themselves is never among them."""
    if not evidence_ids:
        return None, []
    names = names or _Names(session, person)
    kinds = with_polymorphic(Evidence, [Change, Incident, Artifact])
    rows = session.scalars(select(kinds).where(kinds.id.in_(list(evidence_ids))))
    counts: Counter[str] = Counter()
    roles: set[ClaimRole] = set()
    for evidence in rows:
        # One piece of evidence names each partner once, however many fields name them.
        counts.update({n for raw in _named_by(evidence, names) if (n := names.name(str(raw)))})
        if (role := _role_shown(evidence, person)) is not None:
            roles.add(role)
    ranked = sorted(counts, key=lambda n: (-counts[n], n.lower()))
    role = next((r for r in ROLE_ORDER if r in roles), None)
    return role, ranked[:MAX_PARTNERS]


def with_evidence_attribution(
    session: Session, person: Person, drafts: Sequence[ClaimDraft]
) -> list[ClaimDraft]:
    """The drafts with the role and partners their evidence shows: the partners added to any
    the recipe read from the evidence itself (an artifact's adopters); the recipe's role where
    its records define one, else the one the person's own records show."""
    names = _Names(session, person)
    out = []
    for draft in drafts:
        context = set(draft.context_ids)
        work = [i for i in draft.evidence_ids if i not in context]
        role, found = evidence_attribution(session, person, work, names)
        given = list(draft.attribution.get("partners") or [])
        partners = given + [p for p in found if p not in given]
        role = draft.attribution.get("role") or role
        attribution: dict[str, Any] = {"role": role} if role else {}
        attribution["partners"] = partners
        out.append(replace(draft, attribution=attribution))
    return out
