"""The ``perfpacket`` command line: parse, call the API, print."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from perfpacket.cli._app import build_app


def main() -> None:
    """Console-script entry point.

    The garbage collector is off while the command line loads its modules: they make hundreds
    of thousands of objects and free almost none, and collecting among them was a tenth of a
    short command's time. Once the command is found, those objects are set aside for good
    (``gc.freeze``) and collection resumes for the command's own work (see
    :meth:`perfpacket.cli._app.PerfpacketGroup.resolve_command`)."""
    gc.disable()
    try:
        from perfpacket.cli._app import build_app

        build_app()()
    finally:
        gc.enable()


def __getattr__(name: str) -> Any:
    if name == "build_app":
        from perfpacket.cli._app import build_app

        return build_app
    raise AttributeError(f"module 'perfpacket.cli' has no attribute {name!r}")


__all__ = ["build_app", "main"]
