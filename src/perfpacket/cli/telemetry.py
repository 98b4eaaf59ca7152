"""``perfpacket telemetry``: sources queried where they live (a warehouse or a Spark cluster)."""

from __future__ import annotations

import typer
from rich.table import Table

from perfpacket.cli._io import console, print_json, say, workspace_from
from perfpacket.cli.evidence import parse_mapping


def register(app: typer.Typer) -> None:
    telemetry_app = typer.Typer(
        help="Telemetry sources: files are imported; warehouse and cluster tables are added."
    )
    app.add_typer(telemetry_app, name="telemetry")

    @telemetry_app.command("add")
    def telemetry_add(
        ctx: typer.Context,
        address: str = typer.Argument(
            ...,
            metavar="URL#TABLE",
            help="The table where it lives: pyspark://#requests, postgres://user@host/db#requests, "
            "or any Ibis backend URL.",
        ),
        name: str = typer.Option(..., "--name", help="The source's name in claims."),
        mapping: list[str] = typer.Option(
            [], "--map", metavar="NAME=COLUMN", help="Map a column (repeatable)."
        ),
        preset: str | None = typer.Option(
            None,
            "--preset",
            help="The platform whose table it is: litellm, langfuse, helicone, otel-clickhouse.",
        ),
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """Register a table in a warehouse or on Spark; claims query it there, never copy it."""
        from perfpacket.telemetry.register import register_table

        with workspace_from(ctx).open_store() as store, store.session() as session:
            source, new = register_table(session, name, address, parse_mapping(mapping), preset)
            out = {"name": source.name, "uri": source.uri, "rows": source.row_count, "new": new}
        if as_json:
            print_json(out)
        else:
            say(f"{'Added' if new else 'Updated'} telemetry source '{name}': {out['rows']} rows")

    @telemetry_app.command("list")
    def telemetry_list(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """List the registered telemetry sources."""
        from perfpacket.telemetry.register import list_sources

        with workspace_from(ctx).open_store() as store, store.session() as session:
            sources = list_sources(session)
        if as_json:
            print_json(sources)
            return
        table = Table("name", "format", "where", "rows")
        for s in sources:
            table.add_row(s["name"], s["format"], s["uri"], str(s["rows"]))
        console.print(table)
