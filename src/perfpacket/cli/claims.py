"""``perfpacket claims list|show``."""

from __future__ import annotations

import typer
from rich.table import Table

from perfpacket.claims import claim_to_dict, get_claim, list_claims
from perfpacket.cli._app import console, print_json, say, workspace_from
from perfpacket.packet.format import format_change, format_interval, format_money


def register(app: typer.Typer) -> None:
    claims_app = typer.Typer(help="Claims: numbers with intervals, methods and verdicts.")
    app.add_typer(claims_app, name="claims")

    @claims_app.command("list")
    def list_(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """List the workspace's claims."""
        store = workspace_from(ctx).open_store()
        try:
            with store.session() as session:
                claims = list_claims(session)
        finally:
            store.close()
        if as_json:
            print_json(claims)
            return
        if not claims:
            console.print("No claims yet.")
            return
        table = Table("claim", "estimate", "interval", "verdict", "value")
        for c in claims:
            table.add_row(
                c["slug"],
                format_change(c["estimate"], c["unit"]),
                _interval_text(c),
                c["verdict"],
                format_money(c["value"]),
            )
        console.print(table)

    @claims_app.command("show")
    def show(
        ctx: typer.Context,
        slug: str = typer.Argument(..., help="The claim's slug."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """Show one claim: estimate, interval, method, value formula and evidence."""
        store = workspace_from(ctx).open_store()
        try:
            with store.session() as session:
                claim = get_claim(session, slug)
                data = claim_to_dict(claim)
                interval = format_interval(claim)
        finally:
            store.close()
        if as_json:
            print_json(data)
            return
        lines = [
            f"{data['title']}",
            f"  estimate:  {format_change(data['estimate'], data['unit'])}  ({interval})",
            f"  verdict:   {data['verdict']}",
            f"  method:    {data['method']}",
            f"  samples:   {', '.join(f'{k}={v}' for k, v in data['sample_sizes'].items())}",
        ]
        if data["value"]:
            value = data["value"]
            lines.append(f"  value:     {format_money(value)} = {value['formula']}")
            for name, const in value["constants"].items():
                lines.append(
                    f"             {name} = {const['value']:,} {const['unit']} ({const['source']})"
                )
        for assumption in data["assumptions"]:
            lines.append(f"  assumes:   {assumption}")
        lines.append(f"  evidence:  {len(data['evidence'])} records")
        lines.append(f"  fingerprint: {data['fingerprint']}")
        say("\n".join(lines))


def _interval_text(c: dict[str, object]) -> str:
    low, high, level, unit = c["ci_low"], c["ci_high"], c["ci_level"], str(c["unit"])
    if not isinstance(low, float) or not isinstance(high, float) or not isinstance(level, float):
        return f"none ({c['code'] or 'n/a'})"
    return f"{level:.0%}: {format_change(low, unit)} to {format_change(high, unit)}"
