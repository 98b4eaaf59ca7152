"""``perfpacket demo``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from perfpacket.cli._io import err_console, say


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        out: Path = typer.Option(Path("perfpacket-demo"), "--out", help="Folder to build it in."),
    ) -> None:
        """Build a demo workspace from seeded data and write its packet (Markdown, HTML, PDF)."""
        from perfpacket.demo import build_demo
        from perfpacket.demo.build import STEPS

        columns = (
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
        )
        with Progress(
            *columns, console=err_console, transient=True, disable=not err_console.is_terminal
        ) as progress:
            task = progress.add_task("Starting", total=STEPS)

            def step(message: str) -> None:
                progress.update(task, description=message, advance=1)

            result = build_demo(out, step)
        say(
            f"Demo workspace: {result.root}\n"
            f"Packet: {result.packet_md}\n"
            f"Rendered: {result.packet_html}\n"
            f"PDF: {result.packet_pdf}\n"
            f"Claims: {result.claims} (see `cd {result.root} && perfpacket claims list`)"
        )
