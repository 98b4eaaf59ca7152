"""The command line: user errors without tracebacks, init, --db, claims on an empty workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from perfpacket.cli import build_app
from perfpacket.workspace import CONFIG_NAME


def test_init_creates_a_workspace(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(build_app(), ["init", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    assert f"Initialised workspace in {tmp_path.resolve() / 'ws'}" in result.output
    assert (tmp_path / "ws" / CONFIG_NAME).is_file()


def test_user_error_prints_error_and_hint_without_traceback(
    runner: CliRunner, tmp_path: Path
) -> None:
    runner.invoke(build_app(), ["init", str(tmp_path)])
    result = runner.invoke(build_app(), ["init", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: '{tmp_path.resolve()}' is already a perfpacket workspace",
        "Hint: use it as it is, or choose an empty folder: `perfpacket init NEW_DIR`",
    ]
    assert "Traceback" not in result.output + result.stderr


def test_claims_outside_a_workspace(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(build_app(), ["claims", "list"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: no perfpacket workspace in '{tmp_path.resolve()}'")


def test_empty_workspace_lists_no_claims(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner.invoke(build_app(), ["init", str(tmp_path)])
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(build_app(), ["claims", "list", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_unknown_claim_names_the_known_ones(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner.invoke(build_app(), ["init", str(tmp_path)])
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(build_app(), ["claims", "show", "nope"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: no claim 'nope'",
        "Hint: no claims yet: run `perfpacket claims suggest`",
    ]


def test_db_flag_selects_the_database_and_is_written_to_config(
    runner: CliRunner, tmp_path: Path, db_url: str
) -> None:
    result = runner.invoke(build_app(), ["--db", db_url, "init", str(tmp_path / "team")])
    assert result.exit_code == 0, result.stderr
    assert f'url = "{db_url}"' in (tmp_path / "team" / CONFIG_NAME).read_text()
    assert not (tmp_path / "team" / ".perfpacket" / "perfpacket.db").exists() or (
        db_url.startswith("sqlite")
    )


def test_init_with_an_unreachable_database_leaves_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    url = "postgresql://nobody@127.0.0.1:1/none"
    result = runner.invoke(build_app(), ["--db", url, "init", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: cannot open the database 'postgresql+psycopg://nobody@127.0.0.1:1/none'"
    )
    assert not (tmp_path / CONFIG_NAME).exists()
    assert not (tmp_path / ".perfpacket").exists()


def test_help_lists_the_commands(runner: CliRunner) -> None:
    result = runner.invoke(build_app(), ["--help"])
    assert result.exit_code == 0
    for command in ("init", "demo", "claims", "build"):
        assert command in result.output


def test_the_command_line_starts_without_the_statistics_stack() -> None:
    # Commands that do not compute claims, imports included, must not pay for scipy,
    # statsmodels and Ibis.
    import subprocess
    import sys

    code = (
        "import sys; from perfpacket.cli import build_app; from perfpacket import plugins;"
        "build_app(); plugins.importers();"
        "print(sorted(m for m in ('scipy', 'statsmodels', 'ibis', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
