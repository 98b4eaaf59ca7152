"""Deprecations through the import path: a releases CSV with the deprecation, a gateway log
with the model of each request (`--map model=deployment`), lm-evaluation-harness results of the
deprecated model and its replacement, and an incidents CSV. Checked independently: the traffic
shares by DuckDB SQL over the raw CSV with statsmodels' Newcombe interval (Newcombe 1998,
method 10); the incident count against Garwood's exact Poisson interval from chi-square
quantiles (Garwood 1936).
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep
from typer.testing import CliRunner

from perfpacket.cli import build_app

ANA = "ana@example.com"
START = datetime(2026, 4, 1, tzinfo=UTC)
OLD, NEW = "large-1", "large-2"


def cli(*args: str) -> Any:
    return CliRunner().invoke(build_app(), list(args))


def _claims() -> dict[str, dict[str, Any]]:
    return {c["slug"]: c for c in json.loads(cli("claims", "list", "--json").stdout)}


def _gateway(path: Path) -> None:
    """Sixty days before the migration, about 60% of requests on the deprecated model; then a
    ramp down to about 2% over four months."""
    rng = np.random.default_rng(5)
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["ts", "deployment", "latency_ms", "status"])
        t = START - timedelta(days=60)
        end = START + timedelta(days=120)
        while t < end:
            days = (t - START).total_seconds() / 86400
            share = 0.6 if days < 0 else max(0.02, 0.6 - 0.58 * days / 90)
            model = OLD if rng.random() < share else NEW
            if rng.random() < 0.02:
                model = ""  # a request that names no model: not counted
            out.writerow([t.isoformat(), model, int(rng.gamma(2, 300)), "ok"])
            t += timedelta(minutes=int(rng.integers(20, 60)))


def _lm_eval(path: Path, model: str, passed: int, n: int, when: datetime) -> None:
    path.write_text(
        json.dumps(
            {
                "results": {"support_qa": {"alias": "support_qa", "acc,none": passed / n}},
                "configs": {"support_qa": {"task": "support_qa"}},
                "n-samples": {"support_qa": {"original": n, "effective": n}},
                "model_name": model,
                "date": when.timestamp(),
            }
        )
    )


@pytest.fixture
def migrated(fresh_workspace: Path, tmp_path: Path) -> Path:
    assert cli("people", "add", ANA, "--name", "Ana").exit_code == 0
    (tmp_path / "releases.csv").write_text(
        "version,previous_version,released_at,artifact,owner\n"
        f"{NEW},{OLD},{START.isoformat()},deprecation,{ANA}\n"
    )
    (tmp_path / "incidents.csv").write_text(
        "id,severity,opened_at,cause\n"
        "INC-1,P2,2026-03-10T10:00:00Z,migration\n"  # before it started: not counted
        "INC-2,P1,2026-05-12T10:00:00Z,migration; config\n"
        "INC-3,P2,2026-06-02T10:00:00Z,provider outage\n"
    )
    _gateway(tmp_path / "gateway.csv")
    _lm_eval(tmp_path / "results_old.json", OLD, 364, 400, START - timedelta(days=20))
    _lm_eval(tmp_path / "results_new.json", NEW, 368, 400, START - timedelta(days=5))
    for kind, name in (("releases-csv", "releases.csv"), ("incidents-csv", "incidents.csv")):
        assert cli("import", kind, str(tmp_path / name)).exit_code == 0
    for name in ("results_old.json", "results_new.json"):
        done = cli("import", "lm-eval", str(tmp_path / name), "--person", ANA)
        assert done.exit_code == 0, done.output
    done = cli(
        "import", "telemetry", str(tmp_path / "gateway.csv"), "--name", "gateway",
        "--map", "model=deployment",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    done = cli("claims", "suggest", "--person", ANA, "--json")
    assert done.exit_code == 0, done.output
    return tmp_path


def test_traffic_off_the_deprecated_model_matches_newcombe_on_sql_counts(
    migrated: Path,
) -> None:
    log = migrated / "gateway.csv"
    rel = f"read_csv('{log}', all_varchar=true, header=true)"
    (last,) = duckdb.sql(f"select max(ts::timestamptz) from {rel}").fetchall()[0]
    windows = {
        "before": (f"'{(START - timedelta(days=30)).isoformat()}'", f"'{START.isoformat()}'"),
        "now": (f"'{(last - timedelta(days=30)).isoformat()}'", "'9999-01-01T00:00:00Z'"),
    }
    counts = {}
    for key, (lo, hi) in windows.items():
        counts[key] = duckdb.sql(
            f"select count(*) filter (where deployment = '{OLD}'), "
            f"count(*) filter (where deployment is not null and deployment <> '') from {rel} "
            f"where ts::timestamptz >= {lo}::timestamptz and ts::timestamptz < {hi}::timestamptz"
        ).fetchall()[0]
    (xb, nb), (xa, na) = counts["before"], counts["now"]
    low, high = confint_proportions_2indep(xa, na, xb, nb, method="newcomb", compare="diff")
    claim = _claims()["large-1-traffic-migrated"]
    assert claim["estimate"] == pytest.approx(100 * (xa / na - xb / nb), abs=1e-9)
    assert claim["ci_low"] == pytest.approx(100 * low, abs=1e-6)
    assert claim["ci_high"] == pytest.approx(100 * high, abs=1e-6)
    assert claim["baseline"] == pytest.approx(100 * xb / nb)
    assert claim["comparison"] == "before_after" and claim["verdict"] == "improved"


def test_quality_held_is_non_inferiority_within_the_margin(migrated: Path) -> None:
    low, high = confint_proportions_2indep(368, 400, 364, 400, method="newcomb", compare="diff")
    claim = _claims()["large-1-replacement-quality-lm-eval-support-qa"]
    assert claim["estimate"] == pytest.approx(100 * (368 - 364) / 400, abs=1e-9)
    assert claim["ci_low"] == pytest.approx(100 * low, abs=1e-9)
    assert claim["ci_high"] == pytest.approx(100 * high, abs=1e-9)
    # 400 items cannot rule out a loss of 2 points: held is not said.
    assert 100 * low < -2
    assert claim["verdict"] == "target_undecided" and claim["comparison"] == "target"


def test_incidents_during_the_migration_are_counted_with_the_exact_interval(
    migrated: Path,
) -> None:
    claim = _claims()["large-1-migration-incidents"]
    count = 1  # INC-2; INC-1 came before the start and INC-3 is not tagged migration
    assert claim["estimate"] == count and claim["verdict"] == "no_verdict"
    assert claim["ci_low"] == pytest.approx(stats.chi2.ppf(0.025, 2 * count) / 2, abs=1e-9)
    assert claim["ci_high"] == pytest.approx(stats.chi2.ppf(0.975, 2 * count + 2) / 2, abs=1e-9)
    assert cli("claims", "verify").exit_code == 0


def test_deprecation_says_what_it_needs(fresh_workspace: Path) -> None:
    assert cli("people", "add", ANA, "--name", "Ana").exit_code == 0
    done = cli("claims", "suggest", "--explain", "--json")
    by_recipe = {r["recipe"]: r for r in json.loads(done.stdout)["recipes"]}
    needs = {n["what"]: n for n in by_recipe["deprecation"]["needs"]}
    assert by_recipe["deprecation"]["claims"] == []
    assert needs["telemetry sources with a 'model' column"]["source"] == (
        "perfpacket import telemetry FILE (--map model=COLUMN)"
    )
    assert all(n["found"] == 0 for n in needs.values())
