"""The same Ibis metric definitions give the same numbers on DuckDB, on PostgreSQL and on Apache
Spark (PySpark in local mode, a real Spark session): every telemetry metric a claim reads, to
1e-12 (each engine's sums are exact decimals and its quantiles exact order statistics)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import create_engine, text

from perfpacket.store import normalise_url
from perfpacket.store.models import TelemetrySource
from perfpacket.telemetry.metrics import counts_by_period, moments_by_period, quantiles_by_period
from tests.conftest import postgres_url, reset_postgres

CHANGE = datetime(2026, 3, 16, tzinfo=UTC)


COLUMNS = (
    "ts",
    "cost_usd",
    "latency_ms",
    "cached_tokens",
    "status",
    "input_tokens",
    "output_tokens",
    "energy_wh",
)


def _rows() -> list[tuple[Any, ...]]:
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
        tokens_in = int(rng.lognormal(np.log(1800), 0.5))
        tokens_out = int(rng.lognormal(np.log(350), 0.6))
        energy = round((tokens_in + 3 * tokens_out) / 1000 * (0.15 if after else 0.9), 6)
        rows.append(
            (
                ts.isoformat(),
                round(cost, 8),
                round(latency, 3),
                cached,
                status,
                tokens_in,
                tokens_out,
                energy,
            )
        )
    return rows


def _csv_source(tmp_path: Path) -> TelemetrySource:
    path = tmp_path / "requests.csv"
    lines = [",".join(COLUMNS)]
    lines += [",".join(str(v) for v in row) for row in _rows()]
    path.write_text("\n".join(lines) + "\n")
    return TelemetrySource(name="csv", uri=str(path), format="csv", columns={})


def _narrow_quantiles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Quantiles narrowed by histograms on every engine, as on a large table."""
    from perfpacket.telemetry import metrics

    monkeypatch.setattr(metrics, "SLICE_ROWS", 50)


def _assert_same_numbers(local: TelemetrySource, other: TelemetrySource) -> None:
    """Every metric a telemetry claim reads: cost, latency, tokens and energy moments, cache-hit
    and error counts, and exact quantiles with their order-statistic bounds."""
    for metric in ("cost_usd", "latency_ms", "total_tokens", "input_tokens", "energy_wh"):
        for a, b in zip(
            moments_by_period(local, metric, CHANGE),
            moments_by_period(other, metric, CHANGE),
            strict=True,
        ):
            assert a.n == b.n, metric
            assert a.sum == pytest.approx(b.sum, rel=1e-12), metric
            assert a.sum_squares == pytest.approx(b.sum_squares, rel=1e-12), metric
    for condition in ("cache_hit", "error"):
        assert counts_by_period(local, condition, CHANGE) == counts_by_period(
            other, condition, CHANGE
        )
    for q in (0.5, 0.95):
        ours = quantiles_by_period(local, "latency_ms", CHANGE, q, 0.975)
        theirs = quantiles_by_period(other, "latency_ms", CHANGE, q, 0.975)
        for a, b in zip(ours, theirs, strict=True):
            assert a.n == b.n
            for field in ("estimate", "low", "high"):
                assert getattr(a, field) == pytest.approx(getattr(b, field), rel=1e-12)


@pytest.mark.postgres
def test_metrics_are_equal_on_duckdb_and_postgres(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _narrow_quantiles(monkeypatch)
    url = postgres_url()
    reset_postgres(url)
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE gateway_requests (ts timestamptz, cost_usd double precision, "
                "latency_ms double precision, cached_tokens bigint, status text, "
                "input_tokens bigint, output_tokens bigint, energy_wh double precision)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO gateway_requests VALUES "
                "(:ts, :cost_usd, :latency_ms, :cached_tokens, :status, :input_tokens, "
                ":output_tokens, :energy_wh)"
            ),
            [dict(zip(COLUMNS, r, strict=True)) for r in _rows()],
        )
    engine.dispose()
    ibis_url = url.replace("postgresql://", "postgres://", 1)
    warehouse = TelemetrySource(
        name="pg", uri=f"{ibis_url}#gateway_requests", format="ibis", columns={}
    )
    _assert_same_numbers(_csv_source(tmp_path), warehouse)


@pytest.mark.spark
def test_metrics_are_equal_on_duckdb_and_spark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The source names Spark by its URL (``pyspark://#table``); the table is a view in the
    local Spark session, as a cluster's catalog would hold it."""
    _narrow_quantiles(monkeypatch)
    import ibis

    spark = ibis.connect("pyspark://")._session  # the session the source's URL reaches
    frame = spark.createDataFrame(
        [(datetime.fromisoformat(r[0]), *r[1:]) for r in _rows()],
        "ts timestamp, cost_usd double, latency_ms double, cached_tokens long, status string, "
        "input_tokens long, output_tokens long, energy_wh double",
    )
    frame.createOrReplaceTempView("gateway_requests")
    cluster = TelemetrySource(
        name="spark", uri="pyspark://#gateway_requests", format="ibis", columns={}
    )
    _assert_same_numbers(_csv_source(tmp_path), cluster)


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
    source.columns = {"energy_wh": "watt_hours"}
    with pytest.raises(InputError) as info:
        moments_by_period(source, "energy_wh", CHANGE)
    assert info.value.message == "telemetry source 'csv' has no column 'watt_hours' for energy_wh"
    assert info.value.hint == "map it when registering the source, e.g. energy_wh=YOUR_COLUMN"


@pytest.mark.spark
def test_a_claim_on_spark_is_the_claim_on_duckdb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workspaces with the same releases, one reading the telemetry as a CSV file through
    DuckDB, one reading the same rows as a table on Spark, added by its URL: every telemetry
    claim comes out the same, estimate, interval and verdict."""
    import json

    import ibis
    from typer.testing import CliRunner

    from perfpacket.cli import build_app

    spark = ibis.connect("pyspark://")._session
    spark.createDataFrame(
        [(datetime.fromisoformat(r[0]), *r[1:]) for r in _rows()],
        "ts timestamp, cost_usd double, latency_ms double, cached_tokens long, status string, "
        "input_tokens long, output_tokens long, energy_wh double",
    ).createOrReplaceTempView("gateway_requests")

    def cli(*args: str) -> Any:
        done = CliRunner().invoke(build_app(), list(args))
        return done

    releases = tmp_path / "releases.csv"
    releases.write_text(
        "version,released_at,artifact,owner\n"
        f"routing v2,{CHANGE.isoformat()},gateway,ana@example.com\n"
    )
    claims = {}
    for engine in ("duckdb", "spark"):
        ws = tmp_path / engine
        assert cli("init", str(ws)).exit_code == 0
        monkeypatch.chdir(ws)
        assert cli("people", "add", "ana@example.com", "--name", "Ana").exit_code == 0
        assert cli("import", "releases-csv", str(releases)).exit_code == 0
        if engine == "duckdb":
            source = _csv_source(tmp_path)
            done = cli("import", "telemetry", source.uri, "--name", "gateway")
        else:
            before = cli("telemetry", "list", "--json").stdout
            missing = cli(
                "telemetry",
                "add",
                "pyspark://#gateway_requests",
                "--name",
                "gateway",
                "--map",
                "latency_ms=duration",
            )
            assert missing.exit_code == 2
            assert missing.stderr.splitlines()[0] == (
                "Error: 'pyspark://#gateway_requests' has no column 'duration' for latency_ms"
            )
            assert cli("telemetry", "list", "--json").stdout == before  # nothing written
            done = cli(
                "telemetry", "add", "pyspark://#gateway_requests", "--name", "gateway", "--json"
            )
            assert json.loads(done.stdout)["rows"] == len(_rows())
        assert done.exit_code == 0, done.output
        suggested = cli("claims", "suggest", "--person", "ana@example.com", "--json")
        assert suggested.exit_code == 0, suggested.output
        listed = json.loads(cli("claims", "list", "--json").stdout)
        claims[engine] = {c["slug"]: c for c in listed}
    telemetry = {
        "cost-per-1k-requests",
        "p95-latency",
        "gateway-error-rate",
        "prefix-cache-hit-rate",
        "tokens-per-request",
        "energy-per-request",
    }
    assert telemetry <= set(claims["duckdb"]) and telemetry <= set(claims["spark"])
    for slug in telemetry:
        a, b = claims["duckdb"][slug], claims["spark"][slug]
        assert a["verdict"] == b["verdict"], slug
        assert a["sample_sizes"] == b["sample_sizes"] and a["method"] == b["method"], slug
        for field in ("estimate", "ci_low", "ci_high"):
            assert a[field] == pytest.approx(b[field], rel=1e-9), (slug, field)


def test_no_metric_pulls_rows_out_of_the_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every result a metric reads comes through ``fetch_rows``; counted there, over 2,000
    rows: at most one row per period (and per status value, for the error vocabulary)."""
    from perfpacket.telemetry import metrics

    returned: list[tuple[str, int]] = []
    real = metrics.fetch_rows

    def counting(expr: Any) -> list[dict[str, Any]]:
        rows = real(expr)
        returned.append((str(expr.op().__class__.__name__), len(rows)))
        return rows

    monkeypatch.setattr(metrics, "fetch_rows", counting)
    source = _csv_source(tmp_path)
    statuses = len({r[4] for r in _rows()})
    for metric in ("cost_usd", "latency_ms", "total_tokens", "energy_wh"):
        metrics.moments_by_period(source, metric, CHANGE)
    metrics.counts_by_period(source, "cache_hit", CHANGE)
    metrics.counts_by_period(source, "error", CHANGE)
    metrics.quantiles_by_period(source, "latency_ms", CHANGE, 0.95, 0.975)
    # One query per metric; the quantile: the periods' counts and ranges, then one selection
    # per period (2,000 rows need no narrowing).
    assert len(returned) == 4 + 1 + 1 + 3
    assert max(n for _, n in returned) <= 2 * statuses
    assert sum(n for _, n in returned) <= 4 * 2 + 2 + 2 * statuses + 2 + 2


def test_an_address_that_is_not_url_and_table_or_holds_a_password_is_refused(
    fresh_workspace: Path,
) -> None:
    from typer.testing import CliRunner

    from perfpacket.cli import build_app

    for address in ("requests.parquet", "postgres://user@host/db"):
        done = CliRunner().invoke(build_app(), ["telemetry", "add", address, "--name", "x"])
        assert done.exit_code == 2
        assert done.stderr.splitlines()[:2] == [
            f"Error: '{address}' is not URL#table",
            "Hint: e.g. pyspark://#gateway_requests or postgres://user@host/db#gateway_requests",
        ]
    secret = "postgres://ana:hunter2@db.internal:5432/telemetry#requests"
    done = CliRunner().invoke(build_app(), ["telemetry", "add", secret, "--name", "x"])
    assert done.exit_code == 2
    assert "hunter2" not in done.output
    assert done.stderr.splitlines()[:2] == [
        "Error: 'postgres://ana:***@db.internal:5432/telemetry#requests' carries a password",
        "Hint: leave it out of the URL and give it to the engine's client instead "
        "(PGPASSWORD for PostgreSQL)",
    ]
    listed = CliRunner().invoke(build_app(), ["telemetry", "list", "--json"])
    assert listed.stdout.strip() == "[]"


@pytest.mark.parametrize("decimals", [3, 0])  # distinct values, and many ties
def test_a_narrowed_quantile_is_the_exact_order_statistic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, decimals: int
) -> None:
    """With the selection limited to 50 values, the range holding the p95's order statistics
    is narrowed by histograms over several passes; the result is still numpy's quantile and
    scipy's order-statistic interval, and only bucket counts ever come back."""
    from scipy import stats

    from perfpacket.telemetry import metrics

    monkeypatch.setattr(metrics, "SLICE_ROWS", 50)
    returned: list[int] = []
    real = metrics.fetch_rows

    def counting(expr: Any) -> list[dict[str, Any]]:
        rows = real(expr)
        returned.append(len(rows))
        return rows

    monkeypatch.setattr(metrics, "fetch_rows", counting)
    rows = [(*r[:2], round(r[2], decimals), *r[3:]) for r in _rows()]
    path = tmp_path / "requests.csv"
    path.write_text(
        "\n".join([",".join(COLUMNS), *(",".join(str(v) for v in r) for r in rows)]) + "\n"
    )
    source = TelemetrySource(name="csv", uri=str(path), format="csv", columns={})
    summaries = metrics.quantiles_by_period(source, "latency_ms", CHANGE, 0.95, 0.975)
    assert len(returned) > 3  # it narrowed
    assert max(returned) <= metrics.BUCKETS
    for summary, flag in zip(summaries, (False, True), strict=True):
        values = np.array([r[2] for r in rows if (datetime.fromisoformat(r[0]) >= CHANGE) == flag])
        assert summary.n == values.size
        assert summary.estimate == pytest.approx(np.quantile(values, 0.95), rel=1e-12)
        ci = stats.quantile_test(values, q=0, p=0.95).confidence_interval(0.975)
        assert (summary.low, summary.high) == pytest.approx((ci.low, ci.high), rel=1e-12)
