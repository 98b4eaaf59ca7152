"""The plugin system: pluggy hook specifications and the registries they fill.

Built-in importers, recipes, lint rules and renderers register through the same hooks a third
party uses; third parties are found through the ``perfpacket`` entry-point group.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

import pluggy

if TYPE_CHECKING:
    import typer

    from perfpacket.claims.recipe import Recipe
    from perfpacket.evidence.records import Importer
    from perfpacket.evidence.sync.connector import Connector
    from perfpacket.lint.engine import LintRule
    from perfpacket.snapshot import Renderer

PROJECT = "perfpacket"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class Named(Protocol):
    """What every plugin has: the name it is registered and chosen by."""

    @property
    def name(self) -> str: ...


class HookSpecs:
    """Each hook receives ``register``: call it once per item to add."""

    @hookspec
    def register_importers(self, register: Callable[[Importer], None]) -> None:
        """Register evidence importers."""

    @hookspec
    def register_connectors(self, register: Callable[[Connector], None]) -> None:
        """Register sync connectors: sources ``perfpacket sync`` pulls evidence from."""

    @hookspec
    def register_recipes(self, register: Callable[[Recipe], None]) -> None:
        """Register impact recipes that turn evidence into claims."""

    @hookspec
    def register_lint_rules(self, register: Callable[[LintRule], None]) -> None:
        """Register packet lint rules."""

    @hookspec
    def register_renderers(self, register: Callable[[Renderer], None]) -> None:
        """Register packet renderers."""

    @hookspec
    def register_commands(self, app: typer.Typer) -> None:
        """Add commands or command groups to the ``perfpacket`` command line."""


T = TypeVar("T", bound=Named)


@dataclass
class Registry(Generic[T]):
    """Named items registered by plugins. A second item under one name is an error."""

    kind: str
    items: dict[str, T] = field(default_factory=dict)

    def add(self, item: T) -> None:
        name = getattr(item, "name", None)
        if not isinstance(name, str) or not name:
            raise TypeError(f"a registered {self.kind} needs a non-empty 'name': {item!r}")
        if name in self.items:
            raise ValueError(f"two {self.kind}s are registered as {name!r}")
        self.items[name] = item

    def names(self) -> list[str]:
        return sorted(self.items)

    def get(self, name: str) -> T:
        return self.items[name]

    def __iter__(self) -> Iterator[T]:
        return iter(self.items.values())

    def __contains__(self, name: object) -> bool:
        return name in self.items


# Built-in plugins by the hook they implement, imported only when that hook is first called:
# importing git history must not pay for loading the statistics stack.
_BUILTIN_PLUGINS = {
    "register_recipes": ("perfpacket.claims.recipes",),
    "register_renderers": ("perfpacket.renderers",),
    "register_importers": ("perfpacket.evidence.importers",),
    "register_connectors": ("perfpacket.evidence.sync.connectors",),
    "register_lint_rules": ("perfpacket.lint.rules",),
}

_manager: pluggy.PluginManager | None = None
# The team server asks for plugins from many request threads at once: building the manager
# and registering a built-in happen under one lock, or two threads register the same module.
_lock = threading.RLock()


def _build_manager(extra: Iterable[object] = ()) -> pluggy.PluginManager:
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(HookSpecs)
    pm.load_setuptools_entrypoints(PROJECT)
    for plugin in extra:
        pm.register(plugin)
    return pm


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager: built-ins plus installed entry points."""
    global _manager
    if _manager is None:
        with _lock:
            if _manager is None:
                _manager = _build_manager()
    return _manager


def register_plugin(plugin: object) -> None:
    """Register a plugin object or module at run time (tests, embedding applications)."""
    get_plugin_manager().register(plugin)


def unregister_plugin(plugin: object) -> None:
    """Remove a plugin registered with :func:`register_plugin`."""
    get_plugin_manager().unregister(plugin)


def _with_builtins(hook_name: str) -> pluggy.PluginManager:
    """The manager, with the built-in plugins of ``hook_name`` registered."""
    import importlib

    pm = get_plugin_manager()
    for module_name in _BUILTIN_PLUGINS.get(hook_name, ()):
        if not pm.has_plugin(module_name):
            with _lock:
                if not pm.has_plugin(module_name):
                    pm.register(importlib.import_module(module_name), name=module_name)
    return pm


def _collect(hook_name: str, registry: Registry[T]) -> Registry[T]:
    getattr(_with_builtins(hook_name).hook, hook_name)(register=registry.add)
    return registry


def importers() -> Registry[Importer]:
    """Every registered importer, by kind name."""
    return _collect("register_importers", Registry["Importer"]("importer"))


def connectors() -> Registry[Connector]:
    """Every registered sync connector, by kind name."""
    return _collect("register_connectors", Registry["Connector"]("connector"))


def recipes() -> Registry[Recipe]:
    """Every registered recipe, by name."""
    return _collect("register_recipes", Registry["Recipe"]("recipe"))


def lint_rules() -> Registry[LintRule]:
    """Every registered lint rule, by name."""
    return _collect("register_lint_rules", Registry["LintRule"]("lint rule"))


def renderers() -> Registry[Renderer]:
    """Every registered renderer, by format name."""
    return _collect("register_renderers", Registry["Renderer"]("renderer"))
