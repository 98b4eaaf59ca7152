"""Built-in importers, registered through the same hook a third-party plugin uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from perfpacket.evidence.importers.git import GitImporter
from perfpacket.plugins import hookimpl

BUILTIN_IMPORTERS: tuple[Any, ...] = (GitImporter(),)


@hookimpl
def register_importers(register: Callable[[Any], None]) -> None:
    for importer in BUILTIN_IMPORTERS:
        register(importer)
