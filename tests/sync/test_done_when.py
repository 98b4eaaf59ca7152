"""The connectors issue's promise, whole: a workspace whose perfpacket.toml names a GitHub
repository, a Jira query and an MLflow server runs one ``perfpacket sync`` and holds the same
evidence records as the file importers make of the equivalent exports; a second sync changes
nothing. Each source is the one its own tests use (GitHub's recorded answers, the recorded Jira
search, a real MLflow tracking server on 127.0.0.1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.evidence.conftest import run
from tests.sync.conftest import comparable, imported_elsewhere, stored, sync
from tests.sync.replay import exchanges, serve
from tests.sync.test_github import _replay as github_replay
from tests.sync.test_github import _setup as github_setup
from tests.sync.test_jira import REAL as JIRA_SEARCH
from tests.sync.test_jira import Jira
from tests.sync.test_jira import _setup as jira_setup
from tests.sync.test_mlflow import PERSON, _log, db_url, tracking
from tests.sync.test_mlflow import _setup as mlflow_setup

__all__ = ["db_url", "tracking"]  # the fixtures: SQLite, and a tracking server


def test_one_sync_of_three_kinds_equals_their_file_imports_and_a_second_changes_nothing(
    workspace: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tracking: tuple[str, Path],
) -> None:
    url, mlflow_db = tracking
    _log(url, "reranker-offline", [("reranker-v1", [(0, 0.55), (1, 0.61)])])
    github, jira = github_replay(), Jira()
    with serve(github) as github_base, serve(jira.replay()) as jira_base:
        mlflow_setup(workspace, url)
        github_setup(workspace, github_base, monkeypatch)
        jira_setup(workspace, jira_base, monkeypatch)
        first = {s["source"]: s for s in sync()["sources"]}
        before = stored(workspace)
        second = sync()["sources"]
    assert {name: s["imported"] for name, s in first.items()} == {
        "mlflow": 1,
        "pygithub": 9,
        "jira": 25,
    }
    assert all(s["unchanged"] and s["imported"] == s["updated"] == 0 for s in second)
    assert stored(workspace) == before

    reviews = exchanges("PullRequestReview.testAttributes")[0].json()
    listed = [exchanges("PullRequestReview.testDoesNotModifyPullRequest")[0].json()]
    listed += exchanges("Repository.testGetPullsWithArguments")[0].json()
    pulls = tmp_path / "pulls.json"
    pulls.write_text("\n".join(json.dumps(d) for d in (listed, reviews)), encoding="utf-8")
    other = imported_elsewhere(
        tmp_path,
        monkeypatch,
        ("people", "add", PERSON, "--name", "Ana"),
        ("import", "mlflow", str(mlflow_db), "--person", PERSON),
        ("import", "github-prs", str(pulls)),
        ("import", "jira-issues", str(JIRA_SEARCH)),
    )
    assert comparable(workspace) == comparable(other)
    kinds = json.loads(run("evidence", "list", "--json").stdout)
    assert {e["kind"] for e in kinds} == {"eval_run", "change", "review", "ticket"}
