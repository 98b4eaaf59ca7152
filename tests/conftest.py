"""Shared fixtures: isolated environment, database URLs for SQLite and PostgreSQL, a CLI runner."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from perfpacket.store import normalise_url

POSTGRES_ENV = "PERFPACKET_TEST_POSTGRES_URL"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's own database URL must never leak into a test.
    monkeypatch.delenv("PERFPACKET_DATABASE_URL", raising=False)


def postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set, so the PostgreSQL variant is skipped")
    return url


def reset_postgres(url: str) -> None:
    """An empty public schema: each PostgreSQL test starts from nothing."""
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    url = postgres_url()
    reset_postgres(url)
    yield url


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def fresh_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty workspace made by `perfpacket init`, as the current directory."""
    from perfpacket.cli import build_app

    ws = tmp_path / "ws"
    done = CliRunner().invoke(build_app(), ["init", str(ws)])
    assert done.exit_code == 0, done.output
    monkeypatch.chdir(ws)
    return ws
