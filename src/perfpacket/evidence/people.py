"""People and their identities: who a record belongs to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from perfpacket.errors import InputError, NotFoundError
from perfpacket.store.models import Evidence, Identity, Person

IDENTITY_KINDS = ("email", "github", "gitlab", "pagerduty", "slack", "handle")


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


def list_people(session: Session) -> list[dict[str, Any]]:
    people = session.scalars(
        select(Person).options(selectinload(Person.identities)).order_by(Person.email)
    )
    return [
        {
            "email": p.email,
            "name": p.display_name,
            "team": p.team,
            "function": p.function,
            "identities": sorted(f"{i.kind}:{i.value}" for i in p.identities),
        }
        for p in people
    ]
