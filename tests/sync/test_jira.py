"""The jira connector against a local Jira on 127.0.0.1 that serves real issues: a search
answer recorded from a Jira Cloud site with ``expand=changelog`` (25 issues with their status
changes, tests/data/real/jira/search_expand_changelog.json, PROVENANCE.md). The local site
answers in the documented envelopes of both deployments: Cloud's ``/rest/api/3/search/jql``
(``nextPageToken``, ``isLast``) and issue changelog pages (``values``, ``isLast``), and Data
Center's ``/rest/api/2/search`` (``startAt``, ``total``), ten issues a page, honouring the
``updated >=`` clause the connector adds, and refusing bad JQL as Jira does (400 with
``errorMessages``)."""

from __future__ import annotations

import base64
import copy
import json
import re
from datetime import UTC, datetime
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

REAL = DATA / "real" / "jira" / "search_expand_changelog.json"
# A site's field list as jira-cli's tests serve it (real; it has no Epic Link field).
FIELDS = DATA / "real" / "jira" / "jira-cli" / "fields.json"
# The Epic Link field of a Data Center site, in the field list's shape (written here: no
# recorded field list with one could be found). Its id differs from site to site.
EPIC_FIELD = "customfield_10005"
EPIC_LINK = {
    "id": EPIC_FIELD,
    "name": "Epic Link",
    "custom": True,
    "orderable": True,
    "navigable": True,
    "searchable": True,
    "clauseNames": ["cf[10005]", "Epic Link"],
    "schema": {
        "type": "any",
        "custom": "com.pyxis.greenhopper.jira:gh-epic-link",
        "customId": 10005,
    },
}
PAGE = 10
USER = "ana@example.com"
JSON = [("content-type", "application/json")]
UPDATED = re.compile(r'updated >= "(\d{4}-\d\d-\d\d \d\d:\d\d)"')


def _updated(issue: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(issue["fields"]["updated"]).astimezone(UTC)


class Jira:
    """A Jira site holding the recorded issues; ``truncate`` cuts an issue's changelog on
    search pages to its latest two histories, as a long changelog is cut there."""

    def __init__(self) -> None:
        self.issues: list[dict[str, Any]] = json.loads(REAL.read_text(encoding="utf-8"))["issues"]
        self.truncate: set[str] = set()
        self.broken_page: int | None = None
        self.jql: list[str] = []
        self.fields: list[dict[str, Any]] = json.loads(FIELDS.read_text(encoding="utf-8"))
        self.asked_fields: list[list[str]] = []

    def found(self, jql: str) -> list[dict[str, Any]]:
        self.jql.append(jql)
        if "ORDER BY updated ASC" not in jql or jql.count("(") != jql.count(")"):
            raise ValueError(jql)
        since = UPDATED.search(jql)
        issues = sorted(self.issues, key=_updated)
        if since:
            start = datetime.strptime(since.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
            issues = [i for i in issues if _updated(i) >= start]
        out = copy.deepcopy(issues)
        for issue in out:
            if issue["id"] in self.truncate:
                issue["changelog"]["histories"] = issue["changelog"]["histories"][-2:]
                issue["changelog"]["maxResults"] = 2
        return out

    def _bad(self, jql: str) -> Answer | None:
        if "NOT A FIELD" in jql:
            body = {"errorMessages": ["Field 'NOT' does not exist or you do not have permission"]}
            return Answer(400, JSON, json.dumps(body))
        return None

    def field_list(self, headers: dict[str, str], query: dict[str, str]) -> Answer:
        return Answer(200, JSON, json.dumps(self.fields))

    def cloud(self, headers: dict[str, str], query: dict[str, str]) -> Answer:
        basic = base64.b64encode(f"{USER}:{TOKEN}".encode()).decode()
        assert headers["authorization"] == f"Basic {basic}"
        assert query["expand"] == "changelog" and "status" in query["fields"].split(",")
        self.asked_fields.append(query["fields"].split(","))
        bad = self._bad(query["jql"])
        if bad:
            return bad
        offset = int(query.get("nextPageToken", "0"))
        if offset // PAGE == self.broken_page:
            return Answer.of(exchanges("Exceptions.testJSONParseError")[0])
        found = self.found(query["jql"])
        page = found[offset : offset + PAGE]
        body: dict[str, Any] = {"issues": page, "isLast": offset + PAGE >= len(found)}
        if not body["isLast"]:
            body["nextPageToken"] = str(offset + PAGE)
        return Answer(200, JSON, json.dumps(body))

    def datacenter(self, headers: dict[str, str], query: dict[str, str]) -> Answer:
        assert headers["authorization"] == f"Bearer {TOKEN}"
        self.asked_fields.append(query["fields"].split(","))
        bad = self._bad(query["jql"])
        if bad:
            return bad
        start = int(query["startAt"])
        found = self.found(query["jql"])
        body = {"startAt": start, "maxResults": PAGE, "total": len(found)}
        body["issues"] = found[start : start + PAGE]
        return Answer(200, JSON, json.dumps(body))

    def full(self, issue_id: str) -> dict[str, Any]:
        return next(i for i in self.issues if i["id"] == issue_id)

    def changelog(self, issue_id: str) -> Any:
        """Cloud's /issue/{id}/changelog, two histories a page."""

        def answer(headers: dict[str, str], query: dict[str, str]) -> Answer:
            histories = self.full(issue_id)["changelog"]["histories"]
            start = int(query["startAt"])
            values = histories[start : start + 2]
            body = {
                "startAt": start,
                "maxResults": 2,
                "total": len(histories),
                "isLast": start + 2 >= len(histories),
                "values": values,
            }
            return Answer(200, JSON, json.dumps(body))

        return answer

    def issue(self, issue_id: str) -> Any:
        """Data Center's /issue/{id}?expand=changelog: the whole changelog."""

        def answer(headers: dict[str, str], query: dict[str, str]) -> Answer:
            full = self.full(issue_id)
            body = {**full, "fields": {"status": full["fields"]["status"]}}
            return Answer(200, JSON, json.dumps(body))

        return answer

    def replay(self) -> Replay:
        replay = Replay()
        replay.add("/rest/api/3/search/jql", self.cloud)
        replay.add("/rest/api/2/search", self.datacenter)
        replay.add("/rest/api/2/field", self.field_list)
        for issue in self.issues:
            replay.add(f"/rest/api/3/issue/{issue['id']}/changelog", self.changelog(issue["id"]))
            replay.add(f"/rest/api/2/issue/{issue['id']}", self.issue(issue["id"]))
        return replay


def _setup(
    root: Path, base: str, monkeypatch: pytest.MonkeyPatch, deployment: str = "cloud", **keys: str
) -> None:
    monkeypatch.setenv("JIRA_TOKEN_TEST", TOKEN)
    table = {
        "kind": "jira",
        "url": base,
        "token_env": "JIRA_TOKEN_TEST",
        "jql": "project = UT ORDER BY created DESC",
        "deployment": deployment,
        **({"user": USER} if deployment == "cloud" else {}),
        **keys,
    }
    configure(root, "".join(f'{k} = "{v}"\n' for k, v in table.items()))


def _newest(issues: list[dict[str, Any]]) -> datetime:
    return max(_updated(i) for i in issues)


@pytest.mark.parametrize("deployment", ["cloud", "datacenter"])
def test_a_sync_stores_what_the_file_importer_stores(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deployment: str
) -> None:
    site = Jira()
    # Two issues whose changelog the search pages cut: the sync fetches the rest.
    site.truncate = {"10125", "10128"}
    replay = site.replay()
    with serve(replay) as base:
        _setup(workspace, base, monkeypatch, deployment)
        report = sync()["sources"][0]
    assert (report["imported"], report["pages"]) == (25, 3)
    # The user's ORDER BY is replaced by the one the cursor needs.
    assert site.jql[0] == "project = UT ORDER BY updated ASC"
    paths = [t.split("?")[0] for _, t, _ in replay.requests]
    fetched = [p for p in paths if "/issue/" in p]
    if deployment == "cloud":
        # Two histories a changelog page: every page of each cut changelog, and no others.
        pages = {i: -(-len(site.full(i)["changelog"]["histories"]) // 2) for i in site.truncate}
        assert sorted(fetched) == sorted(
            f"/rest/api/3/issue/{i}/changelog" for i, n in pages.items() for _ in range(n)
        )
    else:
        assert sorted(fetched) == [f"/rest/api/2/issue/{i}" for i in sorted(site.truncate)]
    other = imported_elsewhere(tmp_path, monkeypatch, ("import", "jira-issues", str(REAL)))
    assert comparable(workspace) == comparable(other)
    tickets = {f["key"]: f for kind, _, f, _ in stored(workspace) if kind == "ticket"}
    assert all(t["history_complete"] for t in tickets.values())
    assert len(tickets["UT-26"]["history"]) == 3  # its fourth change is a workflow change
    newest = _newest(site.issues)
    state = cursor(workspace, "jira")
    assert state is not None and state["updated"] == newest.isoformat()
    assert state["ids"] == sorted(i["id"] for i in site.issues if _updated(i) == newest)


def test_a_resync_asks_from_the_cursor_and_updates_only_what_changed(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = Jira()
    with serve(site.replay()) as base:
        _setup(workspace, base, monkeypatch)
        sync()
        before = stored(workspace)
        again = sync()["sources"][0]
        assert again["unchanged"] is True and again["imported"] == again["updated"] == 0
        assert stored(workspace) == before
        # Asked from a day before the newest update (JQL reads times in the account's zone).
        assert (
            site.jql[-1] == '(project = UT) AND updated >= "2016-03-28 11:20" ORDER BY updated ASC'
        )
        # UT-35 moves on to Dev Done and is assigned: the next sync updates it, and only it.
        ut35 = next(i for i in site.issues if i["key"] == "UT-35")
        ut35["fields"]["updated"] = "2016-04-02T09:00:00.000-0400"
        ut35["fields"]["status"]["name"] = "Dev Done"
        ut35["fields"]["assignee"] = {
            "accountId": "5b10ac8d82e05b22cc7d4ef5",
            "emailAddress": "Ana@Example.com",
            "displayName": "Ana Okafor",
        }
        ut35["changelog"]["histories"].append(
            {
                "id": "99999",
                "created": "2016-04-02T09:00:00.000-0400",
                "items": [{"field": "status", "fromString": "Dev Active", "toString": "Dev Done"}],
            }
        )
        assert run("people", "add", "ana@example.com", "--name", "Ana Okafor").exit_code == 0
        third = sync()["sources"][0]
    assert (third["imported"], third["updated"]) == (0, 1)
    changed = [(f, person) for _, _, f, person in stored(workspace) if f.get("key") == "UT-35"]
    ((ticket, person),) = changed
    assert ticket["status"] == "Dev Done" and ticket["assignee"] == "Ana Okafor"
    assert ticket["history"][-1]["to"] == "Dev Done" and person is not None
    # Nobody else was given a ticket: the others are unassigned.
    assert sum(p is not None for _, _, _, p in stored(workspace)) == 1
    # Unassigned again later: the ticket is nobody's, as the latest version says.
    with serve(site.replay()) as base:
        point_at(workspace, base)
        ut35["fields"]["assignee"] = None
        ut35["fields"]["updated"] = "2016-04-03T09:00:00.000-0400"
        fourth = sync()["sources"][0]
    assert fourth["updated"] == 1
    assert all(p is None for _, _, _, p in stored(workspace))


def test_an_interrupted_sync_keeps_the_pages_stored_and_resumes(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = Jira()
    site.broken_page = 1
    with serve(site.replay()) as base:
        _setup(workspace, base, monkeypatch)
        result = run("sync", "--json")
        assert result.exit_code == 2
        failure = json.loads(result.stdout)["sources"][0]
        assert "is not JSON" in failure["error"] and "nextPageToken=10" in failure["error"]
        first = sorted(site.issues, key=_updated)[:PAGE]
        assert counts(workspace) == {"ticket": PAGE, "sources": 1}
        state = cursor(workspace, "jira")
        assert state is not None and state["updated"] == _newest(first).isoformat()
        site.broken_page = None
        resumed = sync()["sources"][0]
    assert resumed["imported"] == 25 - PAGE and counts(workspace) == {"ticket": 25, "sources": 1}


def test_bad_jql_is_refused_with_jiras_reason_and_nothing_is_stored(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve(Jira().replay()) as base:
        _setup(workspace, base, monkeypatch, jql="NOT A FIELD = 1")
        result = run("sync", "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["sources"][0]["error"]
    assert "answered 400" in error and "Field 'NOT' does not exist" in error
    assert "[[sync]] 'jira'" in error
    assert counts(workspace) == {"sources": 0} and cursor(workspace, "jira") is None


def test_a_cloud_source_needs_the_account_email_and_a_known_deployment(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIRA_TOKEN_TEST", TOKEN)
    configure(
        workspace,
        'kind = "jira"\nurl = "https://acme.atlassian.net"\ntoken_env = "JIRA_TOKEN_TEST"\n'
        'jql = "project = ML"\n',
    )
    result = run("sync")
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "[[sync]] 'jira'.user: missing" in said and 'user = "EMAIL"' in said
    path = workspace / "perfpacket.toml"
    path.write_text(path.read_text() + 'user = "ana@example.com"\ndeployment = "server"\n')
    result = run("sync")
    assert result.exit_code == 2
    assert "'server' is not a Jira deployment" in " ".join(result.output.split())
    assert counts(workspace) == {"sources": 0}


def test_dry_run_says_what_a_jira_source_would_fetch(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setup(workspace, "https://acme.atlassian.net", monkeypatch)
    result = run("sync", "--dry-run")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "acme.atlassian.net" in said
    assert "every one of the issues matching 'project = UT ORDER BY created DESC'" in said


@pytest.mark.parametrize("deployment", ["cloud", "datacenter"])
def test_an_issue_linked_to_an_epic_by_the_epic_link_field_has_the_epic_as_parent(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deployment: str
) -> None:
    """On Data Center an epic is linked by a custom field whose id the site's field list gives;
    the sync asks for it and stores the epic as the ticket's parent, as the file importer does
    with a search answer saved with expand=schema or expand=names."""
    site = Jira()
    site.fields.append(EPIC_LINK)
    linked = {"UT-27", "UT-28", "UT-35"}
    for issue in site.issues:
        if issue["key"] in linked:
            issue["fields"][EPIC_FIELD] = "UT-26"
    with serve(site.replay()) as base:
        _setup(workspace, base, monkeypatch, deployment)
        report = sync()["sources"][0]
    assert report["imported"] == 25
    assert all(EPIC_FIELD in asked and "parent" in asked for asked in site.asked_fields)
    parents = {f["key"]: f["parent"] for kind, _, f, _ in stored(workspace) if kind == "ticket"}
    assert {k for k, p in parents.items() if p} == linked
    assert {parents[k] for k in linked} == {"UT-26"}
    # The same issues saved with expand=schema: the file importer finds the field there.
    answer = {
        "expand": "schema",
        "issues": site.issues,
        "schema": {EPIC_FIELD: EPIC_LINK["schema"]},
    }
    saved = tmp_path / "search.json"
    saved.write_text(json.dumps(answer), encoding="utf-8")
    other = imported_elsewhere(tmp_path, monkeypatch, ("import", "jira-issues", str(saved)))
    assert comparable(workspace) == comparable(other)


def test_a_saved_search_names_the_epic_link_field_by_schema_or_by_name(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file says which custom field links an epic only when saved with expand=schema or
    expand=names. Without either the field is an opaque custom field: no parent is made up,
    and the file does not erase an epic another source said for the same update."""
    issues = json.loads(REAL.read_text(encoding="utf-8"))["issues"]
    issues[1]["fields"][EPIC_FIELD] = "UT-26"
    shapes = {
        "schema": {"schema": {EPIC_FIELD: EPIC_LINK["schema"]}},
        "names": {"names": {EPIC_FIELD: "Epic Link", "summary": "Summary"}},
        "neither": {},
    }
    found = {}
    for shape, extra in shapes.items():
        path = tmp_path / f"{shape}.json"
        path.write_text(json.dumps({"issues": issues, **extra}), encoding="utf-8")
        done = run("import", "jira-issues", str(path), "--json")
        assert done.exit_code == 0, done.output
        tickets = {f["key"]: f for kind, _, f, _ in stored(workspace) if kind == "ticket"}
        found[shape] = tickets[issues[1]["key"]]["parent"]
    assert found == {"schema": "UT-26", "names": "UT-26", "neither": "UT-26"}
    assert json.loads(done.stdout)["updated"] == 0
    # On its own, the file without either stores no parent.
    other = imported_elsewhere(
        tmp_path, monkeypatch, ("import", "jira-issues", str(tmp_path / "neither.json"))
    )
    alone = {f["key"]: f for kind, _, f, _ in stored(other) if kind == "ticket"}
    assert alone[issues[1]["key"]]["parent"] is None


def test_a_cut_changelog_of_the_same_update_does_not_replace_a_whole_one(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search page saved later cuts a long changelog to its latest part. Imported after a
    sync stored the whole history of the same update, it changes nothing; a ticket updated
    since, even with a cut history, replaces the stored one (it is the later state)."""
    site = Jira()
    with serve(site.replay()) as base:
        _setup(workspace, base, monkeypatch)
        sync()
    whole = {f["key"]: f for kind, _, f, _ in stored(workspace) if kind == "ticket"}["UT-26"]
    assert whole["history_complete"] and len(whole["history"]) == 3
    site.truncate = {"10125"}
    cut = [i for i in site.found("ORDER BY updated ASC") if i["key"] == "UT-26"]
    saved = tmp_path / "page.json"
    saved.write_text(json.dumps({"issues": cut}), encoding="utf-8")
    done = run("import", "jira-issues", str(saved), "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["updated"] == 0
    kept = {f["key"]: f for kind, _, f, _ in stored(workspace) if kind == "ticket"}["UT-26"]
    assert kept == whole
    cut[0]["fields"]["updated"] = "2016-04-05T09:00:00.000-0400"
    saved.write_text(json.dumps({"issues": cut}), encoding="utf-8")
    assert run("import", "jira-issues", str(saved)).exit_code == 0
    later = {f["key"]: f for kind, _, f, _ in stored(workspace) if kind == "ticket"}["UT-26"]
    assert not later["history_complete"] and later["history"] != whole["history"]
