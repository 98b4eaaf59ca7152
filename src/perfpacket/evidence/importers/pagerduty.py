"""``pagerduty``: incidents as the PagerDuty REST API returns them (a list, or ``{"incidents"}``).

The natural key is the incident id with its creation time, so a later export of the same
incident (acknowledged, then resolved) updates it in place.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from perfpacket.errors import InputError
from perfpacket.evidence.importers._common import (
    Place,
    as_dict,
    head_is_json,
    load_json,
    optional_time,
    parse_time,
    require,
    sha256_file,
)
from perfpacket.evidence.records import BaseImporter, ImportContext, ImportOptions, Record


def _responder(assignee: dict[str, object]) -> str:
    name, ident = str(assignee.get("summary") or ""), str(assignee.get("id") or "")
    return f"{name} <{ident}>" if name and ident else name or ident


class PagerDutyImporter(BaseImporter):
    name = "pagerduty"
    description = 'PagerDuty incidents JSON (a list of incidents, or an object with "incidents")'
    version = "1"

    def sniff(self, path: Path, head: bytes) -> bool:
        return (path.is_file() and head_is_json(head) and b"incident_number" in head) or (
            path.is_file() and b'"incidents"' in head
        )

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        return sha256_file(path)

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        data = load_json(path)
        incidents = data.get("incidents") if isinstance(data, dict) else data
        if not isinstance(incidents, list):
            raise InputError(f"'{path}' field incidents: expected a list of incidents")
        for i, inc in enumerate(incidents):
            yield self.incident_record(path, inc, f"incidents[{i}]")

    def incident_record(self, path: Place, inc: Any, place: str) -> Record:
        """One incident object of the REST API, from a file or a page a sync read."""
        if not isinstance(inc, dict):
            raise InputError(f"'{path}' field {place}: expected an incident object")
        ident = str(require(inc, "id", path, None, (str, int)))
        created = parse_time(
            require(inc, "created_at", path, None, str), path, None, f"{place}.created_at"
        )
        status = inc.get("status")
        resolved = optional_time(inc.get("resolved_at"), path, None, f"{place}.resolved_at")
        if resolved is None and status == "resolved":
            resolved = optional_time(
                inc.get("last_status_change_at"), path, None, f"{place}.last_status_change_at"
            )
        acks = [str(a["at"]) for a in inc.get("acknowledgements") or [] if as_dict(a).get("at")]
        acknowledged = (
            optional_time(min(acks), path, None, f"{place}.acknowledgements") if acks else None
        )
        assignees = [
            a["assignee"]
            for a in inc.get("assignments") or []
            if isinstance(a, dict) and isinstance(a.get("assignee"), dict)
        ]
        priority = as_dict(inc.get("priority"))
        severity = (priority or {}).get("summary") or inc.get("urgency") or "unknown"
        service = as_dict(inc.get("service"))
        return Record(
            kind="incident",
            natural_key=f"pagerduty:{ident}:{created.isoformat()}",
            occurred_at=created,
            fields={
                "external_id": ident,
                "severity": str(severity),
                "service": service.get("summary"),
                "title": inc.get("title") or inc.get("summary") or "",
                "opened_at": created,
                "acknowledged_at": acknowledged,
                "resolved_at": resolved,
                # "Name <id>": the name for the packet, the id to match a linked person.
                "responders": [_responder(a) for a in assignees],
                "teams": [
                    str(as_dict(t).get("summary") or as_dict(t).get("id"))
                    for t in inc.get("teams") or []
                ],
                "cause": inc.get("resolve_reason")
                if isinstance(inc.get("resolve_reason"), str)
                else None,
                "release_version": None,
            },
            identities=[("pagerduty", str(a["id"])) for a in assignees[:1] if a.get("id")],
            version=inc.get("updated_at") or inc.get("last_status_change_at"),
        )
