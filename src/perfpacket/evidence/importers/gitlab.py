"""``gitlab-mrs``: GitLab merge requests, and their approvals, as the REST API (v4) returns them.

Reads merge request listings (``/projects/:id/merge_requests``, saved pages may be
concatenated) and, in the same file, the notes of those merge requests
(``/projects/:id/merge_requests/:iid/notes``). A note tells its project only by number, so its
merge request must be in the file too. GitLab records an approval as a system note ("approved
this merge request", with its time and approver) and a withdrawn one likewise ("unapproved this
merge request"); each becomes a review. Other notes are counted on the merge request
(``user_notes_count``), not stored one by one.
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
    json_objects,
    load_json_documents,
    optional_time,
    parse_time,
    require,
    sha256_file,
)
from perfpacket.evidence.importers._releases import Releases, ReleasesImporter, gitlab_releases
from perfpacket.evidence.records import (
    BaseImporter,
    ImportContext,
    ImportOptions,
    Record,
    change_fields,
)

# The system notes GitLab writes for an approval and its withdrawal (capitalised before 13.x).
APPROVAL_NOTES = {
    "approved this merge request": "approved",
    "unapproved this merge request": "unapproved",
}


def project_path(mr: dict[str, Any], path: Place, place: str) -> str:
    """The merge request's project as GROUP/PROJECT: from ``references.full`` ("g/p!1"), or
    from its web address."""
    full = str(as_dict(mr.get("references")).get("full") or "")
    if "!" in full:
        return full.rsplit("!", 1)[0]
    web = str(mr.get("web_url") or "")
    if "/merge_requests/" in web:
        parts = web.split("://", 1)[-1].split("/", 1)[-1].split("/merge_requests/")[0]
        return parts.removesuffix("/-")
    raise InputError(
        f"'{path}' field {place}.references.full: missing",
        hint="export whole merge request objects from the REST API (v4)",
    )


def approval(note: dict[str, Any]) -> str | None:
    """ "approved" or "unapproved" for GitLab's approval system notes; None for any other."""
    if not note.get("system"):
        return None
    return APPROVAL_NOTES.get(str(note.get("body") or "").strip().lower())


class GitLabMergeRequestsImporter(BaseImporter):
    name = "gitlab-mrs"
    description = (
        "GitLab merge requests as JSON (REST API v4 listings), with their notes in the same "
        "file for approvals"
    )
    version = "1"

    def sniff(self, path: Path, head: bytes) -> bool:
        return (
            path.is_file()
            and head_is_json(head)
            and ((b'"iid"' in head and b'"target_branch"' in head) or b'"noteable_iid"' in head)
        )

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        return sha256_file(path)

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        objects = list(json_objects(load_json_documents(path)))
        mrs = [o for o in objects if "iid" in o and "target_branch" in o]
        notes = [o for o in objects if o.get("noteable_type") == "MergeRequest"]
        if not mrs:
            raise InputError(
                f"'{path}': no GitLab merge requests found",
                hint="save the output of `glab api 'projects/ID/merge_requests?state=all' "
                "--paginate`, with the merge requests' notes after them",
            )
        projects: dict[tuple[int, int], tuple[str, dict[str, Any]]] = {}
        for i, mr in enumerate(mrs):
            record = self.merge_request_record(path, mr, f"[{i}]")
            projects[(int(mr.get("project_id") or 0), int(mr["iid"]))] = (
                str(record.fields["repo"]),
                mr,
            )
            yield record
        for j, note in enumerate(notes):
            key = (int(note.get("project_id") or 0), int(note.get("noteable_iid") or 0))
            if approval(note) is None:
                continue
            if key not in projects:
                raise InputError(
                    f"'{path}' field notes[{j}].noteable_iid: merge request !{key[1]} of project "
                    f"{key[0]} is not in the file",
                    hint="a note names its project only by number: save its merge request in "
                    "the same file",
                )
            repo, mr = projects[key]
            yield self.approval_record(path, note, repo, mr, f"notes[{j}]")

    def merge_request_record(self, path: Place, mr: dict[str, Any], place: str) -> Record:
        """One merge request of a listing, from a file or a page a sync read."""
        iid = require(mr, "iid", path, None, int)
        repo = project_path(mr, path, place)
        author = str(as_dict(mr.get("author")).get("username") or "")
        created = parse_time(mr.get("created_at"), path, None, f"{place}.created_at")
        updated = parse_time(
            mr.get("updated_at") or mr.get("created_at"), path, None, f"{place}.updated_at"
        )
        labels = [
            str(lb.get("name")) if isinstance(lb, dict) else str(lb)
            for lb in mr.get("labels") or []
        ]
        count = mr.get("user_notes_count")
        return Record(
            kind="change",
            natural_key=f"{repo}!{iid}",
            occurred_at=created,
            fields=change_fields(
                repo=repo,
                number=iid,
                title=str(mr.get("title") or ""),
                author_name=author or None,
                authored_at=created,
                merged_at=optional_time(mr.get("merged_at"), path, None, f"{place}.merged_at"),
                closed_at=optional_time(mr.get("closed_at"), path, None, f"{place}.closed_at"),
                reviewers=sorted(
                    str(r.get("username"))
                    for r in mr.get("reviewers") or []
                    if isinstance(r, dict) and r.get("username")
                ),
                labels=sorted(labels),
                comments=count if isinstance(count, int) and not isinstance(count, bool) else None,
            ),
            identities=[("gitlab", author)] if author else [],
            version=updated.astimezone(UTC).isoformat(),
        )

    def approval_record(
        self, path: Place, note: dict[str, Any], repo: str, mr: dict[str, Any], place: str
    ) -> Record:
        """An approval (or its withdrawal) of a merge request, from its system note."""
        state = approval(note)
        if state is None:
            raise InputError(f"'{path}' field {place}.body: not an approval note")
        who = str(as_dict(note.get("author")).get("username") or "")
        at = parse_time(note.get("created_at"), path, None, f"{place}.created_at")
        return Record(
            kind="review",
            natural_key=f"{repo}!{mr['iid']}:note:{note.get('id')}",
            occurred_at=at,
            fields={
                "repo": repo,
                "number": int(mr["iid"]),
                "reviewer": who,
                "state": state,
                "submitted_at": at,
            },
            identities=[("gitlab", who)] if who else [],
            version=at.astimezone(UTC).isoformat(),
        )


class GitLabReleasesImporter(ReleasesImporter):
    name = "gitlab-releases"
    description = (
        "GitLab releases as JSON (REST API v4), with --artifact saying what they put into "
        "production; upcoming releases are passed over, and whether a release was gated or "
        "rolled back stays unknown"
    )
    forge = "gitlab"
    markers = (b'"released_at"',)
    saved = "`glab api projects/ID/releases --paginate`"

    def releases(self, objects: list[tuple[str, dict[str, Any]]], path: Path) -> Releases:
        return gitlab_releases(objects, path)
