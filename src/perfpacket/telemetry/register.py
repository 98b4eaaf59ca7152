"""Registering a table that lives in an engine (PostgreSQL, Spark, any Ibis backend) by its URL.

A file is registered by ``perfpacket import telemetry``; a warehouse or cluster table is named
as ``URL#table`` and queried where it is. Registering checks what a claim will need, now: the
mapped columns exist, the row count, and that the status column speaks a known vocabulary.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from perfpacket.errors import InputError
from perfpacket.store.models import TelemetrySource
from perfpacket.telemetry.presets import (
    PRESET_KEY,
    error_values,
    preset_named,
    preset_of,
    require_layout,
)
from perfpacket.telemetry.status import ERROR_STATUS, MAX_STATUS_VALUES, error_rule
from perfpacket.telemetry.tables import (
    LOGICAL_COLUMNS,
    fetch_rows,
    open_table,
    status_column,
    stored_uri,
)

URL_FORMAT = "ibis"


def checked_columns(columns: dict[str, str]) -> dict[str, str]:
    """A --map of logical names to columns, refused when it names no telemetry column."""
    unknown = sorted(set(columns) - set(LOGICAL_COLUMNS) - {ERROR_STATUS})
    if unknown:
        raise InputError(
            f"--map {unknown[0]}: not a telemetry column",
            hint="map one of: " + ", ".join([*LOGICAL_COLUMNS, ERROR_STATUS]),
        )
    return columns


def with_preset(columns: dict[str, str], preset: str | None) -> dict[str, str]:
    """The mapping with the platform preset recorded in it (validated by name)."""
    if preset is None:
        return columns
    return {PRESET_KEY: preset_named(preset).name.value, **columns}


def require_columns(where: str, present: list[str], columns: dict[str, str]) -> None:
    """Every mapped column (and the timestamp, or a preset's layout) is one the table has, or
    the fix is named."""
    preset = preset_of(columns)
    mapped = {k: v for k, v in columns.items() if k not in (ERROR_STATUS, PRESET_KEY)}
    if preset is not None:
        require_layout(where, present, preset)
    else:
        mapped = {"timestamp": columns.get("timestamp", LOGICAL_COLUMNS["timestamp"]), **mapped}
    for logical, physical in mapped.items():
        if physical not in present:
            raise InputError(
                f"{where} has no column '{physical}' for {logical}",
                hint=f"map it: --map {logical}=COLUMN; columns: " + ", ".join(present),
            )


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.username}:***@{host}{port}"


def register_table(
    session: Session,
    name: str,
    address: str,
    columns: dict[str, str],
    preset: str | None = None,
) -> tuple[TelemetrySource, bool]:
    """Register (or update) the table at ``address`` (``URL#table``) as source ``name``.
    Returns the source and whether it is new. Nothing is written unless every check passes."""
    url, _, table_name = address.partition("#")
    if "://" not in url or not table_name:
        raise InputError(
            f"'{address}' is not URL#table",
            hint="e.g. pyspark://#gateway_requests or postgres://user@host/db#gateway_requests",
        )
    if urlsplit(url).password:
        # The address is stored in the app database and shown in listings: never a secret.
        raise InputError(
            f"'{urlsplit(url)._replace(netloc=_without_password(url)).geturl()}#{table_name}' "
            "carries a password",
            hint="leave it out of the URL and give it to the engine's client instead "
            "(PGPASSWORD for PostgreSQL)",
        )
    columns = with_preset(checked_columns(dict(columns)), preset)
    probe = TelemetrySource(name=name, uri=address, format=URL_FORMAT, columns=columns)
    try:
        table = open_table(probe)
    except InputError:
        raise
    except Exception as exc:  # the engine's own error: a missing table, a refused connection
        raise InputError(
            f"'{address}': cannot open the table ({str(exc).splitlines()[0][:200]})",
            hint="check the URL, that the engine is reachable and that the table exists",
        ) from None
    require_columns(f"'{address}'", list(table.columns), columns)
    rows = int(fetch_rows(table.aggregate(n=table.count()))[0]["n"])
    status = status_column(columns)
    if status in table.columns:
        found = table.select(value=table[status]).distinct().limit(MAX_STATUS_VALUES)
        values = [r["value"] for r in fetch_rows(found)]
        error_rule(f"'{address}' column '{status}'", values, error_values(columns))
    existing = session.scalars(select(TelemetrySource).where(TelemetrySource.name == name)).first()
    entry = existing or TelemetrySource(name=name)
    entry.uri, entry.format, entry.columns, entry.row_count = address, URL_FORMAT, columns, rows
    # A warehouse table changes under its name: what is fixed is where it is and how it is read.
    settings: dict[str, Any] = {"address": address, "columns": columns}
    entry.sha256 = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()
    entry.registered_at = datetime.now(UTC)
    session.add(entry)
    session.flush()
    return entry, existing is None


def record_file_source(
    session: Session,
    name: str,
    path: Path,
    fmt: str,
    columns: dict[str, str],
    row_count: int,
    sha256: str,
    workspace_root: Path | None,
) -> tuple[TelemetrySource, bool, str | None]:
    """Register (or update) the file at ``path`` as telemetry source ``name``: stored relative
    to the workspace when it is inside it. Returns the source, whether it is new, and a
    warning for a file outside the workspace."""
    existing = session.scalars(select(TelemetrySource).where(TelemetrySource.name == name)).first()
    entry = existing or TelemetrySource(name=name)
    stored, inside = stored_uri(path, workspace_root)
    warning = None
    if workspace_root and not inside:
        warning = (
            f"telemetry source '{name}' is outside the workspace and is stored by its "
            f"absolute path ({stored}); a copied workspace will read that file"
        )
    entry.uri, entry.format, entry.columns = stored, fmt, columns
    entry.row_count, entry.sha256 = row_count, sha256
    entry.registered_at = datetime.now(UTC)
    session.add(entry)
    return entry, existing is None, warning


def list_sources(session: Session) -> list[dict[str, Any]]:
    """Every registered telemetry source, by name."""
    return [
        {
            "name": s.name,
            "format": s.format,
            "uri": s.uri,
            "columns": dict(s.columns),
            "rows": s.row_count,
            "registered_at": s.registered_at.isoformat() if s.registered_at else None,
        }
        for s in session.scalars(select(TelemetrySource).order_by(TelemetrySource.name))
    ]
