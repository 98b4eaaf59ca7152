"""Packets on the team server: editing, live lint and preview, frozen versions at submission."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from perfpacket.errors import ConflictError, InputError, PerfpacketError
from perfpacket.lint import Diagnostic, LintContext, lint_document, parse_document
from perfpacket.packet.context import currency_summary
from perfpacket.packet.format import format_claim, format_interval
from perfpacket.packet.markdown import parse_packet, render_body
from perfpacket.snapshot import PacketSnapshot
from perfpacket.store.models import Claim, Packet, Person
from perfpacket.store.team import Candidacy, Cohort, PacketVersion, User
from perfpacket.team.clock import now
from perfpacket.team.text import check_text
from perfpacket.vocab import CandidacyState

MAX_MARKDOWN = 500_000
MAX_TITLE = 300


def _check(title: str, markdown: str) -> None:
    check_text(title, "title", MAX_TITLE)
    check_text(markdown, "markdown", MAX_MARKDOWN)
    if not title.strip():
        raise InputError("field 'title' is empty", hint="give the packet a title")
    if len(title) > MAX_TITLE:
        raise InputError(
            f"field 'title' has {len(title)} characters; at most {MAX_TITLE} are allowed",
            hint="shorten the title",
        )
    if len(markdown) > MAX_MARKDOWN:
        raise InputError(
            f"field 'markdown' has {len(markdown)} characters; at most {MAX_MARKDOWN} are allowed",
            hint="a packet this long will not be read; cut it down",
        )
    parse_packet(markdown, "markdown")  # front matter errors name the field


def create_packet(session: Session, owner: User, title: str, markdown: str) -> Packet:
    _check(title, markdown)
    packet = Packet(
        person_id=owner.person_id,
        title=title.strip(),
        markdown=markdown,
        front_matter=parse_packet(markdown, "markdown").front_matter,
        version=1,
        created_at=now(),
        updated_at=now(),
    )
    session.add(packet)
    session.flush()
    return packet


def is_frozen(session: Session, packet: Packet) -> bool:
    stmt = select(PacketVersion.id).where(
        PacketVersion.packet_id == packet.id, PacketVersion.number == packet.version
    )
    return session.scalar(stmt) is not None


def update_packet(session: Session, packet: Packet, title: str, markdown: str) -> Packet:
    """Save an edit; a version already submitted stays as it was and the edit starts the next."""
    _check(title, markdown)
    if is_frozen(session, packet):
        packet.version += 1
    packet.title = title.strip()
    packet.markdown = markdown
    packet.front_matter = parse_packet(markdown, "markdown").front_matter
    packet.updated_at = now()
    return packet


def is_blank(markdown: str) -> bool:
    """Whether a packet holds no words of its own: front matter, headings and comments only
    (a new packet's outline)."""
    from perfpacket.packet.markdown import strip_comments

    body = strip_comments(parse_packet(markdown, "markdown").body)
    return not any(line.strip() and not line.lstrip().startswith("#") for line in body.splitlines())


def draft_model_notice(model_id: str) -> str:
    """What the draft button tells its user before the packet text leaves the server."""
    from perfpacket.draft.polish import find_model, provider

    return (
        f"Drafting sends your packet's text to {provider(find_model(model_id)).describe()}, "
        "to polish the prose. Numbers are sent as opaque tokens and any number it adds is "
        "refused."
    )


def draft_packet(session: Session, packet: Packet, user: User, model_id: str | None = None) -> str:
    """Fill an empty packet with the draft of its owner's evidence (the service ``perfpacket
    draft`` uses); with ``model_id`` (the server's configured model) the prose is polished
    under the guard, the exchange recorded in the audit log. Returns what happened."""
    from perfpacket.draft.compose import draft_for
    from perfpacket.snapshot import choose_target
    from perfpacket.store.audit import record

    if not is_blank(packet.markdown):
        raise ConflictError(
            "the packet already has text: drafting fills only an empty packet",
            hint="clear it to draft again, or edit your own text",
        )
    person = session.get(Person, packet.person_id)
    if person is None:
        raise InputError(
            "this account is not linked to a person with evidence",
            hint="an admin links it: perfpacket users add EMAIL --person EMAIL",
        )
    target = choose_target(packet.front_matter, None)
    drafted = draft_for(session, person, target)
    text, said = drafted.markdown, "drafted from the evidence"
    if model_id:
        from perfpacket.draft.polish import find_model, polish

        body = parse_packet(text, "packet.md").body
        done = polish(body, find_model(model_id))
        text = text[: len(text) - len(body)] + done.text
        said += f"; model {model_id}: {done.reason}"
        record(
            session,
            user,
            "packet_draft_model",
            f"packet:{packet.id}",
            said,
            {
                "model": model_id,
                "accepted": done.accepted,
                "exchanges": [
                    {"response": a.answer, "violations": [str(v) for v in a.violations]}
                    for a in done.attempts
                ],
            },
        )
    update_packet(session, packet, packet.title, text)
    return said


def person_claims(session: Session, person_id: int | None) -> list[Claim]:
    return list(session.scalars(select(Claim).where(Claim.person_id == person_id)))


@dataclass
class Preview:
    html: str | None
    error: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def preview(session: Session, person_id: int | None, markdown: str) -> Preview:
    """What the live editor shows: the rendered prose and the linter's findings, over the
    claims and feedback the person's snapshot holds."""
    from perfpacket.snapshot import lint_context

    person = session.get(Person, person_id) if person_id is not None else None
    ctx = lint_context(session, person) if person is not None else LintContext({}, [])
    claims = list((ctx.claims or {}).values())
    try:
        result = lint_document(parse_document(markdown, "packet.md"), ctx)
        parsed = parse_packet(markdown, "packet.md")
        body = render_body(parsed, claims, "packet.md", mark_problems=True).html
    except PerfpacketError as exc:
        return Preview(None, exc.message + (f" ({exc.hint})" if exc.hint else ""))
    return Preview(body, None, result.diagnostics, result.skipped)


def summarise(result: dict[str, Any], claims: list[Claim]) -> dict[str, Any]:
    """What calibration compares, from a snapshot's assessment and claims: dimension ratings
    with evidence counts and the intervals of the claims behind them, impact in one currency,
    level readiness."""
    by_slug = {c.slug: c for c in claims}
    dimensions = []
    for dim in result["dimensions"]:
        backing = [by_slug[e] for e in dim["evidence"] if isinstance(e, str) and e in by_slug]
        dimensions.append(
            {
                "id": dim["id"],
                "name": dim.get("name", dim["id"]),
                "weight": dim["weight"],
                "rating": dim["rating"],
                "items": len(dim["evidence"]),
                "claims": [
                    {
                        "slug": c.slug,
                        "title": c.title,
                        "verdict": c.verdict,
                        "estimate": format_claim(c),
                        "interval": format_interval(c),
                    }
                    for c in backing
                ],
            }
        )
    currency = currency_summary(claims)
    return {
        "ladder": result["ladder"],
        "role": result["role"],
        "score": result["score"],
        "coverage": result["coverage"],
        "level": result["level"],
        "dimensions": dimensions,
        "impact": {
            kind: {"year": group["year"], "once": group["once"], "claims": len(group["claims"])}
            for kind, group in currency.items()
        },
    }


def withdraw(session: Session, candidacy: Candidacy, user: User) -> Candidacy:
    """The candidate takes a submitted packet back before calibration starts: the committee
    no longer sees it (its frozen version stays on record); audited."""
    if candidacy.state is not CandidacyState.SUBMITTED:
        raise ConflictError(
            f"the candidacy is {candidacy.state.label}",
            hint="a packet can be withdrawn only while it is submitted, before calibration",
        )
    candidacy.state = CandidacyState.DRAFT
    from perfpacket.team import audit
    from perfpacket.team.cycles import touch

    audit.record(
        session,
        user,
        "withdraw",
        f"candidacy:{candidacy.id}",
        "candidate",
        {"cohort": candidacy.cohort_id, "packet": candidacy.packet_id},
    )
    touch(session, candidacy.cohort_id)
    session.flush()
    return candidacy


def packet_snapshot(
    session: Session, packet: Packet, ladder: str | None = None, role: str | None = None
) -> PacketSnapshot:
    """The packet's snapshot as its owner previews it (``ladder`` and ``role`` as a cycle
    names them, else from the front matter and the ladder's default)."""
    from perfpacket.snapshot import build_snapshot, choose_target

    person = session.get(Person, packet.person_id)
    assert person is not None
    target = choose_target(packet.front_matter, None, ladder, role, "the cycle's role")
    return build_snapshot(session, person, packet.markdown, target)


def check_submittable(packet: Packet, claims: list[Claim]) -> None:
    """What `perfpacket build` refuses, a submission refuses: a reference that names no claim
    of this person, a verb that contradicts its number, a number no claim computes. Each error
    names the line."""
    from perfpacket.lint.rules.unbound_number import refuse_unbound

    render_body(parse_packet(packet.markdown, "packet.md"), claims, "packet.md")
    refuse_unbound(packet.markdown, "packet.md")


def submit_packet(session: Session, packet: Packet, user: User, cohort: Cohort) -> Candidacy:
    """Freeze the packet's current version and put it before the cohort."""
    candidacy = session.scalars(
        select(Candidacy).where(Candidacy.cohort_id == cohort.id, Candidacy.user_id == user.id)
    ).first()
    if candidacy is not None and candidacy.state not in {
        CandidacyState.DRAFT,
        CandidacyState.SUBMITTED,
    }:
        raise ConflictError(
            f"the candidacy in cohort '{cohort.name}' is {candidacy.state.label}",
            hint="a packet can be resubmitted only until calibration starts",
        )
    version = session.scalars(
        select(PacketVersion).where(
            PacketVersion.packet_id == packet.id, PacketVersion.number == packet.version
        )
    ).first()
    if version is not None:
        # One version goes before one cohort of a cycle (a new version may go elsewhere).
        elsewhere = session.scalars(
            select(Candidacy)
            .join(Cohort, Cohort.id == Candidacy.cohort_id)
            .where(
                Candidacy.version_id == version.id,
                Cohort.cycle_id == cohort.cycle_id,
                Cohort.id != cohort.id,
                Candidacy.state != CandidacyState.DRAFT,
            )
        ).first()
        if elsewhere is not None:
            raise ConflictError(
                f"this version is already before cohort '{elsewhere.cohort.name}' of this cycle",
                hint="a cycle reads one version once: edit the packet to submit a new version",
            )
    if version is None:
        claims = person_claims(session, packet.person_id)
        check_submittable(packet, claims)
        snapshot = packet_snapshot(session, packet, cohort.cycle.ladder, cohort.cycle.role)
        assessment = snapshot.context["assessment"]
        version = PacketVersion(
            packet_id=packet.id,
            number=packet.version,
            title=packet.title,
            markdown=packet.markdown,
            claims=list(snapshot.claims),
            assessment=assessment,
            summary=summarise(assessment, claims),
            snapshot=snapshot.to_json(),
            created_at=now(),
        )
        session.add(version)
        session.flush()
    if candidacy is None:
        candidacy = Candidacy(cohort_id=cohort.id, user_id=user.id, packet_id=packet.id)
        session.add(candidacy)
    candidacy.packet_id = packet.id
    candidacy.version_id = version.id
    candidacy.state = CandidacyState.SUBMITTED
    candidacy.submitted_at = now()
    session.flush()
    from perfpacket.team import audit

    audit.record(
        session,
        user,
        "submit",
        f"candidacy:{candidacy.id}",
        "candidate",
        {"cohort": cohort.id, "packet": packet.id, "version": version.number},
    )
    from perfpacket.team.cycles import touch

    touch(session, cohort.id)
    return candidacy
