"""Generates docs/cli.md from the command tree, so the reference cannot drift from the code.

``python -m perfpacket.cli.docs > docs/cli.md``; a test fails when the file is stale.
"""

from __future__ import annotations

from typing import Any

import typer
import typer.main
from typer.core import TyperGroup

from perfpacket.cli._app import build_app

HEADER = """\
# Command reference

Generated from the command line by `make docs` (`python -m perfpacket.cli.docs`); a test fails
when this file is out of date. Every command accepts `--help`.

User errors print `Error: ...` and a `Hint: ...` on standard error and exit with code 2.
"""


def _param_rows(command: Any) -> list[str]:
    rows = []
    for param in command.params:
        if param.name == "help":
            continue
        help_text = (getattr(param, "help", None) or "").replace("|", "\\|")
        if type(param).__name__.endswith("Argument"):
            name = f"`{param.name.upper()}`"
            kind = "argument" + ("" if param.required else ", optional")
        else:
            name = ", ".join(f"`{o}`" for o in param.opts)
            metavar = getattr(param, "metavar", None)
            if metavar and not getattr(param, "is_flag", False):
                name += f" `{metavar}`"
            kind = "flag" if getattr(param, "is_flag", False) else "option"
        default = param.default
        if default not in (None, False, "", ()) and not callable(default):
            help_text += f" Default: `{default}`."
        rows.append(f"| {name} | {kind} | {help_text.strip()} |")
    return rows


def _walk(command: Any, path: list[str], out: list[str]) -> None:
    # Asked through click's own interface: the root group loads its commands when asked.
    ctx = typer.Context(command, info_name=path[-1])
    subcommands: dict[str, Any] = (
        {name: command.get_command(ctx, name) for name in command.list_commands(ctx)}
        if isinstance(command, TyperGroup)
        else {}
    )
    title = " ".join(path)
    out.append(f"\n{'#' * min(len(path) + 1, 4)} `{title}`\n")
    if command.help:
        out.append(command.help.strip() + "\n")
    rows = _param_rows(command)
    if rows:
        out.append("| parameter | kind | meaning |\n|---|---|---|")
        out.extend(rows)
    if subcommands:
        for name in sorted(subcommands):
            if not subcommands[name].hidden:
                _walk(subcommands[name], [*path, name], out)


def _import_kinds() -> list[str]:
    from perfpacket import plugins

    out = ["\n## Import kinds\n", "`perfpacket import KIND PATH...` reads these formats:\n"]
    out.append("| kind | format |\n|---|---|")
    for importer in sorted(plugins.importers(), key=lambda i: i.name):
        out.append(f"| `{importer.name}` | {importer.description.replace('|', '/')} |")
    return out


def generate() -> str:
    """The Markdown reference of every command, and the import kinds."""
    out = [HEADER]
    _walk(typer.main.get_command(build_app()), ["perfpacket"], out)
    out.extend(_import_kinds())
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(generate(), end="")
