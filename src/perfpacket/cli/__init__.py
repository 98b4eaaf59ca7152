"""The ``perfpacket`` command line: parse, call the API, print."""

from __future__ import annotations

from perfpacket.cli._app import build_app


def main() -> None:
    """Console-script entry point."""
    build_app()()


__all__ = ["build_app", "main"]
