"""The gitlab connector and the gitlab-mrs importer against a local GitLab API on 127.0.0.1
that serves GitLab's documented example payloads (tests/data/real/gitlab, PROVENANCE.md): the
"List merge requests" example of the merge requests API and the merge request note example of
the notes API.

GitLab documents no example of an approval's system note, so the approval served here is the
documented note with the fields GitLab gives such a note: ``system: true`` and the body GitLab
writes ("approved this merge request"), by another author, on the listed merge request. That is
the one made-up part, and it is marked where it is built.
"""

from __future__ import annotations

import copy
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
from tests.sync.replay import Answer, Replay, serve

REAL = DATA / "real" / "gitlab"
PROJECT = "my-group/my-project"
ENCODED = "my-group%2Fmy-project"
JSON = [("content-type", "application/json")]


def _mrs() -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = json.loads(
        (REAL / "merge_requests_list.json").read_text(encoding="utf-8")
    )
    return listed


def _note() -> dict[str, Any]:
    note: dict[str, Any] = json.loads((REAL / "merge_request_note.json").read_text("utf-8"))
    return note


def _approval(mr: dict[str, Any], note_id: int, body: str, at: str) -> dict[str, Any]:
    """Made up from the documented note: an approval system note on ``mr``."""
    note = copy.deepcopy(_note())
    note.update(
        id=note_id,
        body=body,
        system=True,
        created_at=at,
        updated_at=at,
        noteable_id=mr["id"],
        noteable_iid=mr["iid"],
        project_id=mr["project_id"],
    )
    note["author"].update(id=87854, username="DouweM", name="Douwe Maan")
    return note


class GitLab:
    def __init__(self) -> None:
        self.mrs = _mrs()
        mr = self.mrs[0]
        self.notes = [
            _note(),
            _approval(mr, 302, "approved this merge request", "2018-09-07T10:00:00Z"),
        ]
        self.queries: list[dict[str, str]] = []

    def merge_requests(self, headers: dict[str, str], query: dict[str, str]) -> Answer:
        assert headers["private-token"] == TOKEN
        self.queries.append(query)
        found = self.mrs
        if "updated_after" in query:
            found = [m for m in found if m["updated_at"] >= query["updated_after"]]
        return Answer(200, JSON, json.dumps(found))

    def notes_of(self, headers: dict[str, str], query: dict[str, str]) -> Answer:
        assert headers["private-token"] == TOKEN and query["sort"] == "asc"
        return Answer(200, JSON, json.dumps(self.notes))

    def replay(self) -> Replay:
        replay = Replay()
        replay.add(f"/api/v4/projects/{ENCODED}/merge_requests", self.merge_requests)
        replay.add(f"/api/v4/projects/{ENCODED}/merge_requests/1/notes", self.notes_of)
        return replay


def _setup(root: Path, base: str, monkeypatch: pytest.MonkeyPatch, project: str = PROJECT) -> None:
    monkeypatch.setenv("GL_TOKEN_TEST", TOKEN)
    configure(
        root,
        f'kind = "gitlab"\nurl = "{base}"\ntoken_env = "GL_TOKEN_TEST"\nprojects = ["{project}"]\n',
    )


def test_a_sync_stores_what_the_file_importer_stores(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = GitLab()
    with serve(site.replay()) as base:
        _setup(workspace, base, monkeypatch)
        report = sync()["sources"][0]
    assert report["imported"] == 2  # the merge request and its one approval
    assert site.queries[0] == {
        "state": "all",
        "order_by": "updated_at",
        "sort": "asc",
        "per_page": "100",
    }
    # The listing and its notes saved in one file, through the file importer.
    export = tmp_path / "mrs.json"
    export.write_text(json.dumps(site.mrs) + "\n" + json.dumps(site.notes), encoding="utf-8")
    other = imported_elsewhere(tmp_path, monkeypatch, ("import", "gitlab-mrs", str(export)))
    assert comparable(workspace) == comparable(other)
    by_kind = {kind: (key, fields) for kind, key, fields, _ in stored(other)}
    key, mr = by_kind["change"]
    raw = site.mrs[0]
    assert key == f"{PROJECT}!1" and mr["author_name"] == raw["author"]["username"] == "admin"
    assert mr["merged_at"].isoformat().replace("+00:00", "Z") == "2018-09-07T11:16:17.520000Z"
    assert mr["labels"] == sorted(raw["labels"]) and mr["comments"] == raw["user_notes_count"]
    key, review = by_kind["review"]
    assert (review["reviewer"], review["state"], review["number"]) == ("DouweM", "approved", 1)
    state = cursor(workspace, "gitlab")
    assert state == {"projects": {PROJECT: {"updated": "2017-04-29T08:46:00+00:00", "ids": [1]}}}


def test_a_resync_asks_from_the_cursor_and_takes_a_withdrawn_approval(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = GitLab()
    with serve(site.replay()) as base:
        _setup(workspace, base, monkeypatch)
        sync()
        before = stored(workspace)
        again = sync()["sources"][0]
        assert again["unchanged"] is True and stored(workspace) == before
        assert site.queries[-1]["updated_after"] == "2017-04-29T08:46:00Z"
    # The approval is withdrawn, which touches the merge request's update time only.
    site.mrs[0]["updated_at"] = "2018-09-08T09:00:00Z"
    site.notes.append(
        _approval(site.mrs[0], 303, "unapproved this merge request", "2018-09-08T09:00:00Z")
    )
    with serve(site.replay()) as base:
        point_at(workspace, base)
        third = sync()["sources"][0]
    # The withdrawal is new; the merge request's fields are as stored, so it is not rewritten.
    assert (third["imported"], third["updated"], third["duplicates"]) == (1, 0, 2)
    states = sorted(f["state"] for kind, _, f, _ in stored(workspace) if kind == "review")
    assert states == ["approved", "unapproved"]


def test_an_unknown_project_names_the_source_and_the_fix(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve(GitLab().replay()) as base:
        _setup(workspace, base, monkeypatch, project="my-group/nothing-here")
        result = run("sync", "--json")
    assert result.exit_code == 2
    failure = json.loads(result.stdout)["sources"][0]
    said = failure["error"] + " " + failure["hint"]
    assert "was not found" in said and "check projects in [[sync]] 'gitlab'" in said
    assert counts(workspace) == {"sources": 0}


def test_an_approval_whose_merge_request_is_not_in_the_file_is_refused(
    workspace: Path, tmp_path: Path
) -> None:
    mrs = _mrs()
    stray = _approval(
        {**mrs[0], "iid": 7}, 400, "Approved this merge request", "2018-01-01T00:00:00Z"
    )
    export = tmp_path / "mrs.json"
    export.write_text(json.dumps(mrs) + "\n" + json.dumps([stray]), encoding="utf-8")
    done = run("import", "gitlab-mrs", str(export))
    assert done.exit_code == 2
    said = " ".join(done.stderr.split())
    assert "notes[0].noteable_iid: merge request !7 of project 3 is not in the file" in said
    assert counts(workspace) == {"sources": 0}
