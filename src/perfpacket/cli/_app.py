"""The root command: error handling in one place, the --db option, plugin commands."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from perfpacket import plugins
from perfpacket.cli._io import print_error
from perfpacket.errors import PerfpacketError


class PerfpacketGroup(TyperGroup):
    """Turns user errors from any subcommand into ``Error: ...`` and exit code 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except PerfpacketError as exc:
            print_error(exc)
            raise typer.Exit(exc.exit_code) from None


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
        draft,
        evidence,
        ladder,
        lint,
        server,
        stats,
        sync,
        telemetry,
        workspace,
    )

    app = new_app()
    workspace.register(app)
    demo.register(app)
    claims.register(app)
    build.register(app)
    draft.register(app)
    stats.register(app)
    evidence.register(app)
    sync.register(app)
    telemetry.register(app)
    lint.register(app)
    ladder.register(app)
    server.register(app)
    plugins.get_plugin_manager().hook.register_commands(app=app)
    return app
