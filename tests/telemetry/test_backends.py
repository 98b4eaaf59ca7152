"""The same Ibis metric definitions give the same numbers on DuckDB and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, text

from perfpacket.store import normalise_url
from perfpacket.store.models import TelemetrySource
from perfpacket.telemetry.metrics import counts_by_period, moments_by_period, values_by_period
from tests.conftest import postgres_url, reset_postgres

CHANGE = datetime(2026, 3, 16, tzinfo=UTC)


def _rows() -> list[tuple[str, float, float, int, str]]:
    rng = np.random.default_rng(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(2000):
        ts = start + timedelta(minutes=90 * i)
        after = ts >= CHANGE
        cost = float(rng.lognormal(np.log(0.004 if after else 0.006), 0.5))
        latency = float(rng.lognormal(np.log(700 if after else 900), 0.3))
        cached = int(rng.random() < (0.4 if after else 0.05)) * 900
        status = "error" if rng.random() < 0.01 else "ok"
        rows.append((ts.isoformat(), round(cost, 8), round(latency, 3), cached, status))
    return rows


def _csv_source(tmp_path: Path) -> TelemetrySource:
    path = tmp_path / "requests.csv"
    lines = ["ts,cost_usd,latency_ms,cached_tokens,status"]
    lines += [",".join(str(v) for v in row) for row in _rows()]
    path.write_text("\n".join(lines) + "\n")
    return TelemetrySource(name="csv", uri=str(path), format="csv", columns={})


@pytest.mark.postgres
def test_metrics_are_equal_on_duckdb_and_postgres(tmp_path: Path) -> None:
    url = postgres_url()
    reset_postgres(url)
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE gateway_requests (ts timestamptz, cost_usd double precision, "
                "latency_ms double precision, cached_tokens bigint, status text)"
            )
        )
        conn.execute(
            text("INSERT INTO gateway_requests VALUES (:ts, :c, :l, :k, :s)"),
            [dict(zip(("ts", "c", "l", "k", "s"), r, strict=True)) for r in _rows()],
        )
    engine.dispose()
    local = _csv_source(tmp_path)
    ibis_url = url.replace("postgresql://", "postgres://", 1)
    warehouse = TelemetrySource(
        name="pg", uri=f"{ibis_url}#gateway_requests", format="ibis", columns={}
    )
    for metric in ("cost_usd", "latency_ms"):
        duck = moments_by_period(local, metric, CHANGE)
        pg = moments_by_period(warehouse, metric, CHANGE)
        for a, b in zip(duck, pg, strict=True):
            assert a.n == b.n
            assert a.sum == pytest.approx(b.sum, rel=1e-12)
            assert a.sum_squares == pytest.approx(b.sum_squares, rel=1e-12)
    for condition in ("cache_hit", "error"):
        assert counts_by_period(local, condition, CHANGE) == counts_by_period(
            warehouse, condition, CHANGE
        )
    for limit in (20_000, 300):  # whole columns, and columns thinned inside the backend
        duck_values = values_by_period(local, "latency_ms", CHANGE, limit=limit)
        pg_values = values_by_period(warehouse, "latency_ms", CHANGE, limit=limit)
        for a, b in zip(duck_values, pg_values, strict=True):
            assert np.sort(a) == pytest.approx(np.sort(b))


def test_values_are_thinned_to_the_limit(tmp_path: Path) -> None:
    before, after = values_by_period(_csv_source(tmp_path), "latency_ms", CHANGE, limit=300)
    assert 150 <= before.size <= 450 and 150 <= after.size <= 450


def test_a_missing_column_names_the_mapping_fix(tmp_path: Path) -> None:
    from perfpacket.errors import InputError

    source = _csv_source(tmp_path)
    with pytest.raises(InputError) as info:
        moments_by_period(source, "energy_wh", CHANGE)
    assert info.value.message == "telemetry source 'csv' has no column 'energy_wh' for energy_wh"
    assert info.value.hint == "map it when registering the source, e.g. energy_wh=YOUR_COLUMN"
