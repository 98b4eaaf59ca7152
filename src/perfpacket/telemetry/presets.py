"""Presets: the table layouts LLM-trace platforms keep their requests in, read as they are.

``--preset NAME`` maps a platform's own table to perfpacket's telemetry columns, so pointing
at an existing store needs no ``--map``: which rows are LLM requests, where the time, cost,
tokens, latency and status live (a column, a map entry, or arithmetic on columns), and which
status values are errors. Each layout is the platform's published schema:

- ``litellm``: LiteLLM's spend logs (the proxy's ``LiteLLM_SpendLogs`` table): ``startTime``,
  ``endTime``, ``spend``, ``prompt_tokens``, ``completion_tokens``, ``status`` success/failure.
- ``langfuse``: Langfuse's ``observations`` table (ClickHouse, v3): the ``GENERATION`` rows,
  ``start_time``/``end_time``, ``total_cost``, ``usage_details`` map (``input``, ``output``,
  ``input_cached_tokens``), ``level`` (ERROR is an error).
- ``helicone``: Helicone's ``request_response_rmt`` (ClickHouse): ``request_created_at``,
  ``latency`` in ms, HTTP ``status``, ``prompt_tokens``, ``completion_tokens``,
  ``prompt_cache_read_tokens``, and ``cost`` stored as USD × 1,000,000,000.
- ``otel-clickhouse``: the OpenTelemetry collector's ClickHouse ``otel_traces``: spans with a
  ``gen_ai.*`` operation in ``SpanAttributes``, ``Timestamp``, ``Duration`` in ns,
  ``StatusCode`` (Error), and token counts from the GenAI semantic-convention attributes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from perfpacket.errors import InputError

Expr = Callable[[Any], Any]
PRESET_KEY = "preset"  # where a source's mapping records its preset

# Helicone's packages/cost: "costs in clickhouse are multiplied by the multiplier".
HELICONE_COST_MULTIPLIER = 1_000_000_000


class TelemetryPreset(StrEnum):
    """A platform whose request table perfpacket reads in its own layout."""

    LITELLM = "litellm"
    LANGFUSE = "langfuse"
    HELICONE = "helicone"
    OTEL_CLICKHOUSE = "otel-clickhouse"


@dataclass(frozen=True)
class Preset:
    name: TelemetryPreset
    layout: str  # the platform's table, as its documentation names it
    needs: tuple[str, ...]  # the physical columns the layout must have
    columns: Mapping[str, Expr]  # logical column -> expression over the platform's table
    status: str  # the column holding each request's status
    rows: Expr | None = None  # which rows are LLM requests; None: every row
    error_status: str | None = None  # status values that are errors, when not a known vocabulary


def _ms_between(start: str, end: str) -> Expr:
    return lambda t: t[end].delta(t[start], unit="millisecond").cast("float64")


def _attribute(mapping: str, key: str) -> Expr:
    return lambda t: t[mapping][key].cast("int64")


def _genai_span(t: Any) -> Any:
    attributes = t["SpanAttributes"]
    return attributes.contains("gen_ai.operation.name") | attributes.contains("gen_ai.system")


PRESETS: dict[TelemetryPreset, Preset] = {
    TelemetryPreset.LITELLM: Preset(
        TelemetryPreset.LITELLM,
        "LiteLLM_SpendLogs",
        ("startTime", "endTime", "spend", "prompt_tokens", "completion_tokens", "status"),
        {
            "timestamp": lambda t: t["startTime"],
            "cost_usd": lambda t: t["spend"],
            "input_tokens": lambda t: t["prompt_tokens"],
            "output_tokens": lambda t: t["completion_tokens"],
            "latency_ms": _ms_between("startTime", "endTime"),
            "status": lambda t: t["status"],
            "model": lambda t: t["model"],
        },
        status="status",
    ),
    TelemetryPreset.LANGFUSE: Preset(
        TelemetryPreset.LANGFUSE,
        "observations",
        ("type", "start_time", "end_time", "total_cost", "usage_details", "level"),
        {
            "timestamp": lambda t: t["start_time"],
            "cost_usd": lambda t: t["total_cost"].cast("float64"),
            "input_tokens": _attribute("usage_details", "input"),
            "output_tokens": _attribute("usage_details", "output"),
            "cached_tokens": _attribute("usage_details", "input_cached_tokens"),
            "latency_ms": _ms_between("start_time", "end_time"),
            "status": lambda t: t["level"],
            "model": lambda t: t["provided_model_name"],
        },
        status="level",
        rows=lambda t: t["type"] == "GENERATION",
        error_status="ERROR",
    ),
    TelemetryPreset.HELICONE: Preset(
        TelemetryPreset.HELICONE,
        "request_response_rmt",
        ("request_created_at", "latency", "status", "prompt_tokens", "completion_tokens", "cost"),
        {
            "timestamp": lambda t: t["request_created_at"],
            "cost_usd": lambda t: t["cost"].cast("float64") / HELICONE_COST_MULTIPLIER,
            "input_tokens": lambda t: t["prompt_tokens"],
            "output_tokens": lambda t: t["completion_tokens"],
            "cached_tokens": lambda t: t["prompt_cache_read_tokens"],
            "latency_ms": lambda t: t["latency"].cast("float64"),
            "status": lambda t: t["status"],
            "model": lambda t: t["model"],
        },
        status="status",
    ),
    TelemetryPreset.OTEL_CLICKHOUSE: Preset(
        TelemetryPreset.OTEL_CLICKHOUSE,
        "otel_traces",
        ("Timestamp", "SpanAttributes", "Duration", "StatusCode"),
        {
            # DateTime64(9): compared at microseconds, as every engine's timestamp can be.
            "timestamp": lambda t: t["Timestamp"].cast("timestamp"),
            "input_tokens": _attribute("SpanAttributes", "gen_ai.usage.input_tokens"),
            "output_tokens": _attribute("SpanAttributes", "gen_ai.usage.output_tokens"),
            "latency_ms": lambda t: t["Duration"].cast("float64") / 1_000_000,
            "status": lambda t: t["StatusCode"],
            "model": lambda t: t["SpanAttributes"]["gen_ai.request.model"],
        },
        status="StatusCode",
        rows=_genai_span,
        # The collector writes the span status code's name: Error (STATUS_CODE_ERROR before).
        error_status="Error|STATUS_CODE_ERROR",
    ),
}

# Optional columns a layout may lack (added to the platform's table later than the rest).
OPTIONAL = {
    (TelemetryPreset.HELICONE, "cached_tokens"): "prompt_cache_read_tokens",
    (TelemetryPreset.LITELLM, "model"): "model",
    (TelemetryPreset.LANGFUSE, "model"): "provided_model_name",
    (TelemetryPreset.HELICONE, "model"): "model",
}


def preset_named(name: str) -> Preset:
    try:
        return PRESETS[TelemetryPreset(name)]
    except ValueError:
        raise InputError(
            f"--preset {name}: not a preset",
            hint="use one of: " + ", ".join(p.value for p in TelemetryPreset),
        ) from None


def preset_of(columns: Mapping[str, str]) -> Preset | None:
    """The preset a source's stored mapping names, if any."""
    name = columns.get(PRESET_KEY)
    return preset_named(name) if name else None


def require_layout(where: str, present: list[str], preset: Preset) -> None:
    """The table has the platform's columns, or the one missing is named."""
    for name in preset.needs:
        if name not in present:
            raise InputError(
                f"{where} has no column '{name}': it is not {preset.name.value}'s "
                f"{preset.layout} layout",
                hint="columns: " + ", ".join(present),
            )


def has(preset: Preset, logical: str, present: list[str]) -> bool:
    """Whether the platform's table records ``logical`` (an optional column only if present)."""
    if logical not in preset.columns:
        return False
    optional = OPTIONAL.get((preset.name, logical))
    return optional is None or optional in present


def error_values(columns: Mapping[str, str]) -> str | None:
    """The status values that are errors: the user's --map error_status, else the preset's."""
    from perfpacket.telemetry.status import ERROR_STATUS

    if columns.get(ERROR_STATUS):
        return columns[ERROR_STATUS]
    preset = preset_of(columns)
    return preset.error_status if preset is not None else None
