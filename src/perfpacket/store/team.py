"""Team-server models: accounts, sessions, review cycles, cohorts, candidacies, ratings, audit.

A candidacy is one person's packet in one cohort of a cycle. It moves through
draft -> submitted -> in_calibration -> decided -> released; what the committee reads is the
frozen :class:`PacketVersion` made at submission, never the packet its owner keeps editing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perfpacket.store.models import Base, Json, Person, UTCDateTime, Vocabulary
from perfpacket.vocab import CandidacyState

ROLES = ("engineer", "manager", "committee", "admin")
# Ratings a reviewer gives, in order; the numbers are what leniency is computed on.
RATINGS = {"not_yet": 1, "meets": 2, "exceeds": 3, "next_level": 4}
DECISIONS = ("promote", "not_yet", "defer")


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when an admin deactivates the account: it cannot sign in, and its sessions and
    # tokens are gone.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    person: Mapped[Person] = relationship()
    manager: Mapped[User | None] = relationship(remote_side=[id])


class ApiToken(Base):
    """Bearer tokens; only the SHA-256 of a token is kept."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class WebSession(Base):
    """A browser session, kept in the database so any server instance can serve it.

    Anonymous sessions exist too: the login form's CSRF token lives in one. Only the SHA-256
    of the cookie value is stored.
    """

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class LoginLimit(Base):
    """Login attempts in the current window, by account and by client address. Each attempt
    adds one in a single atomic statement before its password is checked (see
    ``accounts.authenticate``), so parallel guesses cannot run past the limit, across
    processes and instances alike."""

    __tablename__ = "login_limit"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(Integer)


class PacketVersion(Base):
    """A frozen packet: its Markdown and the claims it referenced, as they were at submission."""

    __tablename__ = "packet_version"
    __table_args__ = (UniqueConstraint("packet_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("packet.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    markdown: Mapped[str] = mapped_column(Text)
    claims: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list, deferred=True)
    # The ladder assessment in full (for the frozen packet's page) and the part calibration
    # compares: dimension ratings, evidence counts, intervals, impact.
    assessment: Mapped[dict[str, Any]] = mapped_column(Json, default=dict, deferred=True)
    summary: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The whole packet as the engineer previewed it at submission (perfpacket.snapshot:
    # versioned, hashed); what the committee's page serves. None for older versions.
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(Json, default=None, deferred=True)


DEFAULT_QUORUM = 2
MAX_QUORUM = 20


class Cycle(Base):
    __tablename__ = "cycle"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    ladder: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Committee ratings a decision needs (fewer when a cohort's committee is smaller).
    quorum: Mapped[int] = mapped_column(Integer, default=DEFAULT_QUORUM, server_default="2")

    cohorts: Mapped[list[Cohort]] = relationship(back_populates="cycle", order_by="Cohort.id")


class Cohort(Base):
    __tablename__ = "cohort"
    __table_args__ = (UniqueConstraint("cycle_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    blind: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped by every submission, rating, decision and state change in the cohort, so a
    # server can reuse a calibration view until something in it changes.
    revision: Mapped[int] = mapped_column(Integer, default=0)

    cycle: Mapped[Cycle] = relationship(back_populates="cohorts")
    members: Mapped[list[User]] = relationship(secondary="cohort_member", order_by=User.id)


class CohortMember(Base):
    """A committee member sitting on a cohort."""

    __tablename__ = "cohort_member"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True, index=True)


class Candidacy(Base):
    __tablename__ = "candidacy"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("packet.id"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("packet_version.id"))
    state: Mapped[CandidacyState] = mapped_column(
        Vocabulary(CandidacyState, 20), default=CandidacyState.DRAFT
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision: Mapped[str | None] = mapped_column(String(20))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    cohort: Mapped[Cohort] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    version: Mapped[PacketVersion | None] = relationship()
    ratings: Mapped[list[Rating]] = relationship(back_populates="candidacy", order_by="Rating.id")


class Rating(Base):
    """A manager's review or a committee member's rating of a candidacy, with its reason."""

    __tablename__ = "rating"
    __table_args__ = (UniqueConstraint("candidacy_id", "rater_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(ForeignKey("candidacy.id"), index=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # manager | committee
    rating: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The 9-box the rater moved the candidate into (team.ninebox), when the rating came from
    # a move; a rating given otherwise clears it.
    performance: Mapped[str | None] = mapped_column(String(12), default=None)
    readiness: Mapped[str | None] = mapped_column(String(12), default=None)

    candidacy: Mapped[Candidacy] = relationship(back_populates="ratings")
    rater: Mapped[User] = relationship()


class AuditEvent(Base):
    """Who did what to which record, when, and the relation that allowed it."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)

    actor: Mapped[User | None] = relationship()
