"""The github connector against GitHub's own recorded answers, served on 127.0.0.1.

The pull requests are PyGithub/PyGithub's as GitHub answered PyGithub's recorded tests
(tests/data/real/pygithub_replay, PROVENANCE.md): page 1 is pull request #538 as
``GET /repos/PyGithub/PyGithub/pulls/538`` returned it, page 2 the recorded
``GET /repos/PyGithub/PyGithub/pulls?state=closed`` (#39, #32, #31). #538's reviews are the
recorded ``GET .../pulls/538/reviews``; #39, #32 and #31 closed in May 2012, four years before
GitHub had reviews, so their reviews lists are empty, as the API answers for them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from perfpacket.evidence.sync.config import load_sources
from perfpacket.evidence.sync.run import sync_source
from perfpacket.store.models import SyncCursor
from perfpacket.workspace import find_workspace
from tests.evidence.conftest import counts, run
from tests.sync.conftest import (
    TOKEN,
    comparable,
    configure,
    cursor,
    imported_elsewhere,
    stored,
    sync,
)
from tests.sync.replay import RECORDED_HOST, Answer, Replay, exchanges, serve

REPO = "PyGithub/PyGithub"
OLD = (39, 32, 31)


def _pr_538() -> Answer:
    single = exchanges("PullRequestReview.testDoesNotModifyPullRequest")[0]
    link = f'<{RECORDED_HOST}/repos/{REPO}/pulls?page=2>; rel="next"'
    return Answer.of(single, body=f"[{single.body}]", headers=[*single.headers, ("link", link)])


def _replay() -> Replay:
    replay = Replay()
    replay.add(f"/repos/{REPO}/pulls", _pr_538())
    replay.add(
        f"/repos/{REPO}/pulls",
        Answer.of(exchanges("Repository.testGetPullsWithArguments")[0]),
        page="2",
    )
    replay.add(
        f"/repos/{REPO}/pulls/538/reviews",
        Answer.of(exchanges("PullRequestReview.testAttributes")[0]),
    )
    for number in OLD:
        replay.add(
            f"/repos/{REPO}/pulls/{number}/reviews",
            Answer(200, [("content-type", "application/json")], "[]"),
        )
    return replay


def _setup(root: Path, base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GH_TOKEN_TEST", TOKEN)
    configure(
        root,
        f'name = "pygithub"\nkind = "github"\nurl = "{base}"\ntoken_env = "GH_TOKEN_TEST"\n'
        f'repos = ["{REPO}"]\n',
    )


def test_a_sync_stores_what_the_file_importer_stores_from_the_same_pages(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replay = _replay()
    with serve(replay) as base:
        _setup(workspace, base, monkeypatch)
        report = sync()["sources"][0]
    # What the recordings hold, read here independently of the connector.
    reviews = [r for r in exchanges("PullRequestReview.testAttributes")[0].json()]
    listed = [exchanges("PullRequestReview.testDoesNotModifyPullRequest")[0].json()]
    listed += exchanges("Repository.testGetPullsWithArguments")[0].json()
    assert report["imported"] == len(listed) + len(reviews) == 4 + 5
    assert report["first"] is True
    assert counts(workspace) == {"change": 4, "review": 5, "sources": 1}
    # The token went in the Authorization header of every request, and nowhere else.
    assert all(h.get("authorization") == f"Bearer {TOKEN}" for _, _, h in replay.requests)
    assert TOKEN not in json.dumps(report)

    # The same pages saved as `gh api --paginate` would save them, through the file importer.
    export = tmp_path / "export.json"
    export.write_text("\n".join(json.dumps(doc) for doc in (listed, reviews)), encoding="utf-8")
    other = imported_elsewhere(tmp_path, monkeypatch, ("import", "github-prs", str(export)))
    synced = comparable(workspace)
    assert synced == comparable(other)
    by_key = {key: fields for _, key, fields, _ in synced}
    pr = by_key[f"{REPO}#538"]
    assert pr["merged_at"].isoformat().replace("+00:00", "Z") == listed[0]["merged_at"]
    assert pr["author_name"] == listed[0]["user"]["login"]
    assert {by_key[f"{REPO}#{n}"]["title"] for n in OLD} == {p["title"] for p in listed[1:]}
    assert sorted(f["reviewer"] for k, _, f, _ in synced if k == "review") == sorted(
        r["user"]["login"] for r in reviews
    )


def test_a_second_sync_costs_one_304_and_changes_nothing(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replay = _replay()
    with serve(replay) as base:
        _setup(workspace, base, monkeypatch)
        sync()
        before, state = stored(workspace), cursor(workspace, "pygithub")
        asked = len(replay.requests)
        again = sync()["sources"][0]
    assert again["unchanged"] is True and again["imported"] == again["updated"] == 0
    # One request, with the first sync's ETag, answered 304: nothing else was fetched.
    assert len(replay.requests) == asked + 1
    _, target, headers = replay.requests[-1]
    assert target.startswith(f"/repos/{REPO}/pulls?")
    assert headers["if-none-match"] == state["repos"][REPO]["etag"]  # type: ignore[index]
    assert stored(workspace) == before and cursor(workspace, "pygithub") == state
    # The cursor is the newest update stored: #538's.
    newest = exchanges("PullRequestReview.testDoesNotModifyPullRequest")[0].json()["updated_at"]
    assert state["repos"][REPO]["since"] == newest  # type: ignore[index]


def test_the_listing_stops_at_the_first_pull_request_not_updated_since_the_cursor(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an ETag (a server that sends none), the newest-first listing stops at the first
    pull request the last sync stored: page 2 is never asked for."""
    replay = _replay()
    newest = exchanges("PullRequestReview.testDoesNotModifyPullRequest")[0].json()["updated_at"]
    with serve(replay) as base:
        _setup(workspace, base, monkeypatch)
        ws = find_workspace(workspace)
        with ws.open_store() as store:
            with store.session() as s:
                s.add(
                    SyncCursor(
                        name="pygithub",
                        kind="github",
                        state={"repos": {REPO: {"since": newest}}},
                        synced_at=datetime.now(UTC),
                    )
                )
            report = sync_source(store, load_sources(ws.config)[0])
    assert report.imported == 0 and report.pages == 1
    assert [t for _, t, _ in replay.requests if "page=2" in t] == []


def test_errors_name_the_source_and_the_fix_and_store_nothing(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad_auth = exchanges("Exceptions.testBadAuthentication")[0]
    missing = exchanges("Exceptions.testUnknownObject")[1]
    for answer, expected, hint in (
        (
            Answer.of(bad_auth),
            "refused the token in $GH_TOKEN_TEST (401 Bad credentials)",
            "valid, unexpired token",
        ),
        (Answer.of(missing), f"/repos/{REPO}/pulls", "check repos in [[sync]] 'pygithub'"),
    ):
        replay = Replay()
        replay.add(f"/repos/{REPO}/pulls", answer)
        with serve(replay) as base:
            path = workspace / "perfpacket.toml"
            saved = path.read_text(encoding="utf-8")
            _setup(workspace, base, monkeypatch)
            result = run("sync", "--json")
            path.write_text(saved, encoding="utf-8")
        assert result.exit_code == 2
        failure = json.loads(result.stdout)["sources"][0]
        assert expected in failure["error"] and "pygithub" in failure["error"]
        assert hint in failure["hint"]
        assert TOKEN not in result.stdout
        assert counts(workspace) == {"sources": 0}
        assert cursor(workspace, "pygithub") is None


def test_details_read_each_pull_requests_own_page_for_its_counts_and_size(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With include = ["pulls", "details"], each pull request's own page is read: the listing
    has no comment counts, lines or files. PyGithub recorded the own pages of #538, #39 and
    #31 (not #32), so the second listing page is the recorded one without #32."""
    detail_31 = exchanges("PullRequest.setUp")[1]
    detail_39 = exchanges("PullRequest.testMergeWithCommitMessage")[0]
    assert detail_31.path.endswith("/pulls/31") and detail_39.path.endswith("/pulls/39")
    listing = exchanges("Repository.testGetPullsWithArguments")[0]
    without_32 = [pr for pr in listing.json() if pr["number"] != 32]
    replay = _replay()
    replay.add(f"/repos/{REPO}/pulls", Answer.of(listing, body=json.dumps(without_32)), page="2")
    single_538 = exchanges("PullRequestReview.testDoesNotModifyPullRequest")[0]
    for number, exchange in ((538, single_538), (39, detail_39), (31, detail_31)):
        replay.add(f"/repos/{REPO}/pulls/{number}", Answer.of(exchange))
    with serve(replay) as base:
        _setup(workspace, base, monkeypatch)
        path = workspace / "perfpacket.toml"
        path.write_text(path.read_text() + 'include = ["pulls", "details"]\n')
        report = sync()["sources"][0]
    assert report["imported"] == 3 + 5
    asked = [t.split("?")[0] for _, t, _ in replay.requests]
    assert sorted(a for a in asked if a.rsplit("/", 1)[-1].isdigit()) == [
        f"/repos/{REPO}/pulls/{n}" for n in (31, 39, 538)
    ]
    by_number = {f["number"]: f for kind, _, f, _ in stored(workspace) if kind == "change"}
    pages = {n: e.json() for n, e in ((538, single_538), (39, detail_39), (31, detail_31))}
    for number, page in pages.items():
        pr = by_number[number]
        assert pr["comments"] == page["comments"] + page["review_comments"]
        assert (pr["additions"], pr["deletions"], pr["files_changed"]) == (
            page["additions"],
            page["deletions"],
            page["changed_files"],
        )
    assert (by_number[31]["comments"], by_number[31]["additions"]) == (3, 511)
    # A pull request's own page counts its files and names none: which files is unknown.
    assert all(pr["files"] is None for pr in by_number.values())
    # The same own pages, saved and imported as files, give the same records.
    reviews = exchanges("PullRequestReview.testAttributes")[0].json()
    export = tmp_path / "export.json"
    export.write_text(
        "\n".join(json.dumps(doc) for doc in (list(pages.values()), reviews)), encoding="utf-8"
    )
    # A listing of the same versions, imported after, holds no sizes: they are kept.
    listing_file = tmp_path / "listing.json"
    page_only = ("additions", "deletions", "changed_files", "comments", "review_comments")
    listed = {k: v for k, v in pages[538].items() if k not in page_only}
    listing_file.write_text(json.dumps([listed]), encoding="utf-8")
    done = run("import", "github-prs", str(listing_file), "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["updated"] == 0
    kept = {f["number"]: f for kind, _, f, _ in stored(workspace) if kind == "change"}[538]
    assert (kept["additions"], kept["comments"]) == (
        by_number[538]["additions"],
        by_number[538]["comments"],
    )
    other = imported_elsewhere(tmp_path, monkeypatch, ("import", "github-prs", str(export)))
    assert comparable(workspace) == comparable(other)


def test_details_without_pulls_are_refused(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setup(workspace, "https://api.github.com", monkeypatch)
    path = workspace / "perfpacket.toml"
    path.write_text(path.read_text() + 'include = ["details"]\n')
    result = run("sync", "--dry-run")
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert '"details" are the pull requests\' own pages' in said
    assert 'include = ["pulls", "details"]' in said
