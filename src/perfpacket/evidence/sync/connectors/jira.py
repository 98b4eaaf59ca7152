"""``jira``: issues and epics a JQL query picks, with their whole status history, from Jira
Cloud or Data Center, as the ``jira-issues`` importer reads them from an export.

Issues are asked for oldest update first (``ORDER BY updated ASC``), so each page is stored
with the cursor that holds after it: the update time of its newest issue and the ids updated
at that instant. A re-sync asks only for issues updated since then. JQL compares times to the
minute in the time zone of the token's account, which the sync cannot know, so it asks from a
day before the cursor and keeps only the issues updated after it: nothing new is missed and
nothing unchanged is written.

Jira Cloud pages with ``nextPageToken`` (``/rest/api/3/search/jql``); Data Center with
``startAt`` (``/rest/api/2/search``). A search page carries at most the latest part of a long
changelog; the rest is fetched from the issue's own changelog, so every ticket's history is
whole.

Before the first page, the site's field list (``/rest/api/2/field``) says which custom field
is its "Epic Link", if it has one: it is asked for with the rest, and an issue without a
``parent`` takes the epic it names as its parent, as on Data Center epics are linked only so.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from perfpacket.errors import InputError
from perfpacket.evidence.importers.jira import FIELDS, JiraIssuesImporter, epic_link_field
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

PAGE = 100
# How far before the cursor a re-sync asks: JQL reads times in the account's time zone.
MARGIN = timedelta(days=1)
ORDER_BY = re.compile(r"\border\s+by\b.*$", re.IGNORECASE | re.DOTALL)
DEPLOYMENTS = ("cloud", "datacenter")


class JiraConnector(BaseConnector):
    name = "jira"
    description = "Jira issues and epics picked by a JQL query, with their status history"
    scope_keys: ClassVar[Mapping[str, str]] = {
        "jql": 'the JQL that picks the tickets, e.g. "project = ML AND assignee = currentUser()"',
        "user": "Jira Cloud: the email of the account the API token belongs to (Data Center "
        "personal access tokens need none)",
        "deployment": "cloud or datacenter (default: cloud for *.atlassian.net, datacenter "
        "otherwise)",
    }
    required = ("jql",)
    token_env = "JIRA_TOKEN"
    token_scopes = (
        "Browse projects on the projects the JQL reads (Cloud: an API token of an account "
        "that can see them, with user = its email; Data Center: a personal access token)"
    )
    scope_hint = "check jql, and url and user, in [[sync]] '{name}'"
    writes = ("ticket",)

    def __init__(self) -> None:
        self._records = JiraIssuesImporter()

    def deployment(self, source: SyncSource) -> str:
        given = source.scope.get("deployment")
        if given is None:
            return "cloud" if source.host.endswith(".atlassian.net") else "datacenter"
        if given not in DEPLOYMENTS:
            raise InputError(
                f"{source.place}.deployment: {given!r} is not a Jira deployment",
                hint='write deployment = "cloud" or deployment = "datacenter"',
            )
        return str(given)

    def http(self, source: SyncSource) -> Http:
        token = source.token()
        user = source.scope.get("user")
        if self.deployment(source) == "cloud":
            if not user:
                raise InputError(
                    f"{source.place}.user: missing",
                    hint="Jira Cloud API tokens go with the account's email: add "
                    'user = "EMAIL" to the [[sync]] table',
                )
            basic = base64.b64encode(f"{user}:{token}".encode()).decode()
            auth = {"Authorization": f"Basic {basic}"}
        else:
            auth = self.auth(token)
        return Http(
            source,
            auth=auth,
            scope_hint=self.scope_hint.format(name=source.name),
            token_scopes=self.token_scopes,
        )

    def _jql(self, source: SyncSource, since: str | None) -> str:
        base = ORDER_BY.sub("", str(source.scope["jql"])).strip()
        if since:
            start = datetime.fromisoformat(since).astimezone(UTC) - MARGIN
            base = f'({base}) AND updated >= "{start:%Y-%m-%d %H:%M}"'
        return f"{base} ORDER BY updated ASC"

    def plan(self, source: SyncSource, state: Mapping[str, Any]) -> Plan:
        since = state.get("updated")
        what = f"issues matching {source.scope['jql']!r}"
        return Plan(
            hosts=[source.host],
            fetch=[
                "the site's field list, to find its Epic Link field",
                f"{what} updated after {since}, with their changelogs"
                if since
                else f"every one of the {what}, with their changelogs (first sync)",
            ],
        )

    def pull(
        self, source: SyncSource, http: Http, state: Mapping[str, Any], ctx: SyncContext
    ) -> Iterator[Batch]:
        since: str | None = state.get("updated")
        cursor = SinceCursor.of(since, state.get("ids"))
        cloud = self.deployment(source) == "cloud"
        epic = self._epic_field(source, http)
        for page, issues in self._pages(source, http, since, cloud, epic):
            records: list[Record] = []
            for i, issue in enumerate(issues):
                record = self._records.issue_record(page, issue, f"issues[{i}]", epic)
                updated = str(record.version)
                if not cursor.is_new(updated, issue["id"]):
                    continue  # stored by an earlier sync, unchanged since
                if not record.fields["history_complete"]:
                    self._whole_history(source, http, issue, cloud)
                    record = self._records.issue_record(page, issue, f"issues[{i}]", epic)
                records.append(record)
                cursor.saw(updated, issue["id"])
            yield Batch(records, cursor.state())

    def _epic_field(self, source: SyncSource, http: Http) -> str | None:
        """The site's Epic Link custom field, from its field list (any user may read it)."""
        page = http.get(f"{source.url}/rest/api/2/field")
        if not isinstance(page.data, list):
            raise SyncError(
                f"{source.place}: the page {page.url} is not Jira's field list",
                hint=f"the url should be the Jira site's ({source.url})",
            )
        return epic_link_field(page.data)

    def _pages(
        self, source: SyncSource, http: Http, since: str | None, cloud: bool, epic: str | None
    ) -> Iterator[tuple[str, list[Any]]]:
        params: dict[str, Any] = {
            "jql": self._jql(source, since),
            "fields": ",".join((*FIELDS, epic) if epic else FIELDS),
            "expand": "changelog",
            "maxResults": PAGE,
        }
        if cloud:
            url, token = f"{source.url}/rest/api/3/search/jql", None
            while True:
                page = http.get(url, {**params, **({"nextPageToken": token} if token else {})})
                issues = _issues(page.data, page.url)
                yield page.url, issues
                token = page.data.get("nextPageToken")
                if page.data.get("isLast", token is None) or not token or not issues:
                    return
        url, start = f"{source.url}/rest/api/2/search", 0
        while True:
            page = http.get(url, {**params, "startAt": start})
            issues = _issues(page.data, page.url)
            yield page.url, issues
            start += len(issues)
            total = page.data.get("total")
            if not issues or (isinstance(total, int) and start >= total):
                return

    def _whole_history(
        self, source: SyncSource, http: Http, issue: dict[str, Any], cloud: bool
    ) -> None:
        """Replace the part of the changelog a search page holds with the whole of it."""
        histories: list[Any] = []
        if cloud:
            url, start = f"{source.url}/rest/api/3/issue/{issue['id']}/changelog", 0
            while True:
                page = http.get(url, {"startAt": start, "maxResults": PAGE})
                values = page.data.get("values") if isinstance(page.data, dict) else None
                if not isinstance(values, list):
                    raise SyncError(
                        f"{source.place}: the page {page.url} has no changelog values",
                        hint=f"the url should be the Jira site's ({source.url})",
                    )
                histories.extend(values)
                start += len(values)
                if page.data.get("isLast", True) or not values:
                    break
        else:
            page = http.get(
                f"{source.url}/rest/api/2/issue/{issue['id']}",
                {"fields": "status", "expand": "changelog"},
            )
            changelog = page.data.get("changelog") if isinstance(page.data, dict) else None
            if not isinstance(changelog, dict):
                raise SyncError(
                    f"{source.place}: the page {page.url} has no changelog",
                    hint=f"the url should be the Jira site's ({source.url})",
                )
            histories = list(changelog.get("histories") or [])
        issue["changelog"] = {"histories": histories, "total": len(histories)}


def _issues(data: Any, url: str) -> list[Any]:
    if not isinstance(data, dict) or not isinstance(data.get("issues"), list):
        raise SyncError(
            f"the page {url} has no issues list",
            hint="the url should be the Jira site's address (https://SITE.atlassian.net, or "
            "the Data Center base URL)",
        )
    issues: list[Any] = data["issues"]
    return issues
