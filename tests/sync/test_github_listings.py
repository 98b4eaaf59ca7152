"""The github connector's repository listings in ``repos`` ("org:ORG", "team:ORG/TEAM",
"user:LOGIN", "user:me") against GitHub's recorded answers (PyGithub's replay data,
tests/data/real/pygithub_replay, PROVENANCE.md): an organisation's two repositories, a team's
one, and the 16 and 11 repositories of one person, two of them forks. Each listed repository's
pull requests are then asked for; the local server answers an empty list for them, which is
what the listing test is about (the pull request path has tests of its own)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.evidence.conftest import counts, run
from tests.sync.conftest import TOKEN, configure, cursor, sync
from tests.sync.replay import Answer, Replay, exchanges, serve

JSON = [("content-type", "application/json")]
# Each listing: the path it is asked at, the recording that answers it (and which exchange),
# and the query it must carry.
LISTINGS = {
    "org:BeaverSoftware": (
        "/orgs/BeaverSoftware/repos",
        ("Organization.testGetRepos", 0),
        {"type": "all", "per_page": "100"},
    ),
    "team:BeaverSoftware/father-beaver": (
        "/orgs/BeaverSoftware/teams/father-beaver/repos",
        # The team after FatherBeaver was added to it (the recording's sixth exchange).
        ("Team.testRepos", 5),
        {"per_page": "100"},
    ),
    "user:me": (
        "/user/repos",
        ("AuthenticatedUser.testGetRepos", 0),
        {"affiliation": "owner,collaborator", "per_page": "100"},
    ),
    "user:jacquev6": (
        "/users/jacquev6/repos",
        ("NamedUser.testGetRepos", 0),
        {"type": "owner", "per_page": "100"},
    ),
}


def _recorded(listing: str) -> tuple[list[str], list[str]]:
    """The recorded listing's repositories and forks, read here from the raw exchange."""
    _, (name, index), _ = LISTINGS[listing]
    repos = exchanges(name)[index].json()
    assert isinstance(repos, list)
    return (
        [r["full_name"] for r in repos if not r["fork"]],
        [r["full_name"] for r in repos if r["fork"]],
    )


def _replay(*listings: str) -> Replay:
    replay = Replay()
    for listing in listings:
        path, (name, index), _ = LISTINGS[listing]
        replay.add(path, Answer.of(exchanges(name)[index]))
        repos, forks = _recorded(listing)
        for repo in repos + forks:
            replay.add(f"/repos/{repo}/pulls", Answer(200, JSON, "[]"))
    return replay


def _setup(root: Path, base: str, monkeypatch: pytest.MonkeyPatch, *repos: str) -> None:
    monkeypatch.setenv("GH_TOKEN_TEST", TOKEN)
    configure(
        root,
        f'kind = "github"\nurl = "{base}"\ntoken_env = "GH_TOKEN_TEST"\n'
        f"repos = {json.dumps(list(repos))}\n",
    )


def _asked(replay: Replay) -> list[tuple[str, dict[str, str]]]:
    return [
        (urlsplit(target).path, dict(parse_qsl(urlsplit(target).query)))
        for _, target, _ in replay.requests
    ]


@pytest.mark.parametrize("listing", list(LISTINGS))
def test_a_listing_syncs_every_repository_it_holds_but_its_forks(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, listing: str
) -> None:
    repos, forks = _recorded(listing)
    replay = _replay(listing)
    with serve(replay) as base:
        _setup(workspace, base, monkeypatch, listing)
        report = sync()["sources"][0]
    asked = _asked(replay)
    path, _, query = LISTINGS[listing]
    assert asked[0] == (path, query)
    assert [p for p, _ in asked[1:]] == [f"/repos/{r}/pulls" for r in repos]
    assert report["imported"] == 0 and counts(workspace) == {"sources": 0}
    state = cursor(workspace, "github")
    assert state is not None and sorted(state["repos"]) == sorted(repos)
    said = [n for n in report["notes"] if "forks passed over" in n]
    if forks:
        assert len(said) == 1 and said[0].startswith(f"{listing}: {len(forks)} forks passed over")
    else:
        assert said == []


def test_a_repository_both_named_and_listed_is_synced_once(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replay = _replay("org:BeaverSoftware", "team:BeaverSoftware/father-beaver")
    with serve(replay) as base:
        _setup(
            workspace,
            base,
            monkeypatch,
            "BeaverSoftware/FatherBeaver",
            "team:BeaverSoftware/father-beaver",
            "org:BeaverSoftware",
        )
        sync()
    pulls = [p for p, _ in _asked(replay) if p.endswith("/pulls")]
    # Named first, then what the listings add, each once.
    assert pulls == [
        "/repos/BeaverSoftware/FatherBeaver/pulls",
        "/repos/BeaverSoftware/TestPyGithub/pulls",
    ]


@pytest.mark.parametrize("item", ["team:BeaverSoftware", "org:a/b", "user:", "group:acme", "acme"])
def test_a_repos_item_that_is_neither_a_repository_nor_a_listing_is_refused_before_any_request(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, item: str
) -> None:
    replay = Replay()
    with serve(replay) as base:
        _setup(workspace, base, monkeypatch, item)
        for command in (("sync", "--dry-run"), ("sync",)):
            done = run(*command)
            assert done.exit_code == 2
            said = " ".join(done.output.split())
            assert (
                f"repos: '{item}' is not OWNER/REPO, org:ORG, team:ORG/TEAM or user:LOGIN" in said
            )
            assert '"user:me"' in said
    assert replay.requests == [] and counts(workspace) == {"sources": 0}


def test_dry_run_says_it_will_list_the_repositories_then_read_them(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setup(workspace, "https://api.github.com", monkeypatch, "acme/ai", "team:acme/ml-platform")
    done = run("sync", "--dry-run")
    assert done.exit_code == 0, done.output
    said = " ".join(done.output.split())
    assert "the list of the repositories of team:acme/ml-platform (forks passed over)" in said
    assert "every pull request and review of acme/ai (first sync)" in said
    assert "everything of each repository listed for the first time" in said
