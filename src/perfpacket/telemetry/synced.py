"""A telemetry table a sync keeps: one Parquet file in the workspace, its rows upserted by key.

A connector that pulls request-level rows (Langfuse generations) hands them over a batch at a
time. Rows whose key is new are added, rows whose key is known replace the old row, and a batch
that changes no row writes nothing. The file is replaced whole (written beside it, then renamed
over it), so a reader sees the table before or after a batch, never half of one. The file is
replaced before the batch's transaction commits: if that commit fails, the file already holds
the batch's rows while the cursor has not moved, and the next sync fetches and upserts the same
rows again, which changes nothing.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from perfpacket.errors import InputError
from perfpacket.store.models import TelemetrySource
from perfpacket.telemetry.register import record_file_source
from perfpacket.telemetry.tables import stored_uri

if TYPE_CHECKING:
    import pyarrow as pa

    from perfpacket.evidence.sync.connector import TelemetryRows


def upsert(path: Path, rows: list[dict[str, Any]], key: str, schema: pa.Schema) -> tuple[int, int]:
    """Upsert ``rows`` into the Parquet table at ``path`` (made when missing) by ``key``.
    Returns how many rows were added or changed, and the table's row count after."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    latest: dict[Any, dict[str, Any]] = {}
    for row in rows:  # the same key twice in one batch: the later row is the newer
        latest[row[key]] = {name: row.get(name) for name in schema.names}
    new = pa.Table.from_pylist(list(latest.values()), schema=schema)
    old = pq.read_table(path, schema=schema) if path.exists() else schema.empty_table()
    known = pc.is_in(old[key], value_set=new[key])
    before = {r[key]: r for r in old.filter(known).to_pylist()}
    # Compared as they read back from the table: timestamps and numbers in the column's type.
    changed = sum(1 for row in new.to_pylist() if before.get(row[key]) != row)
    if not changed:
        return 0, old.num_rows
    table = pa.concat_tables([old.filter(pc.invert(known)), new])
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    pq.write_table(table, partial)
    os.replace(partial, path)
    return changed, table.num_rows


def store_rows(
    session: Session, table: TelemetryRows, folder: Path, workspace_root: Path | None
) -> int:
    """Upsert ``table``'s rows into ``folder/NAME.parquet`` and register (or update) it as the
    telemetry source ``NAME`` in ``session``. Returns how many rows were added or changed. A
    name another file is registered under is refused: the sync would take it over."""
    path = folder / f"{table.name}.parquet"
    existing = session.scalars(
        select(TelemetrySource).where(TelemetrySource.name == table.name)
    ).first()
    if existing is not None and existing.uri != stored_uri(path, workspace_root)[0]:
        raise InputError(
            f"telemetry source '{table.name}' is already registered from {existing.uri}",
            hint='give this sync\'s table another name: telemetry = "NAME" in its [[sync]] table',
        )
    changed, total = upsert(path, table.rows, table.key, table.schema)
    if (changed or existing is None) and path.exists():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        record_file_source(
            session, table.name, path, "parquet", table.columns, total, digest, workspace_root
        )
    return changed
