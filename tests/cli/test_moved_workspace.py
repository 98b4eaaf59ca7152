"""A workspace keeps working when it is copied or moved: file sources inside it are stored
relative to it, and a source outside it is stored absolute with a warning."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from perfpacket.cli import build_app
from perfpacket.demo import build_demo
from perfpacket.store.models import TelemetrySource
from perfpacket.workspace import find_workspace


def cli(*args: str) -> Any:
    return CliRunner().invoke(build_app(), list(args))


def test_a_moved_workspace_reads_its_own_telemetry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = tmp_path / "original"
    build_demo(original)
    moved = tmp_path / "moved"
    shutil.move(str(original), str(moved))
    assert not original.exists()
    monkeypatch.chdir(moved)
    with find_workspace(moved).open_store() as store, store.session() as session:
        uris = [s.uri for s in session.scalars(select(TelemetrySource))]
    assert uris == ["data/gateway_requests.parquet"]
    verify = cli("claims", "verify")
    assert verify.exit_code == 0, verify.stdout
    assert cli("claims", "suggest").exit_code == 0
    claims = {c["slug"] for c in json.loads(cli("claims", "list", "--json").stdout)}
    assert {"p95-latency", "gateway-error-rate", "cost-per-1k-requests"} <= claims


def test_a_source_outside_the_workspace_is_absolute_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = tmp_path / "demo"
    build_demo(demo)
    outside = tmp_path / "elsewhere.parquet"
    shutil.copy(demo / "data" / "gateway_requests.parquet", outside)
    monkeypatch.chdir(demo)
    result = cli("import", "telemetry", str(outside), "--name", "elsewhere", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert any("outside the workspace" in w for w in report["warnings"])
    with find_workspace(demo).open_store() as store, store.session() as session:
        source = session.scalars(
            select(TelemetrySource).where(TelemetrySource.name == "elsewhere")
        ).one()
    assert source.uri == str(outside.resolve())
