"""The deterministic draft: a packet written from one person's claims, assessment and plan.

Every quantity in it is a ``{{ claim.… }}`` reference, written by the claim's recipe
(``describe``). What only the person can say (trade-offs, operational cost, the vision, who
they worked with where the evidence names no one) is a marked prompt,
``<!-- perfpacket: you: … -->``, which renders as nothing and which lint reports until the
person replaces it with their own words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from sqlalchemy.orm import Session

from perfpacket import plugins
from perfpacket.claims import phrasing
from perfpacket.draft.prompts import you
from perfpacket.errors import InputError, NotFoundError
from perfpacket.packet.context import RenderContext, is_prevented
from perfpacket.quantities import find_quantities
from perfpacket.snapshot import Target, build_context
from perfpacket.store.models import Claim, Person
from perfpacket.vocab import Audience, ClaimRole, Comparison, Outcome, Verdict

# Verdicts a committee reads as an outcome; the rest are listed as what was measured.
OUTCOMES = frozenset({Verdict.IMPROVED, Verdict.MEETS_TARGET, Verdict.NO_VERDICT})
SUMMARY_CLAIMS = 3
NOT_YET = frozenset({"insufficient_evidence", "not_yet"})
OTHER_OUTCOMES = "Other outcomes"


@dataclass(frozen=True)
class Goals:
    """``[goals]`` of perfpacket.toml: a company goal to the recipes or claims that serve it,
    in the order written."""

    table: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Mapping[str, Any], claims: Sequence[Claim]) -> Goals:
        raw = config.get("goals", {}) or {}
        if not isinstance(raw, Mapping):
            raise InputError(
                "perfpacket.toml [goals] must be a table of goal = [recipes or claims]",
                hint='e.g. [goals]\n"Reliability OKR" = ["eval-gate", "kill-switch"]',
            )
        recipes = set(plugins.recipes().names())
        slugs = {c.slug for c in claims}
        table: dict[str, tuple[str, ...]] = {}
        for goal, entries in raw.items():
            listed = [entries] if isinstance(entries, str) else entries
            if not isinstance(listed, list) or not all(isinstance(e, str) for e in listed):
                raise InputError(
                    f"perfpacket.toml [goals] '{goal}': give a list of recipe names or claim slugs",
                    hint=f'"{goal}" = ["eval-gate", "cost-per-1k-requests"]',
                )
            for entry in listed:
                if entry not in recipes and entry not in slugs:
                    raise InputError(
                        f"perfpacket.toml [goals] '{goal}': '{entry}' is neither a recipe nor "
                        "one of this person's claims",
                        hint="recipes: "
                        + ", ".join(sorted(recipes))
                        + "; claims: see `perfpacket claims list`",
                    )
            table[str(goal)] = tuple(listed)
        return cls(table)

    def group(self, claims: Sequence[Claim]) -> dict[str, list[Claim]]:
        """Claims under the first goal that names them (by slug, then by recipe)."""
        out: dict[str, list[Claim]] = {goal: [] for goal in self.table}
        for claim in claims:
            goal = next((g for g, e in self.table.items() if claim.slug in e), None)
            goal = goal or next((g for g, e in self.table.items() if claim.recipe in e), None)
            out.setdefault(goal or OTHER_OUTCOMES, []).append(claim)
        return {g: cs for g, cs in out.items() if cs}


def describe(claim: Claim) -> str:
    """The recipe's sentence about its claim; a recipe without ``describe`` (a plugin's)
    gets the generic one."""
    registry = plugins.recipes()
    recipe = registry.get(claim.recipe) if claim.recipe in registry else None
    said = getattr(recipe, "describe", None)
    if callable(said):
        return str(said(claim))
    return phrasing.describe_claim(claim)


def _by_dimension(claims: Sequence[Claim], assessment: Mapping[str, Any]) -> dict[str, list[Claim]]:
    """Without [goals]: each claim under the first scorecard dimension whose evidence cites it,
    heaviest dimension first."""
    dims = sorted(assessment.get("dimensions", []), key=lambda d: -float(d.get("weight", 0)))
    out: dict[str, list[Claim]] = {}
    for claim in claims:
        home = next((d["name"] for d in dims if claim.slug in d.get("evidence", [])), None)
        out.setdefault(home or OTHER_OUTCOMES, []).append(claim)
    order = [d["name"] for d in dims] + [OTHER_OUTCOMES]
    return {k: out[k] for k in order if k in out}


def _usd(claim: Claim) -> bool:
    return bool(claim.value) and (claim.value or {}).get("unit", "USD") == "USD"


def _value_rank(claim: Claim) -> float:
    return abs(float((claim.value or {}).get("amount", 0.0))) if _usd(claim) else 0.0


def _clean(text: str) -> str:
    """Ladder or plan text as prose, or nothing when it states a number no claim computes or
    a size lint would call vague ("several product areas")."""
    from perfpacket.lint.rules._words import VAGUE

    text = " ".join(str(text).split())
    vague = {w.lower() for w in re.findall(r"[A-Za-z-]+", text)} & VAGUE
    return "" if not text or find_quantities(text) or vague else text


@dataclass
class Draft:
    """A drafted packet and what it asks the person to fill in."""

    markdown: str
    prompts: int
    claims: int


def compose(
    person: Person,
    claims: Sequence[Claim],
    context: RenderContext,
    target: Target,
    config: Mapping[str, Any] | None = None,
    audience: Audience = Audience.COMMITTEE,
    named_as: str | None = None,
) -> Draft:
    """The packet, from the person's claims and the context their snapshot holds.
    ``named_as``: how the front matter names the person (default: their display name), a
    name that must find them and nobody else when the packet is built."""
    config = config or {}
    assessment = context.assessment or {}
    # What the person enabled others to do (reviews given, standards adopted) is cross-team
    # work; the rest are outcomes, or measured with no outcome yet.
    enabled = [c for c in claims if (c.attribution or {}).get("role") == ClaimRole.ENABLED]
    rest = [c for c in claims if c not in enabled]
    shown = [c for c in rest if c.verdict in OUTCOMES or c.comparison is Comparison.COUNT]
    measured = [c for c in rest if c not in shown]
    goals = Goals.from_config(config, claims)
    role = target.ladder.role(target.role)
    lines: list[str] = []
    prompts = 0

    def prompt(question: str) -> None:
        nonlocal prompts
        prompts += 1
        lines.append(you(question))
        lines.append("")

    def bullet(claim: Claim) -> str:
        """The claim's sentence; where the evidence names no partner, a prompt asks for them
        (naming the claim, so lint's solo-credit knows the person has been asked), and for the
        person's role where their records show none ("led" is theirs to say)."""
        nonlocal prompts
        sentence = describe(claim)
        if claim.comparison is Comparison.COUNT:
            return f"- {sentence}"
        no_partner = not phrasing.partners(claim)
        no_role = not (claim.attribution or {}).get("role")
        if no_partner and no_role:
            ask = "what was your role, and who did you do this with"
            why = "The evidence records neither."
        elif no_partner:
            ask, why = "who did you do this with", "The evidence names no partner."
        elif no_role:
            ask, why = "what was your role", "The evidence does not record it."
        else:
            return f"- {sentence}"
        prompts += 1
        sentence += " " + you(f"{ask} ({claim.slug})? {why} Set it in claims.yaml (attribution).")
        return f"- {sentence}"

    front = {
        "person": named_as or person.display_name,
        "title": f"{person.display_name}: {role.name}",
        "role": target.role,
        "target_level": role.name,
        "ladder": target.ladder_name,
        "audience": str(audience),
    }
    if person.level:
        front["current_level"] = person.level
    lines += ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True).strip(), "---", ""]

    # Summary: the outcomes worth most first, in outcome language.
    lines += ["## Summary", ""]
    ranked = sorted(shown, key=lambda c: (-_value_rank(c), c.comparison is Comparison.COUNT))
    top = [c for c in ranked if c.comparison is not Comparison.COUNT][:SUMMARY_CLAIMS]
    if top:
        lead = "for the committee" if audience is Audience.COMMITTEE else "for our review"
        lines.append(
            f"The outcomes of my work to weigh first, {lead}: "
            + phrasing.join([phrasing.headline(c) for c in top], names=False)
            + "."
        )
        lines.append("")
    else:
        lines.append("The evidence imported so far supports no outcome claim yet.")
        lines.append("")
    prompt("In one sentence: what can the company do now that it could not before your work?")

    # Outcomes grouped by the company goals (or the ladder's dimensions).
    grouped = goals.group(shown) if goals.table else _by_dimension(shown, assessment)
    heading = (
        "Outcomes mapped to company goals"
        if goals.table
        else "Outcomes mapped to goals, by ladder dimension"
    )
    lines += [f"## {heading}", ""]
    if not grouped:
        prompt("Which company goals did your work serve? Import the evidence that shows it.")
    elif not goals.table:
        prompt(
            "Which company goal or OKR does each outcome serve? Name them in perfpacket.toml "
            "[goals] and draft again to group the outcomes by goal."
        )
    for goal, members in grouped.items():
        lines += [f"### {phrasing.name(goal)}", ""]
        for claim in members:
            lines.append(bullet(claim))
        lines.append("")

    # Shipped and prevented, side by side, in one currency.
    priced = [c for c in shown if _usd(c)]
    if priced:
        lines += ["## Shipped and prevented, in dollars", ""]
        lines += ["| Outcome | Kind | Value |", "|---|---|---|"]
        for claim in sorted(priced, key=lambda c: (is_prevented(c), -_value_rank(c))):
            kind = Outcome.PREVENTED if is_prevented(claim) else Outcome.SHIPPED
            title = phrasing.name(claim.title.replace("|", "/"))
            lines.append(f"| {title} | {kind} | {phrasing.ref(claim, 'value')} |")
        lines.append("")

    if measured:
        lines += ["## Measured, with no outcome yet", ""]
        for claim in measured:
            lines.append(bullet(claim))
        lines.append("")

    # Cross-team work: partners and reviews from the evidence.
    reach = context.reach or {}
    teams = sorted(set(reach.get("partners", [])) | set(reach.get("teams", [])) - {person.team})
    lines += ["## Cross-team work", ""]
    for claim in enabled:
        lines.append(bullet(claim))
    if enabled:
        lines.append("")
    if teams:
        lines.append(f"The evidence shows this work done with {phrasing.join(teams)}.")
        lines.append("")
    else:
        prompt("Which teams did you work with, and what did each of them own?")
    prompt("Where did the teams disagree, and how did you resolve it?")

    lines += ["## Trade-offs", ""]
    prompt(
        "What did you give up locally to gain globally? Name the trade-off, who accepted it, "
        "and reference the claim that measures each side."
    )
    lines += ["## Operational cost", ""]
    prompt("What does the work cost to run and maintain: compute, on-call load, upkeep?")
    lines += ["## Vision for the next year", ""]
    prompt("Where should this area go next year, and what will you lead in it?")

    if len(context.feedback or []) < 3 or len({f["function"] for f in context.feedback}) < 2:
        lines += ["## Peer feedback", ""]
        prompt(
            "Quote written feedback from people in other functions, each ending with the "
            "author's function in parentheses, or import it with `perfpacket import feedback`."
        )

    # The growth plan's gaps, as honest "not yet" lines.
    gaps = _not_yet(assessment, context.plan, audience)
    if gaps:
        lines += ["## Not yet", ""]
        lines += [f"- {g}" for g in gaps]
        lines.append("")
    return Draft("\n".join(lines).rstrip() + "\n", prompts, len(claims))


def _not_yet(
    assessment: Mapping[str, Any], plan: Sequence[Mapping[str, Any]], audience: Audience
) -> list[str]:
    out = []
    for dim in assessment.get("dimensions", []):
        if dim.get("rating") in NOT_YET:
            rating = str(dim["rating"]).replace("_", " ")
            out.append(f"Not yet: {phrasing.name(dim['name'])} ({rating}).")
    if audience is Audience.MANAGER:
        for item in plan:
            target, check = (
                _clean(item.get("target", "")),
                _clean(item.get("validation_criteria", "")),
            )
            if target:
                out.append(f"Next: {target}." + (f" It shows when: {check}." if check else ""))
    return out


def draft_for(
    session: Session,
    person: Person,
    target: Target,
    config: Mapping[str, Any] | None = None,
    audience: Audience = Audience.COMMITTEE,
) -> Draft:
    """The person's draft from the store, through the same context their snapshot builds."""
    from perfpacket.claims import load_claims
    from perfpacket.evidence.people import find_person

    claims = load_claims(session, person)
    context = build_context(session, person, claims, target)
    # The display name, unless another person shares it: then build could not tell whose
    # packet it is, and the email names them.
    try:
        named_as = (
            person.display_name if find_person(session, person.display_name) == person else None
        )
    except NotFoundError:
        named_as = None
    return compose(
        person, claims, context, target, config, audience, named_as=named_as or person.email
    )
