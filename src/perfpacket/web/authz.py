"""Every authorization decision of the team server, in one place.

Each route names a policy in :data:`ROUTES`; :func:`authorize` runs before every route,
loads the record its path names, and asks the policy for the relation that allows the
request. A read that is not allowed answers 404 (so nobody learns what exists); a write 403
to someone who may read the record, and 404 to everyone else (so writes cannot probe ids).
Reading someone else's packet is written to the audit log with the relation that allowed it.
Admins manage users and cycles but read packets only through one of the other relations.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from fastapi import Depends, HTTPException, Request
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from perfpacket.store.models import Packet
from perfpacket.store.team import (
    Candidacy,
    Cohort,
    CohortMember,
    PacketVersion,
    User,
    WebSession,
)
from perfpacket.team import accounts, audit
from perfpacket.team.clock import now
from perfpacket.vocab import CandidacyState
from perfpacket.web.transaction import READ_METHODS, db_session

SESSION_COOKIE = "perfpacket_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class NotSignedInError(Exception):
    """No valid session or token: pages redirect to the login form, the API answers 401."""


@dataclass(frozen=True)
class Viewer:
    """Who is asking, as pages show it (plain values: still readable on an error page after
    the request's transaction has been rolled back)."""

    name: str
    email: str
    role: str
    csrf: str


class RelationKind(StrEnum):
    """How a user stands to what they ask for: the reason a request is allowed."""

    PUBLIC = "public"
    SIGNED_IN = "signed in"
    ADMIN = "admin"
    OWNER = "owner"
    CANDIDATE = "candidate"
    MANAGER = "manager"
    COMMITTEE = "committee"


@dataclass(frozen=True)
class Relation:
    """A relation, with the cohort a committee member reads through. ``str()`` is how the
    audit log and the API name it ("owner", "committee of cohort 3")."""

    kind: RelationKind
    cohort_id: int | None = None

    @classmethod
    def committee_of(cls, cohort_id: int) -> Relation:
        return cls(RelationKind.COMMITTEE, cohort_id)

    @property
    def committee(self) -> bool:
        return self.kind is RelationKind.COMMITTEE

    def __str__(self) -> str:
        return f"committee of cohort {self.cohort_id}" if self.committee else self.kind.value


PUBLIC = Relation(RelationKind.PUBLIC)
SIGNED_IN = Relation(RelationKind.SIGNED_IN)
ADMIN = Relation(RelationKind.ADMIN)
OWNER = Relation(RelationKind.OWNER)
CANDIDATE = Relation(RelationKind.CANDIDATE)
MANAGER = Relation(RelationKind.MANAGER)


@dataclass
class Access:
    """What :func:`authorize` found: who asks, the record, and the relation that allowed it."""

    user: User | None
    session_row: WebSession | None
    resource: Any = None
    relation: Relation = PUBLIC
    viewer: Viewer | None = None


# --- relations -------------------------------------------------------------------------------


def _manages(db: Session, user: User, person_id: int | None) -> bool:
    stmt = select(User.id).where(User.person_id == person_id, User.manager_id == user.id)
    return db.scalar(stmt) is not None


def _sits_on(db: Session, user: User, cohort_id: int) -> bool:
    stmt = select(
        exists().where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == user.id)
    )
    return bool(db.scalar(stmt))


def _committee_for_packet(db: Session, user: User, packet_id: int) -> Cohort | None:
    stmt = (
        select(Cohort)
        .join(Candidacy, Candidacy.cohort_id == Cohort.id)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(
            Candidacy.packet_id == packet_id,
            Candidacy.state != CandidacyState.DRAFT,
            CohortMember.user_id == user.id,
        )
    )
    return db.scalars(stmt).first()


def packet_relation(db: Session, user: User, packet: Packet) -> Relation | None:
    if packet.person_id == user.person_id:
        return OWNER
    if _manages(db, user, packet.person_id):
        return MANAGER
    cohort = _committee_for_packet(db, user, packet.id)
    return Relation.committee_of(cohort.id) if cohort else None


def candidacy_relation(db: Session, user: User, candidacy: Candidacy) -> Relation | None:
    if candidacy.user_id == user.id:
        return CANDIDATE
    if _manages(db, user, candidacy.user.person_id):
        return MANAGER
    if candidacy.state.before_committee and _sits_on(db, user, candidacy.cohort_id):
        return Relation.committee_of(candidacy.cohort_id)
    return None


MAX_ID = 2**31 - 1  # ids are INTEGER columns: the largest PostgreSQL can hold


def committee_cohort(relation: Relation) -> int | None:
    """The cohort a committee relation is through, or None for owner, manager and the rest."""
    return relation.cohort_id if relation.committee else None


@dataclass(frozen=True)
class ShownPacket:
    """The packet as this reader may see it. The owner and the owner's manager see the live
    draft (a manager coaches the draft; that is the policy). A committee member sees only the
    version submitted to their cohort: never a later draft, never the draft's title."""

    title: str
    markdown: str
    front_matter: dict[str, Any]
    version: int
    frozen: bool
    submitted: PacketVersion | None  # the frozen version a committee member reads


def shown_packet(db: Session, packet: Packet, relation: Relation) -> ShownPacket:
    cohort_id = committee_cohort(relation)
    if cohort_id is None:
        from perfpacket.team.packets import is_frozen

        return ShownPacket(
            packet.title,
            packet.markdown,
            dict(packet.front_matter),
            packet.version,
            is_frozen(db, packet),
            None,
        )
    found = db.execute(
        select(PacketVersion, Candidacy)
        .join(Candidacy, Candidacy.version_id == PacketVersion.id)
        .where(Candidacy.packet_id == packet.id, Candidacy.cohort_id == cohort_id)
    ).first()
    if found is None:  # the relation exists only through a submitted candidacy
        raise HTTPException(status_code=404, detail="Not Found")
    version, candidacy = found
    from perfpacket.packet.markdown import parse_packet

    title, markdown = version.title, version.markdown
    if candidacy.cohort.blind:
        title, markdown = committee_copy(candidacy, markdown, title)
    return ShownPacket(
        title,
        markdown,
        parse_packet(markdown, "packet.md").front_matter,
        version.number,
        True,
        version,
    )


def committee_copy(candidacy: Candidacy, markdown: str, title: str) -> tuple[str, str]:
    """(title, markdown) of a submitted packet for a blind cohort's committee: pseudonymised."""
    from perfpacket.team.calibration import blinded, pseudonym

    person = candidacy.user
    names = [person.name, person.email]
    label = pseudonym(candidacy.id, candidacy.cohort_id)
    blind_markdown, blind_title = blinded(markdown, title, names, label)
    return blind_title, blind_markdown


def readable_packets(db: Session, user: User) -> list[tuple[Packet, Relation]]:
    """Packets the user may read, each with its relation (what ``GET /api/packets`` lists)."""
    out: dict[int, tuple[Packet, Relation]] = {}
    for p in db.scalars(select(Packet).where(Packet.person_id == user.person_id)):
        out[p.id] = (p, OWNER)
    reports = select(User.person_id).where(User.manager_id == user.id)
    for p in db.scalars(select(Packet).where(Packet.person_id.in_(reports))):
        out.setdefault(p.id, (p, MANAGER))
    committee = (
        select(Packet, Candidacy.cohort_id)
        .join(Candidacy, Candidacy.packet_id == Packet.id)
        .join(CohortMember, CohortMember.cohort_id == Candidacy.cohort_id)
        .where(CohortMember.user_id == user.id, Candidacy.state != CandidacyState.DRAFT)
    )
    for p, cohort_id in db.execute(committee):
        out.setdefault(p.id, (p, Relation.committee_of(cohort_id)))
    return sorted(out.values(), key=lambda item: item[0].id)


# --- policies --------------------------------------------------------------------------------

Check = Callable[[Session, User, Any], "Relation | None"]


@dataclass(frozen=True)
class Policy:
    """Who may use a route. ``resource`` is the path parameter naming the record, if any."""

    check: Check | None  # None: public
    resource: str | None = None
    audit_reads: bool = False


def _signed_in(_db: Session, _user: User, _r: Any) -> Relation:
    return SIGNED_IN


def _admin(_db: Session, user: User, _r: Any) -> Relation | None:
    return ADMIN if user.role == "admin" else None


def _packet_owner(db: Session, user: User, packet: Packet) -> Relation | None:
    return OWNER if packet_relation(db, user, packet) == OWNER else None


def _candidacy_manager(db: Session, user: User, c: Candidacy) -> Relation | None:
    return MANAGER if _manages(db, user, c.user.person_id) else None


def _candidacy_candidate(_db: Session, user: User, c: Candidacy) -> Relation | None:
    return CANDIDATE if c.user_id == user.id else None


def _candidacy_committee(db: Session, user: User, c: Candidacy) -> Relation | None:
    return Relation.committee_of(c.cohort_id) if _sits_on(db, user, c.cohort_id) else None


def _cohort_committee(db: Session, user: User, cohort: Cohort) -> Relation | None:
    return Relation.committee_of(cohort.id) if _sits_on(db, user, cohort.id) else None


def _cohort_admin(_db: Session, user: User, _cohort: Cohort) -> Relation | None:
    return _admin(_db, user, _cohort)


POLICIES: dict[str, Policy] = {
    "public": Policy(None),
    "signed-in": Policy(_signed_in),
    "admin": Policy(_admin),
    "packet:read": Policy(packet_relation, "packet_id", audit_reads=True),
    "packet:owner": Policy(_packet_owner, "packet_id"),
    "candidacy:read": Policy(candidacy_relation, "candidacy_id", audit_reads=True),
    "candidacy:manager": Policy(_candidacy_manager, "candidacy_id"),
    "candidacy:candidate": Policy(_candidacy_candidate, "candidacy_id"),
    "candidacy:committee": Policy(_candidacy_committee, "candidacy_id"),
    "cohort:committee": Policy(_cohort_committee, "cohort_id", audit_reads=True),
    "cohort:admin": Policy(_cohort_admin, "cohort_id"),
}

# Route name -> policy. A route missing here makes the app refuse to start (see app.py).
ROUTES: dict[str, str] = {
    # sign-in and public
    "login_form": "public",
    "login": "public",
    "healthz": "public",
    "openapi": "public",
    "static": "public",
    "logout": "signed-in",
    # pages
    "home": "signed-in",
    "review_hints": "signed-in",
    "evidence_page": "signed-in",
    "packet_create": "signed-in",
    "packet_page": "packet:read",
    "packet_edit": "packet:owner",
    "packet_save": "packet:owner",
    "packet_draft": "packet:owner",
    "packet_preview": "packet:owner",
    "packet_submit": "packet:owner",
    "candidacy_page": "candidacy:read",
    "candidacy_packet": "candidacy:read",
    "review_save": "candidacy:manager",
    "candidacy_withdraw": "candidacy:candidate",
    "rating_save": "candidacy:committee",
    "placement_save": "candidacy:committee",
    "decision_save": "candidacy:committee",
    "calibration_page": "cohort:committee",
    "calibration_compare": "cohort:committee",
    "admin_users": "admin",
    "admin_user_add": "admin",
    "admin_user_change": "admin",
    "admin_cycles": "admin",
    "admin_cycle_add": "admin",
    "admin_cohort_step": "cohort:admin",
    "admin_audit": "admin",
    "admin_audit_csv": "admin",
    "admin_decisions_csv": "admin",
    "api_audit": "admin",
    "admin_settings": "admin",
    # JSON API
    "api_packets": "signed-in",
    "api_packet_create": "signed-in",
    "api_packet": "packet:read",
    "api_packet_update": "packet:owner",
    "api_packet_submit": "packet:owner",
    "api_cycles": "signed-in",
    "api_cycle_create": "admin",
    "api_cohort_step": "cohort:admin",
    "api_calibration": "cohort:committee",
    "api_rating": "candidacy:committee",
    "api_withdraw": "candidacy:candidate",
    "api_decision": "candidacy:committee",
}

_LOADERS: dict[str, type[Any]] = {
    "packet_id": Packet,
    "candidacy_id": Candidacy,
    "cohort_id": Cohort,
}


# Who may read the record a path names: decides between 403 and 404 for a refused write.
_READERS: dict[str, Check] = {
    "packet_id": packet_relation,
    "candidacy_id": candidacy_relation,
    "cohort_id": lambda db, user, cohort: (
        _cohort_committee(db, user, cohort) or _admin(db, user, cohort)
    ),
}


# --- the request-time check ------------------------------------------------------------------


def _identify(request: Request, db: Session) -> tuple[User | None, WebSession | None, bool]:
    """The user, their browser session (if by cookie), and whether a bearer token was used."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        token, user = accounts.token_user(db, header[7:].strip())
        if token is None or user is None:  # unknown, revoked, expired, or its user deactivated
            raise NotSignedInError
        if accounts.token_used_long_ago(token):
            with request.app.state.store.write_now(db):
                token.last_used_at = now()
        return user, None, True
    cookie = request.cookies.get(SESSION_COOKIE)
    row, user = accounts.find_session(db, cookie) if cookie else (None, None)
    return user, row, False


async def sent_csrf_token(request: Request) -> str | None:
    """The CSRF token a write carries, from the header (HTMX, API) or the form field."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.method not in READ_METHODS:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(CSRF_FIELD)  # parsed once, kept for the route
            sent = value if isinstance(value, str) else None
    return sent


def _check_csrf(sent: str | None, row: WebSession | None) -> None:
    """Cookie-authenticated writes must echo their session's token."""
    if row is None or not sent or not secrets.compare_digest(sent, row.csrf_token):
        raise HTTPException(
            403, "the form's security token is missing or stale: reload the page and try again"
        )


def authorize(
    request: Request,
    db: Session = Depends(db_session),
    sent_csrf: str | None = Depends(sent_csrf_token),
) -> Access:
    # A plain function: FastAPI runs it in the thread pool, so its queries never block the
    # event loop.
    route = request.scope["route"]
    policy = POLICIES[ROUTES[route.name]]
    write = request.method not in READ_METHODS
    user, row, by_token = _identify(request, db)
    access = Access(user, row)
    csrf = row.csrf_token if row else ""
    access.viewer = Viewer(user.name, user.email, user.role, csrf) if user else None
    request.state.access = access
    request.state.csrf = csrf
    if policy.check is not None and user is None:
        raise NotSignedInError
    if write and not by_token:
        _check_csrf(sent_csrf, row)
    if policy.check is None:
        return access
    assert user is not None
    resource = None
    if policy.resource:
        raw = str(request.path_params.get(policy.resource, ""))
        model = _LOADERS[policy.resource]
        # An id no row can have (above PostgreSQL's INTEGER, or SQLite's 64 bits) is simply
        # not found; it must never reach the database driver.
        resource = db.get(model, int(raw)) if raw.isdigit() and 0 < int(raw) <= MAX_ID else None
        if resource is None:
            raise HTTPException(404, "not found")
    relation = policy.check(db, user, resource)
    if relation is None:
        # Refused: 403 only when the user may at least read the record; otherwise 404 for a
        # write too, so that nobody learns by writing which ids exist.
        readable = policy.resource is not None and _READERS[policy.resource](db, user, resource)
        if write and (policy.resource is None or readable):
            raise HTTPException(403, "not allowed")
        raise HTTPException(404, "not found")
    if policy.audit_reads and not write and relation not in {OWNER, CANDIDATE}:
        target = f"{(policy.resource or '').removesuffix('_id')}:{getattr(resource, 'id', '')}"
        # Committed before anything is shown, so a read is on record even if the response never
        # arrives. It is a transaction of its own on the request's connection (a second
        # connection per request could exhaust the pool under load).
        with request.app.state.store.write_now(db):
            audit.record(db, user, "read", target, str(relation), {"path": request.url.path})
    access.resource, access.relation = resource, relation
    return access
