"""Reading YAML, one way everywhere: PyYAML's safe loader, on libyaml when PyYAML was built
with it (it reads a ladder ten times faster than the pure-Python parser, which was a quarter of
building a packet). Both build the same objects and raise the same errors, with line marks."""

from __future__ import annotations

from typing import Any

import yaml

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """The document in ``text``; :class:`yaml.YAMLError` when it is not YAML."""
    return yaml.load(text, Loader=_Loader)


def compose_yaml(text: str) -> yaml.Node | None:
    """The node tree of ``text``, with each node's line marks (to point an error at its line);
    :class:`yaml.YAMLError` when it is not YAML."""
    return yaml.compose(text, Loader=_Loader)
