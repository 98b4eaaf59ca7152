"""The root command: error handling in one place, the --db option, plugin commands."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console
from sqlalchemy.engine import make_url
from typer.core import TyperGroup

from perfpacket import plugins
from perfpacket.errors import PerfpacketError
from perfpacket.workspace import Workspace, find_workspace

console = Console()
err_console = Console(stderr=True)


def say(text: str) -> None:
    """Plain text to stdout: no markup, no highlighting, no wrapping that would break paths."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def print_error(exc: PerfpacketError) -> None:
    err_console.print(f"Error: {exc.message}", markup=False, highlight=False, soft_wrap=True)
    if exc.hint:
        err_console.print(f"Hint: {exc.hint}", markup=False, highlight=False, soft_wrap=True)


class PerfpacketGroup(TyperGroup):
    """Turns user errors from any subcommand into ``Error: ...`` and exit code 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except PerfpacketError as exc:
            print_error(exc)
            raise typer.Exit(exc.exit_code) from None


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def shown_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def workspace_from(ctx: typer.Context) -> Workspace:
    """The workspace around the current directory, with the root ``--db`` applied."""
    root = ctx.find_root()
    db = root.obj.get("db") if isinstance(root.obj, dict) else None
    return find_workspace(db_override=db)


def new_app() -> typer.Typer:
    app = typer.Typer(
        cls=PerfpacketGroup,
        name="perfpacket",
        help="Promotion packets for AI engineers: evidence in, claims with honest intervals out.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )

    @app.callback()
    def root(
        ctx: typer.Context,
        db: str | None = typer.Option(
            None,
            "--db",
            metavar="URL",
            help="Database URL (SQLite or PostgreSQL); overrides PERFPACKET_DATABASE_URL "
            "and the workspace config.",
        ),
    ) -> None:
        ctx.obj = {"db": db}

    return app


def build_app() -> typer.Typer:
    """The full command line: built-in commands, then commands added by plugins."""
    from perfpacket.cli import (
        build,
        claims,
        demo,
        evidence,
        ladder,
        lint,
        server,
        stats,
        workspace,
    )

    app = new_app()
    workspace.register(app)
    demo.register(app)
    claims.register(app)
    build.register(app)
    stats.register(app)
    evidence.register(app)
    lint.register(app)
    ladder.register(app)
    server.register(app)
    plugins.get_plugin_manager().hook.register_commands(app=app)
    return app
