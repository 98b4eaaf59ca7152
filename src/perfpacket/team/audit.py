"""The audit log: every read of someone else's packet and every rating or decision change.

Read as people read it: each event names its actor and its subject (the packet's title and
owner, the candidate and cohort, the account), filtered by actor, subject, kind and date, a
page of :data:`PAGE` events at a time (older pages by the last id seen), and exported as CSV
or JSON with the same filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from perfpacket.errors import InputError
from perfpacket.store.audit import record
from perfpacket.store.models import Packet, Person
from perfpacket.store.team import AuditEvent, Candidacy, Cohort, User
from perfpacket.team.export import csv_text

__all__ = [
    "PAGE",
    "AuditFilter",
    "events",
    "kinds",
    "page",
    "record",
    "rows",
    "to_csv",
]

PAGE = 500
SUBJECT_KINDS = ("packet", "candidacy", "cohort", "user", "person")
COLUMNS = ("id", "at", "actor", "actor_email", "action", "subject", "subject_name", "allowed_as")


@dataclass(frozen=True)
class AuditFilter:
    """Which events to show. ``subject`` is a kind ("packet") or one record ("packet:3")."""

    actor: str | None = None  # an account's email
    subject: str | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive

    @classmethod
    def parse(
        cls,
        actor: str | None = None,
        subject: str | None = None,
        action: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> AuditFilter:
        """From query parameters; a malformed one is an error naming the field and the fix."""
        subject = (subject or "").strip() or None
        if subject is not None:
            kind, _, number = subject.partition(":")
            if kind not in SUBJECT_KINDS or (number and not _is_key(kind, number)):
                raise InputError(
                    f"subject '{subject}' is not a record",
                    hint="give a kind (" + ", ".join(SUBJECT_KINDS) + ") or one record, "
                    "e.g. packet:3",
                )
        return cls(
            (actor or "").strip().lower() or None,
            subject,
            (action or "").strip() or None,
            _day(since, "since"),
            _day(until, "until"),
        )

    def apply(self, stmt: Select[AuditEvent]) -> Select[AuditEvent]:
        if self.actor:
            stmt = stmt.join(User, AuditEvent.actor_id == User.id).where(User.email == self.actor)
        if self.subject:
            if ":" in self.subject:
                stmt = stmt.where(AuditEvent.target == self.subject)
            else:
                stmt = stmt.where(AuditEvent.target.startswith(f"{self.subject}:"))
        if self.action:
            stmt = stmt.where(AuditEvent.action == self.action)
        if self.since:
            stmt = stmt.where(AuditEvent.at >= datetime.combine(self.since, time(), UTC))
        if self.until:
            end = datetime.combine(self.until + timedelta(days=1), time(), UTC)
            stmt = stmt.where(AuditEvent.at < end)
        return stmt

    def query(self) -> dict[str, str]:
        """The filter as query parameters (for the next page's and the export's links)."""
        out = {
            "actor": self.actor or "",
            "subject": self.subject or "",
            "action": self.action or "",
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {k: v for k, v in out.items() if v}


def _is_key(kind: str, number: str) -> bool:
    return "@" in number if kind == "person" else number.isdigit() and len(number) < 12


def _day(text: str | None, field: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{field} '{text[:40]}' is not a date", hint="write it as YYYY-MM-DD"
        ) from None


def events(
    session: Session,
    limit: int = PAGE,
    where: AuditFilter | None = None,
    before: int | None = None,
) -> list[AuditEvent]:
    """Newest first: ``limit`` events matching ``where``, older than event ``before``."""
    stmt = select(AuditEvent).options(selectinload(AuditEvent.actor))
    stmt = (where or AuditFilter()).apply(stmt)
    if before is not None:
        stmt = stmt.where(AuditEvent.id < before)
    return list(session.scalars(stmt.order_by(AuditEvent.id.desc()).limit(limit)))


def page(
    session: Session, where: AuditFilter, before: int | None = None
) -> tuple[list[AuditEvent], int | None]:
    """One page and the id to ask for the next (older) one, or None on the last page."""
    found = events(session, PAGE + 1, where, before)
    more = len(found) > PAGE
    shown = found[:PAGE]
    return shown, (shown[-1].id if more and shown else None)


def kinds(session: Session) -> list[str]:
    """The actions the log holds, for the filter's choices."""
    return sorted(set(session.scalars(select(AuditEvent.action).distinct())))


def subject_names(session: Session, found: list[AuditEvent]) -> dict[str, str]:
    """Each event's subject as people name it: "packet 'Ana: Staff' (Ana Okafor)"."""
    ids: dict[str, set[int]] = {k: set() for k in ("packet", "candidacy", "cohort", "user")}
    for e in found:
        kind, _, number = e.target.partition(":")
        if kind in ids and number.isdigit():
            ids[kind].add(int(number))
    names: dict[str, str] = {}
    if ids["packet"]:
        owned = select(Packet, Person).outerjoin(Person, Packet.person_id == Person.id)
        for packet, person in session.execute(owned.where(Packet.id.in_(ids["packet"]))):
            owner = f" ({person.display_name})" if person else ""
            names[f"packet:{packet.id}"] = f"packet '{packet.title}'{owner}"
    if ids["candidacy"]:
        candidacies = select(Candidacy).options(
            selectinload(Candidacy.user), selectinload(Candidacy.cohort).selectinload(Cohort.cycle)
        )
        for c in session.scalars(candidacies.where(Candidacy.id.in_(ids["candidacy"]))):
            names[f"candidacy:{c.id}"] = (
                f"{c.user.name}'s candidacy in {c.cohort.cycle.name} · {c.cohort.name}"
            )
    if ids["cohort"]:
        cohorts = select(Cohort).options(selectinload(Cohort.cycle))
        for k in session.scalars(cohorts.where(Cohort.id.in_(ids["cohort"]))):
            names[f"cohort:{k.id}"] = f"cohort {k.cycle.name} · {k.name}"
    if ids["user"]:
        for u in session.scalars(select(User).where(User.id.in_(ids["user"]))):
            names[f"user:{u.id}"] = f"account {u.name} <{u.email}>"
    for e in found:
        if e.target.startswith("person:"):
            names[e.target] = f"person {e.target.removeprefix('person:')}"
    return names


def rows(session: Session, found: list[AuditEvent]) -> list[dict[str, Any]]:
    """Events as plain values, subjects named: what the page, the CSV and the JSON show."""
    names = subject_names(session, found)
    return [
        {
            "id": e.id,
            "at": e.at.isoformat(timespec="seconds"),
            "actor": e.actor.name if e.actor else "workspace",
            "actor_email": e.actor.email if e.actor else "",
            "action": e.action,
            "subject": e.target,
            "subject_name": names.get(e.target, e.target),
            "allowed_as": e.reason,
            "detail": e.detail,
        }
        for e in found
    ]


def to_csv(table: list[dict[str, Any]]) -> str:
    """The rows as CSV (the detail column as JSON text), with a header row."""
    import json

    return csv_text(
        [*COLUMNS, "detail"],
        ({**row, "detail": json.dumps(row["detail"], sort_keys=True)} for row in table),
    )
