"""``perfpacket claims suggest|list|show|verify``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.table import Column, Table

from perfpacket.cli._io import console, print_json, say, workspace_from
from perfpacket.errors import NotFoundError
from perfpacket.packet.format import (
    format_constant,
    format_interval,
    format_money,
    format_number,
    verdict_label,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from perfpacket.claims.service import RecipeReport
    from perfpacket.store.models import Claim

# The claims engine (scipy, statsmodels, Ibis) is imported inside the commands that use it, so
# that `perfpacket --help` and the other commands start quickly.


def _table(claims: list[Claim]) -> Table:
    # A slug is what the packet cites: shown whole, the other columns wrap around it, and a
    # number too long for its column folds onto the next line instead of losing digits.
    widest = max((len(c.slug) for c in claims), default=5)
    table = Table(
        Column("claim", no_wrap=True, min_width=widest),
        *(Column(name, overflow="fold") for name in ("estimate", "interval", "verdict", "value")),
    )
    for c in claims:
        table.add_row(
            c.slug,
            format_number(c, c.estimate),
            format_interval(c),
            verdict_label(c.verdict) or "none",
            format_money(c.value),
        )
    return table


def _explained(reports: list[RecipeReport]) -> Table:
    table = Table("recipe", "claims", "needs (found / needed, how to import)", show_lines=True)
    for r in reports:
        if r.claims:
            table.add_row(r.name, "\n".join(r.claims), "")
            continue
        needs = "\n".join(
            f"{'✗' if found < n.minimum else '✓'} {n.what}: {found} / {n.minimum} ({n.source})"
            for n, found in r.needs
        )
        table.add_row(r.name, "none", needs or "nothing it can name: see its docs")
    return table


def _has_people(session: Session) -> bool:
    from sqlalchemy import select

    from perfpacket.store.models import Person

    return session.scalars(select(Person.id).limit(1)).first() is not None


def register(app: typer.Typer) -> None:
    claims_app = typer.Typer(help="Claims: numbers with intervals, methods and verdicts.")
    app.add_typer(claims_app, name="claims")

    @claims_app.command()
    def suggest(
        ctx: typer.Context,
        person: str | None = typer.Option(
            None, "--person", metavar="EMAIL", help="Whose claims (default: the workspace's)."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
        explain: bool = typer.Option(
            False,
            "--explain",
            help="Also list every recipe: its claims, or what it needs and how much the "
            "evidence holds (with --json: {claims, recipes}).",
        ),
    ) -> None:
        """Compute claims from the evidence with every recipe, store them, update claims.yaml."""
        from perfpacket.claims import claim_to_dict, load_claims, resolve_person, suggest_claims
        from perfpacket.claims.service import explain_recipes

        ws = workspace_from(ctx)
        with ws.open_store() as store:
            with store.session() as session:
                who = resolve_person(session, person, ws.person)
                followed: list[str] = []
                with console.status("Running recipes over the evidence"):
                    suggest_claims(session, who, ws.root, tell=followed.append)
            with store.session() as session:
                claims = load_claims(session, who)
                data = [claim_to_dict(c) for c in claims]
                table = _table(claims)
                reports = (
                    explain_recipes(session, who, claims, ws.root) if explain or not claims else []
                )
        if as_json:
            print_json(
                {"claims": data, "recipes": [r.to_dict() for r in reports]} if explain else data
            )
            return
        if claims:
            console.print(table)
        say(f"{len(data)} claims stored; edit titles and attribution in {ws.root / 'claims.yaml'}")
        if followed:
            say("Values left as suggested in claims.yaml now follow the evidence:")
            for line in followed:
                say(f"  {line}")
        if explain:
            console.print(_explained(reports))
        elif not claims:
            say("No recipe found enough evidence. What each one needs first:")
            for report in reports:
                need, found = report.missing[0] if report.missing else (None, 0)
                if need is not None:
                    say(
                        f"  {report.name}: {need.what}: {found} found, {need.minimum} needed "
                        f"({need.source})"
                    )
            say("See all of it with `perfpacket claims suggest --explain`.")

    @claims_app.command("list")
    def list_(
        ctx: typer.Context,
        person: str | None = typer.Option(
            None, "--person", metavar="EMAIL", help="Whose claims (default: the workspace's)."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """List one person's claims."""
        from perfpacket.claims import claim_dicts, load_claims, resolve_person

        ws = workspace_from(ctx)
        with ws.open_store() as store, store.session() as session:
            claims = (
                load_claims(
                    session, resolve_person(session, person, ws.person), with_evidence=False
                )
                if _has_people(session)
                else []
            )
            data = claim_dicts(session, claims)
            table = _table(claims)
        if as_json:
            print_json(data)
        elif not data:
            say("No claims yet: run `perfpacket claims suggest`.")
        else:
            console.print(table)

    @claims_app.command()
    def show(
        ctx: typer.Context,
        slug: str = typer.Argument(..., help="The claim's slug."),
        person: str | None = typer.Option(
            None, "--person", metavar="EMAIL", help="Whose claim (default: the workspace's)."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """Show one claim: estimate, interval, method, value formula and evidence."""
        from perfpacket.claims import claim_to_dict, get_claim, resolve_person
        from perfpacket.claims.attribution import describe

        ws = workspace_from(ctx)
        with ws.open_store() as store, store.session() as session:
            if not _has_people(session):
                raise NotFoundError(
                    f"no claim '{slug}'", hint="no claims yet: run `perfpacket claims suggest`"
                )
            claim = get_claim(session, resolve_person(session, person, ws.person), slug)
            data = claim_to_dict(claim)
            estimate = format_number(claim, claim.estimate)
            interval = format_interval(claim)
        if as_json:
            print_json(data)
            return
        lines = [
            f"{data['title']}",
            f"  estimate:  {estimate}  ({interval})",
            f"  verdict:   {verdict_label(data['verdict']) or 'none'}",
            f"  method:    {data['method']}",
            f"  samples:   {', '.join(f'{k}={v}' for k, v in data['sample_sizes'].items())}",
        ]
        if data["value"]:
            value = data["value"]
            lines.append(f"  value:     {format_money(value)} = {value['formula']}")
            for name, const in value["constants"].items():
                lines.append(
                    f"             {name} = {format_constant(const['value'])} {const['unit']}"
                    f" ({const['source']})"
                )
        lines.append(f"  role:      {describe(data['attribution'])}")
        lines.extend(f"  assumes:   {a}" for a in data["assumptions"])
        lines.append(f"  evidence:  {len(data['evidence'])} records")
        lines.append(f"  fingerprint: {data['fingerprint']}")
        say("\n".join(lines))

    @claims_app.command()
    def verify(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """Recompute every claim from the evidence; exit 1 listing any that changed."""
        from perfpacket.claims import verify_claims

        ws = workspace_from(ctx)
        with (
            ws.open_store() as store,
            store.session() as session,
            console.status("Recomputing claims"),
        ):
            checked, problems = verify_claims(session, ws.root)
        if as_json:
            print_json(
                {
                    "checked": checked,
                    "changed": [{"slug": p.slug, "reason": p.reason} for p in problems],
                }
            )
        elif problems:
            say(f"{len(problems)} of {checked} claims no longer match their evidence:")
            for p in problems:
                say(f"  {p.slug}: {p.reason}")
        else:
            say(f"All {checked} claims verified: inputs and numbers unchanged.")
        if problems:
            raise typer.Exit(1)
