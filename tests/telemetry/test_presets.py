"""Each platform preset reads a table in that platform's own layout (the columns and types of
its published schema: LiteLLM's LiteLLM_SpendLogs, Langfuse's ClickHouse observations,
Helicone's request_response_rmt, the OpenTelemetry collector's ClickHouse otel_traces). What
the metrics compute through the preset is checked against DuckDB SQL written here over the raw
layout, independently of the preset's own expressions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest

from perfpacket.store.models import TelemetrySource
from perfpacket.telemetry.metrics import (
    counts_by_period,
    has_column,
    moments_by_period,
    quantiles_by_period,
)
from tests.conftest import stored_records
from tests.evidence.conftest import run

CHANGE = datetime(2026, 3, 16, tzinfo=UTC)
N = 600


def _requests() -> list[dict[str, Any]]:
    rng = np.random.default_rng(11)
    start = datetime(2026, 2, 1, tzinfo=UTC)
    out = []
    for i in range(N):
        at = start + timedelta(minutes=137 * i)
        after = at >= CHANGE
        out.append(
            {
                "at": at,
                "latency_ms": int(rng.lognormal(np.log(600 if after else 900), 0.4)),
                "cost": round(float(rng.lognormal(np.log(0.003 if after else 0.005), 0.5)), 9),
                "input": int(rng.integers(200, 4000)),
                "output": int(rng.integers(20, 800)),
                "cached": int(rng.random() < (0.4 if after else 0.05)) * 512,
                "error": bool(rng.random() < 0.03),
            }
        )
    return out


def _write(path: Path, create: str, rows: list[tuple[Any, ...]]) -> Path:
    """A table in the platform's layout, written to Parquet by DuckDB (maps stay maps)."""
    con = duckdb.connect()
    con.execute(create)
    marks = ", ".join("?" for _ in rows[0])
    con.executemany(f"INSERT INTO t VALUES ({marks})", rows)
    con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    con.close()
    return path


def _litellm(tmp: Path) -> Path:
    rows = [
        (
            f"req-{i}",
            r["at"].replace(tzinfo=None),
            (r["at"] + timedelta(milliseconds=r["latency_ms"])).replace(tzinfo=None),
            r["cost"],
            r["input"],
            r["output"],
            r["input"] + r["output"],
            "gpt-4o",
            "failure" if r["error"] else "success",
        )
        for i, r in enumerate(_requests())
    ]
    return _write(
        tmp / "spend_logs.parquet",
        'CREATE TABLE t (request_id VARCHAR, "startTime" TIMESTAMP, "endTime" TIMESTAMP, '
        "spend DOUBLE, prompt_tokens BIGINT, completion_tokens BIGINT, total_tokens BIGINT, "
        "model VARCHAR, status VARCHAR)",
        rows,
    )


def _langfuse(tmp: Path) -> Path:
    rows = []
    for i, r in enumerate(_requests()):
        usage = {"input": r["input"], "output": r["output"], "total": r["input"] + r["output"]}
        if r["cached"]:
            usage["input_cached_tokens"] = r["cached"]
        end = r["at"] + timedelta(milliseconds=r["latency_ms"])
        rows.append(
            (
                f"gen-{i}",
                f"trace-{i}",
                "GENERATION",
                r["at"].replace(tzinfo=None),
                end.replace(tzinfo=None),
                r["cost"],
                usage,
                "ERROR" if r["error"] else "DEFAULT",
            )
        )
        # The trace's enclosing span: not an LLM request, never counted.
        rows.append(
            (
                f"span-{i}",
                f"trace-{i}",
                "SPAN",
                r["at"].replace(tzinfo=None),
                None,
                0.0,
                {},
                "DEFAULT",
            )
        )
    return _write(
        tmp / "observations.parquet",
        "CREATE TABLE t (id VARCHAR, trace_id VARCHAR, type VARCHAR, start_time TIMESTAMP(3), "
        "end_time TIMESTAMP(3), total_cost DECIMAL(38, 12), "
        "usage_details MAP(VARCHAR, UBIGINT), level VARCHAR)",
        rows,
    )


def _helicone(tmp: Path) -> Path:
    rows = [
        (
            f"req-{i}",
            r["at"].replace(tzinfo=None),
            r["latency_ms"],
            500 if r["error"] else 200,
            r["output"],
            r["input"],
            r["cached"],
            round(r["cost"] * 1_000_000_000),
            "gpt-4o",
        )
        for i, r in enumerate(_requests())
    ]
    return _write(
        tmp / "request_response_rmt.parquet",
        "CREATE TABLE t (request_id VARCHAR, request_created_at TIMESTAMP(3), latency BIGINT, "
        "status BIGINT, completion_tokens BIGINT, prompt_tokens BIGINT, "
        "prompt_cache_read_tokens BIGINT, cost BIGINT, model VARCHAR)",
        rows,
    )


def _otel(tmp: Path) -> Path:
    rows = []
    for i, r in enumerate(_requests()):
        attributes = {
            "gen_ai.operation.name": "chat",
            "gen_ai.request.model": "gpt-4o",
            "gen_ai.usage.input_tokens": str(r["input"]),
            "gen_ai.usage.output_tokens": str(r["output"]),
        }
        at = r["at"].replace(tzinfo=None)
        rows.append(
            (
                at,
                f"t{i}",
                f"s{i}",
                "chat gpt-4o",
                attributes,
                r["latency_ms"] * 1_000_000,
                "Error" if r["error"] else "Unset",
            )
        )
        # An HTTP span of the same trace: no gen_ai operation, not an LLM request.
        rows.append((at, f"t{i}", f"h{i}", "GET /v1", {"http.method": "GET"}, 5_000_000, "Ok"))
    return _write(
        tmp / "otel_traces.parquet",
        'CREATE TABLE t ("Timestamp" TIMESTAMP_NS, "TraceId" VARCHAR, "SpanId" VARCHAR, '
        '"SpanName" VARCHAR, "SpanAttributes" MAP(VARCHAR, VARCHAR), "Duration" UBIGINT, '
        '"StatusCode" VARCHAR)',
        rows,
    )


LAYOUTS = {
    "litellm": _litellm,
    "langfuse": _langfuse,
    "helicone": _helicone,
    "otel-clickhouse": _otel,
}


def _registered(workspace: Path, path: Path, preset: str) -> TelemetrySource:
    done = run("import", "telemetry", str(path), "--preset", preset, "--name", preset, "--json")
    assert done.exit_code == 0, done.output
    (source,) = stored_records(workspace, TelemetrySource)
    assert source.columns == {"preset": preset}
    return source


@pytest.mark.parametrize("preset", sorted(LAYOUTS))
def test_a_preset_reads_its_platform_layout(
    fresh_workspace: Path, tmp_path: Path, preset: str
) -> None:
    source = _registered(fresh_workspace, LAYOUTS[preset](tmp_path), preset)
    raw = _requests()  # what the table was written from: one entry per LLM request
    for flag, period in zip((False, True), range(2), strict=True):
        mine = [r for r in raw if (r["at"] >= CHANGE) is flag]
        latency = moments_by_period(source, "latency_ms", CHANGE)[period]
        assert latency.n == len(mine)  # only the LLM requests: no span, no HTTP call
        assert latency.sum == pytest.approx(sum(r["latency_ms"] for r in mine), rel=1e-12)
        tokens = moments_by_period(source, "total_tokens", CHANGE)[period]
        assert tokens.sum == pytest.approx(sum(r["input"] + r["output"] for r in mine))
        errors = counts_by_period(source, "error", CHANGE)[period]
        assert (errors.matched, errors.total) == (sum(r["error"] for r in mine), len(mine))
        p95 = quantiles_by_period(source, "latency_ms", CHANGE, 0.95, 0.975)[period]
        assert p95.estimate == pytest.approx(np.quantile([r["latency_ms"] for r in mine], 0.95))
        if has_column(source, "cost_usd"):
            cost = moments_by_period(source, "cost_usd", CHANGE)[period]
            assert cost.sum == pytest.approx(sum(r["cost"] for r in mine), rel=1e-9)
        if has_column(source, "cached_tokens"):
            hits = counts_by_period(source, "cache_hit", CHANGE)[period]
            assert hits.matched == sum(1 for r in mine if r["cached"])
    # What each platform records, and what it does not (OpenTelemetry spans carry no cost).
    assert has_column(source, "cost_usd") is (preset != "otel-clickhouse")


def test_the_raw_layout_agrees_with_sql_written_over_it(
    fresh_workspace: Path, tmp_path: Path
) -> None:
    """The Langfuse preset against DuckDB SQL over the observations table itself."""
    path = _langfuse(tmp_path)
    source = _registered(fresh_workspace, path, "langfuse")
    at = CHANGE.replace(tzinfo=None).isoformat()
    n, cost, latency, errors = duckdb.sql(
        f"SELECT count(*), sum(total_cost), sum(date_diff('millisecond', start_time, end_time)), "
        f"count(*) FILTER (WHERE level = 'ERROR') FROM '{path}' "
        f"WHERE type = 'GENERATION' AND start_time >= TIMESTAMP '{at}'"
    ).fetchall()[0]
    after_cost = moments_by_period(source, "cost_usd", CHANGE)[1]
    after_latency = moments_by_period(source, "latency_ms", CHANGE)[1]
    after_errors = counts_by_period(source, "error", CHANGE)[1]
    assert (after_cost.n, after_errors.total, after_errors.matched) == (n, n, errors)
    assert after_cost.sum == pytest.approx(float(cost), rel=1e-12)
    assert after_latency.sum == pytest.approx(float(latency), rel=1e-12)


def test_a_table_that_is_not_the_layout_is_refused(fresh_workspace: Path, tmp_path: Path) -> None:
    path = _helicone(tmp_path)
    done = run("import", "telemetry", str(path), "--preset", "langfuse")
    assert done.exit_code == 2
    assert done.stderr.splitlines()[0] == (
        f"Error: '{path}' has no column 'type': it is not langfuse's observations layout"
    )
    unknown = run("import", "telemetry", str(path), "--preset", "datadog")
    assert unknown.exit_code == 2
    assert unknown.stderr.splitlines()[:2] == [
        "Error: --preset datadog: not a preset",
        "Hint: use one of: litellm, langfuse, helicone, otel-clickhouse",
    ]
    listed = json.loads(run("telemetry", "list", "--json").stdout)
    assert listed == []
