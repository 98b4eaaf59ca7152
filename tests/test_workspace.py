"""Workspaces: init, finding one upward, database selection, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpacket import WorkspaceError, find_workspace, init_workspace
from perfpacket.workspace import CONFIG_NAME


def test_init_writes_config_and_an_sqlite_database(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    assert (tmp_path / "ws" / CONFIG_NAME).is_file()
    assert (tmp_path / "ws" / ".perfpacket" / "perfpacket.db").is_file()
    assert ws.database_url == f"sqlite:///{tmp_path / 'ws' / '.perfpacket' / 'perfpacket.db'}"


def test_commands_find_the_workspace_from_a_subfolder(tmp_path: Path) -> None:
    init_workspace(tmp_path)
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_workspace(deep).root == tmp_path.resolve()


def test_no_workspace_above_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError) as info:
        find_workspace(tmp_path)
    assert info.value.message == (
        f"no perfpacket workspace in '{tmp_path.resolve()}' or any folder above it"
    )
    assert info.value.hint == "run `perfpacket init` here, or cd into a workspace"


def test_init_twice_is_refused_and_keeps_the_first(tmp_path: Path) -> None:
    init_workspace(tmp_path)
    before = (tmp_path / CONFIG_NAME).read_text()
    with pytest.raises(WorkspaceError) as info:
        init_workspace(tmp_path)
    assert info.value.message == f"'{tmp_path.resolve()}' is already a perfpacket workspace"
    assert (tmp_path / CONFIG_NAME).read_text() == before


def test_init_where_a_folder_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(WorkspaceError) as info:
        init_workspace(blocker / "ws")
    assert info.value.message == (
        f"cannot create a workspace in '{blocker.resolve() / 'ws'}': Not a directory"
    )
    assert not (blocker.parent / CONFIG_NAME).exists()


def test_init_on_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("x")
    with pytest.raises(WorkspaceError) as info:
        init_workspace(target)
    assert info.value.message == f"'{target.resolve()}' is a file, not a folder"


def test_database_url_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = init_workspace(tmp_path)
    assert ws.database_url.startswith("sqlite:///")
    (tmp_path / CONFIG_NAME).write_text('[database]\nurl = "sqlite:///configured.db"\n')
    assert find_workspace(tmp_path).database_url == "sqlite:///configured.db"
    monkeypatch.setenv("PERFPACKET_DATABASE_URL", "sqlite:///from-env.db")
    assert find_workspace(tmp_path).database_url == "sqlite:///from-env.db"
    assert find_workspace(tmp_path, "sqlite:///flag.db").database_url == "sqlite:///flag.db"


def test_broken_config_names_the_file(tmp_path: Path) -> None:
    (tmp_path / CONFIG_NAME).write_text("[database\n")
    with pytest.raises(WorkspaceError) as info:
        find_workspace(tmp_path)
    assert info.value.message.startswith(f"'{tmp_path / CONFIG_NAME}' is not valid TOML")
