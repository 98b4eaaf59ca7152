"""Running recipes over the store, saving their claims, and reading claims back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from perfpacket import plugins
from perfpacket.claims.attribution import with_evidence_attribution
from perfpacket.claims.model import ClaimDraft, canonical
from perfpacket.claims.overrides import (
    apply_overrides,
    followed,
    load_edits,
    load_overrides,
    load_suggested,
    own_edits,
    write_claims_file,
)
from perfpacket.claims.read import all_claims
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.value import ValueModel, load_value_model
from perfpacket.slugs import unique_slugs
from perfpacket.store.models import Claim, ClaimEvidence, Person, TelemetrySource
from perfpacket.telemetry.tables import located


def _recipe_context(
    session: Session,
    person: Person,
    value_model: ValueModel | None = None,
    workspace_root: Path | None = None,
) -> RecipeContext:
    return RecipeContext(
        session=session,
        person=person,
        value_model=value_model or load_value_model(workspace_root),
        telemetry=[
            located(s, workspace_root)
            for s in session.scalars(select(TelemetrySource).order_by(TelemetrySource.id))
        ],
        workspace_root=workspace_root,
    )


def propose_claims(
    session: Session,
    person: Person,
    value_model: ValueModel | None = None,
    workspace_root: Path | None = None,
) -> list[ClaimDraft]:
    """Every claim the registered recipes can support for ``person``."""
    ctx = _recipe_context(session, person, value_model, workspace_root)
    drafts: list[ClaimDraft] = []
    for recipe in plugins.recipes():
        drafts.extend(recipe.propose(ctx))
    # Two claims under one slug would leave one unreachable: each gets a name of its own.
    slugs = unique_slugs([d.slug for d in drafts])
    drafts = [d if d.slug == s else replace(d, slug=s) for d, s in zip(drafts, slugs, strict=True)]
    return with_evidence_attribution(session, person, drafts)


def save_claims(session: Session, person: Person, drafts: list[ClaimDraft]) -> list[Claim]:
    """Store the drafts, replacing claims with the same slug."""
    now = datetime.now(UTC)
    saved = []
    for draft in drafts:
        session.execute(delete(Claim).where(Claim.person_id == person.id, Claim.slug == draft.slug))
        claim = Claim(
            slug=draft.slug,
            person_id=person.id,
            recipe=draft.recipe,
            **draft.stored_fields(),
            fingerprint=draft.fingerprint,
            computed_at=now,
        )
        session.add(claim)
        session.flush()
        session.add_all(
            ClaimEvidence(claim_id=claim.id, evidence_id=eid)
            for eid in sorted(set(draft.evidence_ids))
        )
        saved.append(claim)
    return saved


def suggest_claims(
    session: Session,
    person: Person,
    workspace_root: Path | None = None,
    tell: Callable[[str], None] | None = None,
) -> list[Claim]:
    """Propose claims from the evidence, apply the person's edits in ``claims.yaml`` (and
    rewrite it with any new claims), and store them. Claims no recipe supports any more are
    removed, so the store never keeps a number the evidence does not give. ``tell`` hears each
    value of ``claims.yaml`` that changed to follow the evidence (see
    :func:`perfpacket.claims.overrides.followed`)."""
    drafts = propose_claims(session, person, None, workspace_root)
    written = load_overrides(workspace_root) if workspace_root else {}
    suggested = load_suggested(workspace_root) if workspace_root else {}
    overrides = own_edits(written, suggested)
    kept = apply_overrides(drafts, overrides)  # refuses a bad edit before anything is written
    if workspace_root is not None:
        write_claims_file(workspace_root, drafts, overrides)
        if tell is not None:
            for line in followed(written, suggested, drafts):
                tell(line)
    slugs = {d.slug for d in kept}
    stale = select(Claim).where(Claim.person_id == person.id, Claim.slug.not_in(slugs))
    for claim in session.scalars(stale):
        session.delete(claim)
    session.flush()
    return save_claims(session, person, kept)


@dataclass(frozen=True)
class RecipeReport:
    """What one recipe made of a person's evidence: its claims, or, when it proposed none,
    each thing it needs with how much of it the evidence holds."""

    name: str
    title: str
    claims: tuple[str, ...]
    needs: tuple[tuple[Need, int], ...] = ()

    @property
    def missing(self) -> list[tuple[Need, int]]:
        return [(need, found) for need, found in self.needs if found < need.minimum]

    def to_dict(self) -> dict[str, Any]:
        return {
            "recipe": self.name,
            "title": self.title,
            "claims": list(self.claims),
            "needs": [
                {"what": n.what, "source": n.source, "minimum": n.minimum, "found": found}
                for n, found in self.needs
            ],
        }


def explain_recipes(
    session: Session, person: Person, claims: list[Claim], workspace_root: Path | None = None
) -> list[RecipeReport]:
    """Every recipe with the claims it gave ``person``; for a recipe that gave none, what it
    needs and how much the evidence holds, so the person knows what to import next."""
    ctx = _recipe_context(session, person, None, workspace_root)
    reports = []
    for recipe in plugins.recipes():
        mine = tuple(c.slug for c in claims if c.recipe == recipe.name)
        needs = () if mine else tuple((n, n.count(ctx)) for n in recipe.needs)
        reports.append(RecipeReport(recipe.name, recipe.title, mine, needs))
    return reports


@dataclass(frozen=True)
class VerifyProblem:
    slug: str
    reason: str


def _changed_fields(claim: Claim, draft: ClaimDraft) -> list[str]:
    """The shown fields whose stored value is not what the evidence gives now."""
    return [
        name
        for name, fresh in draft.stored_fields().items()
        if canonical(getattr(claim, name)) != canonical(fresh)
    ]


def verify_claims(
    session: Session, workspace_root: Path | None = None
) -> tuple[int, list[VerifyProblem]]:
    """Recompute every stored claim from the evidence, person by person; list those whose
    shown fields or inputs changed, or that the evidence no longer supports. Returns (claims
    checked, problems)."""
    stored = all_claims(session)
    overrides = load_edits(workspace_root) if workspace_root else {}
    fresh: dict[tuple[int | None, str], ClaimDraft] = {}
    for person_id in sorted({c.person_id for c in stored if c.person_id is not None}):
        person = session.get(Person, person_id)
        assert person is not None
        drafts = propose_claims(session, person, None, workspace_root)
        fresh.update(((person_id, d.slug), d) for d in apply_overrides(drafts, overrides))
    problems = []
    for claim in stored:
        draft = fresh.get((claim.person_id, claim.slug))
        if draft is None:
            problems.append(VerifyProblem(claim.slug, "the evidence no longer supports this claim"))
            continue
        changed = _changed_fields(claim, draft)
        if changed:
            problems.append(
                VerifyProblem(
                    claim.slug, "stored fields differ from the evidence: " + ", ".join(changed)
                )
            )
        elif draft.fingerprint != claim.fingerprint:
            problems.append(VerifyProblem(claim.slug, "its inputs changed (fingerprint differs)"))
    return len(stored), problems
