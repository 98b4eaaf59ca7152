"""The value model: an organisation's conversion constants, each with its source."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from perfpacket.errors import InputError

VALUE_FILE = "value.yaml"


@dataclass(frozen=True)
class Constant:
    name: str
    value: float
    unit: str
    source: str


@dataclass(frozen=True)
class Value:
    """A claim's worth: amount = formula over named constants, with the assumptions it makes."""

    amount: float
    unit: str
    period: str
    formula: str
    constants: tuple[Constant, ...] = ()
    assumptions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "amount": self.amount,
            "unit": self.unit,
            "period": self.period,
            "formula": self.formula,
            "constants": {
                c.name: {"value": c.value, "unit": c.unit, "source": c.source}
                for c in self.constants
            },
            "assumptions": list(self.assumptions),
        }


@dataclass(frozen=True)
class ValueModel:
    constants: dict[str, Constant] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Constant:
        try:
            return self.constants[name]
        except KeyError:
            raise InputError(
                f"the value model has no constant '{name}'",
                hint=f"add '{name}' with value, unit and source to value.yaml",
            ) from None


def _parse(text: str, origin: str) -> ValueModel:
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"'{origin}' is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise InputError(f"'{origin}' must map constant names to {{value, unit, source}}")
    constants = {}
    for name, entry in raw.items():
        if not isinstance(entry, dict):
            raise InputError(
                f"'{origin}' field {name}: expected a mapping with value, unit and source"
            )
        for key in ("value", "unit", "source"):
            if key not in entry:
                raise InputError(
                    f"'{origin}' field {name}.{key}: missing",
                    hint="every constant needs value, unit and source",
                )
        if not isinstance(entry["value"], int | float) or isinstance(entry["value"], bool):
            raise InputError(
                f"'{origin}' field {name}.value: expected a number, got {entry['value']!r}"
            )
        constants[name] = Constant(
            name, float(entry["value"]), str(entry["unit"]), str(entry["source"])
        )
    return ValueModel(constants)


def default_value_model() -> ValueModel:
    """The shipped defaults."""
    text = files("perfpacket.claims").joinpath(VALUE_FILE).read_text(encoding="utf-8")
    return _parse(text, VALUE_FILE)


def load_value_model(workspace_root: Path | None = None) -> ValueModel:
    """The defaults, overridden constant by constant by the workspace's ``value.yaml``."""
    model = default_value_model()
    if workspace_root is None:
        return model
    path = workspace_root / VALUE_FILE
    if not path.is_file():
        return model
    override = _parse(path.read_text(encoding="utf-8"), str(path))
    return ValueModel({**model.constants, **override.constants})
