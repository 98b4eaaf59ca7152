"""The issue's "done when" on scale: a 5M-row table shaped like LiteLLM's spend logs
(``startTime``, ``spend``, ``prompt_tokens``, ``completion_tokens``, ``status`` success/failure,
``request_duration_ms``), registered through `perfpacket import telemetry` with ``--map``, gives
claims that an independent recomputation (DuckDB SQL for the aggregates, numpy for the exact
p95, scipy.stats.quantile_test for its order-statistic interval, statsmodels for Wilson) matches
to 1e-6, and `claims verify` passes on the unchanged source."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from typer.testing import CliRunner

from perfpacket.cli import build_app

ROWS = 5_000_000
CHANGE = "2026-03-16T00:00:00Z"
RELEASES = f"""\
version,released_at,artifact,owner
gateway-routing-v2,{CHANGE},gateway,ana@example.com
"""


def cli(*args: str) -> Any:
    return CliRunner().invoke(build_app(), list(args))


def _spend_logs(path: Path) -> None:
    """Five million requests over three months; after the change, cheaper and faster, with
    fewer failures. Deterministic (DuckDB's seeded random())."""
    with duckdb.connect() as con:
        con.execute("SELECT setseed(0.42)")
        con.execute(
            f"""COPY (
              SELECT TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(i * 1.6) AS "startTime",
                     after, (CASE WHEN after THEN 0.0031 ELSE 0.0052 END) * (0.5 + random())
                        AS spend,
                     (400 + random() * 2000)::BIGINT AS prompt_tokens,
                     (50 + random() * 400)::BIGINT AS completion_tokens,
                     (CASE WHEN random() < (CASE WHEN after THEN 0.003 ELSE 0.006 END)
                           THEN 'failure' ELSE 'success' END) AS status,
                     (CASE WHEN after THEN 900 ELSE 1200 END) * exp(random() * 1.2)
                        AS request_duration_ms
              FROM (SELECT i, TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(i * 1.6)
                              >= TIMESTAMPTZ '{CHANGE}' AS after
                    FROM range({ROWS}) t(i))
            ) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 200000)"""
        )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("litellm")
    logs = root / "spend_logs.parquet"
    _spend_logs(logs)
    (root / "releases.csv").write_text(RELEASES)
    cwd = Path.cwd()
    import os

    os.chdir(root)
    try:
        assert cli("init", ".").exit_code == 0
        assert cli("import", "releases-csv", "releases.csv").exit_code == 0
        result = cli(
            "import",
            "telemetry",
            str(logs),
            "--map",
            "timestamp=startTime",
            "--map",
            "cost_usd=spend",
            "--map",
            "input_tokens=prompt_tokens",
            "--map",
            "output_tokens=completion_tokens",
            "--map",
            "latency_ms=request_duration_ms",
        )
        assert result.exit_code == 0, result.stderr
        suggested = cli("claims", "suggest")
        assert suggested.exit_code == 0, suggested.stderr
        claims = {c["slug"]: c for c in json.loads(cli("claims", "list", "--json").stdout)}
        verify = cli("claims", "verify")
    finally:
        os.chdir(cwd)
    return {"logs": str(logs), "claims": claims, "verify": verify}


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _split(logs: str, expr: str) -> list[tuple[float, float, int]]:
    rows = duckdb.sql(
        f"""SELECT "startTime" >= TIMESTAMPTZ '{CHANGE}' AS after, avg({expr}), var_samp({expr}),
                   count(*) FROM '{logs}' GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    return [(float(m), float(v), int(n)) for _a, m, v, n in rows]


def test_cost_per_1k_requests_matches_duckdb_and_welch(workspace: dict[str, Any]) -> None:
    (mb, vb, nb), (ma, va, na) = _split(workspace["logs"], "spend")
    assert nb + na == ROWS
    se = math.sqrt(va / na + vb / nb)
    df = (va / na + vb / nb) ** 2 / ((va / na) ** 2 / (na - 1) + (vb / nb) ** 2 / (nb - 1))
    half = float(stats.t.ppf(0.975, df)) * se
    claim = workspace["claims"]["cost-per-1k-requests"]
    assert close(claim["estimate"], 1000 * (ma - mb))
    assert close(claim["ci_low"], 1000 * (ma - mb - half))
    assert close(claim["ci_high"], 1000 * (ma - mb + half))
    assert claim["sample_sizes"] == {"n1": na, "n2": nb}


def test_exact_p95_with_order_statistic_interval(workspace: dict[str, Any]) -> None:
    parts = []
    for op in ("<", ">="):
        (values,) = duckdb.sql(
            f"""SELECT list(request_duration_ms) FROM '{workspace["logs"]}'
                WHERE "startTime" {op} TIMESTAMPTZ '{CHANGE}'"""
        ).fetchall()[0]
        x = np.asarray(values)
        q = float(np.quantile(x, 0.95))
        ci = stats.quantile_test(x, q=q, p=0.95).confidence_interval(1 - 0.05 / 2)
        parts.append((q, float(ci.low), float(ci.high)))
    (qb, lb, hb), (qa, la, ha) = parts
    claim = workspace["claims"]["p95-latency"]
    assert close(claim["estimate"], qa - qb)
    assert close(claim["ci_low"], la - hb)
    assert close(claim["ci_high"], ha - lb)


def test_error_rate_reads_litellm_failure(workspace: dict[str, Any]) -> None:
    errors, total = duckdb.sql(
        f"""SELECT count(*) FILTER (WHERE status = 'failure'), count(*) FROM '{workspace["logs"]}'
            WHERE "startTime" >= TIMESTAMPTZ '{CHANGE}'"""
    ).fetchall()[0]
    low, high = proportion_confint(errors, total, method="wilson")
    claim = workspace["claims"]["gateway-error-rate"]
    assert close(claim["estimate"], 100 * errors / total)
    assert close(claim["ci_low"], 100 * low)
    assert close(claim["ci_high"], 100 * high)
    assert "LiteLLM" in claim["method"] or any("LiteLLM" in a for a in claim["assumptions"])


def test_verify_passes_on_the_unchanged_source(workspace: dict[str, Any]) -> None:
    assert workspace["verify"].exit_code == 0, workspace["verify"].stdout
