"""``jira-issues``: Jira issues and epics with their status history, as the REST API returns them.

Reads a search answer (``/rest/api/2/search``, ``/rest/api/3/search/jql``; saved pages may be
concatenated), a list of issues, or one issue, from Jira Cloud or Data Center. Ask with
``expand=changelog`` so that each issue carries its status changes; without it, or when a search
page holds only the latest part of a long changelog, the ticket is stored with the history it
has and marked incomplete, with a warning (``perfpacket sync`` fetches the rest).

An issue's epic is its ``parent`` (Jira Cloud, and any sub-task's parent issue) or, on Data
Center and older Cloud sites, the value of the "Epic Link" custom field, whose id differs from
site to site. A file names that field when it was saved with ``expand=schema`` (or
``expand=names``); a sync finds it in the site's field list.

The natural key is the site and the issue's numeric id, which stays the same when an issue
moves to another project and changes its key. A ticket belongs to its assignee; an unassigned
ticket belongs to nobody (its reporter did not do the work).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from perfpacket.errors import InputError
from perfpacket.evidence.importers._common import (
    Place,
    as_dict,
    head_is_json,
    load_json_documents,
    optional_time,
    parse_time,
    require,
    sha256_file,
)
from perfpacket.evidence.importers._tickets import read_tickets
from perfpacket.evidence.records import BaseImporter, ImportContext, ImportOptions, Record
from perfpacket.vocab import TicketState, Tracker

# Jira's status categories, by key.
CATEGORIES = {
    "new": TicketState.TODO,
    "undefined": TicketState.TODO,
    "indeterminate": TicketState.IN_PROGRESS,
    "done": TicketState.DONE,
}
# Jira's default resolutions that close a ticket without the work being done.
NOT_DONE = frozenset({"won't do", "won't fix", "duplicate", "cannot reproduce", "declined"})
# The custom field type of Jira Software's "Epic Link" (Data Center, older Cloud sites).
EPIC_LINK = "com.pyxis.greenhopper.jira:gh-epic-link"
# The fields a sync asks for: what a ticket is made of, and no more (and the Epic Link field).
FIELDS = (
    "summary",
    "issuetype",
    "project",
    "parent",
    "status",
    "resolution",
    "resolutiondate",
    "assignee",
    "reporter",
    "created",
    "updated",
    "labels",
    "components",
)


def _issues(docs: list[Any]) -> Iterator[Any]:
    for doc in docs:
        if isinstance(doc, dict) and isinstance(doc.get("issues"), list):
            yield from doc["issues"]
        elif isinstance(doc, list):
            yield from doc
        elif isinstance(doc, dict) and "fields" in doc:
            yield doc


def epic_link_field(fields: Any) -> str | None:
    """The id of the Epic Link custom field in a site's field list (``/rest/api/2/field``), or
    None when the site has none (team-managed Cloud projects use ``parent`` alone)."""
    for field in fields if isinstance(fields, list) else []:
        f = as_dict(field)
        if as_dict(f.get("schema")).get("custom") == EPIC_LINK and f.get("id"):
            return str(f["id"])
    return None


def _epic_field_of(docs: list[Any]) -> str | None:
    """The Epic Link field a saved search answer names: by its type in ``schema``
    (``expand=schema``), else by its English name in ``names`` (``expand=names``)."""
    for doc in docs:
        d = as_dict(doc)
        for key, schema in as_dict(d.get("schema")).items():
            if as_dict(schema).get("custom") == EPIC_LINK:
                return str(key)
        for key, name in as_dict(d.get("names")).items():
            if name == "Epic Link":
                return str(key)
    return None


def _user(user: Any) -> tuple[str | None, list[tuple[str, str]]]:
    """A Jira user's name for the packet, and the identities that match a person: the email
    when the site shows it, and the account id (Cloud) or user name (Data Center)."""
    u = as_dict(user)
    if not u:
        return None, []
    identities: list[tuple[str, str]] = []
    if u.get("emailAddress"):
        identities.append(("email", str(u["emailAddress"]).lower()))
    account = u.get("accountId") or u.get("name") or u.get("key")
    if account:
        identities.append(("jira", str(account).lower()))
    name = u.get("displayName") or u.get("name") or u.get("accountId")
    return (str(name) if name else None), identities


def site(issue: dict[str, Any]) -> str | None:
    """The Jira site an issue came from (its ``self`` address's host), if it says."""
    host = urlsplit(str(issue.get("self") or "")).netloc
    return host or None


def status_history(histories: list[Any], path: Place, place: str) -> list[dict[str, str | None]]:
    """The status changes in a changelog's histories, oldest first."""
    changes = []
    for j, history in enumerate(histories):
        h = as_dict(history)
        items = [as_dict(i) for i in h.get("items") or []]
        status = [i for i in items if i.get("fieldId", i.get("field")) == "status"]
        if not status:
            continue
        at = parse_time(h.get("created"), path, None, f"{place}.histories[{j}].created")
        by, _ = _user(h.get("author"))
        for item in status:
            changes.append(
                {
                    "at": at.astimezone(UTC).isoformat(),
                    "from": item.get("fromString"),
                    "to": item.get("toString"),
                    "by": by,
                }
            )
    changes.sort(key=lambda c: str(c["at"]))
    return changes


class JiraIssuesImporter(BaseImporter):
    name = "jira-issues"
    description = (
        "Jira issues as JSON (a /search or /search/jql answer, a list of issues or one issue; "
        "with expand=changelog for the status history, and schema for Data Center's epics)"
    )
    version = "1"

    def sniff(self, path: Path, head: bytes) -> bool:
        return (
            path.is_file() and head_is_json(head) and b'"fields"' in head and b"/rest/api/" in head
        )

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        return sha256_file(path)

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        docs = load_json_documents(path)
        epic_field = _epic_field_of(docs)
        return read_tickets(
            path,
            _issues(docs),
            lambda where, issue, place: self.issue_record(
                where, issue, place, epic_field, epics_known=epic_field is not None
            ),
            "issues[{}]",
            ctx,
            tracker="Jira",
            save="save the answer of /rest/api/3/search/jql?jql=...&expand=changelog "
            "(or /rest/api/2/search?jql=...&expand=changelog,schema on Data Center)",
            whole="A search page holds at most the latest changes: export with "
            "expand=changelog, or use `perfpacket sync`, which fetches each whole changelog",
        )

    def issue_record(
        self,
        path: Place,
        issue: Any,
        place: str,
        epic_field: str | None = None,
        epics_known: bool = True,
    ) -> Record:
        """One issue object of the REST API, from a file or a page a sync read. ``epic_field``
        is the site's Epic Link custom field, if it has one; ``epics_known`` is False when the
        source cannot say which field that is (a file saved without ``expand=schema``), so an
        issue without a ``parent`` may still have an epic."""
        if not isinstance(issue, dict):
            raise InputError(f"'{path}' field {place}: expected an issue object")
        ident = str(require(issue, "id", path, None, (str, int)))
        key = str(require(issue, "key", path, None, str))
        fields = require(issue, "fields", path, None, dict)
        created = parse_time(fields.get("created"), path, None, f"{place}.fields.created")
        status = as_dict(fields.get("status"))
        category = str(as_dict(status.get("statusCategory")).get("key") or "")
        if not status.get("name") or category not in CATEGORIES:
            raise InputError(
                f"'{path}' field {place}.fields.status.statusCategory.key: "
                + (f"'{category}' is not a Jira status category" if category else "missing"),
                hint="export the issues with their status field (fields=*all, or "
                "fields=" + ",".join(FIELDS) + ")",
            )
        state = CATEGORIES[category]
        resolution = str(as_dict(fields.get("resolution")).get("name") or "")
        if state is TicketState.DONE and resolution.lower() in NOT_DONE:
            state = TicketState.CANCELED
        assignee, identities = _user(fields.get("assignee"))
        reporter, _ = _user(fields.get("reporter"))
        changelog = as_dict(issue.get("changelog"))
        histories = changelog.get("histories") or []
        total = changelog.get("total")
        complete = bool(changelog) and (not isinstance(total, int) or len(histories) >= total)
        host = site(issue)
        # Compared as text with the stored version: UTC, so that offsets do not reorder it.
        updated = parse_time(
            fields.get("updated") or created.isoformat(), path, None, f"{place}.fields.updated"
        )
        return Record(
            kind="ticket",
            natural_key=f"jira:{host}:{ident}" if host else f"jira:{ident}",
            occurred_at=created,
            fields={
                "tracker": Tracker.JIRA,
                "key": key,
                "project": as_dict(fields.get("project")).get("key"),
                "title": str(fields.get("summary") or ""),
                "issue_type": as_dict(fields.get("issuetype")).get("name"),
                "parent": _parent(fields, epic_field),
                "status": str(status["name"]),
                "state": state,
                "assignee": assignee,
                "reporter": reporter,
                "created_at": created,
                "resolved_at": optional_time(
                    fields.get("resolutiondate"), path, None, f"{place}.fields.resolutiondate"
                ),
                "labels": sorted(str(label) for label in fields.get("labels") or []),
                "components": sorted(
                    str(as_dict(c).get("name")) for c in fields.get("components") or []
                ),
                "history": status_history(histories, path, f"{place}.changelog"),
                "history_complete": complete,
            },
            identities=identities,
            display_name=assignee,
            version=updated.astimezone(UTC).isoformat(),
            unknown=frozenset(() if epics_known or fields.get("parent") else ("parent",)),
        )


def _parent(fields: dict[str, Any], epic_field: str | None) -> str | None:
    """The key of the issue's parent, else of the epic its Epic Link field names."""
    parent = as_dict(fields.get("parent")).get("key")
    if parent:
        return str(parent)
    epic = fields.get(epic_field) if epic_field else None
    return epic if isinstance(epic, str) and epic else None
