"""The import machinery every kind shares: one transaction, refusals, wrong-kind hints."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from perfpacket import plugins
from perfpacket.errors import InputError
from perfpacket.evidence.records import ImportContext, Record
from tests.evidence.conftest import counts, run


class HalfwayImporter:
    """Yields good records, then finds a bad line: nothing of it may remain."""

    name = "test-halfway"
    description = "a test format (lines of text)"
    version = "1"

    def sniff(self, path: Path, head: bytes) -> bool:
        return path.suffix == ".halfway"

    def content_hash(self, path: Path, options: dict[str, Any]) -> str:
        return "h" * 64

    def read(self, path: Path, options: dict[str, Any], ctx: ImportContext) -> Iterator[Record]:
        for i, line in enumerate(path.read_text().splitlines(), start=1):
            if line == "bad":
                raise InputError(f"'{path}' line {i}: not a record", hint="fix the line")
            yield Record(
                kind="feedback",
                natural_key=f"halfway:{i}",
                occurred_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i),
                fields={
                    "author_name": "T",
                    "author_function": "product",
                    "text": line,
                    "given_at": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i),
                },
                identities=[("email", "t@example.com")],
            )


class Plugin:
    @plugins.hookimpl
    def register_importers(self, register: Callable[[Any], None]) -> None:
        register(HalfwayImporter())


@pytest.fixture
def halfway() -> Iterator[None]:
    plugin = Plugin()
    plugins.register_plugin(plugin)
    yield
    plugins.unregister_plugin(plugin)


def test_a_failure_partway_writes_nothing(workspace: Path, halfway: None, tmp_path: Path) -> None:
    path = tmp_path / "x.halfway"
    path.write_text("one\ntwo\n" * 1500 + "bad\n")  # more than one batch before the error
    result = run("import", "test-halfway", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"Error: '{path}' line 3001: not a record"
    assert counts(workspace) == {"sources": 0}
    # No person was created for the records that were rolled back either.
    people = run("people", "list", "--json")
    assert people.stdout.strip() == "[]"


def test_unknown_kind(workspace: Path) -> None:
    result = run("import", "nope", "x")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "Error: unknown import kind 'nope'"
    assert result.stderr.splitlines()[1].startswith("Hint: kinds: ")


def test_missing_path(workspace: Path, tmp_path: Path) -> None:
    result = run("import", "git", str(tmp_path / "absent"))
    assert result.stderr.splitlines() == [
        f"Error: '{tmp_path / 'absent'}' does not exist",
        "Hint: check the path",
    ]


def test_empty_file(workspace: Path, tmp_path: Path, halfway: None) -> None:
    path = tmp_path / "e.halfway"
    path.write_text("  \n")
    result = run("import", "test-halfway", str(path))
    assert result.stderr.splitlines() == [
        f"Error: '{path}' is empty",
        "Hint: give a test-halfway file with content",
    ]
