"""``perfpacket sync``: pull evidence from the sources configured in perfpacket.toml."""

from __future__ import annotations

from typing import Any

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from perfpacket.cli._io import err_console, print_json, say, workspace_from
from perfpacket.errors import InputError, PerfpacketError

RUN = "run"


class _SyncGroup(TyperGroup):
    """``perfpacket sync [SOURCE...]`` runs the sync; ``sync add|kinds|list`` are commands."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        helping = any(a in ("--help", "-h") for a in args[:1])
        if not helping and (not args or args[0] not in self.commands):
            args = [RUN, *args]
        return super().parse_args(ctx, args)


def _scope(pairs: list[str]) -> dict[str, Any]:
    scope: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            raise InputError(
                f"--scope '{pair}' is not KEY=VALUE", hint="e.g. --scope repos=acme/ai-platform"
            )
        parsed: Any = int(value) if value.isdigit() else value
        if key in scope:  # a key given twice is a list
            before = scope[key]
            scope[key] = [*(before if isinstance(before, list) else [before]), value]
        else:
            scope[key] = parsed
    return scope


def register(app: typer.Typer) -> None:
    sync_app = typer.Typer(
        cls=_SyncGroup,
        help="Pull evidence from GitHub, PagerDuty, MLflow, ... as [[sync]] in perfpacket.toml "
        "names them. `perfpacket sync [SOURCE...]` syncs (all sources by default).",
    )
    app.add_typer(sync_app, name="sync")

    @sync_app.command(RUN)
    def sync_run(
        ctx: typer.Context,
        names: list[str] = typer.Argument(None, help="Sources by name (default: all)."),
        dry_run: bool = typer.Option(
            False, "--dry-run", help="Say what would be fetched, and from where; fetch nothing."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """Pull what changed since the last sync; each page batch is one transaction."""
        from perfpacket.evidence.rules import load_rules
        from perfpacket.evidence.sync.config import load_sources
        from perfpacket.evidence.sync.run import connector_for, plan, sync_source

        ws = workspace_from(ctx)
        sources = load_sources(ws.config, str(ws.config_path))
        if not sources:
            raise InputError(
                f"'{ws.config_path}' names no [[sync]] source",
                hint="add one: perfpacket sync add github --scope repos=OWNER/REPO "
                "--token-env GITHUB_TOKEN (see `perfpacket sync kinds`)",
            )
        known = {s.name for s in sources}
        unknown = [n for n in names or [] if n not in known]
        if unknown:
            raise InputError(
                f"no [[sync]] source is named '{unknown[0]}'",
                hint="sources: " + ", ".join(sorted(known)),
            )
        chosen = [s for s in sources if not names or s.name in names]
        rules = load_rules(ws.config, str(ws.config_path))
        with ws.open_store() as store:
            plans = {s.name: plan(store, s) for s in chosen}
            hosts = sorted({h for p, _ in plans.values() for h in p.hosts})
            if dry_run:
                out: list[dict[str, Any]] = [
                    {
                        "source": s.name,
                        "kind": s.kind,
                        "hosts": plans[s.name][0].hosts,
                        "first": plans[s.name][1],
                        "fetch": plans[s.name][0].fetch,
                    }
                    for s in chosen
                ]
                if as_json:
                    print_json({"dry_run": True, "hosts": hosts, "sources": out})
                    return
                say("Nothing fetched (--dry-run). A sync would contact only: " + ", ".join(hosts))
                for entry in out:
                    first = " (first sync)" if entry["first"] else ""
                    say(f"{entry['source']} ({entry['kind']}){first}:")
                    for line in entry["fetch"]:
                        say(f"  {line}")
                return
            if not as_json:
                # Said before any request: nothing leaves the machine but these API calls.
                say("Contacting only: " + ", ".join(hosts))
            reports, failed = [], []
            columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
            with Progress(
                *columns,
                console=err_console,
                transient=True,
                disable=as_json or not err_console.is_terminal,
            ) as bar:
                for source in chosen:
                    task = bar.add_task(f"{source.name}: syncing", total=None)
                    label = source.name

                    def advance(step: int, total: int | None, task: TaskID = task) -> None:
                        bar.advance(task, step)

                    def waiting(
                        seconds: float, why: str, task: TaskID = task, label: str = label
                    ) -> None:
                        bar.update(task, description=f"{label}: waiting {seconds:.0f} s ({why})")

                    try:
                        client = connector_for(source).http(source)
                        client.on_wait = waiting
                        try:
                            reports.append(
                                sync_source(
                                    store, source, rules, client, advance, ws.import_options()
                                )
                            )
                        finally:
                            client.close()
                    except PerfpacketError as exc:
                        failed.append((source, exc))
                    bar.remove_task(task)
        if as_json:
            print_json(
                {
                    "hosts": hosts,
                    "sources": [r.to_dict() for r in reports]
                    + [
                        {"source": s.name, "kind": s.kind, "error": e.message, "hint": e.hint}
                        for s, e in failed
                    ],
                }
            )
        else:
            for r in reports:
                state = (
                    "nothing changed"
                    if r.unchanged
                    else (f"{r.imported} imported, {r.updated} updated, {r.duplicates} unchanged")
                )
                if r.skipped:
                    state += f", {r.skipped} of others skipped"
                if r.rows:
                    state += f", {r.rows} telemetry rows added or changed"
                say(
                    f"{r.source} ({r.kind}): {state} ({r.pages} pages, {r.requests} requests"
                    + (f", waited {r.waited_s:.0f} s" if r.waited_s else "")
                    + ")"
                )
                for note in r.notes:
                    say(f"  note: {note}")
                for warning in r.warnings:
                    say(f"  warning: {warning}")
            for s, e in failed:
                hint = f" ({e.hint})" if e.hint else ""
                say(f"{s.name} ({s.kind}): failed: {e.message}{hint}")
        if failed:
            raise typer.Exit(2)

    @sync_app.command("add")
    def sync_add(
        ctx: typer.Context,
        kind: str = typer.Argument(..., help="The kind: github, pagerduty, mlflow, ..."),
        name: str | None = typer.Option(None, "--name", help="The source's name (default: KIND)."),
        url: str | None = typer.Option(None, "--url", help="The API's address."),
        token_env: str | None = typer.Option(
            None, "--token-env", metavar="VARIABLE", help="The environment variable with the token."
        ),
        person: str | None = typer.Option(
            None, "--person", metavar="EMAIL", help="Keep only this person's records."
        ),
        scope: list[str] = typer.Option(
            [], "--scope", metavar="KEY=VALUE", help="The kind's scope (repeat a key for a list)."
        ),
    ) -> None:
        """Add a [[sync]] table to perfpacket.toml (checked first; a token is never written)."""
        from perfpacket import plugins
        from perfpacket.evidence.sync.config import add_source

        ws = workspace_from(ctx)
        connectors = plugins.connectors()
        if kind not in connectors:
            raise InputError(
                f"unknown sync kind '{kind}'", hint="kinds: " + ", ".join(connectors.names())
            )
        connector = connectors.get(kind)
        entry: dict[str, Any] = {
            "name": name or kind,
            "kind": kind,
            "url": url,
            "token_env": token_env or (connector.token_env if connector.needs_token else None),
            "person": person,
            **_scope(scope),
        }
        added = add_source(ws.config_path, ws.config, entry)
        say(f"Added [[sync]] '{added.name}' ({added.kind}, {added.url}) to {ws.config_path}")
        if added.token_env:
            say(
                f"The token is read from ${added.token_env} at sync time; it needs "
                f"{connector.token_scopes}."
            )
        say(f"Check it with: perfpacket sync {added.name} --dry-run")

    @sync_app.command("kinds")
    def sync_kinds(
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """The kinds of source, their scope keys and the token each needs."""
        from perfpacket import plugins

        kinds = [
            {
                "kind": c.name,
                "description": c.description,
                "default_url": c.default_url,
                "scope": dict(c.scope_keys),
                "required": list(c.required),
                "token_env": c.token_env if c.needs_token else None,
                "token_scopes": c.token_scopes,
                "writes": list(c.writes),
            }
            for c in sorted(plugins.connectors(), key=lambda c: c.name)
        ]
        if as_json:
            print_json(kinds)
            return
        for c in sorted(plugins.connectors(), key=lambda c: c.name):
            say(f"{c.name}: {c.description}")
            say(f"  url: {c.default_url or 'required'}; writes: {', '.join(c.writes)}")
            for key, meaning in c.scope_keys.items():
                need = " (required)" if key in c.required else ""
                say(f"  {key}{need}: {meaning}")
            say(f"  token: {c.token_scopes}")

    @sync_app.command("list")
    def sync_list(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """The configured sources and when each last stored something."""
        from perfpacket.evidence.sync.config import load_sources
        from perfpacket.store.models import SyncCursor

        ws = workspace_from(ctx)
        sources = load_sources(ws.config, str(ws.config_path))
        with ws.open_store() as store, store.session() as session:
            synced = {c.name: c.synced_at for c in session.query(SyncCursor)}
        rows = [
            {
                "source": s.name,
                "kind": s.kind,
                "url": s.url,
                "token_env": s.token_env,
                "last_sync": synced[s.name].isoformat() if s.name in synced else None,
            }
            for s in sources
        ]
        if as_json:
            print_json(rows)
            return
        if not rows:
            say("No [[sync]] sources; add one with `perfpacket sync add KIND`.")
        for row in rows:
            say(
                f"{row['source']} ({row['kind']}, {row['url']}): "
                + (f"last stored {row['last_sync']}" if row["last_sync"] else "never synced")
            )
