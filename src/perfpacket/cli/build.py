"""``perfpacket build``."""

from __future__ import annotations

from pathlib import Path

import typer

from perfpacket.cli._app import say, workspace_from
from perfpacket.errors import InputError


def register(app: typer.Typer) -> None:
    @app.command()
    def build(
        ctx: typer.Context,
        packet: Path = typer.Argument(..., help="The packet's Markdown file."),
        html: Path | None = typer.Option(
            None, "--html", metavar="OUT", help="HTML output (default: PACKET with .html)."
        ),
    ) -> None:
        """Render a packet to one self-contained HTML file, resolving its claim references."""
        from perfpacket.claims import load_claims
        from perfpacket.packet import render_packet_html

        try:
            text = packet.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"'{packet}' does not exist", hint="give the packet's path") from None
        except UnicodeDecodeError as exc:
            raise InputError(
                f"'{packet}' byte {exc.start}: not UTF-8 text", hint="save the file as UTF-8"
            ) from None
        with workspace_from(ctx).open_store() as store, store.session() as session:
            rendered = render_packet_html(text, load_claims(session), str(packet))
        out = html or packet.with_suffix(".html")
        out.write_text(rendered, encoding="utf-8")
        say(f"Wrote {out}")
