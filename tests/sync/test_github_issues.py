"""GitHub issues through the github connector (``include = ["issues"]``) and the github-issues
importer, on GitHub's own recorded answers served from 127.0.0.1:

- octokit/fixtures' ``paginate-issues`` scenario (tests/data/real/octokit_fixtures): 13 issues
  over five pages joined by ``Link: rel="next"`` headers, as GitHub answered them in 2022;
- PyGithub's recorded ``GET /repos/PyGithub/PyGithub/issues`` of 2012
  (tests/data/real/pygithub_replay, PROVENANCE.md): 16 open issues in the 2012 shape, in which
  every issue carries a ``pull_request`` object with null addresses; the recorded
  ``?state=closed&milestone=3`` page (issues closed in March 2012, assigned); and a recorded
  2025 page of closed issues with their issue types and close reasons.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from perfpacket.evidence.importers.github import is_pull
from tests.evidence.conftest import DATA, counts, run
from tests.sync.conftest import (
    TOKEN,
    comparable,
    configure,
    cursor,
    imported_elsewhere,
    point_at,
    stored,
    sync,
)
from tests.sync.replay import Answer, Replay, exchanges, serve

OCTOKIT = DATA / "real" / "octokit_fixtures" / "paginate-issues" / "normalized-fixture.json"
FIXTURE_REPO = "octokit-fixture-org/paginate-issues"
PYGITHUB = "PyGithub/PyGithub"


def _octokit() -> list[dict[str, Any]]:
    recorded: list[dict[str, Any]] = json.loads(OCTOKIT.read_text(encoding="utf-8"))
    return recorded


def _answer(exchange: dict[str, Any]) -> Answer:
    headers = [(k, str(v)) for k, v in exchange["headers"].items()]
    return Answer(exchange["status"], headers, json.dumps(exchange["response"]))


def _octokit_replay() -> Replay:
    """The five recorded pages where they were: the first under the repository's name, the
    rest under /repositories/1000 as the recorded Link headers say."""
    pages = _octokit()
    replay = Replay()
    replay.add(f"/repos/{FIXTURE_REPO}/issues", _answer(pages[0]))
    for n, page in enumerate(pages[1:], start=2):
        replay.add("/repositories/1000/issues", _answer(page), page=str(n))
    return replay


def _setup(root: Path, base: str, repo: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GH_TOKEN_TEST", TOKEN)
    configure(
        root,
        f'name = "issues"\nkind = "github"\nurl = "{base}"\ntoken_env = "GH_TOKEN_TEST"\n'
        f'repos = ["{repo}"]\ninclude = ["issues"]\n',
    )


def test_issues_follow_the_link_pages_and_match_the_file_import(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replay = _octokit_replay()
    with serve(replay) as base:
        _setup(workspace, base, FIXTURE_REPO, monkeypatch)
        report = sync()["sources"][0]
    listed = [issue for page in _octokit() for issue in page["response"]]
    assert (report["imported"], report["pages"]) == (len(listed), 5) == (13, 5)
    first = replay.requests[0][1]
    assert "state=all" in first and "sort=updated" in first and "direction=asc" in first
    assert [t.split("page=")[-1] for _, t, _ in replay.requests[1:]] == ["2", "3", "4", "5"]
    # The pages saved as `gh api --paginate` saves them, through the file importer.
    export = tmp_path / "issues.json"
    export.write_text("\n".join(json.dumps(p["response"]) for p in _octokit()), encoding="utf-8")
    other = imported_elsewhere(tmp_path, monkeypatch, ("import", "github-issues", str(export)))
    assert comparable(workspace) == comparable(other)
    tickets = {f["key"]: f for _, _, f, _ in stored(workspace)}
    assert set(tickets) == {f"{FIXTURE_REPO}#{i['number']}" for i in listed}
    assert {t["state"] for t in tickets.values()} == {"open"}
    assert {t["reporter"] for t in tickets.values()} == {"octokit-fixture-user-a"}
    state = cursor(workspace, "issues")
    assert state is not None
    newest = max(i["updated_at"] for i in listed).replace("Z", "+00:00")
    assert state["repos"][FIXTURE_REPO]["issues"]["updated"] == newest
    # Every issue was updated at that same instant: all are the cursor's, so none is fetched
    # into the store again.
    assert len(state["repos"][FIXTURE_REPO]["issues"]["ids"]) == 13
    monkeypatch.chdir(workspace)
    with serve(_octokit_replay()) as base:
        point_at(workspace, base)
        again = sync()["sources"][0]
    assert again["unchanged"] is True and again["imported"] == again["updated"] == 0


def test_an_issue_of_2012_is_an_issue_and_a_listed_pull_request_is_left_out(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In 2012 GitHub gave every issue a ``pull_request`` object with null addresses: all 16
    issues of the recorded page are issues. A pull request listed among issues (its object
    has addresses, as GitHub lists them today) is left to the pull request listing."""
    listing = exchanges("Repository.testGetIssues")[0]
    items = listing.json()
    assert len(items) == 16 and all(i["pull_request"]["html_url"] is None for i in items)
    replay = Replay()
    replay.add(f"/repos/{PYGITHUB}/issues", Answer.of(listing))
    with serve(replay) as base:
        _setup(workspace, base, PYGITHUB, monkeypatch)
        report = sync()["sources"][0]
    assert report["imported"] == 16 and counts(workspace) == {"ticket": 16, "sources": 1}
    # The same page with one item made a pull request as GitHub lists them now.
    items[0]["pull_request"] = {
        "url": f"https://api.github.com/repos/{PYGITHUB}/pulls/{items[0]['number']}",
        "html_url": f"https://github.com/{PYGITHUB}/pull/{items[0]['number']}",
    }
    export = tmp_path / "issues.json"
    export.write_text(json.dumps(items), encoding="utf-8")
    done = run("import", "github-issues", str(export), "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["notes"] == [
        f"'{export}': 1 pull requests listed among the issues were left out; import them "
        "with github-prs"
    ]


def test_issue_types_and_close_reasons_are_read_as_github_gives_them(
    workspace: Path, tmp_path: Path
) -> None:
    """The recorded 2025 page of closed issues with their types (Bug, Task, Feature)."""
    page = next(
        e for e in exchanges("Repository.testGetIssuesWithTypeWildcard") if "closed" in e.path
    )
    export = tmp_path / "typed.json"
    export.write_text(page.body, encoding="utf-8")
    assert run("import", "github-issues", str(export)).exit_code == 0
    tickets = {f["key"]: f for _, _, f, _ in stored(workspace)}
    for issue in page.json():
        ticket = tickets[f"{PYGITHUB}#{issue['number']}"]
        assert ticket["issue_type"] == issue["type"]["name"]
        assert issue["state_reason"] == "completed" and ticket["state"] == "done"
    assert {t["issue_type"] for t in tickets.values()} == {"Bug", "Task", "Feature"}


def test_a_closed_issue_is_done_and_belongs_to_its_assignee(
    workspace: Path, tmp_path: Path
) -> None:
    """The recorded closed-issues page: each issue's close time and assignee as GitHub gave
    them. The assignee linked to a person gets the tickets; the reporter does not."""
    page = next(
        e for e in exchanges("Repository.testGetIssuesWithArguments") if "state=closed" in e.path
    )
    issues = [i for i in page.json() if not is_pull(i)]
    export = tmp_path / "closed.json"
    export.write_text(page.body, encoding="utf-8")
    assert run("people", "add", "vincent@example.com", "--name", "Vincent").exit_code == 0
    assert run("people", "link", "vincent@example.com", "github:jacquev6").exit_code == 0
    done = run("import", "github-issues", str(export), "--json")
    assert done.exit_code == 0, done.output
    tickets = {f["key"]: (f, person) for _, _, f, person in stored(workspace)}
    assert len(tickets) == len(issues) == 4
    for issue in issues:
        ticket, person = tickets[f"{PYGITHUB}#{issue['number']}"]
        assert ticket["state"] == "done" and ticket["status"] == "closed"
        assert ticket["resolved_at"].isoformat().replace("+00:00", "Z") == issue["closed_at"]
        assert ticket["assignee"] == issue["assignee"]["login"] == "jacquev6"
        assert person is not None
        # A listing holds no status changes: the ticket says its history is not whole.
        assert ticket["history"] == [] and ticket["history_complete"] is False


def test_include_names_only_what_a_github_source_syncs(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GH_TOKEN_TEST", TOKEN)
    configure(
        workspace,
        'kind = "github"\ntoken_env = "GH_TOKEN_TEST"\nrepos = ["a/b"]\ninclude = ["wikis"]\n',
    )
    result = run("sync", "--dry-run")
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "include: 'wikis' is not something a github source syncs" in said
    assert counts(workspace) == {"sources": 0}
