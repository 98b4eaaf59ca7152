"""Telemetry: request-level tables queried in place through Ibis, never copied row by row.

DuckDB over Parquet, CSV or JSONL is the embedded default; a source whose format is ``ibis``
names a table on any Ibis backend by URL (``postgres://host/db#table``), so moving the same
metric definitions to a warehouse is a configuration change.
"""

from perfpacket.telemetry.metrics import (
    PeriodCounts,
    counts_by_period,
    has_column,
    moments_by_period,
    values_by_period,
)
from perfpacket.telemetry.tables import LOGICAL_COLUMNS, open_table

__all__ = [
    "LOGICAL_COLUMNS",
    "PeriodCounts",
    "counts_by_period",
    "has_column",
    "moments_by_period",
    "open_table",
    "values_by_period",
]
