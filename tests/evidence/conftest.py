"""Fixtures for importer tests: a workspace as the current directory, and a CLI runner."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from perfpacket.cli import build_app
from perfpacket.store.models import Evidence, Source
from perfpacket.workspace import find_workspace, init_workspace

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    init_workspace(root)
    monkeypatch.chdir(root)
    return root


def run(*args: str) -> Any:
    return CliRunner().invoke(build_app(), list(args))


def import_json(kind: str, *paths: str | Path, extra: tuple[str, ...] = ()) -> Any:
    result = run("import", kind, *(str(p) for p in paths), *extra, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def counts(root: Path) -> dict[str, int]:
    """Evidence per kind and sources, to prove an import changed nothing."""
    with find_workspace(root).open_store() as store, store.session() as s:
        per_kind = dict(
            s.execute(select(Evidence.kind, func.count()).group_by(Evidence.kind)).all()
        )
        per_kind["sources"] = s.scalar(select(func.count()).select_from(Source)) or 0
    return per_kind


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    ).stdout
