"""The pagerduty connector against a local PagerDuty REST API on 127.0.0.1 that serves real
incidents (tests/data/real/pagerduty/incidents_raw.json, PROVENANCE.md) in the documented
list envelope (``incidents``, ``limit``, ``offset``, ``more``), two per page so that the offset
pagination is exercised."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

from tests.evidence.conftest import DATA, counts, run
from tests.sync.conftest import (
    TOKEN,
    comparable,
    configure,
    cursor,
    imported_elsewhere,
    stored,
    sync,
)
from tests.sync.replay import Answer, Replay, exchanges, serve

REAL = DATA / "real" / "pagerduty" / "incidents_raw.json"
PAGE = 2


class PagerDuty:
    """GET /incidents with offset, limit, since and date_range, as the API documents them."""

    def __init__(self) -> None:
        self.incidents: list[dict[str, Any]] = json.loads(REAL.read_text(encoding="utf-8"))
        self.broken_offset: int | None = None

    def __call__(self, headers: dict[str, str], query: dict[str, str]) -> Answer:
        assert headers["authorization"] == f"Token token={TOKEN}"
        assert headers["accept"] == "application/vnd.pagerduty+json;version=2"
        offset, limit = int(query.get("offset", 0)), min(int(query.get("limit", 25)), PAGE)
        if offset == self.broken_offset:
            # A real malformed body (GitHub's, truncated mid-JSON) where this page should be.
            return Answer.of(exchanges("Exceptions.testJSONParseError")[0])
        found = sorted(self.incidents, key=lambda i: i["created_at"])
        if "since" in query:
            since = datetime.fromisoformat(query["since"])
            found = [i for i in found if datetime.fromisoformat(i["created_at"]) >= since]
        page = found[offset : offset + limit]
        body = {
            "incidents": page,
            "limit": limit,
            "offset": offset,
            "total": None,
            "more": offset + limit < len(found),
        }
        return Answer(200, [("content-type", "application/json")], json.dumps(body))


def _setup(root: Path, base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PD_TOKEN_TEST", TOKEN)
    configure(root, f'kind = "pagerduty"\nurl = "{base}"\ntoken_env = "PD_TOKEN_TEST"\n')


def test_a_sync_stores_what_the_file_importer_stores(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = PagerDuty()
    replay = Replay()
    replay.add("/incidents", api)
    with serve(replay) as base:
        _setup(workspace, base, monkeypatch)
        report = sync()["sources"][0]
    assert report["imported"] == 3 and report["pages"] == 2
    assert [dict(parse_qsl(t.split("?")[1]))["offset"] for _, t, _ in replay.requests] == ["0", "2"]
    other = imported_elsewhere(tmp_path, monkeypatch, ("import", "pagerduty", str(REAL)))
    assert comparable(workspace) == comparable(other)
    assert cursor(workspace, "pagerduty") == {
        "newest": datetime.fromisoformat(
            max(i["created_at"] for i in api.incidents).replace("Z", "+00:00")
        ).isoformat()
    }


def test_a_resync_asks_for_recent_incidents_and_updates_only_what_changed(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = PagerDuty()
    replay = Replay()
    replay.add("/incidents", api)
    with serve(replay) as base:
        _setup(workspace, base, monkeypatch)
        sync()
        before = stored(workspace)
        again = sync()["sources"][0]
        assert again["unchanged"] is True and again["duplicates"] == 3
        assert stored(workspace) == before
        # The second sync asked from 30 days before the newest stored incident.
        query = dict(parse_qsl(replay.requests[-1][1].split("?")[1]))
        assert "date_range" not in query and query["since"].startswith("2025-01-19")
        # The triggered incident is resolved later: the next sync updates it, and only it.
        later = copy.deepcopy(api.incidents)
        triggered = next(i for i in later if i["status"] == "triggered")
        triggered.update(
            status="resolved", updated_at="2025-02-18T02:00:00Z", resolved_at="2025-02-18T02:00:00Z"
        )
        api.incidents = later
        third = sync()["sources"][0]
    assert (third["imported"], third["updated"], third["duplicates"]) == (0, 1, 2)
    resolved = {key: f for _, key, f, _ in stored(workspace)}
    assert sum(f["resolved_at"] is not None for f in resolved.values()) == 2


def test_an_interrupted_sync_keeps_the_pages_stored_and_resumes(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = PagerDuty()
    api.broken_offset = PAGE
    replay = Replay()
    replay.add("/incidents", api)
    with serve(replay) as base:
        _setup(workspace, base, monkeypatch)
        result = run("sync", "--json")
        assert result.exit_code == 2
        failure = json.loads(result.stdout)["sources"][0]
        assert "is not JSON" in failure["error"] and "offset=2" in failure["error"]
        # Page 1 is stored with its cursor; nothing of page 2.
        first_page = sorted(api.incidents, key=lambda i: i["created_at"])[:PAGE]
        assert counts(workspace) == {"incident": PAGE, "sources": 1}
        newest = max(i["created_at"] for i in first_page).replace("Z", "+00:00")
        assert cursor(workspace, "pagerduty") == {
            "newest": datetime.fromisoformat(newest).isoformat()
        }
        api.broken_offset = None
        resumed = sync()["sources"][0]
    assert resumed["imported"] == 1 and counts(workspace) == {"incident": 3, "sources": 1}
