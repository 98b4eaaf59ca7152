"""Opening a telemetry source as an Ibis table, with its logical column names."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from perfpacket.errors import InputError
from perfpacket.store.models import TelemetrySource

# The names metrics use, and the physical column each defaults to.
LOGICAL_COLUMNS = {
    "timestamp": "ts",
    "cost_usd": "cost_usd",
    "latency_ms": "latency_ms",
    "status": "status",
    "input_tokens": "input_tokens",
    "output_tokens": "output_tokens",
    "cached_tokens": "cached_tokens",
    "energy_wh": "energy_wh",
    # A response served from a tool-result or answer cache: how old the cached entry was and
    # the freshness it promised, both in seconds (empty on rows not served from the cache).
    "cache_age_s": "cache_age_s",
    "cache_ttl_s": "cache_ttl_s",
    # Whether the model's output parsed and passed its schema (true/false; empty when the
    # call had no declared output schema).
    "output_valid": "output_valid",
    # The model (or deployment) that served the request, as the gateway names it.
    "model": "model",
}
_READERS = {
    "parquet": "read_parquet",
    "csv": "read_csv",
    "jsonl": "read_json",
    "json": "read_json",  # one object or an array of them
}


@cache
def _duckdb() -> Any:
    """One in-memory DuckDB per process: opening one costs more than a query over 100k rows."""
    import ibis

    return ibis.duckdb.connect()


@cache
def _backend(url: str) -> Any:
    import ibis

    return ibis.connect(url)


@cache
def _file_table(fmt: str, uri: str) -> Any:
    name = "telemetry_" + hashlib.sha256(f"{fmt}:{uri}".encode()).hexdigest()[:16]
    return getattr(_duckdb(), _READERS[fmt])(uri, table_name=name)


def stored_uri(path: Path, workspace_root: Path | None) -> tuple[str, bool]:
    """How a file source's location is stored: relative to the workspace when the file is
    inside it, so a copied or moved workspace keeps reading its own files; absolute otherwise.
    Returns (uri, inside)."""
    resolved = path.resolve()
    if workspace_root is not None:
        try:
            return resolved.relative_to(workspace_root.resolve()).as_posix(), True
        except ValueError:
            pass
    return str(resolved), False


def located(source: TelemetrySource, workspace_root: Path | None) -> TelemetrySource:
    """The source with its file found from the workspace: a relative uri is resolved against
    ``workspace_root`` (a copy, never written back). Other sources are returned as they are."""
    if source.format not in _READERS or Path(source.uri).is_absolute() or workspace_root is None:
        return source
    return TelemetrySource(
        id=source.id,
        name=source.name,
        uri=str((workspace_root / source.uri).resolve()),
        format=source.format,
        columns=dict(source.columns),
        row_count=source.row_count,
        sha256=source.sha256,
        registered_at=source.registered_at,
    )


def open_table(source: TelemetrySource) -> Any:
    """The source as an Ibis table expression: for a platform preset, its LLM-request rows."""
    from perfpacket.telemetry.presets import preset_of

    table = _open(source)
    preset = preset_of(source.columns)
    if preset is not None and preset.rows is not None:
        table = table.filter(preset.rows(table))
    return table


def _open(source: TelemetrySource) -> Any:
    if source.format in _READERS:
        return _file_table(source.format, source.uri)
    if source.format == "ibis":
        url, _, table = source.uri.partition("#")
        if not table:
            raise InputError(
                f"telemetry source '{source.name}': '{source.uri}' names no table",
                hint="write the backend URL and the table as URL#table",
            )
        return _backend(url).table(table)
    raise InputError(
        f"telemetry source '{source.name}' has unknown format '{source.format}'",
        hint="use parquet, csv, jsonl, or ibis (a backend URL#table)",
    )


def fetch_rows(expr: Any) -> list[dict[str, Any]]:
    """Run an Ibis expression and return its rows as dicts: the one way metrics read results.

    On DuckDB the compiled SQL runs on the connection directly, because Ibis's own result
    conversion imports pandas (about 0.4 s of every command) to hand back a few aggregates.
    Other backends go through Ibis's Arrow path.
    """
    import ibis

    backend = ibis.get_backend(expr)
    if backend.name != "duckdb":
        rows: list[dict[str, Any]] = expr.to_pyarrow().to_pylist()
        return rows
    cursor = backend.raw_sql(backend.compile(expr))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def column(table: Any, source: TelemetrySource, logical: str) -> Any:
    """The table's column for a logical name: the source's own mapping first, then its
    platform preset's expression, then the column of that name."""
    from perfpacket.telemetry.presets import has, preset_of

    preset = preset_of(source.columns)
    if preset is not None and logical not in source.columns:
        if has(preset, logical, list(table.columns)):
            return preset.columns[logical](table)
        raise InputError(
            f"telemetry source '{source.name}' ({preset.name.value}'s {preset.layout}) "
            f"records no {logical}",
            hint=f"map a column that holds it: --map {logical}=COLUMN",
        )
    physical = source.columns.get(logical, LOGICAL_COLUMNS[logical])
    if physical not in table.columns:
        raise InputError(
            f"telemetry source '{source.name}' has no column '{physical}' for {logical}",
            hint=f"map it when registering the source, e.g. {logical}=YOUR_COLUMN",
        )
    return table[physical]


def status_column(columns: dict[str, str]) -> str:
    """The physical column a source's status is read from: its mapping, else its preset's."""
    from perfpacket.telemetry.presets import preset_of

    preset = preset_of(columns)
    if preset is not None and "status" not in columns:
        return preset.status
    return columns.get("status", LOGICAL_COLUMNS["status"])
