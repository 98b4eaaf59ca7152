"""``pagerduty``: incidents from the PagerDuty REST API (v2), as the ``pagerduty`` importer
reads them from an export.

The API lists incidents by creation time and has no "updated since" filter, so each sync asks
again for the incidents created in the ``lookback_days`` (default 30) before the newest one it
stored: an incident acknowledged or resolved since the last sync is updated, one that did not
change is left as it was, and nothing older is fetched again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from perfpacket.errors import InputError
from perfpacket.evidence.importers.pagerduty import PagerDutyImporter
from perfpacket.evidence.records import Record
from perfpacket.evidence.sync.config import SyncSource
from perfpacket.evidence.sync.connector import BaseConnector, Batch, Plan, SyncContext
from perfpacket.evidence.sync.http import Http, SyncError

LIMIT = 100
LOOKBACK_DAYS = 30


class PagerDutyConnector(BaseConnector):
    name = "pagerduty"
    description = "PagerDuty incidents with their assignments, acknowledgements and teams"
    scope_keys: ClassVar[Mapping[str, str]] = {
        "services": "service ids to keep to (default: every service the key can see)",
        "teams": "team ids to keep to",
        "lookback_days": "how many days before the newest stored incident each sync asks "
        "again for, to catch resolutions (default 30)",
    }
    default_url = "https://api.pagerduty.com"
    token_env = "PAGERDUTY_TOKEN"
    token_scopes = "a read-only REST API key (user or account level)"
    scope_hint = "check services and teams in [[sync]] '{name}' (PagerDuty ids such as PIJ90N7)"
    writes = ("incident",)

    def __init__(self) -> None:
        self._records = PagerDutyImporter()

    def auth(self, token: str | None) -> dict[str, str]:
        headers = {"Accept": "application/vnd.pagerduty+json;version=2"}
        return {**headers, "Authorization": f"Token token={token}"} if token else headers

    def _lookback(self, source: SyncSource) -> int:
        raw = source.scope.get("lookback_days", LOOKBACK_DAYS)
        if not (isinstance(raw, int) and raw >= 0):
            raise InputError(
                f"{source.place}.lookback_days: {raw!r} is not a whole number of days",
                hint="write it as a number, e.g. lookback_days = 30",
            )
        return raw

    def plan(self, source: SyncSource, state: Mapping[str, Any]) -> Plan:
        since = state.get("newest")
        what = (
            f"incidents created after {since} less {self._lookback(source)} days"
            if since
            else "every incident (first sync)"
        )
        return Plan(hosts=[source.host], fetch=[what])

    def pull(
        self, source: SyncSource, http: Http, state: Mapping[str, Any], ctx: SyncContext
    ) -> Iterator[Batch]:
        newest = state.get("newest")
        params: dict[str, Any] = {"limit": LIMIT, "time_zone": "UTC", "total": "false"}
        if newest:
            start = datetime.fromisoformat(newest) - timedelta(days=self._lookback(source))
            params["since"] = start.isoformat()
            params["until"] = datetime.now(UTC).isoformat()
        else:
            params["date_range"] = "all"
        if source.items("services"):
            params["service_ids[]"] = source.items("services")
        if source.items("teams"):
            params["team_ids[]"] = source.items("teams")
        offset = 0
        while True:
            page = http.get(f"{source.url}/incidents", {**params, "offset": offset})
            data = page.data
            if not isinstance(data, dict) or not isinstance(data.get("incidents"), list):
                raise SyncError(
                    f"{source.place}: the page {page.url} has no incidents list",
                    hint="the url should be the REST API's (https://api.pagerduty.com)",
                )
            records: list[Record] = []
            for i, inc in enumerate(data["incidents"]):
                record = self._records.incident_record(page.url, inc, f"incidents[{i}]")
                records.append(record)
                created = record.fields["opened_at"].isoformat()
                newest = max(newest or created, created)
            offset += len(data["incidents"])
            more = bool(data.get("more")) and bool(data["incidents"])
            # Incidents come oldest first: the newest so far is stored with this page.
            yield Batch(records, {"newest": newest} if newest else {})
            if not more:
                return
