"""MLflow's two local stores, written by MLflow itself: the `mlruns/` file store and the SQLite
database (`mlflow.db`) that MLflow keeps by default since it put the file store in maintenance
mode. What the import stores is checked against what MLflow's own client reads back."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from tests.evidence.conftest import run

PERSON = "ana@example.com"


def _write(uri: str) -> Any:
    """Three runs of one experiment through MLflow's client; the third is deleted. A metric is
    logged out of step order, so its latest value is MLflow's by step, not the last line."""
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=uri)
    exp = client.create_experiment("reranker-offline")
    ids = []
    for model, points in (
        ("reranker-v1", [(0, 0.55), (2, 0.62), (1, 0.60)]),
        ("reranker-v2", [(0, 0.64), (1, 0.69), (2, 0.71)]),
        ("scratch", [(0, 0.10)]),
    ):
        created = client.create_run(exp, tags={"mlflow.runName": f"run-{model}"})
        run_id = created.info.run_id
        client.log_param(run_id, "model", model)
        client.set_tag(run_id, "team", "search")
        for step, value in points:
            client.log_metric(run_id, "ndcg_at_10", value, step=step)
        client.log_metric(run_id, "loss", math.nan)
        client.set_terminated(run_id)
        ids.append(run_id)
    client.delete_run(ids[-1])
    return client, exp


@pytest.mark.parametrize("store", ["file", "sqlite"])
def test_an_mlflow_store_imports_what_mlflow_reads(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: str
) -> None:
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    path = tmp_path / ("mlruns" if store == "file" else "mlflow.db")
    uri = path.as_uri() if store == "file" else f"sqlite:///{path}"
    client, exp = _write(uri)
    assert run("people", "add", PERSON, "--name", "Ana").exit_code == 0
    done = run("import", "mlflow", str(path), "--person", PERSON, "--json")
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert "1 deleted runs left out" in report["notes"]
    # MLflow's own reading: the active runs, their params, tags and latest metric values.
    active = client.search_runs([exp])
    assert report["imported"] == len(active) == 2
    records = json.loads(run("evidence", "list", "--json").stdout)
    stored = {r["model"]: r for r in records}
    for mlflow_run in active:
        record = stored[mlflow_run.data.params["model"]]
        assert record["suite"] == "mlflow/reranker-offline"
        assert record["metrics"]["params"] == mlflow_run.data.params
        assert record["metrics"]["tags"]["team"] == mlflow_run.data.tags["team"]
        assert record["metrics"]["ndcg_at_10"] == mlflow_run.data.metrics["ndcg_at_10"]
        assert record["metrics"]["loss"] is None  # NaN is kept as missing, and reported
        history = client.get_metric_history(mlflow_run.info.run_id, "ndcg_at_10")
        assert sorted(p[1] for p in record["metrics"]["history"]["ndcg_at_10"]) == sorted(
            m.value for m in history
        )
        assert record["run_at"].startswith(_iso_ms(mlflow_run.info.start_time)), record["run_at"]
    assert stored["reranker-v1"]["metrics"]["ndcg_at_10"] == 0.62  # step 2, logged before step 1
    assert any("loss" in w for w in report["warnings"])


def _iso_ms(ms: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")[:23]


def test_a_sqlite_file_that_is_not_an_mlflow_store_is_refused(
    workspace: Path, tmp_path: Path
) -> None:
    import sqlite3

    other = tmp_path / "notes.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE runs (id INTEGER)")
    con.commit()
    con.close()
    done = run("import", "mlflow", str(other))
    assert done.exit_code == 2
    assert done.stderr.splitlines()[0] == (
        f"Error: '{other}' is not an MLflow tracking store: a file store (an mlruns/ folder of "
        "experiments and runs) or the SQLite database MLflow keeps by default (mlflow.db)"
    )
    assert json.loads(run("evidence", "list", "--json").stdout) == []
