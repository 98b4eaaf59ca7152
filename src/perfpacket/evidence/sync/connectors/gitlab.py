"""``gitlab``: merge requests with their approvals, from the REST API (v4) of gitlab.com or a
self-managed GitLab, as the ``gitlab-mrs`` importer reads them from an export.

Merge requests are listed oldest update first from the last sync's newest update
(``updated_after``, which GitLab reads as "at or after"), following the ``Link`` headers, so each
page is stored with the cursor that holds after it. Each changed merge request's notes are read
for its approvals (GitLab records them as system notes, with their time); four requests are in
flight at a time.

Releases (with ``include = ["merge_requests", "releases"]`` and ``release_artifact`` saying what
they put into production) are listed whole, newest first, each sync; an upcoming release (dated
in the future) is passed over, and whether a release was gated or rolled back stays unknown.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar
from urllib.parse import quote

from perfpacket.errors import InputError
from perfpacket.evidence.importers._releases import Releases, gitlab_releases
from perfpacket.evidence.importers.gitlab import GitLabMergeRequestsImporter, approval
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
from perfpacket.evidence.sync.releases import SCOPE_HELP as RELEASES_HELP
from perfpacket.evidence.sync.releases import SCOPE_KEY as RELEASES_KEY
from perfpacket.evidence.sync.releases import artifact_of, planned, sync_releases

PER_PAGE = 100
CONCURRENCY = 4
INCLUDE = ("merge_requests", "releases")


class GitLabConnector(BaseConnector):
    name = "gitlab"
    description = (
        "GitLab merge requests and their approvals, and releases (gitlab.com or self-managed)"
    )
    scope_keys: ClassVar[Mapping[str, str]] = {
        "projects": 'the projects, as their paths: "GROUP/PROJECT" (subgroups too)',
        "include": 'what to sync of each: "merge_requests" (with their approvals) and '
        '"releases" (default: ["merge_requests"])',
        RELEASES_KEY: RELEASES_HELP,
    }
    required = ("projects",)
    default_url = "https://gitlab.com"
    token_env = "GITLAB_TOKEN"
    token_scopes = "read_api (a personal, project or group access token)"
    scope_hint = "check projects in [[sync]] '{name}' (GROUP/PROJECT paths)"
    writes = ("change", "review", "release")

    def __init__(self) -> None:
        self._records = GitLabMergeRequestsImporter()

    def auth(self, token: str | None) -> dict[str, str]:
        return {"PRIVATE-TOKEN": token} if token else {}

    def include(self, source: SyncSource) -> list[str]:
        given = source.items("include") or ["merge_requests"]
        wrong = [g for g in given if g not in INCLUDE]
        if wrong:
            raise InputError(
                f"{source.place}.include: {wrong[0]!r} is not something a gitlab source syncs",
                hint='write include = ["merge_requests"], ["releases"] or both',
            )
        if "releases" in given:
            artifact_of(source)
        return given

    def plan(self, source: SyncSource, state: Mapping[str, Any]) -> Plan:
        fetch = []
        include = self.include(source)
        for project in source.items("projects"):
            known = (state.get("projects") or {}).get(project, {})
            since = known.get("updated")
            if "merge_requests" in include:
                fetch.append(
                    f"merge requests of {project} updated after {since}, with their approvals"
                    if since
                    else f"every merge request of {project}, with their approvals (first sync)"
                )
            if "releases" in include:
                fetch.append(planned(source, project, known.get("releases")))
        return Plan(hosts=[source.host], fetch=fetch)

    def pull(
        self, source: SyncSource, http: Http, state: Mapping[str, Any], ctx: SyncContext
    ) -> Iterator[Batch]:
        projects: dict[str, dict[str, Any]] = copy.deepcopy(dict(state.get("projects") or {}))
        for project in source.items("projects"):
            if "/" not in project or not all(project.split("/")):
                raise SyncError(
                    f"{source.place}.projects: '{project}' is not a GROUP/PROJECT path",
                    hint='write each project as its path, e.g. "acme/ai-platform"',
                )
            include = self.include(source)
            if "merge_requests" in include:
                yield from self._project(source, http, project, projects)
            if "releases" in include:
                yield from self._releases(source, http, project, projects, ctx)

    def _project(
        self, source: SyncSource, http: Http, project: str, projects: dict[str, dict[str, Any]]
    ) -> Iterator[Batch]:
        known = projects.get(project) or {}
        cursor = SinceCursor.of(known.get("updated"), known.get("ids"))
        base = f"{source.url}/api/v4/projects/{quote(project, safe='')}"
        params: dict[str, Any] = {
            "state": "all",
            "order_by": "updated_at",
            "sort": "asc",
            "per_page": PER_PAGE,
        }
        if cursor.stored:
            params["updated_after"] = cursor.stored.replace("+00:00", "Z")
        for page in http.pages(f"{base}/merge_requests", params):
            changed: list[tuple[Record, dict[str, Any]]] = []
            for i, mr in enumerate(_objects(page.data, page.url)):
                record = self._records.merge_request_record(page.url, mr, f"[{i}]")
                if not cursor.is_new(str(record.version), mr["iid"]):
                    continue  # stored by an earlier sync, unchanged since
                changed.append((record, mr))
                cursor.saw(str(record.version), mr["iid"])
            with ThreadPoolExecutor(CONCURRENCY) as pool:
                approvals = list(
                    pool.map(lambda pair: self._approvals(http, base, pair[0], pair[1]), changed)
                )
            records: list[Record] = []
            for (record, _), reviews in zip(changed, approvals, strict=True):
                records.append(record)
                records.extend(reviews)
            if cursor.newest:
                kept = {k: v for k, v in projects.get(project, {}).items() if k == "releases"}
                projects[project] = {**cursor.state(), **kept}
            yield Batch(records, {"projects": copy.deepcopy(projects)})

    def _releases(
        self,
        source: SyncSource,
        http: Http,
        project: str,
        projects: dict[str, dict[str, Any]],
        ctx: SyncContext,
    ) -> Iterator[Batch]:
        known = projects.setdefault(project, {})

        def read(data: Any, url: str) -> Releases:
            listed = enumerate(_objects(data, url))
            return gitlab_releases([(f"[{i}]", r) for i, r in listed], url, project)

        url = f"{source.url}/api/v4/projects/{quote(project, safe='')}/releases"
        params = {"order_by": "released_at", "sort": "desc", "per_page": PER_PAGE}
        synced = sync_releases(
            source, http, url, params, known.get("releases"), read, "gitlab", project, ctx
        )
        if synced is not None:
            known["releases"] = synced.state
            yield Batch(synced.records, {"projects": copy.deepcopy(projects)}, pages=synced.pages)

    def _approvals(self, http: Http, base: str, record: Record, mr: dict[str, Any]) -> list[Record]:
        url = f"{base}/merge_requests/{mr['iid']}/notes"
        repo = str(record.fields["repo"])
        return [
            self._records.approval_record(page.url, note, repo, mr, f"[{j}]")
            for page in http.pages(url, {"per_page": PER_PAGE, "sort": "asc"})
            for j, note in enumerate(_objects(page.data, page.url))
            if approval(note) is not None
        ]


def _objects(data: Any, url: str) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise SyncError(
            f"the page {url} is not a list of objects",
            hint="the url should be the GitLab server's (https://gitlab.com, or your "
            "self-managed address, without /api/v4)",
        )
    return data
