"""One person's packet, built once: the snapshot the CLI, the web pages and a submission share.

Given a session, a person, the packet's Markdown and a ladder and role, :func:`build_snapshot`
returns an immutable :class:`PacketSnapshot`: that person's own claims, the assessment, plan,
feedback, reach and evidence appendix, and the rendered HTML. ``perfpacket build``, the live
packet page, the submission and the demo all call it, so a committee reads the very document
the engineer previewed; a submission stores the snapshot (serialised, versioned, hashed) and
the committee's page serves it as it was.

The ladder and role are chosen in one place, :func:`choose_target`: what the caller says (a
cycle's ladder and role, ``--ladder``), then the packet's front matter, then the workspace's
``[packet]`` table in perfpacket.toml, then the ladder's declared default role.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from perfpacket.errors import InputError, StoreError, WorkspaceError
from perfpacket.evidence.query import load_records
from perfpacket.ladder import DEFAULT_LADDER
from perfpacket.ladder.assess import Assessment
from perfpacket.ladder.schema import Ladder
from perfpacket.lint.engine import LintContext, LintResult
from perfpacket.packet.context import APPENDIX_PER_CLAIM, RenderContext, evidence_label
from perfpacket.store.models import Artifact, Change, Claim, Feedback, Incident, Person, Review

SNAPSHOT_SCHEMA = 1
SOURCE_NAME = "packet.md"  # how the web and a submission name the Markdown they render
_CLAIM_COLUMNS = [c.key for c in Claim.__table__.columns]


# --- which ladder and role ------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """The ladder and the role a packet is assessed against."""

    ladder: Ladder
    role: str

    @property
    def ladder_name(self) -> str:
        return self.ladder.name


def choose_target(
    front_matter: Mapping[str, Any],
    config: Mapping[str, Any] | None = None,
    ladder: str | None = None,
    role: str | None = None,
    given_by: str = "--role",
) -> Target:
    """The ladder and role, each from the first that names one: the caller, the front matter,
    the workspace config's ``[packet]`` table, the ladder's default. A role the ladder does not
    have is an error naming where it came from (``given_by`` names the caller's own source),
    never a silent fall-back to another role."""
    from perfpacket.ladder.schema import load_ladder

    table = (config or {}).get("packet", {}) or {}
    candidates = [
        ("--ladder", ladder),
        ("front matter 'ladder'", front_matter.get("ladder")),
        ("perfpacket.toml [packet] ladder", table.get("ladder")),
    ]
    ladder_name = next((str(v) for _w, v in candidates if v), DEFAULT_LADDER)
    chosen = load_ladder(ladder_name)
    roles = [
        (given_by, role),
        ("front matter 'role'", front_matter.get("role")),
        ("perfpacket.toml [packet] role", table.get("role")),
        (f"ladder '{chosen.name}' default_role", chosen.default_role),
    ]
    where, role_id = next(((w, str(v)) for w, v in roles if v), ("", chosen.roles[0].id))
    if role_id not in {r.id for r in chosen.roles}:
        raise InputError(
            f"{where} '{role_id}' is not a role of ladder '{chosen.name}'",
            hint="roles: " + ", ".join(r.id for r in chosen.roles),
        )
    return Target(chosen, role_id)


def assess_person(session: Session, person: Person, target: Target) -> Assessment:
    """The person's assessment against the target, from their own claims and records."""
    from perfpacket.ladder.assess import assess
    from perfpacket.ladder.service import gather

    facts, records = gather(session, person)
    return assess(target.ladder, target.role, person.email, facts, records)


# --- what the page shows beyond the prose ---------------------------------------------------


def person_feedback(session: Session, person: Person) -> list[Feedback]:
    """The written feedback about the person, oldest first."""
    mine = select(Feedback).where(Feedback.person_id == person.id).order_by(Feedback.given_at)
    return list(session.scalars(mine))


def lint_context(session: Session, person: Person) -> LintContext:
    """What lint's claim rules read of a person: the claims and feedback their snapshot holds,
    so lint, the live editor and the built page judge the same claims."""
    from perfpacket.claims import load_claims

    return LintContext(
        claims={c.slug: c for c in load_claims(session, person, with_evidence=False)},
        feedback=[(f.author_name, f.author_function) for f in person_feedback(session, person)],
    )


def lint_packet(
    path: Path,
    select_rules: list[str] | None = None,
    ignore: list[str] | None = None,
    db: str | None = None,
    person: str | None = None,
) -> LintResult:
    """Lint one packet file against its person's claims, with the settings of the workspace it
    is in; in bare mode (no workspace) the claim rules are skipped and say so."""
    from perfpacket.lint import lint_document, parse_document
    from perfpacket.workspace import find_packet_workspace

    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            f"'{path}' does not exist", hint="give the packet's Markdown file"
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"'{path}' byte {exc.start}: not UTF-8 text", hint="save it as UTF-8"
        ) from None
    doc = parse_document(source, str(path))
    ctx, config = LintContext(), {}
    try:
        ws = find_packet_workspace(path, db)
    except WorkspaceError:
        ws = None
    if ws is not None:
        from perfpacket.claims import packet_person

        config = dict(ws.config.get("lint", {}))
        with ws.open_store() as store, store.session() as session:
            if session.scalars(select(Person.id).limit(1)).first() is None:
                ctx = LintContext(claims={}, feedback=[])  # no people yet: no claims to name
            else:
                who = packet_person(session, doc.front_matter, person, ws.person)
                ctx = lint_context(session, who)
            session.expunge_all()
    result = lint_document(
        doc,
        ctx,
        select=select_rules or list(config.get("select", [])),
        ignore=[*(ignore or []), *config.get("ignore", [])],
        severities=dict(config.get("severity", {})),
    )
    result.workspace = str(ws.root) if ws is not None else None
    return result


def build_context(
    session: Session, person: Person, claims: Sequence[Claim], target: Target
) -> RenderContext:
    """Assessment, plan, feedback, reach and the evidence appendix of one person."""
    from perfpacket.claims.read import cited_records
    from perfpacket.ladder.plan import plan

    ctx = RenderContext()
    result = assess_person(session, person, target)
    ctx.assessment = result.to_dict()
    ctx.plan = plan(target.ladder, result)
    ctx.feedback = [
        {
            "author": f.author_name,
            "function": f.author_function,
            "text": f.text,
            "date": f.given_at.date().isoformat(),
        }
        for f in person_feedback(session, person)
    ]
    repos = sorted(set(session.scalars(select(Change.repo).where(Change.person_id == person.id))))
    repos += sorted(
        set(session.scalars(select(Review.repo).where(Review.person_id == person.id))) - set(repos)
    )
    teams: set[str] = set()
    for incident in session.scalars(select(Incident).where(Incident.person_id == person.id)):
        teams.update(incident.teams)
    for artifact in session.scalars(select(Artifact).where(Artifact.person_id == person.id)):
        teams.update(artifact.adopters)
    partners = sorted({p for c in claims for p in c.attribution.get("partners", [])})
    ctx.reach = {"teams": sorted(teams), "repositories": repos, "partners": partners}
    # Each claim's card counts its records and names their kinds; the appendix shows a few of
    # them. Only those few are loaded (the demo's claims cite 2,152 records; the appendix
    # shows 116), and the counts are kept in the context, so a frozen snapshot re-rendered (a
    # blind cohort's copy) states them as the built page did.
    cited = cited_records(session, claims)
    records = load_records(
        session, [r.id for c in claims for r in cited[c.id][:APPENDIX_PER_CLAIM]]
    )
    for claim in claims:
        shown = [
            {"id": r.id, "kind": r.kind, "label": evidence_label(records[r.id])}
            for r in cited[claim.id][:APPENDIX_PER_CLAIM]
        ]
        ctx.evidence[claim.slug] = {
            "shown": shown,
            "total": len(cited[claim.id]),
            "kinds": list(dict.fromkeys(r.kind for r in cited[claim.id])),
        }
    return ctx


# --- claims as frozen in a snapshot ---------------------------------------------------------


def claim_row(claim: Claim) -> dict[str, Any]:
    """A claim as plain JSON values (what a snapshot keeps)."""
    out = {}
    for key in _CLAIM_COLUMNS:
        value = getattr(claim, key)
        out[key] = value.isoformat() if isinstance(value, datetime) else value
    return out


def claims_from_rows(rows: Sequence[Mapping[str, Any]]) -> list[Claim]:
    """Claims as frozen in a snapshot (not attached to any session)."""
    claims = []
    for row in rows:
        data = dict(row)
        data["computed_at"] = datetime.fromisoformat(data["computed_at"])
        claims.append(Claim(**data))
    return claims


# --- the snapshot ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PacketSnapshot:
    """One person's packet as built at one moment. Never edited: build a new one."""

    person: str  # their email
    ladder: str
    role: str
    markdown: str
    claims: tuple[dict[str, Any], ...]
    context: dict[str, Any]  # RenderContext as plain values
    html: str
    taken_at: datetime

    def _content(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "ladder": self.ladder,
            "role": self.role,
            "markdown": self.markdown,
            "claims": list(self.claims),
            "context": self.context,
            "html": self.html,
            "taken_at": self.taken_at.isoformat(),
        }

    @property
    def content_hash(self) -> str:
        """SHA-256 of everything the snapshot holds, in a canonical JSON form."""
        canonical = json.dumps(self._content(), sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return {"schema": SNAPSHOT_SCHEMA, "hash": self.content_hash, **self._content()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PacketSnapshot:
        """A stored snapshot, refused if its schema is unknown or its hash does not match."""
        if data.get("schema") != SNAPSHOT_SCHEMA:
            raise StoreError(
                f"a stored packet snapshot has schema {data.get('schema')!r}; this version "
                f"reads schema {SNAPSHOT_SCHEMA}",
                hint="upgrade perfpacket to read it",
            )
        snapshot = cls(
            person=str(data["person"]),
            ladder=str(data["ladder"]),
            role=str(data["role"]),
            markdown=str(data["markdown"]),
            claims=tuple(data["claims"]),
            context=dict(data["context"]),
            html=str(data["html"]),
            taken_at=datetime.fromisoformat(str(data["taken_at"])),
        )
        if snapshot.content_hash != data.get("hash"):
            raise StoreError(
                "a stored packet snapshot does not match its content hash: it was changed "
                "after submission",
                hint="restore the database from a backup; the audit log shows who submitted it",
            )
        return snapshot

    def render_context(self) -> RenderContext:
        return RenderContext(**self.context)

    def changed_claims(self, current: Sequence[Claim]) -> list[str]:
        """Slugs whose numbers or verdict the store now holds differently (or no longer holds),
        and claims the person has gained since: what ``claims verify`` would now report as
        different from this snapshot."""
        now = {c.slug: c for c in current}
        then = {str(row["slug"]): row for row in self.claims}
        fields = ("estimate", "ci_low", "ci_high", "verdict", "baseline", "current")
        changed = [
            slug
            for slug, row in then.items()
            if slug not in now or any(row.get(f) != getattr(now[slug], f) for f in fields)
        ]
        return sorted(changed + [slug for slug in now if slug not in then])


class Renderer(Protocol):
    """Writes a built packet in one output format: ``perfpacket build --format NAME``."""

    name: str  # the format's name, as given to --format
    suffix: str  # the output file's suffix, ".html"
    description: str

    def render(self, snapshot: PacketSnapshot) -> bytes:
        """The whole output file. A renderer reads the snapshot only: it never recomputes."""
        ...


def build_snapshot(
    session: Session,
    person: Person,
    markdown: str,
    target: Target,
    source_name: str = SOURCE_NAME,
) -> PacketSnapshot:
    """The person's packet: their own claims only, the assessment and the rest of the page
    against ``target``, and the rendered HTML."""
    from perfpacket.claims import load_claims
    from perfpacket.packet.render import render_packet_html

    claims = load_claims(session, person, with_evidence=False)
    context = build_context(session, person, claims, target)
    html = render_packet_html(markdown, claims, source_name, context)
    return PacketSnapshot(
        person=person.email or "",
        ladder=target.ladder_name,
        role=target.role,
        markdown=markdown,
        claims=tuple(claim_row(c) for c in claims),
        context=asdict(context),
        html=html,
        taken_at=datetime.now(UTC),
    )


def render_snapshot(snapshot: PacketSnapshot, markdown: str, source_name: str) -> str:
    """The snapshot's page with other Markdown (a blind cohort's pseudonymised copy): the same
    frozen claims and context, so only the prose differs."""
    from perfpacket.packet.render import render_packet_html

    claims = claims_from_rows(snapshot.claims)
    return render_packet_html(markdown, claims, source_name, snapshot.render_context())


__all__ = [
    "DEFAULT_LADDER",
    "PacketSnapshot",
    "Renderer",
    "Target",
    "assess_person",
    "build_context",
    "build_snapshot",
    "choose_target",
    "claim_row",
    "claims_from_rows",
    "lint_context",
    "lint_packet",
    "person_feedback",
    "render_snapshot",
]
