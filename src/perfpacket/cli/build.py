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
        formats: list[str] = typer.Option(
            [],
            "--format",
            "-f",
            metavar="FORMAT",
            help="Output format, repeatable: html, pdf, markdown (to paste into an HR tool), "
            "json, or one a plugin adds. Written beside PACKET unless --out names the file.",
        ),
        out: Path | None = typer.Option(
            None, "--out", "-o", metavar="OUT", help="Output file, with a single --format."
        ),
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
            help="Render even with numbers no claim computes; every format marks them.",
        ),
    ) -> None:
        """Render a packet: one self-contained HTML file (and a PDF, Markdown or JSON), claims
        resolved, from the same snapshot a submission freezes."""
        from perfpacket import plugins
        from perfpacket.claims import packet_person
        from perfpacket.packet import parse_packet
        from perfpacket.snapshot import build_snapshot, choose_target

        registry = plugins.renderers()
        for name in formats:
            if name not in registry:
                raise InputError(
                    f"--format '{name}' is not an output format",
                    hint="formats: " + ", ".join(registry.names()),
                )
        if out is not None and len(formats) != 1:
            raise InputError(
                "--out names one file, so it goes with exactly one --format",
                hint="give one --format, or leave out --out to write each beside the packet",
            )
        targets = {name: packet.with_suffix(registry.get(name).suffix) for name in formats}
        if out is not None:
            targets[formats[0]] = out
        if html is not None or not targets:
            targets["html"] = html or packet.with_suffix(".html")
        if pdf is not None:
            targets["pdf"] = pdf
        for path in targets.values():
            if path.resolve() == packet.resolve():
                raise InputError(
                    f"'{path}' is the packet itself; building would overwrite it",
                    hint="name another file with --out",
                )

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
        ws = workspace_from(ctx, packet)
        front = parse_packet(text, str(packet)).front_matter
        target = choose_target(front, ws.config, ladder)
        with ws.open_store() as store, store.session() as session:
            who = packet_person(session, front, person, ws.person)
            snapshot = build_snapshot(session, who, text, target, str(packet))
        for name, path in targets.items():
            path.write_bytes(registry.get(name).render(snapshot))
            say(f"Wrote {path}")
