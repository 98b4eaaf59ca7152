"""``linear``: Linear issues with their whole status history, through Linear's GraphQL API, as
the ``linear-issues`` importer reads them from saved answers.

A re-sync asks for the issues updated at or after the stored cursor (``updatedAt: {gte}``) and
keeps only those that are new (:class:`SinceCursor`). Linear does not promise the order of an
``issues`` connection sorted by ``updatedAt`` (newest or oldest first), so the cursor moves only
once every page was read: each page is stored as it arrives, and an interrupted sync asks again
from the previous cursor, finding the pages it stored unchanged. An issue's history has pages of
its own; the ones past the first are fetched, so every ticket's history is whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from perfpacket.errors import InputError
from perfpacket.evidence.importers._common import as_dict
from perfpacket.evidence.importers.linear import (
    HISTORY_FIELDS,
    HISTORY_PAGE,
    ISSUE_FIELDS,
    LinearIssuesImporter,
)
from perfpacket.evidence.records import Record
from perfpacket.evidence.sync.config import SyncSource
from perfpacket.evidence.sync.connector import (
    BaseConnector,
    Batch,
    Plan,
    SinceCursor,
    SyncContext,
)
from perfpacket.evidence.sync.http import Http, SyncError

PAGE = 50
ISSUES = (
    "query Issues($filter: IssueFilter, $first: Int, $after: String) {\n"
    "  issues(filter: $filter, first: $first, after: $after, orderBy: updatedAt, "
    "includeArchived: true) {\n"
    f"    nodes {{ {ISSUE_FIELDS} }}\n"
    "    pageInfo { hasNextPage endCursor }\n"
    "  }\n"
    "}"
)
HISTORY = (
    "query IssueHistory($id: String!, $first: Int, $after: String) {\n"
    f"  issue(id: $id) {{ history(first: $first, after: $after) {{ {HISTORY_FIELDS} }} }}\n"
    "}"
)


class LinearConnector(BaseConnector):
    name = "linear"
    description = "Linear issues picked by team, assignee or filter, with their status history"
    scope_keys: ClassVar[Mapping[str, str]] = {
        "teams": 'the teams\' keys, e.g. ["ML", "EVAL"] (default: every team the key can see)',
        "assignee": 'the assignee\'s email, or "me" for the owner of the API key',
        "filter": "any other Linear IssueFilter, as JSON text, e.g. "
        '\'{"project": {"name": {"eq": "Eval gate"}}}\'',
    }
    default_url = "https://api.linear.app"
    token_env = "LINEAR_API_KEY"
    token_scopes = "read access (a personal API key, or an OAuth token with the read scope)"
    scope_hint = "check teams, assignee and filter in [[sync]] '{name}'"
    writes = ("ticket",)

    def __init__(self) -> None:
        self._records = LinearIssuesImporter()

    def auth(self, token: str | None) -> dict[str, str]:
        # Personal API keys go as they are; OAuth access tokens as bearer tokens.
        if not token:
            return {}
        return {"Authorization": token if token.startswith("lin_api_") else f"Bearer {token}"}

    def issue_filter(self, source: SyncSource, since: str | None) -> dict[str, Any]:
        """The IssueFilter the scope keys make, with the cursor's ``updatedAt``."""
        parts: list[dict[str, Any]] = []
        teams = source.items("teams")
        if teams:
            parts.append({"team": {"key": {"in": teams}}})
        assignee = source.scope.get("assignee")
        if assignee == "me":
            parts.append({"assignee": {"isMe": {"eq": True}}})
        elif assignee:
            parts.append({"assignee": {"email": {"eqIgnoreCase": str(assignee)}}})
        raw = source.scope.get("filter")
        if raw:
            try:
                given = json.loads(str(raw))
            except json.JSONDecodeError as exc:
                raise InputError(
                    f"{source.place}.filter: not JSON ({exc.msg} at column {exc.colno})",
                    hint="write the IssueFilter as JSON text in single quotes, e.g. filter = "
                    '\'{"project": {"name": {"eq": "Eval gate"}}}\'',
                ) from None
            if not isinstance(given, dict):
                raise InputError(
                    f"{source.place}.filter: expected a JSON object (an IssueFilter)",
                    hint='e.g. filter = \'{"labels": {"name": {"eq": "eval"}}}\'',
                )
            parts.append(given)
        if since:
            parts.append({"updatedAt": {"gte": since}})
        return {"and": parts} if len(parts) > 1 else (parts[0] if parts else {})

    def plan(self, source: SyncSource, state: Mapping[str, Any]) -> Plan:
        since = state.get("updated")
        scope = json.dumps(self.issue_filter(source, None)) if source.scope else "every team"
        what = f"issues matching {scope}"
        return Plan(
            hosts=[source.host],
            fetch=[
                f"{what} updated at or after {since}, with their histories"
                if since
                else f"every one of the {what}, with their histories (first sync)"
            ],
        )

    def pull(
        self, source: SyncSource, http: Http, state: Mapping[str, Any], ctx: SyncContext
    ) -> Iterator[Batch]:
        since: str | None = state.get("updated")
        cursor = SinceCursor.of(since, state.get("ids"))
        variables: dict[str, Any] = {"filter": self.issue_filter(source, since), "first": PAGE}
        url = f"{source.url}/graphql"
        while True:
            data = http.graphql(url, ISSUES, variables)
            issues = as_dict(data.get("issues"))
            nodes = issues.get("nodes")
            if not isinstance(nodes, list):
                raise SyncError(
                    f"{source.place}: the answer of {url} has no issues nodes",
                    hint=f"the url should be Linear's API address ({self.default_url})",
                )
            records: list[Record] = []
            for i, issue in enumerate(nodes):
                record = self._records.issue_record(url, issue, f"issues.nodes[{i}]")
                updated = str(record.version)
                if not cursor.is_new(updated, issue["id"]):
                    continue  # stored by an earlier sync, unchanged since
                if not record.fields["history_complete"]:
                    self._whole_history(source, http, issue)
                    record = self._records.issue_record(url, issue, f"issues.nodes[{i}]")
                records.append(record)
                cursor.saw(updated, issue["id"])
            page_info = as_dict(issues.get("pageInfo"))
            last = not page_info.get("hasNextPage") or not page_info.get("endCursor")
            # The cursor moves with the last page only: the order of the pages is not promised.
            yield Batch(records, cursor.state() if last else dict(state))
            if last:
                return
            variables = {**variables, "after": page_info["endCursor"]}

    def _whole_history(self, source: SyncSource, http: Http, issue: dict[str, Any]) -> None:
        """Add the pages of an issue's history past the first."""
        history = as_dict(issue.get("history"))
        nodes = list(history.get("nodes") or [])
        after = as_dict(history.get("pageInfo")).get("endCursor") if nodes else None
        while True:
            variables: dict[str, Any] = {"id": issue["id"], "first": HISTORY_PAGE}
            if after:
                variables["after"] = after
            data = http.graphql(f"{source.url}/graphql", HISTORY, variables)
            page = as_dict(as_dict(data.get("issue")).get("history"))
            if not isinstance(page.get("nodes"), list):
                raise SyncError(
                    f"{source.place}: the history of {issue.get('identifier')} has no nodes",
                    hint=f"the url should be Linear's API address ({self.default_url})",
                )
            nodes.extend(page["nodes"])
            info = as_dict(page.get("pageInfo"))
            if not info.get("hasNextPage") or not info.get("endCursor") or not page["nodes"]:
                break
            after = info["endCursor"]
        issue["history"] = {"nodes": nodes, "pageInfo": {"hasNextPage": False}}
