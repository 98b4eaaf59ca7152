"""``perfpacket lint``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from perfpacket.cli._io import db_option, print_json, say
from perfpacket.errors import InputError
from perfpacket.vocab import LintKind


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"


def _names(values: list[str]) -> list[str]:
    return [v for value in values for v in value.split(",") if v.strip()]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"'{path}' does not exist", hint="give the file to read") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"'{path}' byte {exc.start}: not UTF-8 text", hint="save it as UTF-8"
        ) from None


def register(app: typer.Typer) -> None:
    @app.command()
    def lint(
        ctx: typer.Context,
        packet: Path = typer.Argument(..., help="The packet's Markdown file."),
        fmt: Format = typer.Option(Format.TEXT, "--format", help="text, json or sarif."),
        select: list[str] = typer.Option(
            [],
            "--select",
            metavar="RULES",
            help="Only these rules (names or codes, comma-separated).",
        ),
        ignore: list[str] = typer.Option(
            [], "--ignore", metavar="RULES", help="Skip these rules (names or codes)."
        ),
        person: str | None = typer.Option(
            None,
            "--person",
            metavar="EMAIL",
            help="Whose claims to check against (default: the packet's person).",
        ),
        kind: LintKind = typer.Option(
            LintKind.PACKET,
            "--kind",
            help="packet, or review: what someone wrote about another person (a manager "
            "review, peer feedback, a rating or decision reason), read for biased language.",
        ),
    ) -> None:
        """Read a packet the way a calibration committee does (or, with --kind review, a review
        for biased language); exit 1 if problems remain."""
        from perfpacket.lint.output import as_json, as_sarif, as_text
        from perfpacket.snapshot import lint_packet

        if kind is LintKind.REVIEW:
            from perfpacket.lint.engine import lint_review

            result = lint_review(_read(packet), str(packet), _names(select), _names(ignore))
        else:
            result = lint_packet(packet, _names(select), _names(ignore), db_option(ctx), person)
        if fmt is Format.JSON:
            print_json(as_json(result))
        elif fmt is Format.SARIF:
            print_json(as_sarif(result))
        else:
            say(as_text(result))
        if result.diagnostics:
            raise typer.Exit(1)
