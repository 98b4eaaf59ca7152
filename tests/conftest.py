"""Shared fixtures: isolated environment, database URLs for SQLite and PostgreSQL, a CLI runner."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from perfpacket.store import normalise_url

POSTGRES_ENV = "PERFPACKET_TEST_POSTGRES_URL"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's own database URL must never leak into a test.
    monkeypatch.delenv("PERFPACKET_DATABASE_URL", raising=False)


# Where the suite looks for a PostgreSQL server when no URL is given: the machine's own, as
# its superuser (trust auth), only to create and drop a scratch database of the run's own.
SERVER_ENV = "PERFPACKET_TEST_POSTGRES_SERVER"
SERVER_DEFAULT = "postgresql://postgres@127.0.0.1:5432/postgres"
_scratch: dict[str, str | None] = {}


def _server() -> str:
    return os.environ.get(SERVER_ENV, SERVER_DEFAULT)


def _create_scratch() -> str | None:
    """A new database named for this run on the local server, or None when none answers."""
    import secrets

    import psycopg

    server = _server()
    name = f"perfpacket_test_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return None
    return server.rsplit("/", 1)[0] + f"/{name}"


def postgres_url() -> str:
    """``PERFPACKET_TEST_POSTGRES_URL`` when set; otherwise a scratch database of this run's own
    on the PostgreSQL server at 127.0.0.1:5432, created on first use and dropped when the run
    ends, so two suites can run at once. Skipped only when no server answers."""
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    if "url" not in _scratch:
        _scratch["url"] = _create_scratch()
    if _scratch["url"] is None:
        pytest.skip(
            f"no PostgreSQL server answers at {_server()} and {POSTGRES_ENV} is not set, "
            "so the PostgreSQL variant is skipped"
        )
    return str(_scratch["url"])


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop the run's scratch database, if it made one."""
    url = _scratch.get("url")
    if not url:
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    try:
        with psycopg.connect(_server(), autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.OperationalError as exc:  # the server went away: say what is left behind
        print(f"\nscratch database {name} was not dropped: {exc}")


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


def stored_records(root: Path, model: Any) -> list[Any]:
    """Every stored row of ``model`` in the workspace at ``root``, oldest first."""
    from sqlalchemy import select

    from perfpacket.workspace import find_workspace

    with find_workspace(root).open_store() as store, store.session() as session:
        return list(session.scalars(select(model).order_by(model.id)))


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
