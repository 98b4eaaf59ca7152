"""The package's import graph has no cycle: between modules, and between its sub-packages.

Every import counts, deferred ones inside functions included, except those under
``if TYPE_CHECKING``. An acyclic package graph is a layering: each sub-package imports only
those below it, so there is no backward import. The graph is read from the source with ``ast``
and ordered with the standard library's ``graphlib``, which names a cycle when there is one.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _modules() -> dict[str, Path]:
    out = {}
    for path in (SRC / "perfpacket").rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(n)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for target in targets:
                # ``from perfpacket.team import audit`` names the package and the module; the
                # module is the edge (a module's own package is always imported first).
                ancestor = name.startswith(target + ".")
                if target in modules and target != name and not ancestor:
                    graph[name].add(target)
    return graph


def test_no_module_imports_itself_in_a_cycle() -> None:
    graph = _imports(_modules())
    order = list(graphlib.TopologicalSorter(graph).static_order())  # raises CycleError
    assert len(order) == len(graph)


def test_the_sub_packages_form_layers() -> None:
    packages: dict[str, set[str]] = {}
    for name, targets in _imports(_modules()).items():
        top = ".".join(name.split(".")[:2])
        deps = packages.setdefault(top, set())
        deps.update(".".join(t.split(".")[:2]) for t in targets)
        deps.discard(top)
    layers = list(graphlib.TopologicalSorter(packages).static_order())
    # The web server and the command line sit above the snapshot service, which sits above
    # rendering and assessment; the store is below all of them.
    assert layers.index("perfpacket.store") < layers.index("perfpacket.snapshot")
    assert layers.index("perfpacket.packet") < layers.index("perfpacket.snapshot")
    assert layers.index("perfpacket.ladder") < layers.index("perfpacket.snapshot")
    assert layers.index("perfpacket.snapshot") < layers.index("perfpacket.web")
