"""The mlflow connector against a real MLflow tracking server, started here on 127.0.0.1 with a
SQLite backend store; runs are logged through MLflow's own client. What the sync stores is
checked against what the mlflow importer stores from the server's own database file."""

from __future__ import annotations

import json
import math
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from tests.evidence.conftest import counts, run
from tests.sync.conftest import comparable, configure, cursor, imported_elsewhere, stored, sync

PERSON = "ana@example.com"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """SQLite only: the store side of a sync is tested on PostgreSQL by the other connectors;
    here each test pays for starting a tracking server."""
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def tracking(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A tracking server of its own for each test: its URL and its database file."""
    db = tmp_path / "mlflow.db"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlflow",
            "server",
            "--backend-store-uri",
            f"sqlite:///{db}",
            "--default-artifact-root",
            (tmp_path / "artifacts").as_uri(),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(server.stderr.read().decode()[-2000:] if server.stderr else "")
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        else:
            raise RuntimeError("the MLflow server did not start in 90 s")
        yield url, db
    finally:
        server.terminate()
        server.wait(timeout=30)


def _log(url: str, experiment: str, runs: list[tuple[str, list[tuple[int, float]]]]) -> Any:
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=url)
    found = client.get_experiment_by_name(experiment)
    exp = found.experiment_id if found else client.create_experiment(experiment)
    ids = []
    for model, points in runs:
        created = client.create_run(exp, tags={"mlflow.runName": f"run-{model}"})
        run_id = created.info.run_id
        client.log_param(run_id, "model", model)
        client.set_tag(run_id, "team", "search")
        for step, value in points:
            client.log_metric(run_id, "ndcg_at_10", value, step=step)
        client.log_metric(run_id, "loss", math.nan)
        client.set_terminated(run_id)
        ids.append(run_id)
    return client, ids


def _setup(root: Path, url: str) -> None:
    assert run("people", "add", PERSON, "--name", "Ana").exit_code == 0
    configure(
        root,
        f'kind = "mlflow"\nurl = "{url}"\nexperiments = ["reranker-offline"]\n'
        f'person = "{PERSON}"\n',
    )


def test_a_sync_stores_what_the_importer_reads_from_the_servers_own_store(
    workspace: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tracking: tuple[str, Path],
) -> None:
    url, db = tracking
    client, ids = _log(
        url,
        "reranker-offline",
        [
            ("reranker-v1", [(0, 0.55), (2, 0.62), (1, 0.60)]),
            ("reranker-v2", [(0, 0.64), (1, 0.69), (2, 0.71)]),
            ("scratch", [(0, 0.10)]),
        ],
    )
    client.delete_run(ids[-1])  # in MLflow's trash: not evidence
    _setup(workspace, url)
    report = sync()["sources"][0]
    assert report["imported"] == 2 and report["first"] is True
    assert any("loss" in w for w in report["warnings"])  # NaN stored as null, and said
    other = imported_elsewhere(
        tmp_path,
        monkeypatch,
        ("people", "add", PERSON, "--name", "Ana"),
        ("import", "mlflow", str(db), "--person", PERSON),
    )
    synced, imported = comparable(workspace), comparable(other)
    assert synced == imported
    # MLflow's latest value is by step, not by the order logged: v1's is step 2's 0.62.
    metrics = {f["model"]: f["metrics"] for _, _, f, _ in synced}
    assert metrics["reranker-v1"]["ndcg_at_10"] == 0.62
    assert [p[1] for p in metrics["reranker-v1"]["history"]["ndcg_at_10"]] == [0.55, 0.60, 0.62]


def test_a_resync_fetches_only_runs_finished_since(
    workspace: Path, tracking: tuple[str, Path]
) -> None:
    url, _ = tracking
    _log(url, "reranker-offline", [("reranker-v1", [(0, 0.55)])])
    _setup(workspace, url)
    sync()
    before, state = stored(workspace), cursor(workspace, "mlflow")
    again = sync()["sources"][0]
    assert again["unchanged"] is True and again["duplicates"] == 0
    assert stored(workspace) == before and cursor(workspace, "mlflow") == state
    # A run still running is left for later; a finished one is fetched.
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=url)
    exp = client.get_experiment_by_name("reranker-offline").experiment_id
    running = client.create_run(exp, tags={"mlflow.runName": "still-going"})
    client.log_metric(running.info.run_id, "ndcg_at_10", 0.1)
    _log(url, "reranker-offline", [("reranker-v2", [(0, 0.70)])])
    third = sync()["sources"][0]
    assert third["imported"] == 1
    assert "reranker-offline: 1 runs still running are left for a later sync" in third["notes"]
    assert counts(workspace) == {"eval_run": 2, "sources": 1}
    models = sorted(f["model"] for _, _, f, _ in stored(workspace))
    assert models == ["reranker-v1", "reranker-v2"]


def test_an_unknown_experiment_is_an_error_naming_it(
    workspace: Path, tracking: tuple[str, Path]
) -> None:
    url, _ = tracking
    _setup(workspace, url)
    result = run("sync", "--json")
    assert result.exit_code == 2
    failure = json.loads(result.stdout)["sources"][0]
    assert "'reranker-offline' is not an experiment on 127.0.0.1" in failure["error"]
    assert counts(workspace) == {"sources": 0}
