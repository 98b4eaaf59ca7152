"""The linear connector and the linear-issues importer against a local Linear on 127.0.0.1 that
answers through Linear's own published GraphQL schema (tests/data/real/linear/schema.graphql.gz,
from the linear/linear SDK, MIT; PROVENANCE.md). Every query the connector sends is parsed,
validated and executed by graphql-core against that schema, so a field Linear does not have, a
wrong argument or a filter that is not an IssueFilter fails here as it would on Linear; the
answers have the shape the schema gives them.

No recorded answers of Linear's API are published with a licence, so the issues themselves are
written here: an eval team's tickets, with state changes by several people. The local Linear
lists them newest first (the order Linear does not promise either way), caps history pages at
three entries (so that history pagination is exercised), and honours the filters the connector
sends: team keys, the assignee's email or ``isMe``, ``updatedAt.gte``, and label names.
"""

from __future__ import annotations

import copy
import gzip
import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLSchema, build_schema, graphql_sync

from perfpacket.evidence.importers.linear import ISSUE_FIELDS
from perfpacket.evidence.sync.config import load_sources
from perfpacket.evidence.sync.connectors.linear import ISSUES, LinearConnector
from perfpacket.evidence.sync.http import Http, SyncError
from tests.evidence.conftest import DATA, counts, run
from tests.sync.conftest import (
    comparable,
    configure,
    cursor,
    imported_elsewhere,
    point_at,
    stored,
    sync,
)

SCHEMA = DATA / "real" / "linear" / "schema.graphql.gz"
KEY = "lin_api_test0123456789"
OWNER = "ana@example.com"  # whose API key it is: isMe
HISTORY_CAP = 3


@cache
def schema() -> GraphQLSchema:
    return build_schema(gzip.open(SCHEMA, "rt", encoding="utf-8").read())


def _user(name: str) -> dict[str, Any]:
    first = name.split()[0].lower()
    return {
        "id": f"user-{first}",
        "name": name,
        "displayName": first,
        "email": f"{first}@example.com",
    }


ANA, BEN, CHO = _user("Ana Okafor"), _user("Ben Weiss"), _user("Cho Park")
STATES = {
    "Triage": "triage",
    "Backlog": "backlog",
    "Todo": "unstarted",
    "In Progress": "started",
    "In Review": "started",
    "Done": "completed",
    "Canceled": "canceled",
    "Duplicate": "duplicate",
}


def _issue(
    number: int,
    team: str,
    title: str,
    moves: list[tuple[str, str, dict[str, Any]]],
    assignee: dict[str, Any] | None,
    labels: tuple[str, ...] = (),
    parent: str | None = None,
) -> dict[str, Any]:
    """An issue created at its first move's time, in the state of its last move; each move
    after the first is a history entry, with a label change between them (not a state one)."""
    created = moves[0][0]
    history: list[dict[str, Any]] = []
    for (at, before, _), (later, after, by) in itertools.pairwise(moves):
        history.append({"createdAt": at, "actor": by, "fromState": None, "toState": None})
        history.append(
            {
                "createdAt": later,
                "actor": by,
                "fromState": {"name": before, "type": STATES[before]},
                "toState": {"name": after, "type": STATES[after]},
            }
        )
    last_at, state, _ = moves[-1]
    kind = STATES[state]
    return {
        "id": f"0b6c1f3e-0000-4000-8000-{number:012d}",
        "identifier": f"{team}-{number}",
        "title": title,
        "url": f"https://linear.app/acme/issue/{team}-{number}",
        "createdAt": created,
        "updatedAt": last_at,
        "completedAt": last_at if kind == "completed" else None,
        "canceledAt": last_at if kind in ("canceled", "duplicate") else None,
        "state": {"name": state, "type": kind},
        "team": {"key": team},
        "parent": {"identifier": parent} if parent else None,
        "labels": {"nodes": [{"name": label} for label in labels]},
        "assignee": assignee,
        "creator": BEN,
        "history": {"nodes": history},
    }


def issues() -> list[dict[str, Any]]:
    return [
        _issue(
            101,
            "EVAL",
            "Eval gate on model swaps",
            [
                ("2026-03-02T09:00:00.000Z", "Backlog", BEN),
                ("2026-03-03T10:15:00.000Z", "In Progress", ANA),
                ("2026-03-09T16:40:00.000Z", "In Review", ANA),
                ("2026-03-11T11:05:00.000Z", "Done", CHO),
            ],
            ANA,
            labels=("eval", "gate"),
        ),
        _issue(
            102,
            "EVAL",
            "Regression suite for the summariser",
            [
                ("2026-03-04T08:00:00.000Z", "Todo", BEN),
                ("2026-03-05T09:30:00.000Z", "In Progress", ANA),
            ],
            ANA,
            labels=("eval",),
            parent="EVAL-101",
        ),
        _issue(
            103,
            "EVAL",
            "Flaky judge prompt",
            [
                ("2026-03-05T12:00:00.000Z", "Triage", CHO),
                ("2026-03-06T12:00:00.000Z", "Duplicate", CHO),
            ],
            None,
        ),
        _issue(
            104,
            "ML",
            "Budget guard for batch jobs",
            [
                ("2026-02-20T09:00:00.000Z", "Todo", BEN),
                ("2026-02-23T09:00:00.000Z", "In Progress", BEN),
                ("2026-03-01T17:00:00.000Z", "Done", BEN),
            ],
            BEN,
            labels=("cost",),
        ),
        _issue(
            105,
            "ML",
            "Kill switch for the ranking model",
            [
                ("2026-03-07T09:00:00.000Z", "Todo", BEN),
                ("2026-03-08T10:00:00.000Z", "In Progress", ANA),
                ("2026-03-08T15:00:00.000Z", "Canceled", ANA),
            ],
            ANA,
        ),
        _issue(
            106,
            "ML",
            "Retry storm in the embedding job",
            [("2026-03-10T07:00:00.000Z", "Backlog", CHO)],
            CHO,
        ),
        _issue(
            107,
            "EVAL",
            "Calibrate the rubric grader",
            [
                ("2026-03-10T09:00:00.000Z", "Todo", BEN),
                ("2026-03-11T11:05:00.000Z", "In Progress", ANA),
            ],
            ANA,
            labels=("eval",),
        ),
    ]


def _text(comparator: dict[str, Any], value: str | None) -> bool:
    for op, want in comparator.items():
        if op == "eq" and value != want:
            return False
        if op == "eqIgnoreCase" and (value or "").lower() != str(want).lower():
            return False
        if op == "in" and value not in want:
            return False
        if op not in ("eq", "eqIgnoreCase", "in"):
            raise AssertionError(f"the local Linear does not filter with {op}")
    return True


def matches(issue: dict[str, Any], f: dict[str, Any]) -> bool:
    """The IssueFilter subset the connector sends, as Linear reads it."""
    for key, value in f.items():
        if key == "and":
            if not all(matches(issue, part) for part in value):
                return False
        elif key == "team":
            if not _text(value["key"], issue["team"]["key"]):
                return False
        elif key == "assignee":
            person = issue["assignee"] or {}
            if "isMe" in value and (person.get("email") == OWNER) != value["isMe"]["eq"]:
                return False
            if "email" in value and not _text(value["email"], person.get("email")):
                return False
        elif key == "updatedAt":
            if issue["updatedAt"] < value["gte"]:
                return False
        elif key == "labels":
            names = [label["name"] for label in issue["labels"]["nodes"]]
            if not any(_text(value["name"], n) for n in names):
                return False
        else:
            raise AssertionError(f"the local Linear does not filter on {key}")
    return True


def _connection(items: list[Any], first: int | None, after: str | None, cap: int) -> Any:
    start = int(after) if after else 0
    size = min(first or 50, cap)
    page = items[start : start + size]
    return {
        "nodes": page,
        "pageInfo": {
            "hasNextPage": start + size < len(items),
            "endCursor": str(start + len(page)) if page else None,
        },
    }


class Linear:
    """A Linear workspace holding ``issues``, answering through Linear's schema."""

    def __init__(self) -> None:
        self.issues = issues()
        self.history_cap = HISTORY_CAP
        self.sent: list[dict[str, Any]] = []
        self.fail_page: int | None = None  # an issues page "after" which the API fails (502)
        self.limited = 0  # how many answers are RATELIMITED first

    def node(self, issue: dict[str, Any]) -> dict[str, Any]:
        node = copy.deepcopy(issue)
        entries = node["history"]["nodes"]

        def history(info: Any, first: int | None = None, after: str | None = None, **_: Any) -> Any:
            return _connection(entries, first, after, self.history_cap)

        node["history"] = history
        return node

    def root(self) -> dict[str, Any]:
        def issues_(
            info: Any,
            filter: Any = None,
            first: int | None = None,
            after: str | None = None,
            **_: Any,
        ) -> Any:
            found = [i for i in self.issues if matches(i, filter or {})]
            found.sort(key=lambda i: i["updatedAt"], reverse=True)  # newest first
            page = _connection(found, first, after, 50)
            page["nodes"] = [self.node(i) for i in page["nodes"]]
            return page

        def issue(info: Any, id: str) -> Any:
            return self.node(next(i for i in self.issues if i["id"] == id))

        return {"issues": issues_, "issue": issue}

    def answer(
        self, body: dict[str, Any], auth: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        self.sent.append(body)
        if auth != KEY:
            error = {
                "message": "Authentication required, not authenticated",
                "extensions": {"code": "AUTHENTICATION_ERROR"},
            }
            return 400, {"errors": [error]}, {}
        if self.limited:
            self.limited -= 1
            reset = str(int(time.time() * 1000))
            error = {"message": "Rate limit exceeded", "extensions": {"code": "RATELIMITED"}}
            return 400, {"errors": [error]}, {"X-RateLimit-Requests-Reset": reset}
        variables = body.get("variables") or {}
        failing = self.fail_page is not None and "query Issues(" in body["query"]
        if failing and variables.get("after") == str(self.fail_page):
            return 502, {"message": "Bad gateway"}, {}
        result = graphql_sync(schema(), body["query"], self.root(), variable_values=variables)
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [e.formatted for e in result.errors]
        return (400 if result.data is None else 200), out, {}

    def saved(self) -> dict[str, Any]:
        """What a user saves from Linear's API explorer: the issues query with whole histories."""
        cap, self.history_cap = self.history_cap, 1000
        try:
            query = ISSUES.replace("history(first: 50)", "history(first: 1000)")
            status, body, _ = self.answer({"query": query, "variables": {"first": 50}}, KEY)
            assert status == 200, body
            return body
        finally:
            self.history_cap = cap


@contextmanager
def serve(linear: Linear) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length))
            status, out, headers = linear.answer(body, self.headers.get("authorization"))
            data = json.dumps(out).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _setup(root: Path, base: str, monkeypatch: pytest.MonkeyPatch, **keys: str) -> None:
    monkeypatch.setenv("LINEAR_KEY_TEST", KEY)
    table = {"kind": "linear", "url": base, "token_env": "LINEAR_KEY_TEST", **keys}
    configure(root, "".join(f"{k} = {json.dumps(v)}\n" for k, v in table.items()))


def _tickets(root: Path) -> dict[str, dict[str, Any]]:
    return {f["key"]: f for kind, _, f, _ in stored(root) if kind == "ticket"}


def test_the_connector_asks_only_what_linears_schema_has() -> None:
    from graphql import parse, validate

    # The query a sync sends and the selection a saved answer should hold are valid Linear.
    assert validate(schema(), parse(ISSUES)) == []
    assert f"nodes {{ {ISSUE_FIELDS} }}" in ISSUES


def test_a_sync_stores_what_the_file_importer_stores(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    linear = Linear()
    with serve(linear) as base:
        _setup(workspace, base, monkeypatch)
        report = sync()["sources"][0]
    assert report["imported"] == 7 and report["pages"] == 1
    # Histories longer than a page were read to their end, one request per further page.
    tickets = _tickets(workspace)
    assert all(t["history_complete"] for t in tickets.values())
    gate = tickets["EVAL-101"]
    assert [(h["from"], h["to"], h["by"]) for h in gate["history"]] == [
        ("Backlog", "In Progress", "Ana Okafor"),
        ("In Progress", "In Review", "Ana Okafor"),
        ("In Review", "Done", "Cho Park"),
    ]
    assert gate["state"] == "done" and gate["project"] == "EVAL" and gate["reporter"] == "Ben Weiss"
    assert gate["resolved_at"].isoformat().startswith("2026-03-11T11:05")
    assert tickets["EVAL-102"]["parent"] == "EVAL-101"
    assert tickets["EVAL-102"]["state"] == "in_progress"
    assert tickets["EVAL-103"]["state"] == "canceled"  # a duplicate was not done
    assert tickets["ML-106"]["state"] == "todo" and tickets["ML-106"]["history"] == []
    more = [b for b in linear.sent if "IssueHistory" in b["query"]]
    long = [i for i in linear.issues if len(i["history"]["nodes"]) > HISTORY_CAP]
    assert sorted({b["variables"]["id"] for b in more}) == sorted(i["id"] for i in long)
    saved = tmp_path / "linear-issues.json"
    saved.write_text(json.dumps(linear.saved()), encoding="utf-8")
    other = imported_elsewhere(tmp_path, monkeypatch, ("import", "linear-issues", str(saved)))
    assert comparable(workspace) == comparable(other)


def test_scope_keys_become_the_issue_filter(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    linear = Linear()
    with serve(linear) as base:
        _setup(workspace, base, monkeypatch, teams=["EVAL"], assignee="me")
        sync()
        assert sorted(_tickets(workspace)) == ["EVAL-101", "EVAL-102", "EVAL-107"]
        sent = linear.sent[0]["variables"]["filter"]
        assert sent == {
            "and": [{"team": {"key": {"in": ["EVAL"]}}}, {"assignee": {"isMe": {"eq": True}}}]
        }
    # Ana's tickets are hers; an email or a label filter picks as Linear would.
    linear = Linear()
    with serve(linear) as base:
        point_at(workspace, base)
        path = workspace / "perfpacket.toml"
        text = path.read_text().replace('teams = ["EVAL"]\nassignee = "me"\n', "")
        path.write_text(
            text + 'name = "cost"\nassignee = "Ben@Example.com"\n'
            'filter = \'{"labels": {"name": {"eq": "cost"}}}\'\n'
        )
        sync("cost")
        assert linear.sent[0]["variables"]["filter"] == {
            "and": [
                {"assignee": {"email": {"eqIgnoreCase": "Ben@Example.com"}}},
                {"labels": {"name": {"eq": "cost"}}},
            ]
        }
    assert "ML-104" in _tickets(workspace)


def test_a_resync_asks_from_the_cursor_and_updates_only_what_changed(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    linear = Linear()
    with serve(linear) as base:
        _setup(workspace, base, monkeypatch)
        sync()
        newest = "2026-03-11T11:05:00+00:00"
        state = cursor(workspace, "linear")
        assert state is not None and state["updated"] == newest
        # Two issues were updated at that very instant: both ids are kept with the time.
        assert len(state["ids"]) == 2
        before = stored(workspace)
        again = sync()["sources"][0]
        assert again["unchanged"] is True and stored(workspace) == before
        assert linear.sent[-1]["variables"]["filter"] == {"updatedAt": {"gte": newest}}
        # EVAL-102 goes to review: the next sync updates it, and only it.
        issue = next(i for i in linear.issues if i["identifier"] == "EVAL-102")
        issue["updatedAt"] = "2026-03-12T09:00:00.000Z"
        issue["state"] = {"name": "In Review", "type": "started"}
        issue["history"]["nodes"].append(
            {
                "createdAt": "2026-03-12T09:00:00.000Z",
                "actor": ANA,
                "fromState": {"name": "In Progress", "type": "started"},
                "toState": {"name": "In Review", "type": "started"},
            }
        )
        third = sync()["sources"][0]
    assert (third["imported"], third["updated"]) == (0, 1)
    assert _tickets(workspace)["EVAL-102"]["history"][-1]["to"] == "In Review"


def test_an_interrupted_sync_stores_its_pages_and_keeps_the_cursor(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import perfpacket.evidence.sync.connectors.linear as module
    import perfpacket.evidence.sync.http as http_module

    monkeypatch.setattr(module, "PAGE", 3)
    monkeypatch.setattr(http_module, "BACKOFF_S", 0.0)
    linear = Linear()
    linear.fail_page = 3  # the second page answers 502 every time
    with serve(linear) as base:
        _setup(workspace, base, monkeypatch)
        result = run("sync", "--json")
        assert result.exit_code == 2
        assert "answered 502" in json.loads(result.stdout)["sources"][0]["error"]
        # The first page is stored; the cursor does not move past pages not read.
        assert counts(workspace) == {"ticket": 3, "sources": 1}
        assert cursor(workspace, "linear") is None
        linear.fail_page = None
        resumed = sync()["sources"][0]
    assert (resumed["imported"], resumed["pages"]) == (4, 3)
    assert counts(workspace) == {"ticket": 7, "sources": 1}
    assert cursor(workspace, "linear") is not None


def test_a_filter_linear_refuses_is_reported_and_nothing_is_stored(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve(Linear()) as base:
        _setup(workspace, base, monkeypatch, filter='{"notAField": {"eq": 1}}')
        result = run("sync", "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["sources"][0]["error"]
    assert "refused the query" in error and "notAField" in error and "[[sync]] 'linear'" in error
    assert counts(workspace) == {"sources": 0} and cursor(workspace, "linear") is None


def test_a_filter_that_is_not_json_is_refused_with_the_fix(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setup(workspace, "https://api.linear.app", monkeypatch, filter="{labels: eval}")
    result = run("sync")
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "[[sync]] 'linear'.filter: not JSON" in said and "single quotes" in said


def test_a_refused_key_names_the_variable(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(Linear()) as base:
        _setup(workspace, base, monkeypatch)
        monkeypatch.setenv("LINEAR_KEY_TEST", "lin_api_revoked")
        result = run("sync", "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["sources"][0]["error"]
    assert "refused the token in $LINEAR_KEY_TEST" in error and "not authenticated" in error
    assert counts(workspace) == {"sources": 0}


def test_a_rate_limit_is_waited_out(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    linear = Linear()
    linear.limited = 2
    waits: list[tuple[float, str]] = []
    with serve(linear) as base:
        _setup(workspace, base, monkeypatch)
        (source,) = load_sources(
            {"sync": [{"kind": "linear", "url": base, "token_env": "LINEAR_KEY_TEST"}]}
        )
        http = LinearConnector().http(source)
        http.sleep = lambda s: None
        http.on_wait = lambda s, why: waits.append((s, why))
        try:
            batches = list(LinearConnector().pull(source, http, {}, _Quiet()))
        finally:
            http.close()
    assert sum(len(b.records) for b in batches) == 7
    assert [why for _, why in waits] == ["rate limit", "rate limit"]
    assert all(0 < s <= 2 for s, _ in waits)  # until the reset Linear gave, plus a second


class _Quiet:
    def note(self, message: str) -> None: ...

    def warn(self, message: str) -> None: ...

    def progress(self, advance: int = 1, total: int | None = None) -> None: ...


def test_an_oauth_token_goes_as_a_bearer_token() -> None:
    connector = LinearConnector()
    assert connector.auth(KEY) == {"Authorization": KEY}
    assert connector.auth("oauth-access-token") == {"Authorization": "Bearer oauth-access-token"}


def test_the_importer_marks_a_cut_history_and_refuses_an_unknown_state(
    workspace: Path, tmp_path: Path
) -> None:
    linear = Linear()
    answer = linear.saved()
    nodes = answer["data"]["issues"]["nodes"]
    nodes[0]["history"]["pageInfo"]["hasNextPage"] = True
    del nodes[1]["history"]
    saved = tmp_path / "page.json"
    saved.write_text(json.dumps(answer))
    result = run("import", "linear-issues", str(saved))
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "2 of 7 issues hold only part of their status history" in said
    complete = {t["key"]: t["history_complete"] for t in _tickets(workspace).values()}
    assert sorted(k for k, ok in complete.items() if not ok) == sorted(
        [nodes[0]["identifier"], nodes[1]["identifier"]]
    )
    nodes[2]["state"]["type"] = "paused"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(answer))
    result = run("import", "linear-issues", str(bad))
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "issues.nodes[2].state.type: 'paused' is not a Linear state type" in said


def test_dry_run_names_linears_host(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINEAR_KEY_TEST", KEY)
    configure(workspace, 'kind = "linear"\ntoken_env = "LINEAR_KEY_TEST"\nteams = ["EVAL"]\n')
    result = run("sync", "--dry-run")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "api.linear.app" in said and "(first sync)" in said


def test_a_query_linear_does_not_know_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    linear = Linear()
    with serve(linear) as base:
        (source,) = load_sources(
            {"sync": [{"kind": "linear", "url": base, "token_env": "LINEAR_KEY_TEST"}]}
        )
        monkeypatch.setenv("LINEAR_KEY_TEST", KEY)
        http: Http = LinearConnector().http(source)
        try:
            with pytest.raises(SyncError, match="refused the query"):
                http.graphql(f"{base}/graphql", "{ notAQuery }", {})
        finally:
            http.close()


def test_a_file_without_issues_is_refused_with_how_to_save_one(
    workspace: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"data": {"issues": {"nodes": [], "pageInfo": {}}}}))
    result = run("import", "linear-issues", str(empty))
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "no Linear issues found" in said and "GraphQL issues query" in said
    assert counts(workspace) == {"sources": 0}
    # Something else altogether is not taken for a Linear answer.
    nothing = tmp_path / "nothing.json"
    nothing.write_text(json.dumps({"data": {"viewer": {"id": "u1"}}}))
    result = run("import", "linear-issues", str(nothing))
    assert result.exit_code == 2
    assert "is not Linear issues as JSON" in " ".join(result.output.split())
    assert counts(workspace) == {"sources": 0}
