"""The root command: error handling in one place, the --db option, plugin commands."""

from __future__ import annotations

import gc
import importlib
from typing import Any

import typer
import typer.main
from typer.core import TyperGroup

from perfpacket import plugins
from perfpacket.cli._io import print_error
from perfpacket.errors import PerfpacketError

# Each built-in top-level command and the module of perfpacket.cli that registers it, in the
# order `--help` lists them. A command's module is imported only when that command is asked
# for, so a command pays for its own imports and not for every other command's.
# (tests/cli/test_startup.py checks this table against what the modules register.)
COMMANDS: dict[str, str] = {
    "init": "workspace",
    "demo": "demo",
    "build": "build",
    "draft": "draft",
    "import": "evidence",
    "lint": "lint",
    "assess": "ladder",
    "plan": "ladder",
    "serve": "server",
    "claims": "claims",
    "stats": "stats",
    "evidence": "evidence",
    "people": "evidence",
    "sync": "sync",
    "telemetry": "telemetry",
    "ladder": "ladder",
    "users": "server",
}


# Parameter types whose parsed value Typer's coercion returns unchanged.
_PLAIN: dict[Any, type] = {str: str, str | None: str, bool: bool}


def _coerce_plain_values_without_pydantic() -> None:
    """Recent versions of Typer coerce each parsed value through a pydantic TypeAdapter, and
    importing pydantic and building the adapters is about 50 ms of every command that has an
    option. Click has already parsed a text option to ``str`` and a flag to ``bool``, and for those
    Typer's adapter gives back the value itself: such a value is passed through. Anything else
    still goes to Typer's own coercion, built when first needed. A Typer without this
    machinery coerces without pydantic already and is left as it is."""
    try:
        from typer._coercion import RuntimeParam, build_runtime_param
        from typer.core import _TyperParameter
    except ImportError:
        return
    if not hasattr(_TyperParameter, "get_runtime_param"):
        return

    class PlainParam(RuntimeParam):
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if type(value) is _PLAIN[self.annotation]:
                return value
            return build_runtime_param(param.type_descriptor)._coerce_value(value, param, ctx)

    def runtime_param(self: _TyperParameter) -> RuntimeParam:
        if self._runtime_param is None:
            described = self.type_descriptor
            plain = described.annotation in _PLAIN and described.parameter_info.parser is None
            if plain and described.file_annotation is None:
                self._runtime_param = PlainParam(described.parameter_info, described.annotation)
            else:
                self._runtime_param = build_runtime_param(described)
        return self._runtime_param

    _TyperParameter.get_runtime_param = runtime_param  # type: ignore[method-assign]


_coerce_plain_values_without_pydantic()


def module_commands(module: str) -> dict[str, Any]:
    """The click commands that ``perfpacket.cli.<module>`` registers, by name."""
    part = new_app()
    importlib.import_module(f"perfpacket.cli.{module}").register(part)
    return dict(typer.main.get_group(part).commands)


class PerfpacketGroup(TyperGroup):
    """Loads a built-in command's module when the command is asked for, and turns user errors
    from any subcommand into ``Error: ...`` and exit code 2."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(n for n in super().list_commands(ctx) if n not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            loaded = module_commands(COMMANDS[cmd_name])
            # A plugin's command of the same name was registered first and keeps its place.
            self.commands.update({k: v for k, v in loaded.items() if k not in self.commands})
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        resolved = super().resolve_command(ctx, args)
        if not gc.isenabled():
            # Started by main(), which loads the command line with collection off: what is
            # loaded by now lives as long as the process, so collection resumes without it.
            gc.freeze()
            gc.enable()
        return resolved

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
    """The full command line: built-in commands (each loaded when asked for, see COMMANDS),
    then commands added by plugins."""
    app = new_app()
    plugins.get_plugin_manager().hook.register_commands(app=app)
    return app
