"""The demo workspace the command tests run in: built once per module, copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from perfpacket.cli import build_app
from perfpacket.demo import build_demo


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "demo"
    build_demo(out)
    return out


@pytest.fixture
def demo(pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo workspace, as the current directory."""
    copy = tmp_path / "demo"
    shutil.copytree(pristine, copy)
    monkeypatch.chdir(copy)
    return copy


def cli(*args: str) -> Any:
    """The command line, in process."""
    return CliRunner().invoke(build_app(), list(args))
