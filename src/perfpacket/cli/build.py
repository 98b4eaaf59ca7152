"""``perfpacket build``."""

from __future__ import annotations

from pathlib import Path

import typer

from perfpacket.cli._io import say, workspace_from
from perfpacket.errors import InputError


def register(app: typer.Typer) -> None:
    @app.command()
    def build(
        ctx: typer.Context,
        packet: Path = typer.Argument(..., help="The packet's Markdown file."),
        html: Path | None = typer.Option(
            None, "--html", metavar="OUT", help="HTML output (default: PACKET with .html)."
        ),
        pdf: Path | None = typer.Option(None, "--pdf", metavar="OUT", help="Also write a PDF."),
        ladder: str | None = typer.Option(
            None,
            "--ladder",
            help="Ladder for the brief (default: the front matter's, the workspace's, then "
            "the built-in one).",
        ),
        person: str | None = typer.Option(
            None,
            "--person",
            metavar="EMAIL",
            help="Whose packet (default: its front matter's person, then the workspace's).",
        ),
        allow_unbound: bool = typer.Option(
            False,
            "--allow-unbound",
            help="Render even with numbers no claim computes; they are marked in the page.",
        ),
    ) -> None:
        """Render a packet: one self-contained HTML file (and a PDF), claims resolved."""
        from perfpacket.claims import packet_person
        from perfpacket.packet import parse_packet
        from perfpacket.packet.render import render_packet_pdf
        from perfpacket.snapshot import build_snapshot, choose_target

        try:
            text = packet.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"'{packet}' does not exist", hint="give the packet's path") from None
        except UnicodeDecodeError as exc:
            raise InputError(
                f"'{packet}' byte {exc.start}: not UTF-8 text", hint="save the file as UTF-8"
            ) from None
        if not allow_unbound:
            from perfpacket.lint.rules.unbound_number import refuse_unbound

            refuse_unbound(text, str(packet))
        ws = workspace_from(ctx)
        front = parse_packet(text, str(packet)).front_matter
        target = choose_target(front, ws.config, ladder)
        with ws.open_store() as store, store.session() as session:
            who = packet_person(session, front, person, ws.person)
            rendered = build_snapshot(session, who, text, target, str(packet)).html
        out = html or packet.with_suffix(".html")
        out.write_text(rendered, encoding="utf-8")
        say(f"Wrote {out}")
        if pdf is not None:
            render_packet_pdf(rendered, str(pdf))
            say(f"Wrote {pdf}")
