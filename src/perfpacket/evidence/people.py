"""People and their identities: who a record belongs to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from perfpacket.errors import InputError, NotFoundError
from perfpacket.store.models import Evidence, Identity, Person

IDENTITY_KINDS = ("email", "github", "gitlab", "jira", "linear", "pagerduty", "slack", "handle")


def _parse_identity(text: str) -> tuple[str, str]:
    kind, sep, value = text.partition(":")
    if not sep:
        return ("email", text.lower()) if "@" in text else ("handle", text.lower())
    if kind not in IDENTITY_KINDS or not value:
        raise InputError(
            f"'{text}' is not an identity",
            hint="write EMAIL, or KIND:VALUE with KIND one of " + ", ".join(IDENTITY_KINDS),
        )
    return kind, value.lower()


def person_by_email(session: Session, email: str) -> Person | None:
    """The person keyed by this email, compared case-insensitively, or None."""
    wanted = email.strip().lower()
    return session.scalars(select(Person).where(func.lower(Person.email) == wanted)).first()


def find_person(session: Session, who: str) -> Person:
    """The one person ``who`` names: their email, any identity (a handle) or their display
    name, compared case-insensitively. Nobody, or more than one, is an error with one hint."""
    wanted = who.strip()
    person = person_by_email(session, wanted)
    if person is not None:
        return person
    key = wanted.casefold()
    people = list(
        session.scalars(
            select(Person).options(selectinload(Person.identities)).order_by(Person.email)
        )
    )
    found = [
        p
        for p in people
        if key
        in {n.casefold() for n in (p.email, p.display_name, *(i.value for i in p.identities)) if n}
    ]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise NotFoundError(
            f"more than one person is '{wanted}'",
            hint="name them by email: " + ", ".join(p.email for p in found),
        )
    raise NotFoundError(
        f"no person '{wanted}'",
        hint="known people: " + (", ".join(p.email for p in people) or "none"),
    )


# Addresses git and tools write when nobody set one: many people share each of them.
PLACEHOLDER_EMAILS = frozenset(
    {
        "noreply@github.com",
        "none@none",
        "unknown@unknown",
        "nobody@nowhere",
        "you@example.com",
        "your.email@example.com",
        "user@example.com",
        "email@example.com",
    }
)
PLACEHOLDER_DOMAINS = ("localhost", "localhost.localdomain", "(none)", "none", "unknown")


def is_placeholder_email(email: str) -> bool:
    """An address that names nobody in particular: empty, no domain, a local machine's
    (git's default "user@host.(none)"), or a well-known placeholder."""
    value = email.strip().strip("<>").lower()
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        return True
    if value in PLACEHOLDER_EMAILS:
        return True
    return (
        domain in PLACEHOLDER_DOMAINS
        or domain.endswith(".(none)")
        or domain.endswith(".localdomain")
    )


def add_person(
    session: Session,
    email: str,
    name: str,
    team: str | None = None,
    function: str | None = None,
    manager: str | None = None,
) -> Person:
    email = email.lower()
    if "@" not in email:
        raise InputError(f"'{email}' is not an email address", hint="people are keyed by email")
    if person_by_email(session, email) is not None:
        raise InputError(f"'{email}' is already a person", hint="use `perfpacket people link`")
    person = Person(display_name=name, email=email, team=team, function=function)
    if manager:
        person.manager_id = find_person(session, manager).id
    person.identities = [Identity(kind="email", value=email)]
    session.add(person)
    session.flush()
    _attribute(session, person, "email", email)
    return person


def link_identity(session: Session, who: str, identity: str) -> int:
    """Add an identity to a person; records already imported under it become theirs."""
    person = find_person(session, who)
    kind, value = _parse_identity(identity)
    taken = session.scalars(
        select(Identity).where(Identity.kind == kind, Identity.value == value)
    ).first()
    if taken is not None and taken.person_id != person.id:
        raise InputError(
            f"'{kind}:{value}' already belongs to {taken.person.email}",
            hint="an identity names one person",
        )
    if taken is None:
        session.add(Identity(person_id=person.id, kind=kind, value=value))
        session.flush()
    return _attribute(session, person, kind, value)


def _attribute(session: Session, person: Person, kind: str, value: str) -> int:
    result = session.execute(
        update(Evidence)
        .where(Evidence.actor == f"{kind}:{value}")
        .values(person_id=person.id)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def records_per_person(session: Session) -> dict[int, int]:
    """How many evidence records each person holds, by person id (people with none absent)."""
    counted = session.execute(
        select(Evidence.person_id, func.count())
        .where(Evidence.person_id.is_not(None))
        .group_by(Evidence.person_id)
    )
    return {int(person): int(n) for person, n in counted if person is not None}


def list_people(session: Session) -> list[dict[str, Any]]:
    people = session.scalars(
        select(Person).options(selectinload(Person.identities)).order_by(Person.email)
    )
    held = records_per_person(session)
    return [
        {
            "email": p.email,
            "name": p.display_name,
            "team": p.team,
            "function": p.function,
            "identities": sorted(f"{i.kind}:{i.value}" for i in p.identities),
            "records": held.get(p.id, 0),
        }
        for p in people
    ]


def unattributed_count(session: Session) -> int:
    """Records nobody has yet: no identity matched, no --person, no rule."""
    stmt = select(func.count()).select_from(Evidence).where(Evidence.person_id.is_(None))
    return int(session.scalar(stmt) or 0)


def merge_people(session: Session, keep: str, absorb: str, reason: str) -> dict[str, int]:
    """Make ``absorb`` part of ``keep``: their identities, records and team-server account
    move over, their claims are dropped (``claims suggest`` computes them again over the
    merged records), and the absorbed person is removed. Recorded in the audit log."""
    from perfpacket.store import audit
    from perfpacket.store.models import Claim
    from perfpacket.store.team import User

    kept, gone = find_person(session, keep), find_person(session, absorb)
    if kept.id == gone.id:
        raise InputError(f"'{keep}' and '{absorb}' are the same person", hint="name two people")
    accounts = {
        u.person_id: u
        for u in session.scalars(select(User).where(User.person_id.in_([kept.id, gone.id])))
    }
    if kept.id in accounts and gone.id in accounts:
        raise InputError(
            f"'{kept.email}' and '{gone.email}' both have a team-server account",
            hint=f"remove one first: perfpacket users remove {gone.email}",
        )
    moved = {
        "identities": len(gone.identities),
        "records": int(
            session.execute(
                update(Evidence)
                .where(Evidence.person_id == gone.id)
                .values(person_id=kept.id)
                .execution_options(synchronize_session=False)
            ).rowcount  # type: ignore[attr-defined]
            or 0
        ),
    }
    for identity in list(gone.identities):
        identity.person_id = kept.id
    session.execute(update(Person).where(Person.manager_id == gone.id).values(manager_id=kept.id))
    if gone.id in accounts:
        accounts[gone.id].person_id = kept.id
    claims = list(session.scalars(select(Claim).where(Claim.person_id == gone.id)))
    for claim in claims:
        session.delete(claim)
    moved["claims_dropped"] = len(claims)
    session.flush()
    session.expire(gone)
    session.delete(gone)
    audit.record(
        session,
        None,
        "person.merge",
        f"person:{kept.email}",
        reason,
        {"absorbed": gone.email, **moved},
    )
    session.flush()
    return moved


PERSON_FIELDS = ("name", "team", "function", "manager")


def _email_of(session: Session, person_id: int | None) -> str | None:
    found = session.get(Person, person_id) if person_id is not None else None
    return found.email if found else None


def edit_person(session: Session, who: str, changes: dict[str, str | None], reason: str) -> Person:
    """Change a person's name, team, function or manager; recorded in the audit log with the
    values before and after."""
    from perfpacket.store import audit

    person = find_person(session, who)
    unknown = sorted(set(changes) - set(PERSON_FIELDS))
    if unknown:
        raise InputError(
            f"'{unknown[0]}' is not a field of a person", hint=", ".join(PERSON_FIELDS)
        )
    given = {k: v for k, v in changes.items() if v is not None}
    if not given:
        raise InputError("nothing to change", hint="give --name, --team, --function or --manager")
    before = {
        "name": person.display_name,
        "team": person.team,
        "function": person.function,
        "manager": _email_of(session, person.manager_id),
    }
    if "name" in given:
        person.display_name = given["name"]
    if "team" in given:
        person.team = given["team"] or None
    if "function" in given:
        person.function = given["function"] or None
    if "manager" in given:
        manager = find_person(session, given["manager"])
        if manager.id == person.id:
            raise InputError(f"'{who}' cannot manage themselves", hint="name their manager")
        person.manager_id = manager.id
    audit.record(
        session,
        None,
        "person.edit",
        f"person:{person.email}",
        reason,
        {"before": {k: before[k] for k in given}, "after": given},
    )
    session.flush()
    return person
