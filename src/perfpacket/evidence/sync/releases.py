"""A forge's release listing, synced: one way for the github and gitlab connectors.

A release listing has no "updated since": it is read whole, its first page asked for with the
last sync's ETag, so a repository whose releases did not change costs one 304. The ETag holds
only for the same artifact: a source whose ``release_artifact`` changed reads its releases
again, and each stored release takes the new artifact.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from perfpacket.evidence.importers._releases import Releases, release_artifact, release_records
from perfpacket.evidence.records import Record
from perfpacket.evidence.sync.config import SyncSource
from perfpacket.evidence.sync.connector import SyncContext
from perfpacket.evidence.sync.http import Http
from perfpacket.vocab import ReleaseArtifact

SCOPE_KEY = "release_artifact"
SCOPE_HELP = (
    "with releases: what the repository's releases put into production ("
    + ", ".join(a.value for a in ReleaseArtifact)
    + "); a release's gate and rollback stay unknown"
)


def artifact_of(source: SyncSource) -> ReleaseArtifact:
    """The source's ``release_artifact``, or an error naming it."""
    return release_artifact(source.scope.get(SCOPE_KEY), f"{source.place}.{SCOPE_KEY}")


def planned(source: SyncSource, where: str, stored: Mapping[str, Any] | None) -> str:
    first = "" if (stored or {}).get("etag") else " (first sync)"
    return f"the releases of {where}, as {artifact_of(source)} releases{first}"


@dataclass
class Synced:
    """A listing read whole: its records, the state to keep, the pages read."""

    records: list[Record]
    state: dict[str, Any]
    pages: int


def sync_releases(
    source: SyncSource,
    http: Http,
    url: str,
    params: Mapping[str, Any],
    stored: Mapping[str, Any] | None,
    read: Callable[[Any, str], Releases],
    forge: str,
    where: str,
    ctx: SyncContext,
) -> Synced | None:
    """Every release at ``url`` as records, or None when the listing did not change (a 304).
    ``read`` turns one page's answer into releases (refusing a page that is not a listing)."""
    artifact = artifact_of(source)
    known = stored or {}
    etag = known.get("etag") if known.get("artifact") == artifact else None
    found, pages, first = Releases(), 0, None
    for page in http.pages(url, params, etag):
        if page.not_modified:
            ctx.note(f"{where}: no release changed since the last sync")
            return None
        pages += 1
        first = first or page.etag
        found.extend(read(page.data, page.url))
    if found.passed:
        ctx.note(found.passed.say(where))
    state = {k: v for k, v in (("etag", first), ("artifact", str(artifact))) if v}
    return Synced(release_records(found.kept, artifact, forge), state, pages)
