"""``perfpacket init``."""

from __future__ import annotations

from pathlib import Path

import typer

from perfpacket.cli._io import say, shown_url
from perfpacket.workspace import init_workspace


def register(app: typer.Typer) -> None:
    @app.command()
    def init(
        ctx: typer.Context,
        directory: Path = typer.Argument(Path("."), help="Folder for the workspace."),
    ) -> None:
        """Create a workspace: perfpacket.toml and .perfpacket/ with its database."""
        db = ctx.find_root().obj.get("db")
        ws = init_workspace(directory, db)
        say(f"Initialised workspace in {ws.root}")
        say(f"Database: {shown_url(ws.database_url)}")
