"""SQLAlchemy models for the domain model: people, sources, typed evidence, claims, packets.

Evidence records share one ``evidence`` table (id, kind, natural key, source, person, time) and
keep their typed fields in one table per kind (joined-table inheritance), so a claim can point
at any record by id while each kind stays typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates
from sqlalchemy.types import TypeDecorator

from perfpacket.vocab import (
    Comparison,
    Direction,
    HiringOutcome,
    Recommendation,
    TicketState,
    Tracker,
    Verdict,
)

# Deterministic constraint names keep migrations portable between SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Json = JSON(none_as_null=True)


class UTCDateTime(TypeDecorator[datetime]):
    """Datetimes stored as UTC and read back as aware UTC on every database.

    SQLite keeps no offset: without this, a commit made at 09:00+02:00 would come back as
    09:00 with no zone, a different instant. Naive input is taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        """On SQLite, the text SQLAlchemy writes for a datetime ('YYYY-MM-DD HH:MM:SS.ffffff',
        no offset), made by one C call instead of a format of seven fields: an import writes
        two or three per record."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            if value.tzinfo is not None:
                value = value.astimezone(UTC)
            return value.isoformat(" ", "microseconds")[:26]

        return process


E = TypeVar("E", bound=StrEnum)


class Vocabulary(TypeDecorator[E]):
    """A fixed vocabulary kept as its plain word and read back as the enum member, so every
    reader compares members that mypy checks, never strings. A word outside the vocabulary
    is refused on the way in and on the way out."""

    impl = String
    cache_ok = True

    def __init__(self, vocabulary: type[E], length: int) -> None:
        super().__init__(length)
        self.vocabulary = vocabulary

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.vocabulary(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.vocabulary(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    team: Mapped[str | None] = mapped_column(String(200))
    function: Mapped[str | None] = mapped_column(String(100))
    level: Mapped[str | None] = mapped_column(String(100))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    identities: Mapped[list[Identity]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )


class Identity(Base):
    """An email address or forge handle that attributes evidence to a person."""

    __tablename__ = "identity"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(50))  # email | github | gitlab | pagerduty ...
    value: Mapped[str] = mapped_column(String(320))

    person: Mapped[Person] = relationship(back_populates="identities")


class Source(Base):
    """One imported file, directory or repository. The same content imports once."""

    __tablename__ = "source"
    __table_args__ = (UniqueConstraint("kind", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    location: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    importer: Mapped[str] = mapped_column(String(100))
    importer_version: Mapped[str] = mapped_column(String(50))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Evidence(Base):
    """The common part of every evidence record."""

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("kind", "natural_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    natural_key: Mapped[str] = mapped_column(String(500))
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The identity the record came with ("email:ana@example.com", "github:aokafor"), kept so
    # that linking an identity to a person later can attribute records already imported.
    actor: Mapped[str | None] = mapped_column(String(400), index=True)
    # The source's own version of the record (a pull request's updated_at): the later wins.
    source_version: Mapped[str | None] = mapped_column(String(100))

    source: Mapped[Source] = relationship()
    person: Mapped[Person | None] = relationship()

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "evidence"}


def _evidence_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True)


class Change(Evidence):
    """A commit or a pull request."""

    __tablename__ = "change"
    __mapper_args__ = {"polymorphic_identity": "change"}

    id: Mapped[int] = _evidence_fk()
    repo: Mapped[str] = mapped_column(String(300))
    sha: Mapped[str | None] = mapped_column(String(64))
    number: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, default="")
    author_email: Mapped[str | None] = mapped_column(String(320))
    author_name: Mapped[str | None] = mapped_column(String(200))
    authored_at: Mapped[datetime] = mapped_column(UTCDateTime())
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_merge: Mapped[bool] = mapped_column(Boolean, default=False)
    # Lines added and deleted and files changed; None where the source does not say (a pull or
    # merge request read from a listing).
    additions: Mapped[int | None] = mapped_column(Integer)
    deletions: Mapped[int | None] = mapped_column(Integer)
    files_changed: Mapped[int | None] = mapped_column(Integer)
    # None: not said (a pull or merge request: no forge page it is read from names its files).
    files: Mapped[list[str] | None] = mapped_column(Json, default=None)
    co_authors: Mapped[list[str]] = mapped_column(Json, default=list)
    reviewers: Mapped[list[str]] = mapped_column(Json, default=list)
    labels: Mapped[list[str]] = mapped_column(Json, default=list)
    # Comments on a pull or merge request (issue and review comments, GitLab's user notes);
    # None where the source does not say (a commit, a GitHub pulls listing).
    comments: Mapped[int | None] = mapped_column(Integer)


class Review(Evidence):
    __tablename__ = "review"
    __mapper_args__ = {"polymorphic_identity": "review"}

    id: Mapped[int] = _evidence_fk()
    repo: Mapped[str] = mapped_column(String(300))
    number: Mapped[int] = mapped_column(Integer)
    reviewer: Mapped[str] = mapped_column(String(320))
    state: Mapped[str] = mapped_column(String(30))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class EvalRun(Evidence):
    """One run of an eval suite against a model or prompt version."""

    __tablename__ = "eval_run"
    __mapper_args__ = {"polymorphic_identity": "eval_run"}

    id: Mapped[int] = _evidence_fk()
    suite: Mapped[str] = mapped_column(String(300))
    model: Mapped[str | None] = mapped_column(String(300))
    prompt_version: Mapped[str | None] = mapped_column(String(300))
    run_at: Mapped[datetime] = mapped_column(UTCDateTime())
    n: Mapped[int] = mapped_column(Integer)
    passed: Mapped[int | None] = mapped_column(Integer)
    metrics: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    slices: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    # Per-item results, {item_id: score}, when the harness reports them.
    items: Mapped[dict[str, float] | None] = mapped_column(Json)


class Release(Evidence):
    """A model or prompt version going to production."""

    __tablename__ = "release"
    __mapper_args__ = {"polymorphic_identity": "release"}

    id: Mapped[int] = _evidence_fk()
    artifact: Mapped[str] = mapped_column(String(20))  # model | prompt | gateway
    version: Mapped[str] = mapped_column(String(300))
    previous_version: Mapped[str | None] = mapped_column(String(300))
    released_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # None where the source does not say: a release is not "not gated" for want of a column.
    rolled_back: Mapped[bool | None] = mapped_column(Boolean)
    gated: Mapped[bool | None] = mapped_column(Boolean)
    qa_hours: Mapped[float | None] = mapped_column(Float)


class Incident(Evidence):
    __tablename__ = "incident"
    __mapper_args__ = {"polymorphic_identity": "incident"}

    id: Mapped[int] = _evidence_fk()
    external_id: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(20))
    service: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responders: Mapped[list[str]] = mapped_column(Json, default=list)
    teams: Mapped[list[str]] = mapped_column(Json, default=list, server_default=text("'[]'"))
    cause: Mapped[str | None] = mapped_column(Text)
    # The model or prompt version whose release caused the incident, when known.
    release_version: Mapped[str | None] = mapped_column(String(300))
    # When the cause was known, and whether a trace of the failing requests was captured
    # (None: not recorded): the flight recorder's evidence.
    diagnosed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    traced: Mapped[bool | None] = mapped_column(Boolean)


class Experiment(Evidence):
    """An A/B readout: variants with n and conversions, or sum / sum of squares / n."""

    __tablename__ = "experiment"
    __mapper_args__ = {"polymorphic_identity": "experiment"}

    id: Mapped[int] = _evidence_fk()
    name: Mapped[str] = mapped_column(String(300))
    metric: Mapped[str] = mapped_column(String(300))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    variants: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)


class GuardEvent(Evidence):
    """A budget block, kill-switch trip or fallback in the LLM gateway."""

    __tablename__ = "guard_event"
    __mapper_args__ = {"polymorphic_identity": "guard_event"}

    id: Mapped[int] = _evidence_fk()
    guard: Mapped[str] = mapped_column(String(30))  # budget_block | kill_switch | fallback
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    amount_usd: Mapped[float | None] = mapped_column(Float)
    requests_affected: Mapped[int | None] = mapped_column(Integer)
    service: Mapped[str | None] = mapped_column(String(200))
    version_from: Mapped[str | None] = mapped_column(String(300))
    version_to: Mapped[str | None] = mapped_column(String(300))


class Feedback(Evidence):
    __tablename__ = "feedback"
    __mapper_args__ = {"polymorphic_identity": "feedback"}

    id: Mapped[int] = _evidence_fk()
    author_name: Mapped[str] = mapped_column(String(200))
    author_function: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Artifact(Evidence):
    """A design doc, RFC or library, with the teams that adopted it."""

    __tablename__ = "artifact"
    __mapper_args__ = {"polymorphic_identity": "artifact"}

    id: Mapped[int] = _evidence_fk()
    artifact_kind: Mapped[str] = mapped_column(String(30))  # rfc | design_doc | library
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    adopters: Mapped[list[str]] = mapped_column(Json, default=list)


class Grade(Evidence):
    """One sampled model output graded pass or fail by a judge (a model or rubric) and, on a
    subsample, by a person: the evidence for an SLO where no ground truth arrives by itself."""

    __tablename__ = "grade"
    __mapper_args__ = {"polymorphic_identity": "grade"}

    id: Mapped[int] = _evidence_fk()
    item: Mapped[str] = mapped_column(String(300))
    service: Mapped[str | None] = mapped_column(String(200))
    graded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    judge_pass: Mapped[bool] = mapped_column(Boolean)
    human_pass: Mapped[bool | None] = mapped_column(Boolean)


class Interview(Evidence):
    """One interview a person conducted, from an applicant tracking system's scorecards. The
    candidate is the ATS's id only: names are never imported."""

    __tablename__ = "interview"
    __mapper_args__ = {"polymorphic_identity": "interview"}

    id: Mapped[int] = _evidence_fk()
    candidate: Mapped[str] = mapped_column(String(200))
    loop: Mapped[str | None] = mapped_column(String(300))
    stage: Mapped[str | None] = mapped_column(String(300))
    interviewed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recommendation: Mapped[Recommendation] = mapped_column(Vocabulary(Recommendation, 20))
    outcome: Mapped[HiringOutcome | None] = mapped_column(Vocabulary(HiringOutcome, 20))


class Ticket(Evidence):
    """An issue or epic in an issue tracker, with every status change it went through, so
    that cycle times and tickets worked across teams can be read from it."""

    __tablename__ = "ticket"
    __mapper_args__ = {"polymorphic_identity": "ticket"}

    id: Mapped[int] = _evidence_fk()
    tracker: Mapped[Tracker] = mapped_column(Vocabulary(Tracker, 20))
    key: Mapped[str] = mapped_column(String(100))  # ML-142, ENG-7: as the tracker shows it
    project: Mapped[str | None] = mapped_column(String(200))  # Jira project, Linear team
    title: Mapped[str] = mapped_column(Text, default="")
    issue_type: Mapped[str | None] = mapped_column(String(100))  # Bug, Story, Epic, ...
    parent: Mapped[str | None] = mapped_column(String(100))  # the epic or parent's key
    status: Mapped[str] = mapped_column(String(100))
    state: Mapped[TicketState] = mapped_column(Vocabulary(TicketState, 20))
    assignee: Mapped[str | None] = mapped_column(String(320))
    reporter: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    labels: Mapped[list[str]] = mapped_column(Json, default=list)
    components: Mapped[list[str]] = mapped_column(Json, default=list)
    # Status changes, oldest first: {"at": ISO time, "from": status, "to": status, "by": who}.
    history: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    # Whether ``history`` holds every change (a search page may hold only the latest ones).
    history_complete: Mapped[bool] = mapped_column(Boolean, default=True)


EVIDENCE_KINDS: dict[str, type[Evidence]] = {
    cls.__mapper_args__["polymorphic_identity"]: cls
    for cls in (
        Change,
        Review,
        EvalRun,
        Release,
        Incident,
        Experiment,
        GuardEvent,
        Feedback,
        Artifact,
        Grade,
        Interview,
        Ticket,
    )
}


class SyncCursor(Base):
    """Where a configured sync source's last sync stopped: its connector's own state (an
    updated-since time, an ETag, a page token), written in the same transaction as the records
    it covers, so a cursor never runs ahead of what was stored."""

    __tablename__ = "sync_cursor"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    state: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TelemetrySource(Base):
    """A request-level table queried in place (DuckDB by default), never copied row by row."""

    __tablename__ = "telemetry_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    uri: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(30))  # parquet | csv | jsonl | otlp
    columns: Mapped[dict[str, str]] = mapped_column(Json, default=dict)
    row_count: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ClaimEvidence(Base):
    __tablename__ = "claim_evidence"

    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True
    )
    evidence_id: Mapped[int] = mapped_column(
        ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True
    )


class Claim(Base):
    """The unit of a packet: a number with its interval, method, verdict and provenance."""

    __tablename__ = "claim"
    # Slugs name a person's claims: two engineers can both have an eval-regression-rate.
    __table_args__ = (UniqueConstraint("person_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    recipe: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    metric: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(50))
    direction: Mapped[Direction] = mapped_column(Vocabulary(Direction, 30))
    comparison: Mapped[Comparison] = mapped_column(Vocabulary(Comparison, 30))
    estimate: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    ci_level: Mapped[float | None] = mapped_column(Float)
    method: Mapped[str] = mapped_column(Text)
    sample_sizes: Mapped[dict[str, int]] = mapped_column(Json, default=dict)
    p_value: Mapped[float | None] = mapped_column(Float)
    code: Mapped[str | None] = mapped_column(String(40))
    verdict: Mapped[Verdict] = mapped_column(Vocabulary(Verdict, 30))
    baseline: Mapped[float | None] = mapped_column(Float)
    current: Mapped[float | None] = mapped_column(Float)
    value: Mapped[dict[str, Any] | None] = mapped_column(Json)
    attribution: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    dimensions: Mapped[list[str]] = mapped_column(Json, default=list)
    assumptions: Mapped[list[str]] = mapped_column(Json, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    fingerprint: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    evidence: Mapped[list[Evidence]] = relationship(
        secondary="claim_evidence", order_by=Evidence.id
    )

    @validates("direction", "comparison", "verdict")
    def _member(self, key: str, value: StrEnum | str) -> StrEnum:
        # A claim built from plain values (a frozen snapshot, a plugin) holds members too.
        vocabulary: type[StrEnum] = {"direction": Direction, "comparison": Comparison}.get(
            key, Verdict
        )
        return vocabulary(value)


class Packet(Base):
    """A packet: Markdown with YAML front matter whose numbers are claim references."""

    __tablename__ = "packet"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    title: Mapped[str] = mapped_column(Text)
    markdown: Mapped[str] = mapped_column(Text)
    front_matter: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
