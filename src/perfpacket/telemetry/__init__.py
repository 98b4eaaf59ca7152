"""Telemetry: request-level tables queried in place through Ibis, never copied row by row.

DuckDB over Parquet, CSV or JSONL is the embedded default; a source whose format is ``ibis``
names a table on any Ibis backend by URL (``postgres://host/db#table``), so moving the same
metric definitions to a warehouse is a configuration change. The metric definitions are in
:mod:`perfpacket.telemetry.metrics` (they load the statistics stack, so they are not imported
here).
"""

from perfpacket.telemetry.tables import LOGICAL_COLUMNS, open_table

__all__ = ["LOGICAL_COLUMNS", "open_table"]
