"""`perfpacket import git`: mailmap, co-authors, merges, renames, binaries; counts equal git's."""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from perfpacket.store.models import Change
from perfpacket.workspace import find_workspace
from tests.evidence.conftest import counts, git, import_json, run

ROOT = Path(__file__).resolve().parents[2]


def _commit(repo: Path, message: str, author: str, when: str) -> None:
    name, email = author.split(" <")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email.rstrip(">"),
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email.rstrip(">"),
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-q", "-m", message, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A small history with every case the importer must handle."""
    r = tmp_path / "edge-repo"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    (r / "notes.txt").write_text("a\nb\n")
    (r / "blob.bin").write_bytes(b"\x00\x01")
    _commit(r, "first", "Ana Old <ana@old.example>", "2026-01-05T09:00:00+02:00")
    git(r, "mv", "notes.txt", "guide.txt")
    (r / "guide.txt").write_text("a\nb\nc\n")
    (r / "blob.bin").write_bytes(b"\x00\x02\x03")
    _commit(
        r,
        "rename and binary\n\nCo-authored-by: Marco S <marco@old.example>",
        "Ana Okafor <ana@example.com>",
        "2026-01-06T10:00:00+00:00",
    )
    git(r, "checkout", "-q", "-b", "side")
    (r / "side.txt").write_text("s\n")
    _commit(r, "side work", "Ben Carter <ben@example.com>", "2026-01-07T10:00:00+00:00")
    git(r, "checkout", "-q", "main")
    (r / "main.txt").write_text("m\n")
    _commit(r, "main work", "Ana Okafor <ana@example.com>", "2026-01-08T10:00:00+00:00")
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Ana Okafor",
        "GIT_AUTHOR_EMAIL": "ana@example.com",
        "GIT_COMMITTER_NAME": "Ana Okafor",
        "GIT_COMMITTER_EMAIL": "ana@example.com",
    }
    git(r, "merge", "-q", "--no-edit", "side", env=env)
    (r / ".mailmap").write_text(
        "Ana Okafor <ana@example.com> <ana@old.example>\n"
        "Marco Silva <marco@example.com> <marco@old.example>\n"
    )
    _commit(r, "add mailmap", "Ana Okafor <ana@example.com>", "2026-01-09T10:00:00+00:00")
    return r


def _changes(root: Path) -> dict[str, Change]:
    with find_workspace(root).open_store() as store, store.session() as s:
        return {c.title: c for c in s.scalars(select(Change))}


def test_imports_every_case(workspace: Path, repo: Path) -> None:
    report = import_json("git", repo)
    assert report == {
        "source": str(repo),
        "kind": "git",
        "imported": 6,
        "updated": 0,
        "duplicates": 0,
        "skipped": 0,
        "warnings": [],
        "notes": [],
    }
    c = _changes(workspace)
    first = c["first"]
    assert (first.author_name, first.author_email) == ("Ana Okafor", "ana@example.com")  # mailmap
    assert first.authored_at.isoformat() == "2026-01-05T07:00:00+00:00"  # the instant, in UTC
    assert (first.additions, first.files_changed) == (2, 2)  # binary counts as a file, no lines
    renamed = c["rename and binary"]
    assert renamed.files == ["blob.bin", "guide.txt"]  # the new path of a rename
    assert (renamed.additions, renamed.deletions) == (1, 0)
    assert renamed.co_authors == ["Marco Silva <marco@example.com>"]  # mailmapped co-author
    merge = next(ch for title, ch in c.items() if title.startswith("Merge branch"))
    assert merge.is_merge and merge.files_changed == 0
    assert not c["side work"].is_merge
    assert first.person_id == c["main work"].person_id  # one person despite the old address


def test_reimport_changes_nothing_and_new_commits_are_added(workspace: Path, repo: Path) -> None:
    import_json("git", repo)
    before = counts(workspace)
    again = import_json("git", repo)
    assert (again["imported"], again["duplicates"]) == (0, 6)
    assert counts(workspace) == before
    (repo / "more.txt").write_text("x\n")
    _commit(repo, "more", "Ben Carter <ben@example.com>", "2026-01-10T10:00:00+00:00")
    third = import_json("git", repo)
    assert (third["imported"], third["duplicates"]) == (1, 6)


def test_person_scopes_the_import(workspace: Path, repo: Path) -> None:
    assert run("people", "add", "ana@example.com", "--name", "Ana Okafor").exit_code == 0
    report = import_json("git", repo, extra=("--person", "ana@example.com"))
    assert (report["imported"], report["skipped"]) == (5, 1)  # Ben's side commit is skipped
    # The same repository without the scope brings in what the scoped import skipped.
    unscoped = import_json("git", repo)
    assert (unscoped["imported"], unscoped["duplicates"]) == (1, 5)


def test_linking_an_identity_attributes_existing_records(workspace: Path, repo: Path) -> None:
    import_json("git", repo)
    assert run("people", "add", "benjamin@example.com", "--name", "Ben").exit_code == 0
    result = run("people", "link", "benjamin@example.com", "ben@example.com")
    assert result.exit_code == 2  # ben@example.com is already a person of its own
    assert "already belongs to ben@example.com" in result.stderr
    linked = run("people", "link", "ben@example.com", "github:bcarter")
    assert linked.stdout.strip() == "Linked github:bcarter to ben@example.com; 0 records attributed"


def test_since_and_all(workspace: Path, repo: Path) -> None:
    report = import_json("git", repo, extra=("--since", "2026-01-07T12:00:00Z"))
    # Main work, the merge and the mailmap commit; side work (01-07 10:00) falls before.
    assert report["imported"] == 3
    git(repo, "branch", "only-here", "HEAD~1")
    git(repo, "checkout", "-q", "only-here")
    (repo / "branch.txt").write_text("b\n")
    _commit(repo, "on a branch", "Ana Okafor <ana@example.com>", "2026-01-11T10:00:00+00:00")
    git(repo, "checkout", "-q", "main")
    assert import_json("git", repo)["imported"] == 3  # HEAD: the rest of main
    assert import_json("git", repo, extra=("--all",))["imported"] == 1  # the branch commit


def test_not_a_repository(workspace: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    result = run("import", "git", str(plain))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: '{plain}' is not a git repository (a folder with .git, or a bare repository)",
        "Hint: see `perfpacket import --help` for the kinds and their formats",
    ]
    assert counts(workspace) == {"sources": 0}


def test_a_repository_without_commits(workspace: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    result = run("import", "git", str(empty))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: '{empty}' has no commits yet",
        "Hint: commit something, or check the path",
    ]
    assert counts(workspace) == {"sources": 0}


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs this project's git history")
def test_per_author_counts_equal_gits_own_on_a_real_history(workspace: Path) -> None:
    import_json("git", ROOT)
    expected = Counter(
        subprocess.run(
            ["git", "-C", str(ROOT), "log", "--no-merges", "--format=%aE"],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.lower()
        .split()
    )
    with find_workspace(workspace).open_store() as store, store.session() as s:
        stored = Counter(
            e for e, merge in s.execute(select(Change.author_email, Change.is_merge)) if not merge
        )
    assert stored == expected
    assert sum(stored.values()) >= 10


@pytest.mark.postgres
def test_imports_on_postgres(tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from perfpacket.workspace import init_workspace
    from tests.conftest import postgres_url, reset_postgres
    from tests.evidence.conftest import DATA

    url = postgres_url()
    reset_postgres(url)
    monkeypatch.setenv("PERFPACKET_DATABASE_URL", url)
    init_workspace(tmp_path / "pg")
    monkeypatch.chdir(tmp_path / "pg")
    assert import_json("git", repo)["imported"] == 6
    assert import_json("git", repo)["duplicates"] == 6
    assert import_json("pagerduty", DATA / "real/pagerduty/incidents_raw.json")["imported"] == 3
    assert counts(tmp_path / "pg") == {"change": 6, "incident": 3, "sources": 2}
    c = _changes(tmp_path / "pg")
    assert c["first"].authored_at.isoformat() == "2026-01-05T07:00:00+00:00"
    assert c["rename and binary"].co_authors == ["Marco Silva <marco@example.com>"]


def _in_a_terminal(args: list[str], cwd: Path) -> str:
    """What a command writes when its output is a terminal (a pseudo-terminal here)."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    done = subprocess.Popen(
        [sys.executable, "-m", "perfpacket", *args],
        cwd=cwd,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the command exited and closed the terminal
            break
        if not chunk:
            break
        out += chunk
    assert done.wait(timeout=120) == 0, out
    os.close(leader)
    return out.decode("utf-8", errors="replace")


def test_an_import_shows_progress_on_a_terminal_and_none_under_json(
    workspace: Path, repo: Path
) -> None:
    shown = _in_a_terminal(["import", "git", str(repo)], workspace)
    assert "Importing edge-repo" in shown
    git(repo, "commit", "-q", "--allow-empty", "-m", "one more")
    scripted = _in_a_terminal(["import", "git", str(repo), "--json"], workspace)
    assert "Importing" not in scripted
    assert json.loads(scripted[scripted.index("{") :])["imported"] == 1


def test_the_same_history_under_two_names_is_imported_once(workspace: Path, repo: Path) -> None:
    first = import_json("git", repo, extra=("--name", "ai-platform"))
    again = import_json("git", repo, extra=("--name", "ai-platform-mirror"))
    assert first["imported"] == 6
    assert (again["imported"], again["updated"], again["duplicates"]) == (0, 0, 6)
    changes = _changes(workspace)
    assert {c.repo for c in changes.values()} == {"ai-platform"}
