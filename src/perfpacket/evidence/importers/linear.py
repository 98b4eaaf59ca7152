"""``linear-issues``: Linear issues with their status history, as Linear's GraphQL API returns them.

Reads saved answers of an ``issues`` query (``{"data": {"issues": {"nodes": [...]}}}``; saved
pages may be concatenated or listed), of an ``issue`` query, or a plain list of issue nodes. Ask
for the fields in :data:`ISSUE_FIELDS` (``docs/sync.md`` shows the whole query): the state with its
type, the team, the assignee with their email, and ``history`` with each change's ``fromState``
and ``toState``. An issue whose history is missing, or has a next page, is stored with what it has
and marked incomplete, with a warning (``perfpacket sync`` fetches the rest).

A Linear issue is keyed by its id, which stays the same when it moves to another team and its
identifier (``ENG-7``) changes. A ticket belongs to its assignee; an unassigned issue belongs
to nobody (whoever created it did not do the work). Linear has no issue types: the team's key
is the ticket's project, the parent issue its parent.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

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

# Linear's workflow state types ("duplicate" is a canceled issue Linear marked a duplicate).
STATE_TYPES = {
    "triage": TicketState.TODO,
    "backlog": TicketState.TODO,
    "unstarted": TicketState.TODO,
    "started": TicketState.IN_PROGRESS,
    "completed": TicketState.DONE,
    "canceled": TicketState.CANCELED,
    "duplicate": TicketState.CANCELED,
}
HISTORY_PAGE = 50
USER_FIELDS = "id name displayName email"
HISTORY_FIELDS = (
    "nodes { createdAt actor { " + USER_FIELDS + " } fromState { name type } "
    "toState { name type } } pageInfo { hasNextPage endCursor }"
)
# What a ticket is made of, as a GraphQL selection on Issue: a sync asks for these, and a saved
# answer should hold them.
ISSUE_FIELDS = (
    "id identifier title url createdAt updatedAt completedAt canceledAt "
    "state { name type } team { key } parent { identifier } labels { nodes { name } } "
    f"assignee {{ {USER_FIELDS} }} creator {{ {USER_FIELDS} }} "
    f"history(first: {HISTORY_PAGE}) {{ {HISTORY_FIELDS} }}"
)


def issue_nodes(docs: list[Any]) -> Iterator[Any]:
    """The issue nodes of saved answers: ``issues`` pages, ``issue`` answers, or lists."""
    for doc in docs:
        if isinstance(doc, list):
            if all(isinstance(d, dict) and "identifier" in d for d in doc):
                yield from doc
            else:
                yield from issue_nodes(doc)
            continue
        data = as_dict(as_dict(doc).get("data"))
        if isinstance(as_dict(data.get("issues")).get("nodes"), list):
            yield from data["issues"]["nodes"]
        elif isinstance(data.get("issue"), dict):
            yield data["issue"]
        elif isinstance(doc, dict) and "identifier" in doc:
            yield doc


def _user(user: Any) -> tuple[str | None, list[tuple[str, str]]]:
    """A Linear user's name for the packet, and the identities that match a person."""
    u = as_dict(user)
    if not u:
        return None, []
    identities: list[tuple[str, str]] = []
    if u.get("email"):
        identities.append(("email", str(u["email"]).lower()))
    if u.get("id"):
        identities.append(("linear", str(u["id"]).lower()))
    name = u.get("name") or u.get("displayName") or u.get("email")
    return (str(name) if name else None), identities


def status_history(nodes: list[Any], path: Place, place: str) -> list[dict[str, str | None]]:
    """The state changes among an issue's history entries, oldest first (Linear lists each
    change to an issue; those without a ``toState`` changed something else)."""
    changes = []
    for j, node in enumerate(nodes):
        entry = as_dict(node)
        to = as_dict(entry.get("toState"))
        if not to:
            continue
        at = parse_time(entry.get("createdAt"), path, None, f"{place}.nodes[{j}].createdAt")
        by, _ = _user(entry.get("actor"))
        changes.append(
            {
                "at": at.astimezone(UTC).isoformat(),
                "from": as_dict(entry.get("fromState")).get("name"),
                "to": to.get("name"),
                "by": by,
            }
        )
    changes.sort(key=lambda c: str(c["at"]))
    return changes


def history_complete(issue: dict[str, Any]) -> bool:
    """Whether the issue's ``history`` is all of it: present, and without a next page."""
    history = as_dict(issue.get("history"))
    return isinstance(history.get("nodes"), list) and not as_dict(history.get("pageInfo")).get(
        "hasNextPage"
    )


class LinearIssuesImporter(BaseImporter):
    name = "linear-issues"
    description = (
        "Linear issues as JSON (saved answers of the GraphQL issues query, with history for the "
        "status changes)"
    )
    version = "1"

    def sniff(self, path: Path, head: bytes) -> bool:
        return (
            path.is_file()
            and head_is_json(head)
            and (
                (b'"identifier"' in head and (b'"issue' in head or b'"team"' in head))
                or (b'"issues"' in head and b'"nodes"' in head)  # an answer that found none
            )
            and b"/rest/api/" not in head
        )

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        return sha256_file(path)

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        return read_tickets(
            path,
            issue_nodes(load_json_documents(path)),
            self.issue_record,
            "issues.nodes[{}]",
            ctx,
            tracker="Linear",
            save="save the answer of Linear's GraphQL issues query (docs/sync.md shows it)",
            whole="Ask for history with all its pages, or use `perfpacket sync`, which "
            "fetches each whole history",
        )

    def issue_record(self, path: Place, issue: Any, place: str) -> Record:
        """One Issue node of the GraphQL API, from a file or a page a sync read."""
        if not isinstance(issue, dict):
            raise InputError(f"'{path}' field {place}: expected an issue object")
        ident = str(require(issue, "id", path, None, str))
        key = str(require(issue, "identifier", path, None, str))
        created = parse_time(issue.get("createdAt"), path, None, f"{place}.createdAt")
        state = as_dict(issue.get("state"))
        kind = str(state.get("type") or "")
        if not state.get("name") or kind not in STATE_TYPES:
            raise InputError(
                f"'{path}' field {place}.state.type: "
                + (f"'{kind}' is not a Linear state type" if kind else "missing"),
                hint="ask for the issue's state { name type }",
            )
        assignee, identities = _user(issue.get("assignee"))
        creator, _ = _user(issue.get("creator"))
        resolved = issue.get("completedAt") or issue.get("canceledAt")
        updated = parse_time(
            issue.get("updatedAt") or created.isoformat(), path, None, f"{place}.updatedAt"
        )
        history = as_dict(issue.get("history"))
        return Record(
            kind="ticket",
            natural_key=f"linear:{ident}",
            occurred_at=created,
            fields={
                "tracker": Tracker.LINEAR,
                "key": key,
                "project": as_dict(issue.get("team")).get("key"),
                "title": str(issue.get("title") or ""),
                "issue_type": None,
                "parent": as_dict(issue.get("parent")).get("identifier"),
                "status": str(state["name"]),
                "state": STATE_TYPES[kind],
                "assignee": assignee,
                "reporter": creator,
                "created_at": created,
                "resolved_at": optional_time(resolved, path, None, f"{place}.completedAt"),
                "labels": sorted(
                    str(as_dict(label).get("name"))
                    for label in as_dict(issue.get("labels")).get("nodes") or []
                ),
                "components": [],
                "history": status_history(
                    list(history.get("nodes") or []), path, f"{place}.history"
                ),
                "history_complete": history_complete(issue),
            },
            identities=identities,
            display_name=assignee,
            version=updated.astimezone(UTC).isoformat(),
        )
