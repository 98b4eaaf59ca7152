"""The same Ibis metric definitions give the same numbers on DuckDB and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, text

from perfpacket.store import normalise_url
from perfpacket.store.models import TelemetrySource
from perfpacket.telemetry.metrics import counts_by_period, moments_by_period, quantiles_by_period
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
    duck_q = quantiles_by_period(local, "latency_ms", CHANGE, 0.95, 0.975)
    pg_q = quantiles_by_period(warehouse, "latency_ms", CHANGE, 0.95, 0.975)
    for a, b in zip(duck_q, pg_q, strict=True):
        assert a.n == b.n
        for field in ("estimate", "low", "high"):
            assert getattr(a, field) == pytest.approx(getattr(b, field), rel=1e-12)


def test_quantiles_are_exact_over_every_row(tmp_path: Path) -> None:
    """The engine's p95 and its order-statistic bounds equal numpy's and scipy's over all rows
    (scipy.stats.quantile_test's confidence_interval is the independent implementation)."""
    from scipy import stats

    before, after = quantiles_by_period(_csv_source(tmp_path), "latency_ms", CHANGE, 0.95, 0.975)
    rows = _rows()
    for summary, flag in ((before, False), (after, True)):
        values = np.array([r[2] for r in rows if (datetime.fromisoformat(r[0]) >= CHANGE) == flag])
        assert summary.n == values.size  # the real row count, not a thinned one
        assert summary.estimate == pytest.approx(np.quantile(values, 0.95), rel=1e-9)
        ci = stats.quantile_test(values, q=0, p=0.95).confidence_interval(0.975)
        assert (summary.low, summary.high) == pytest.approx((ci.low, ci.high), rel=1e-9)


def test_a_missing_column_names_the_mapping_fix(tmp_path: Path) -> None:
    from perfpacket.errors import InputError

    source = _csv_source(tmp_path)
    with pytest.raises(InputError) as info:
        moments_by_period(source, "energy_wh", CHANGE)
    assert info.value.message == "telemetry source 'csv' has no column 'energy_wh' for energy_wh"
    assert info.value.hint == "map it when registering the source, e.g. energy_wh=YOUR_COLUMN"
