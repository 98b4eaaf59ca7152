"""Fixtures for sync tests: a workspace whose perfpacket.toml names a source."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from perfpacket.store.models import Evidence, SyncCursor
from perfpacket.workspace import find_workspace, init_workspace
from tests.evidence.conftest import run

TOKEN = "test-token-1234"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> Path:
    """A workspace as the current directory, on SQLite and on PostgreSQL."""
    root = tmp_path / "ws"
    init_workspace(root, db_url=db_url)
    monkeypatch.chdir(root)
    return root


def configure(root: Path, table: str) -> None:
    path = root / "perfpacket.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[[sync]]\n" + table, encoding="utf-8")


def point_at(root: Path, base: str) -> None:
    """Point the configured sources at a local server's new address (each test server
    listens on a port of its own)."""
    path = root / "perfpacket.toml"
    text = re.sub(r'url = "http://127\.0\.0\.1:\d+"', f'url = "{base}"', path.read_text())
    path.write_text(text, encoding="utf-8")


def sync(*names: str, ok: bool = True) -> Any:
    result = run("sync", *names, "--json")
    if ok:
        assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def stored(root: Path) -> list[tuple[str, str, dict[str, Any], int | None]]:
    """Every record: kind, natural key, typed fields, person."""
    with find_workspace(root).open_store() as store, store.session() as s:
        out = []
        for e in s.scalars(select(Evidence).order_by(Evidence.kind, Evidence.natural_key)):
            table = type(e).__table__
            fields = {c.key: getattr(e, c.key) for c in table.columns if c.key != "id"}
            out.append((e.kind, e.natural_key, fields, e.person_id))
        return out


def comparable(root: Path) -> list[tuple[str, str, dict[str, Any], int | None]]:
    """:func:`stored` without the provenance row each record points to: what a sync and a
    file import of the same data must agree on."""
    return [
        (kind, key, {f: v for f, v in fields.items() if f != "source_id"}, person)
        for kind, key, fields, person in stored(root)
    ]


def imported_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *commands: tuple[str, ...]
) -> Path:
    """A second, fresh workspace (SQLite) after ``commands`` ran in it: the file-import side
    of a comparison. It stays the current directory."""
    other = tmp_path / "other"
    monkeypatch.chdir(tmp_path)
    assert run("init", str(other)).exit_code == 0
    monkeypatch.chdir(other)
    for command in commands:
        done = run(*command)
        assert done.exit_code == 0, done.output
    return other


def cursor(root: Path, name: str) -> dict[str, Any] | None:
    with find_workspace(root).open_store() as store, store.session() as s:
        row = s.get(SyncCursor, name)
        return dict(row.state) if row else None
