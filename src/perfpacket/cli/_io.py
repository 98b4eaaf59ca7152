"""What every command uses to print and to find its workspace. Imports nothing from the
commands, so that each command can import it without a loop through the root command."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.console import Console
from sqlalchemy.engine import make_url

from perfpacket.errors import PerfpacketError
from perfpacket.workspace import Workspace, find_packet_workspace, find_workspace

console = Console()
err_console = Console(stderr=True)


def say(text: str) -> None:
    """Plain text to stdout: no markup, no highlighting, no wrapping that would break paths."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def print_error(exc: PerfpacketError) -> None:
    err_console.print(f"Error: {exc.message}", markup=False, highlight=False, soft_wrap=True)
    if exc.hint:
        err_console.print(f"Hint: {exc.hint}", markup=False, highlight=False, soft_wrap=True)


def print_json(data: Any) -> None:
    """``data`` as indented JSON on stdout. orjson writes it: the standard encoder is pure
    Python once indented, a quarter of listing the demo's 3,431 records. A number JSON cannot
    hold (NaN, an infinity) is written as null; what orjson cannot write (an integer beyond
    64 bits) goes to the standard encoder."""
    try:
        text = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:
        text = json.dumps(data, indent=2, ensure_ascii=False)
    sys.stdout.write(text + "\n")


def shown_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def db_option(ctx: typer.Context) -> str | None:
    """The root ``--db`` option, when given."""
    root = ctx.find_root()
    return root.obj.get("db") if isinstance(root.obj, dict) else None


def workspace_from(ctx: typer.Context, packet: Path | None = None) -> Workspace:
    """The workspace around the current directory, with the root ``--db`` applied; for a
    command that reads a packet, the packet's workspace as lint finds it (see
    :func:`perfpacket.workspace.find_packet_workspace`)."""
    if packet is not None:
        return find_packet_workspace(packet, db_option(ctx))
    return find_workspace(db_override=db_option(ctx))
