"""The value model: an organisation's conversion constants, each with its source, and the
worth of a claim computed from its measured estimate with the estimate's interval carried
through the formula.

A value formula here is a product or sum of the estimate and the constants, so it is monotone
in each of them; its extremes over an interval (the estimate's) and over ranges (the constants'
``low``/``high``) lie at the corners, which :func:`priced` evaluates exactly.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from perfpacket._yaml import load_yaml
from perfpacket.errors import InputError
from perfpacket.vocab import Outcome

VALUE_FILE = "value.yaml"


@dataclass(frozen=True)
class Constant:
    name: str
    value: float
    unit: str
    source: str
    low: float | None = None  # the plausible range the source gives, for the sensitivity band
    high: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "unit": self.unit, "source": self.source}
        if self.low is not None and self.high is not None:
            out.update(low=self.low, high=self.high)
        return out


@dataclass(frozen=True)
class Observed:
    """What the evidence itself shows, beside an extrapolated value ("21 days observed")."""

    amount: float
    period: str


@dataclass(frozen=True)
class Value:
    """A claim's worth: amount = formula over named constants, with the assumptions it makes."""

    amount: float
    unit: str
    period: str
    formula: str
    constants: tuple[Constant, ...] = ()
    assumptions: tuple[str, ...] = ()
    low: float | None = None  # the estimate's interval through the formula
    high: float | None = None
    level: float | None = None  # of that interval
    band_low: float | None = None  # also across the constants' own ranges
    band_high: float | None = None
    observed: Observed | None = None
    outcome: Outcome = Outcome.SHIPPED  # the brief's column: shipped, or prevented

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "amount": self.amount,
            "outcome": self.outcome.value,
            "unit": self.unit,
            "period": self.period,
            "formula": self.formula,
            "constants": {c.name: c.to_dict() for c in self.constants},
            "assumptions": list(self.assumptions),
            "low": self.low,
            "high": self.high,
            "level": self.level,
        }
        if self.band_low is not None and self.band_high is not None:
            out["band"] = {"low": self.band_low, "high": self.band_high}
        if self.observed is not None:
            out["observed"] = {"amount": self.observed.amount, "period": self.observed.period}
        return out


Formula = Callable[[float, Mapping[str, float]], float]


def _round(x: float, digits: int) -> float:
    return round(x, digits) + 0.0  # no negative zero


def priced(
    formula: Formula,
    estimate: float,
    low: float | None,
    high: float | None,
    level: float | None,
    constants: Sequence[Constant],
    *,
    unit: str,
    period: str,
    text: str,
    assumptions: tuple[str, ...] = (),
    observed: Observed | None = None,
    outcome: Outcome = Outcome.SHIPPED,
    digits: int = 2,
) -> Value:
    """A claim's worth from its measured estimate: ``formula(estimate, constants)``, with the
    estimate's interval carried through (constants at their values), and a sensitivity band
    that also moves each constant across its ``low``/``high`` where the value model gives one."""
    point = {c.name: c.value for c in constants}
    amount = formula(estimate, point)
    v_low = v_high = None
    if low is not None and high is not None:
        ends = [formula(x, point) for x in (low, high)]
        v_low, v_high = min(ends), max(ends)
    band_low = band_high = None
    ranged = [c for c in constants if c.low is not None and c.high is not None]
    if ranged:
        xs = (low, high) if low is not None and high is not None else (estimate,)
        choices: list[tuple[float, ...]] = [
            (c.low, c.high) if c.low is not None and c.high is not None else (c.value,)
            for c in constants
        ]
        corners = [
            formula(x, {c.name: v for c, v in zip(constants, combo, strict=True)})
            for x in xs
            for combo in itertools.product(*choices)
        ]
        band_low, band_high = min(corners), max(corners)
    return Value(
        amount=_round(amount, digits),
        unit=unit,
        period=period,
        formula=text,
        constants=tuple(constants),
        assumptions=assumptions,
        low=None if v_low is None else _round(v_low, digits),
        high=None if v_high is None else _round(v_high, digits),
        level=level if v_low is not None else None,
        band_low=None if band_low is None else _round(band_low, digits),
        band_high=None if band_high is None else _round(band_high, digits),
        observed=observed,
        outcome=outcome,
    )


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
        raw = load_yaml(text) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"'{origin}' is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise InputError(
            f"'{origin}' must map constant names to {{value, unit, source}} (and low, high)"
        )
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
        for key in ("value", "low", "high"):
            got = entry.get(key)
            if key in entry and (not isinstance(got, int | float) or isinstance(got, bool)):
                raise InputError(f"'{origin}' field {name}.{key}: expected a number, got {got!r}")
        if ("low" in entry) != ("high" in entry):
            missing = "high" if "low" in entry else "low"
            raise InputError(
                f"'{origin}' field {name}.{missing}: missing",
                hint="a range needs both low and high, or neither",
            )
        value = float(entry["value"])
        low = float(entry["low"]) if "low" in entry else None
        high = float(entry["high"]) if "high" in entry else None
        if low is not None and high is not None and not low <= value <= high:
            raise InputError(
                f"'{origin}' field {name}: low {low:g} ≤ value {value:g} ≤ high {high:g} "
                "does not hold",
                hint="the range must contain the value",
            )
        constants[name] = Constant(name, value, str(entry["unit"]), str(entry["source"]), low, high)
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
