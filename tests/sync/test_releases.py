"""Releases from GitHub and GitLab, synced and imported from a saved listing.

GitHub: the three pages of ``GET /repos/PyGithub/PyGithub/releases?per_page=10`` GitHub answered
PyGithub's recorded test (tests/data/real/pygithub_replay/RequesterThrottleTestCase.
testDeferRequests.txt, PROVENANCE.md): 30 releases of 2018–2021, four of them prereleases, with
GitHub's ``Link`` headers (pages 2 and 3 at ``/repositories/3544490/releases``) and ETags.

GitLab: the "List Releases" example of GitLab's release API documentation
(tests/data/real/gitlab/releases_list.json, PROVENANCE.md): v0.1 and v0.2 of root/awesome-app,
only the second with ``_links``.

What each listing holds is read here from the raw answers with the standard library, not
through the importer.
"""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

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

REPO = "PyGithub/PyGithub"
RECORDING = "RequesterThrottleTestCase.testDeferRequests"
JSON = [("content-type", "application/json")]


def _github_pages() -> list[Any]:
    return [e for e in exchanges(RECORDING) if "/releases" in e.path]


def _github_replay() -> Replay:
    first, second, third = _github_pages()
    replay = Replay()
    replay.add(f"/repos/{REPO}/releases", Answer.of(first))
    replay.add("/repositories/3544490/releases", Answer.of(second), page="2")
    replay.add("/repositories/3544490/releases", Answer.of(third), page="3")
    return replay


def _listed() -> list[dict[str, Any]]:
    return [r for page in _github_pages() for r in page.json()]


def _setup_github(root: Path, base: str, monkeypatch: pytest.MonkeyPatch, extra: str) -> None:
    monkeypatch.setenv("GH_TOKEN_TEST", TOKEN)
    configure(
        root,
        f'name = "pygithub"\nkind = "github"\nurl = "{base}"\ntoken_env = "GH_TOKEN_TEST"\n'
        f'repos = ["{REPO}"]\ninclude = ["releases"]\n{extra}',
    )


def _releases(root: Path) -> dict[str, dict[str, Any]]:
    return {f["version"]: f for kind, _, f, _ in stored(root) if kind == "release"}


def test_a_sync_stores_each_production_release_with_the_one_before_it(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replay = _github_replay()
    with serve(replay) as base:
        _setup_github(workspace, base, monkeypatch, 'release_artifact = "model"\n')
        report = sync()["sources"][0]
    listed = _listed()
    assert len(listed) == 30
    out = [r for r in listed if r["prerelease"] or r["draft"]]
    assert [r["tag_name"] for r in out] == ["v1.40a4", "v1.40a3", "v1.40a2", "v1.40a1"]
    kept = sorted((r for r in listed if r not in out), key=lambda r: r["published_at"])
    assert report["imported"] == len(kept) == 26
    assert report["pages"] == 3
    assert any("passed over 4 prereleases" in n for n in report["notes"])
    releases = _releases(workspace)
    assert set(releases) == {r["tag_name"] for r in kept}
    # The release before each is the one published just before it: v1.41 went out 49 s after
    # v1.42 although it was created first, so v1.42 comes before it.
    for before, after in itertools.pairwise(kept):
        assert releases[after["tag_name"]]["previous_version"] == before["tag_name"]
    assert releases["v1.41"]["previous_version"] == "v1.42"
    assert releases[kept[0]["tag_name"]]["previous_version"] is None
    assert all(r["artifact"] == "model" for r in releases.values())
    # A forge does not say whether a release was gated or rolled back: unknown, not no.
    assert all(r["gated"] is None and r["rolled_back"] is None for r in releases.values())
    assert releases["v1.55"]["released_at"].isoformat().replace("+00:00", "Z") == (
        "2021-04-26T04:44:57Z"
    )
    assert all(h.get("authorization") == f"Bearer {TOKEN}" for _, _, h in replay.requests)

    # The same pages saved by `gh api --paginate`, through the file importer.
    export = tmp_path / "releases.json"
    export.write_text(
        "".join(page.body for page in _github_pages()).replace("https://api.github.com", base),
        encoding="utf-8",
    )
    other = imported_elsewhere(
        tmp_path, monkeypatch, ("import", "github-releases", str(export), "--artifact", "model")
    )
    assert comparable(other) == comparable(workspace)


def test_a_second_sync_costs_one_304_and_a_new_artifact_reads_the_releases_again(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replay = _github_replay()
    with serve(replay) as base:
        _setup_github(workspace, base, monkeypatch, 'release_artifact = "model"\n')
        sync()
        before, asked = stored(workspace), len(replay.requests)
        again = sync()["sources"][0]
        assert again["unchanged"] is True
        assert len(replay.requests) == asked + 1
        headers = replay.requests[-1][2]
        assert headers["if-none-match"] == _github_pages()[0].header("etag")
        assert stored(workspace) == before
        assert cursor(workspace, "pygithub") == {
            "repos": {
                REPO: {"releases": {"etag": _github_pages()[0].header("etag"), "artifact": "model"}}
            }
        }

        # Said to be gateway releases now: the 304 no longer holds, every release changes.
        toml = workspace / "perfpacket.toml"
        toml.write_text(toml.read_text().replace('"model"', '"gateway"'), encoding="utf-8")
        changed = sync()["sources"][0]
    assert changed["updated"] == 26 and changed["imported"] == 0
    assert {r["artifact"] for r in _releases(workspace).values()} == {"gateway"}


def test_releases_are_the_publishers_and_a_linked_person_gets_theirs(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("people", "add", "sfdye@example.com", "--name", "S").exit_code == 0
    assert run("people", "link", "sfdye@example.com", "github:sfdye").exit_code == 0
    with serve(_github_replay()) as base:
        _setup_github(workspace, base, monkeypatch, 'release_artifact = "model"\n')
        sync()
    by_sfdye = {
        r["tag_name"] for r in _listed() if r["author"]["login"] == "sfdye" and not r["prerelease"]
    }
    theirs = {f["version"] for kind, _, f, p in stored(workspace) if kind == "release" and p}
    assert theirs == by_sfdye and len(theirs) == 15


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ("", "release_artifact: missing"),
        ('release_artifact = "modle"\n', "release_artifact: 'modle' is not a kind of release"),
    ],
)
def test_releases_without_a_known_artifact_are_refused_before_any_request(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, extra: str, says: str
) -> None:
    replay = _github_replay()
    with serve(replay) as base:
        _setup_github(workspace, base, monkeypatch, extra)
        done = run("sync", "--json")
        dry = run("sync", "--dry-run")
    text = " ".join((done.stdout + done.stderr).split())
    assert done.exit_code == 2 and says in text
    assert "model, prompt, gateway, cache, schema, tracing, deprecation, sustain" in text
    assert dry.exit_code == 2 and says in " ".join(dry.stderr.split())
    assert replay.requests == []
    assert counts(workspace) == {"sources": 0}


def test_a_file_of_releases_needs_its_artifact_and_stores_nothing_without_it(
    workspace: Path, tmp_path: Path
) -> None:
    export = tmp_path / "releases.json"
    export.write_text(_github_pages()[0].body, encoding="utf-8")
    done = run("import", "github-releases", str(export))
    assert done.exit_code == 2
    assert "--artifact: missing" in " ".join(done.stderr.split())
    assert counts(workspace) == {"sources": 0}
    done = run("import", "github-releases", str(export), "--artifact", "prompt", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["imported"] == 10
    # The same file said to be something else is a new import, not "already imported".
    done = run("import", "github-releases", str(export), "--artifact", "model", "--json")
    assert json.loads(done.stdout)["updated"] == 10


# --- GitLab ----------------------------------------------------------------------------------

GITLAB = DATA / "real" / "gitlab"
PROJECT = "root/awesome-app"
ENCODED = "root%2Fawesome-app"


def _gitlab_listed() -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = json.loads(
        (GITLAB / "releases_list.json").read_text(encoding="utf-8")
    )
    return listed


def _gitlab_replay(releases: list[dict[str, Any]]) -> Replay:
    replay = Replay()
    base = f"/api/v4/projects/{ENCODED}"
    replay.add(f"{base}/releases", Answer(200, JSON, json.dumps(releases)))
    mrs = json.loads((GITLAB / "merge_requests_list.json").read_text(encoding="utf-8"))
    replay.add(f"{base}/merge_requests", Answer(200, JSON, json.dumps(mrs)))
    for mr in mrs:
        replay.add(f"{base}/merge_requests/{mr['iid']}/notes", Answer(200, JSON, "[]"))
    return replay


def _setup_gitlab(root: Path, base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GL_TOKEN_TEST", TOKEN)
    configure(
        root,
        f'name = "gl"\nkind = "gitlab"\nurl = "{base}"\ntoken_env = "GL_TOKEN_TEST"\n'
        f'projects = ["{PROJECT}"]\ninclude = ["merge_requests", "releases"]\n'
        'release_artifact = "prompt"\n',
    )


def test_gitlab_releases_sync_with_the_merge_requests_and_match_the_file_import(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = _gitlab_listed()
    replay = _gitlab_replay(listed)
    with serve(replay) as base:
        _setup_gitlab(workspace, base, monkeypatch)
        report = sync()["sources"][0]
        state = cursor(workspace, "gl")
        point_at(workspace, base)
        again = sync()["sources"][0]
    assert report["imported"] == 1 + len(listed)  # the merge request and both releases
    assert again["unchanged"] is True
    # The merge requests' cursor and the releases' state live side by side.
    assert state is not None and set(state["projects"][PROJECT]) >= {"updated", "releases"}
    releases = _releases(workspace)
    assert set(releases) == {r["tag_name"] for r in listed} == {"v0.1", "v0.2"}
    assert releases["v0.2"]["previous_version"] == "v0.1"
    assert releases["v0.1"]["previous_version"] is None
    assert {r["artifact"] for r in releases.values()} == {"prompt"}
    keys = {k for kind, k, _, _ in stored(workspace) if kind == "release"}
    assert keys == {f"gitlab:{PROJECT}:release:v0.1", f"gitlab:{PROJECT}:release:v0.2"}
    # Asked for by release date, newest first, as GitLab documents.
    asked = [t for _, t, _ in replay.requests if "/releases" in t]
    assert "order_by=released_at" in asked[0] and "sort=desc" in asked[0]

    # The documented listing saved to a file: the project comes from v0.1's _links and from
    # v0.2's commit_path (GitLab's example gives _links to one of the two).
    other = imported_elsewhere(
        tmp_path,
        monkeypatch,
        ("import", "gitlab-releases", str(GITLAB / "releases_list.json"), "--artifact", "prompt"),
    )
    synced = [r for r in comparable(workspace) if r[0] == "release"]
    assert [r for r in comparable(other) if r[0] == "release"] == synced


def test_an_upcoming_gitlab_release_is_passed_over(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = _gitlab_listed()
    # Made up from the documented example: v0.2 scheduled for a later date, which GitLab
    # marks with upcoming_release.
    upcoming = copy.deepcopy(listed)
    upcoming[0].update(released_at="2099-01-01T00:00:00.000Z", upcoming_release=True)
    with serve(_gitlab_replay(upcoming)) as base:
        _setup_gitlab(workspace, base, monkeypatch)
        report = sync()["sources"][0]
    assert set(_releases(workspace)) == {"v0.1"}
    assert any("1 upcoming releases" in n for n in report["notes"])


def test_a_gitlab_include_that_is_not_known_is_refused(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GL_TOKEN_TEST", TOKEN)
    configure(
        workspace,
        'name = "gl"\nkind = "gitlab"\nurl = "http://127.0.0.1:9"\ntoken_env = "GL_TOKEN_TEST"\n'
        f'projects = ["{PROJECT}"]\ninclude = ["tags"]\n',
    )
    done = run("sync", "--json")
    assert done.exit_code == 2
    assert "include: 'tags' is not something a gitlab source syncs" in " ".join(done.stderr.split())
