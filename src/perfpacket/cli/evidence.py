"""``perfpacket import``, ``perfpacket evidence list`` and ``perfpacket people``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from perfpacket.cli._io import console, err_console, print_json, say, workspace_from
from perfpacket.errors import InputError
from perfpacket.evidence.people import (
    add_person,
    edit_person,
    link_identity,
    list_people,
    merge_people,
    unattributed_count,
)
from perfpacket.evidence.query import list_evidence


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            raise InputError(f"--map '{pair}' is not NAME=COLUMN", hint="e.g. --map cost_usd=spend")
        out[key] = value
    return out


def parse_run_date(text: str) -> datetime:
    """``--date``: a day (taken as midnight UTC) or an ISO 8601 time, not after now."""
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"--date '{text}' is not a date", hint="write YYYY-MM-DD, or YYYY-MM-DDTHH:MM"
        ) from None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    if when > datetime.now(UTC):
        raise InputError(
            f"--date '{text}' is in the future", hint="give the day the runs were made"
        )
    return when


class _Rate(ProgressColumn):
    """Records per second, once Rich has measured a rate."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} records/s" if speed else "", style="progress.data.speed")


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_(
        ctx: typer.Context,
        kind: str = typer.Argument(..., help="The format: git, github-prs, promptfoo, ..."),
        paths: list[Path] = typer.Argument(..., help="Files, folders or repositories."),
        person: str | None = typer.Option(
            None, "--person", metavar="EMAIL", help="Keep only records of this person."
        ),
        all_refs: bool = typer.Option(False, "--all", help="git: every ref, not just HEAD."),
        since: str | None = typer.Option(None, "--since", help="git: commits after this date."),
        until: str | None = typer.Option(None, "--until", help="git: commits before this date."),
        name: str | None = typer.Option(
            None, "--name", help="git: repository name; telemetry: source name."
        ),
        mapping: list[str] = typer.Option(
            [], "--map", metavar="NAME=COLUMN", help="telemetry: map a column (repeatable)."
        ),
        preset: str | None = typer.Option(
            None,
            "--preset",
            help="telemetry: a platform's table layout (litellm, langfuse, helicone, "
            "otel-clickhouse), read as it is.",
        ),
        artifact: str | None = typer.Option(
            None,
            "--artifact",
            help="github-releases, gitlab-releases: what the releases put into production "
            "(model, prompt, gateway, cache, schema, tracing, deprecation, sustain).",
        ),
        run_date: str | None = typer.Option(
            None,
            "--date",
            metavar="YYYY-MM-DD",
            help="lm-eval, openai-evals: when the runs were, for files that record no date "
            "(otherwise dated by the file's modification time).",
        ),
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """Import evidence; each path is one transaction, and re-importing changes nothing."""
        # The importers load only for this command: listing evidence or people needs none.
        from perfpacket.evidence.load import expand, import_path
        from perfpacket.evidence.rules import load_rules

        reports = []
        ws = workspace_from(ctx)
        options = ws.import_options(
            all_refs=all_refs,
            since=since,
            until=until,
            name=name,
            columns=parse_mapping(mapping),
            preset=preset,
            artifact=artifact,
            run_date=parse_run_date(run_date) if run_date else None,
        )
        rules = load_rules(ws.config, str(ws.root / "perfpacket.toml"))
        # A folder stands for every file of the kind inside it; each file is its own
        # transaction, and a refused one stops nothing else.
        targets: list[Path] = []
        refused: list[tuple[Path, InputError]] = []
        for given in paths:
            try:
                targets.extend(expand(kind, given))
            except InputError as exc:
                if len(paths) == 1:
                    raise
                refused.append((given, exc))
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            _Rate(),
            TimeElapsedColumn(),
        )
        with (
            ws.open_store() as store,
            # On a terminal only, and never under --json: a script reads stdout and stderr.
            Progress(
                *columns,
                console=err_console,
                transient=True,
                disable=as_json or not err_console.is_terminal,
            ) as bar,
        ):
            files = bar.add_task("Files", total=len(targets), visible=len(targets) > 1)
            for path in targets:
                task = bar.add_task(f"Importing {path.name}", total=None)

                def advance(step: int, total: int | None, task: TaskID = task) -> None:
                    if total is not None:
                        bar.update(task, total=total)
                    bar.advance(task, step)

                try:
                    reports.append(import_path(store, kind, path, options, person, advance, rules))
                except InputError as exc:
                    if len(targets) == 1 and not refused:
                        raise
                    refused.append((path, exc))
                bar.remove_task(task)
                bar.advance(files)
        if as_json:
            out = [r.to_dict() for r in reports] + [
                {"source": str(p), "kind": kind, "error": e.message, "hint": e.hint}
                for p, e in refused
            ]
            print_json(out[0] if len(out) == 1 and not refused else out)
        else:
            for r in reports:
                say(
                    f"{r.source}: {r.imported} imported, {r.updated} updated, "
                    f"{r.duplicates} already present, {r.skipped} skipped"
                )
                for note in r.notes:
                    say(f"  note: {note}")
                for warning in r.warnings:
                    say(f"  warning: {warning}")
            for p, e in refused:
                say(f"{p}: refused: {e.message}" + (f" ({e.hint})" if e.hint else ""))
            if len(reports) + len(refused) > 1:
                total = sum(r.imported for r in reports)
                say(
                    f"{len(reports)} of {len(reports) + len(refused)} files read "
                    f"({total} new records); {len(refused)} refused"
                )
        if refused:
            raise typer.Exit(2)

    evidence_app = typer.Typer(help="Imported evidence records.")
    app.add_typer(evidence_app, name="evidence")

    @evidence_app.command("list")
    def evidence_list(
        ctx: typer.Context,
        kind: str | None = typer.Option(None, "--kind", help="change, review, eval_run, ..."),
        person: str | None = typer.Option(None, "--person", metavar="EMAIL"),
        since: str | None = typer.Option(None, "--since", metavar="YYYY-MM-DD"),
        unattributed: bool = typer.Option(
            False, "--unattributed", help="Only records that are nobody's yet."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """List evidence records, oldest first; a record nobody has yet shows as unattributed."""
        day = None
        if since:
            try:
                day = datetime.strptime(since, "%Y-%m-%d").date()
            except ValueError:
                raise InputError(
                    f"--since '{since}' is not a date", hint="write YYYY-MM-DD"
                ) from None
        with workspace_from(ctx).open_store() as store, store.session() as session:
            records = list_evidence(session, kind, person, day)
        if unattributed:
            records = [r for r in records if r["person"] is None]
        if as_json:
            print_json(records)
            return
        table = Table("id", "kind", "when", "person", "what")
        for r in records:
            what = r.get("title") or r.get("suite") or r.get("version") or r.get("guard") or ""
            table.add_row(
                str(r["id"]),
                r["kind"],
                r["occurred_at"][:10],
                r["person"] or "(unattributed)",
                str(what),
            )
        console.print(table)

    people_app = typer.Typer(help="People and the identities that attribute evidence to them.")
    app.add_typer(people_app, name="people")

    @people_app.command("add")
    def people_add(
        ctx: typer.Context,
        email: str = typer.Argument(..., help="Their email: the key of a person."),
        name: str = typer.Option(..., "--name", help="Display name."),
        team: str | None = typer.Option(None, "--team"),
        function: str | None = typer.Option(
            None, "--function", help="engineering, product, sre, data science, ..."
        ),
        manager: str | None = typer.Option(None, "--manager", metavar="EMAIL"),
    ) -> None:
        """Add a person."""
        with workspace_from(ctx).open_store() as store, store.session() as session:
            add_person(session, email, name, team, function, manager)
        say(f"Added {email}")

    @people_app.command("link")
    def people_link(
        ctx: typer.Context,
        who: str = typer.Argument(..., help="The person's email."),
        identity: str = typer.Argument(..., help="EMAIL or KIND:VALUE, e.g. github:aokafor."),
    ) -> None:
        """Link another email or handle to a person; their imported records follow."""
        with workspace_from(ctx).open_store() as store, store.session() as session:
            moved = link_identity(session, who, identity)
        say(f"Linked {identity} to {who}; {moved} records attributed")

    @people_app.command("list")
    def people_list(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """List people and their identities."""
        with workspace_from(ctx).open_store() as store, store.session() as session:
            people = list_people(session)
            nobody = unattributed_count(session)
        if as_json:
            print_json(people)
            return
        table = Table("email", "name", "team", "function", "identities", "records")
        for p in people:
            table.add_row(
                p["email"],
                p["name"],
                p["team"] or "",
                p["function"] or "",
                ", ".join(p["identities"]),
                str(p["records"]),
            )
        console.print(table)
        if nobody:
            say(
                f"{nobody} records are nobody's: perfpacket evidence list --unattributed; "
                "attribute them with import --person or [[attribution.rules]]"
            )

    @people_app.command("merge")
    def people_merge(
        ctx: typer.Context,
        keep: str = typer.Argument(..., help="The person who stays (email, identity or name)."),
        absorb: str = typer.Argument(..., help="The duplicate, merged into KEEP and removed."),
        reason: str = typer.Option(
            ..., "--reason", help="Why they are one person; kept in the audit log."
        ),
    ) -> None:
        """Merge two records of one person: identities and evidence move to KEEP."""
        with workspace_from(ctx).open_store() as store, store.session() as session:
            moved = merge_people(session, keep, absorb, reason)
        say(
            f"Merged {absorb} into {keep}: {moved['records']} records and "
            f"{moved['identities']} identities moved; {moved['claims_dropped']} claims dropped "
            "(run perfpacket claims suggest)"
        )

    @people_app.command("edit")
    def people_edit(
        ctx: typer.Context,
        who: str = typer.Argument(..., help="The person (email, identity or name)."),
        name: str | None = typer.Option(None, "--name", help="Display name."),
        team: str | None = typer.Option(None, "--team"),
        function: str | None = typer.Option(None, "--function"),
        manager: str | None = typer.Option(None, "--manager", metavar="EMAIL"),
        reason: str = typer.Option(..., "--reason", help="Why; kept in the audit log."),
    ) -> None:
        """Change a person's name, team, function or manager."""
        changes = {"name": name, "team": team, "function": function, "manager": manager}
        with workspace_from(ctx).open_store() as store, store.session() as session:
            person = edit_person(session, who, changes, reason)
            email = person.email
        say(f"Updated {email}")
