"""Releases as a forge publishes them (GitHub's and GitLab's REST APIs), read one way for a
file import (``github-releases``, ``gitlab-releases``) and for a sync.

A forge's release says what was tagged, when it went out and who published it. It does not say
what the release put into production (a model, a prompt, a gateway change, ...): the user says
that, once for a repository, as its artifact. Nor does it say whether the release went through
an eval gate or was rolled back: those stay unknown (not "no"), so no recipe reads a gate or a
rollback into a release that never said.

A draft is not released, a prerelease is not a production release, and a GitLab release dated
in the future (an "upcoming release") has not happened yet: each is passed over and counted.
A release's ``previous_version`` is the tag of the release of the same repository published
just before it, among those kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from perfpacket.errors import InputError
from perfpacket.evidence.importers._common import (
    Place,
    as_dict,
    head_is_json,
    json_objects,
    load_json_documents,
    optional_time,
    parse_time,
    sha256_file,
)
from perfpacket.evidence.records import BaseImporter, ImportContext, ImportOptions, Record
from perfpacket.vocab import ReleaseArtifact

ARTIFACT_HINT = "say what the releases put into production: one of " + ", ".join(
    a.value for a in ReleaseArtifact
)


def release_artifact(value: object, place: str) -> ReleaseArtifact:
    """The artifact a user named for a repository's releases, or an error naming ``place``."""
    if value in (None, ""):
        raise InputError(f"{place}: missing", hint=ARTIFACT_HINT)
    try:
        return ReleaseArtifact(str(value).strip().lower())
    except ValueError:
        raise InputError(
            f"{place}: '{value}' is not a kind of release", hint=ARTIFACT_HINT
        ) from None


@dataclass(frozen=True)
class Published:
    """One release a forge published: its key, tag, time and publisher."""

    key: str
    repo: str
    tag: str
    at: datetime
    login: str | None


@dataclass
class Passed:
    """Releases read but not kept, by why."""

    drafts: int = 0
    prereleases: int = 0
    upcoming: int = 0

    def __bool__(self) -> bool:
        return bool(self.drafts or self.prereleases or self.upcoming)

    def say(self, where: str) -> str:
        parts = [
            f"{n} {what}"
            for n, what in (
                (self.drafts, "drafts (not released)"),
                (self.prereleases, "prereleases (not production releases)"),
                (self.upcoming, "upcoming releases (dated in the future)"),
            )
            if n
        ]
        return f"{where}: passed over " + ", ".join(parts)


@dataclass
class Releases:
    """The releases of a listing that went out, with what was passed over."""

    kept: list[Published] = field(default_factory=list)
    passed: Passed = field(default_factory=Passed)

    def extend(self, other: Releases) -> None:
        """Add another page's releases."""
        self.kept.extend(other.kept)
        self.passed.drafts += other.passed.drafts
        self.passed.prereleases += other.passed.prereleases
        self.passed.upcoming += other.passed.upcoming


def _tag(obj: dict[str, Any], path: Place, place: str) -> str:
    tag = obj.get("tag_name")
    if not isinstance(tag, str) or not tag:
        raise InputError(
            f"'{path}' field {place}.tag_name: missing", hint="export whole release objects"
        )
    return tag


def _who(obj: dict[str, Any], field: str) -> str | None:
    """The publisher's handle on the forge (``author.login``, ``author.username``)."""
    handle = as_dict(obj.get("author")).get(field)
    return str(handle) if handle else None


def github_releases(
    objects: Iterable[tuple[str, dict[str, Any]]], path: Place, repo: str | None = None
) -> Releases:
    """Releases from GitHub release objects (``GET /repos/{owner}/{repo}/releases``), each with
    its place in the file or page. The repository is ``repo``, or read from each object's
    ``url`` (``.../repos/OWNER/REPO/releases/ID``)."""
    out = Releases()
    for place, obj in objects:
        if obj.get("draft") is True:
            out.passed.drafts += 1
            continue
        if obj.get("prerelease") is True:
            out.passed.prereleases += 1
            continue
        tag = _tag(obj, path, place)
        owner = repo or _github_repo(obj, path, place)
        when = optional_time(obj.get("published_at"), path, None, f"{place}.published_at")
        if when is None:
            # Only a draft lacks a publication time; a release object without one is not whole.
            raise InputError(
                f"'{path}' field {place}.published_at: missing on a release that is not a draft",
                hint="export whole release objects from the REST API",
            )
        key = f"github:{owner}:release:{obj.get('id') or tag}"
        out.kept.append(Published(key, owner, tag, when, _who(obj, "login")))
    return out


def _github_repo(obj: dict[str, Any], path: Place, place: str) -> str:
    url = str(obj.get("url") or "")
    parts = url.split("/repos/", 1)[-1].split("/") if "/repos/" in url else []
    if len(parts) >= 3 and parts[0] and parts[1] and parts[2] == "releases":
        return f"{parts[0]}/{parts[1]}"
    raise InputError(
        f"'{path}' field {place}.url: missing or not a release address",
        hint="export whole release objects from the REST API "
        "(`gh api repos/OWNER/REPO/releases --paginate`)",
    )


def gitlab_releases(
    objects: Iterable[tuple[str, dict[str, Any]]], path: Place, project: str | None = None
) -> Releases:
    """Releases from GitLab release objects (``GET /projects/:id/releases``). The project is
    ``project``, or read from each object's addresses."""
    out = Releases()
    for place, obj in objects:
        if obj.get("upcoming_release") is True:
            out.passed.upcoming += 1
            continue
        tag = _tag(obj, path, place)
        where = project or _gitlab_project(obj, path, place)
        released = obj.get("released_at") or obj.get("created_at")
        when = parse_time(released, path, None, f"{place}.released_at")
        key = f"gitlab:{where}:release:{tag}"
        out.kept.append(Published(key, where, tag, when, _who(obj, "username")))
    return out


def _gitlab_project(obj: dict[str, Any], path: Place, place: str) -> str:
    """The project's path, from the release's own address, or else (GitLab's documented
    listing gives ``_links`` to some releases only) from its commit's or its tag's path."""
    link = str(as_dict(obj.get("_links")).get("self") or "")
    if "/-/releases/" in link:
        return link.split("://", 1)[-1].split("/", 1)[-1].split("/-/releases/")[0]
    for key, marker in (("commit_path", "/commit/"), ("tag_path", "/-/tags/")):
        value = str(obj.get(key) or "")
        if marker in value and value.startswith("/"):
            return value[1:].split(marker)[0].removesuffix("/-")
    raise InputError(
        f"'{path}' field {place}._links.self: missing or not a release address",
        hint="export whole release objects from the REST API (v4)",
    )


def release_records(
    releases: Iterable[Published], artifact: ReleaseArtifact, forge: str
) -> list[Record]:
    """The records of a repository's releases, each with the tag published before it in the same
    repository as its ``previous_version``. ``forge`` is the identity kind of the publishers
    ("github", "gitlab")."""
    records = []
    previous: dict[str, str] = {}
    for release in sorted(releases, key=lambda r: (r.repo, r.at, r.tag)):
        records.append(
            Record(
                kind="release",
                natural_key=release.key,
                occurred_at=release.at,
                fields={
                    "artifact": artifact,
                    "version": release.tag,
                    "previous_version": previous.get(release.repo),
                    "released_at": release.at,
                    # A forge's release does not say; unknown is not "no".
                    "rolled_back": None,
                    "gated": None,
                    "qa_hours": None,
                },
                identities=[(forge, release.login)] if release.login else [],
                display_name=release.login,
            )
        )
        previous[release.repo] = release.tag
    return records


class ReleasesImporter(BaseImporter):
    """A forge's release listing saved as JSON, imported with ``--artifact``."""

    version = "1"
    forge = ""
    # Bytes only this forge's release objects carry.
    markers: tuple[bytes, ...] = ()
    saved = ""  # the command that saves a listing

    def sniff(self, path: Path, head: bytes) -> bool:
        return (
            path.is_file()
            and head_is_json(head)
            and b'"tag_name"' in head
            and all(m in head for m in self.markers)
        )

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        # What the releases are is part of the import, not only the file.
        return sha256_file(path, json.dumps({"artifact": options.artifact}))

    def releases(self, objects: list[tuple[str, dict[str, Any]]], path: Path) -> Releases:
        raise NotImplementedError

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        artifact = release_artifact(options.artifact, "--artifact")
        objects = [
            (f"[{i}]", obj)
            for i, obj in enumerate(json_objects(load_json_documents(path)))
            if "tag_name" in obj
        ]
        if not objects:
            raise InputError(
                f"'{path}': no {self.forge} releases found", hint=f"save the output of {self.saved}"
            )
        found = self.releases(objects, path)
        if found.passed:
            ctx.note(found.passed.say(f"'{path}'"))
        yield from release_records(found.kept, artifact, self.forge)
