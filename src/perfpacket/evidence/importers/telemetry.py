"""``telemetry``: register a request-level table; it is queried in place, never copied row by row
into the app database.

- OTLP JSON (``resourceSpans`` with ``scopeSpans`` or the legacy ``instrumentationLibrarySpans``,
  or a Tempo export's ``batches``) and Jaeger JSON exports (``data`` of traces with ``spans``):
  the spans carrying ``gen_ai.*`` attributes are flattened to a Parquet file in the workspace
  (operation, request and response model, input, output and cache tokens, latency, status).
- LiteLLM request logs, as spend-log rows (``startTime``, ``spend``) or the standard logging
  payload of its bucket loggers (``startTime``, ``response_cost``), in CSV, JSON (one object or
  a list), JSONL or Parquet: registered in place, under their own column names.
- Any CSV, Parquet or JSONL: registered in place, with ``--map NAME=COLUMN`` for its columns
  (timestamp, cost_usd, latency_ms, status, input_tokens, output_tokens, cached_tokens,
  energy_wh), and ``--map error_status=A|B`` for a status vocabulary perfpacket does not know.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from perfpacket.errors import InputError
from perfpacket.evidence.importers._common import load_json, sha256_file
from perfpacket.evidence.records import (
    BaseImporter,
    ImportContext,
    ImportOptions,
    ImportReport,
    Record,
)
from perfpacket.store.models import Source
from perfpacket.telemetry.presets import error_values
from perfpacket.telemetry.register import (
    checked_columns,
    record_file_source,
    require_columns,
    with_preset,
)
from perfpacket.telemetry.status import (
    ERROR_STATUS,
    MAX_STATUS_VALUES,
    error_rule,
    parse_error_values,
)
from perfpacket.telemetry.tables import status_column

# A span is a GenAI operation when it names one of these; spans that merely carry propagated
# context (gen_ai.conversation.id on an HTTP call) are not.
GENAI_MARKERS = (
    "gen_ai.operation.name",
    "gen_ai.system",
    "gen_ai.provider.name",
    "gen_ai.request.model",
    "gen_ai.agent.name",
    "gen_ai.tool.name",
)
# LiteLLM writes requests in two shapes: the proxy's spend-log rows (``spend``, from the
# database or /spend/logs) and the standard logging payload its bucket and queue loggers write
# (``response_cost``). Each is known by its columns, in whatever file format it was exported to.
LITELLM_SHAPES = (
    (
        frozenset({"startTime", "spend"}),
        {
            "timestamp": "startTime",
            "cost_usd": "spend",
            "input_tokens": "prompt_tokens",
            "output_tokens": "completion_tokens",
        },
    ),
    (
        frozenset({"startTime", "response_cost"}),
        {
            "timestamp": "startTime",
            "cost_usd": "response_cost",
            "input_tokens": "prompt_tokens",
            "output_tokens": "completion_tokens",
        },
    ),
)


def _value(attr: dict[str, Any]) -> Any:
    value = attr.get("value") or {}
    for key in ("stringValue", "boolValue", "doubleValue"):
        if key in value:
            return value[key]
    if "intValue" in value:
        return int(value["intValue"])  # OTLP JSON writes 64-bit integers as strings
    if "arrayValue" in value:
        return [_value({"value": v}) for v in value["arrayValue"].get("values", [])]
    return None


def _spans(doc: Any, path: Path) -> Iterator[dict[str, Any]]:
    if not isinstance(doc, dict):
        raise InputError(f"'{path}': expected an OTLP JSON object")
    batches = doc.get("resourceSpans") or doc.get("batches")
    if not isinstance(batches, list):
        raise InputError(
            f"'{path}' field resourceSpans: missing",
            hint="export traces as OTLP JSON (resourceSpans), or a Tempo export (batches)",
        )
    for batch in batches:
        scopes = batch.get("scopeSpans") or batch.get("instrumentationLibrarySpans") or []
        for scope in scopes:
            yield from scope.get("spans") or []


def _nanos(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def _genai_row(
    attrs: dict[str, Any],
    start_ns: int,
    end_ns: int | None,
    error: bool,
    ids: tuple[Any, Any, Any],
) -> dict[str, Any] | None:
    """One telemetry row from a span's attributes; None for a span that is no GenAI
    operation. Token counts fall back to the older semantic conventions' names."""
    if not any(marker in attrs for marker in GENAI_MARKERS):
        return None
    trace_id, span_id, name = ids
    return {
        "ts": datetime.fromtimestamp(start_ns / 1e9, tz=UTC),
        "trace_id": trace_id,
        "span_id": span_id,
        "name": name,
        "operation": attrs.get("gen_ai.operation.name"),
        "system": attrs.get("gen_ai.system") or attrs.get("gen_ai.provider.name"),
        "request_model": attrs.get("gen_ai.request.model"),
        "response_model": attrs.get("gen_ai.response.model"),
        "input_tokens": _first(attrs, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"),
        "output_tokens": _first(
            attrs, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"
        ),
        "cached_tokens": _first(
            attrs, "gen_ai.usage.cache_read_input_tokens", "gen_ai.usage.cached_tokens"
        ),
        "latency_ms": (end_ns - start_ns) / 1e6 if end_ns is not None else None,
        "status": "error" if error else "ok",
        "cost_usd": attrs.get("gen_ai.usage.cost"),
    }


def _first(attrs: dict[str, Any], *names: str) -> Any:
    return next((attrs[n] for n in names if attrs.get(n) is not None), None)


def flatten_otlp(path: Path) -> list[dict[str, Any]]:
    """One row per GenAI span of an OTLP JSON (or Tempo) export."""
    rows = []
    for i, span in enumerate(_spans(load_json(path), path)):
        attrs = {
            str(a.get("key")): _value(a)
            for a in span.get("attributes") or []
            if isinstance(a, dict)
        }
        start, end = _nanos(span.get("startTimeUnixNano")), _nanos(span.get("endTimeUnixNano"))
        if start is None:
            if any(marker in attrs for marker in GENAI_MARKERS):
                raise InputError(f"'{path}' field spans[{i}].startTimeUnixNano: missing")
            continue
        code = (span.get("status") or {}).get("code")
        ids = (span.get("traceId"), span.get("spanId"), span.get("name"))
        row = _genai_row(attrs, start, end, code in (2, "STATUS_CODE_ERROR"), ids)
        if row is not None:
            rows.append(row)
    return rows


def flatten_jaeger(path: Path) -> list[dict[str, Any]]:
    """One row per GenAI span of a Jaeger JSON export (``{"data": [{"spans": [...]}]}``):
    tags for attributes, start time and duration in microseconds, an error when the span's
    ``otel.status_code`` is ERROR or its ``error`` tag is true."""
    doc = load_json(path)
    traces = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(traces, list):
        raise InputError(f"'{path}' field data: expected the list of traces of a Jaeger export")
    rows = []
    for t, trace in enumerate(traces):
        for i, span in enumerate(trace.get("spans") or [] if isinstance(trace, dict) else []):
            attrs = {
                str(tag.get("key")): tag.get("value")
                for tag in span.get("tags") or []
                if isinstance(tag, dict)
            }
            start, duration = span.get("startTime"), span.get("duration")
            if not isinstance(start, int):
                if any(marker in attrs for marker in GENAI_MARKERS):
                    raise InputError(f"'{path}' field data[{t}].spans[{i}].startTime: missing")
                continue
            end = start + duration if isinstance(duration, int) else None
            error = attrs.get("otel.status_code") == "ERROR" or attrs.get("error") is True
            ids = (span.get("traceID"), span.get("spanID"), span.get("operationName"))
            row = _genai_row(attrs, start * 1000, end * 1000 if end else None, error, ids)
            if row is not None:
                rows.append(row)
    return rows


def _is_litellm(head: str) -> bool:
    """A LiteLLM request log in JSON (one object or a list): its start time and its cost."""
    return '"startTime"' in head and ('"spend"' in head or '"response_cost"' in head)


def _is_jaeger(head: str) -> bool:
    return '"data"' in head and '"traceID"' in head


class TelemetryImporter(BaseImporter):
    name = "telemetry"
    description = (
        "request-level telemetry: OTLP JSON or Jaeger JSON traces, LiteLLM spend logs, or a CSV, "
        "Parquet or JSONL table (map its columns with --map)"
    )
    version = "1"

    def sniff(self, path: Path, head: bytes) -> bool:
        if not path.is_file():
            return False
        if path.suffix == ".parquet":
            return head.startswith(b"PAR1")
        text = head.decode("utf-8", errors="replace")
        return (
            "resourceSpans" in text
            or '"batches"' in text
            or _is_jaeger(text)
            or path.suffix in {".csv", ".jsonl"}
            or (path.suffix == ".json" and _is_litellm(text))
        )

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        # The name and the column mapping are part of the registration, not only the file.
        settings = {"columns": dict(options.columns), "name": options.name}
        if options.preset:
            settings["preset"] = options.preset
        return sha256_file(path, json.dumps(settings, sort_keys=True))

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        return iter(())

    def finish(
        self,
        session: Session,
        source: Source,
        path: Path,
        options: ImportOptions,
        report: ImportReport,
    ) -> None:
        """Register (or update) the telemetry source in the same transaction as its Source."""
        import duckdb

        name = options.name or path.stem
        columns = dict(options.columns)
        columns = with_preset(checked_columns(columns), options.preset)
        if ERROR_STATUS in columns:
            parse_error_values(columns[ERROR_STATUS])
        with path.open("rb") as fh:  # the head only: a telemetry file can be gigabytes
            head = fh.read(4096).decode("utf-8", errors="replace")
        if path.suffix == ".parquet":
            fmt, uri = "parquet", path
        elif "resourceSpans" in head or '"batches"' in head or _is_jaeger(head):
            rows = flatten_jaeger(path) if _is_jaeger(head) else flatten_otlp(path)
            if not rows:
                raise InputError(
                    f"'{path}': no spans with gen_ai.* attributes", hint="export GenAI traces"
                )
            folder = options.telemetry_dir or path.parent
            folder.mkdir(parents=True, exist_ok=True)
            uri = folder / f"{name}-{source.sha256[:12]}.parquet"
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.Table.from_pylist(rows), uri)
            fmt = "parquet"
            columns = {"timestamp": "ts", **columns}
        else:
            fmt = {".csv": "csv", ".json": "json"}.get(path.suffix, "jsonl")
            uri = path
        # DuckDB's own readers, the ones the claims' queries use, without Ibis: registering a
        # source only needs its columns, its row count and its status values.
        con = duckdb.connect()
        readers: dict[str, Callable[[str], duckdb.DuckDBPyRelation]] = {
            "parquet": con.read_parquet,
            "csv": con.read_csv,
            "jsonl": con.read_json,
            "json": con.read_json,
        }
        try:
            table = readers[fmt](str(uri))
            for markers, names in () if options.preset else LITELLM_SHAPES:
                if set(table.columns) >= markers:  # LiteLLM's own column names
                    columns = {**names, **columns}
                    break
            require_columns(f"'{path}'", list(table.columns), columns)
            row_count = int(table.aggregate("count(*)").fetchall()[0][0])
            status = status_column(columns)
            values = None
            if status in table.columns:
                found = table.select(duckdb.ColumnExpression(status)).distinct()
                values = [row[0] for row in found.limit(MAX_STATUS_VALUES).fetchall()]
        except duckdb.Error as exc:  # the reader's own parse error, with the file named
            raise InputError(
                f"'{path}': cannot read it as {fmt} ({str(exc).splitlines()[0]})"
            ) from None
        if values is not None:
            # Refuse a status vocabulary nobody can read now, not when a claim needs it.
            error_rule(f"'{path}' column '{status}'", values, error_values(columns))
        _, new, warning = record_file_source(
            session, name, Path(uri), fmt, columns, row_count, source.sha256, options.workspace_root
        )
        if warning:
            report.warnings.append(warning)
        if new:
            report.imported += 1
        else:
            report.updated += 1
        if row_count == 0:
            report.warnings.append(f"telemetry source '{name}' has no rows")
