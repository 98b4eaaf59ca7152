"""``github-prs``: pull requests and reviews as the GitHub REST API returns them.

Accepts a file saved from ``gh api --paginate`` (arrays, concatenated), single objects, and
webhook payloads (``pull_request`` and ``pull_request_review`` events). The same pull request
seen twice is one record, updated to its latest state (by ``updated_at``).
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
from perfpacket.evidence.importers._releases import Releases, ReleasesImporter, github_releases
from perfpacket.evidence.records import (
    BaseImporter,
    ImportContext,
    ImportOptions,
    Record,
    change_fields,
)
from perfpacket.vocab import TicketState, Tracker


def _comments(pr: dict[str, Any]) -> int | None:
    """Issue comments and review comments, when the object says (a single pull request does;
    a listing does not)."""
    counts = [pr.get("comments"), pr.get("review_comments")]
    if all(isinstance(c, int) and not isinstance(c, bool) for c in counts):
        return sum(int(c) for c in counts if c is not None)
    return None


# What only a pull request's own page says, not a listing.
PAGE_ONLY = ("additions", "deletions", "files_changed", "comments")


def _count(pr: dict[str, Any], key: str) -> int | None:
    """A size a single pull request object gives (a listing does not: unknown, not 0)."""
    value = pr.get(key)
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


class GitHubPullsImporter(BaseImporter):
    name = "github-prs"
    description = (
        "GitHub pull requests or reviews as JSON (REST API, gh api --paginate, or webhooks)"
    )
    version = "1"

    def sniff(self, path: Path, head: bytes) -> bool:
        if not (path.is_file() and head_is_json(head)):
            return False
        return any(
            marker in head
            for marker in (
                b'"pull_request"',
                b'"merged_at"',
                b'"requested_reviewers"',
                b'"pull_request_url"',
            )
        )

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        return sha256_file(path)

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        found = False
        for obj in json_objects(load_json_documents(path)):
            repo_from_payload = (
                (obj.get("repository") or {}).get("full_name")
                if isinstance(obj.get("repository"), dict)
                else None
            )
            if isinstance(obj.get("review"), dict) and isinstance(obj.get("pull_request"), dict):
                found = True
                yield self.pull_record(path, obj["pull_request"], repo_from_payload)
                yield self.review_record(
                    path, obj["review"], obj["pull_request"], repo_from_payload
                )
            elif isinstance(obj.get("pull_request"), dict):
                found = True
                yield self.pull_record(path, obj["pull_request"], repo_from_payload)
            elif "pull_request_url" in obj and "state" in obj:
                found = True
                yield self.review_record(path, obj, None, None)
            elif "number" in obj and ("merged_at" in obj or "head" in obj):
                found = True
                yield self.pull_record(path, obj, None)
        if not found:
            raise InputError(
                f"'{path}': no pull requests or reviews found",
                hint="save the output of `gh api repos/OWNER/REPO/pulls --paginate`",
            )

    def _repo(self, path: Place, pr: dict[str, Any], fallback: str | None) -> str:
        base = as_dict(pr.get("base"))
        repo = (
            (base.get("repo") or {}).get("full_name")
            if isinstance(base.get("repo"), dict)
            else None
        )
        if repo or fallback:
            return str(repo or fallback)
        url = str(pr.get("url") or pr.get("pull_request_url") or "")
        parts = url.split("/repos/")[-1].split("/")
        if len(parts) >= 2 and parts[0] and parts[1]:
            return f"{parts[0]}/{parts[1]}"
        raise InputError(
            f"'{path}' field base.repo.full_name: missing", hint="export full pull request objects"
        )

    def pull_record(self, path: Place, pr: dict[str, Any], repo_hint: str | None) -> Record:
        number = require(pr, "number", path, None, int)
        repo = self._repo(path, pr, repo_hint)
        user = as_dict(pr.get("user"))
        login = str(user.get("login") or "")
        created = parse_time(require(pr, "created_at", path, None, str), path, None, "created_at")
        merged = optional_time(pr.get("merged_at"), path, None, "merged_at")
        fields = change_fields(
            repo=repo,
            number=number,
            title=str(pr.get("title") or ""),
            author_name=login or None,
            authored_at=created,
            merged_at=merged,
            closed_at=optional_time(pr.get("closed_at"), path, None, "closed_at"),
            additions=_count(pr, "additions"),
            deletions=_count(pr, "deletions"),
            files_changed=_count(pr, "changed_files"),
            reviewers=sorted(
                str(r.get("login"))
                for r in pr.get("requested_reviewers") or []
                if isinstance(r, dict)
            ),
            labels=sorted(
                str(lb.get("name")) for lb in pr.get("labels") or [] if isinstance(lb, dict)
            ),
            comments=_comments(pr),
        )
        return Record(
            kind="change",
            natural_key=f"{repo}#{number}",
            occurred_at=created,
            fields=fields,
            identities=[("github", login)] if login else [],
            version=str(pr.get("updated_at") or pr.get("closed_at") or pr.get("created_at")),
            # A listing holds no sizes or comment counts; the request's own page does.
            unknown=frozenset(k for k in PAGE_ONLY if fields[k] is None),
        )

    def review_record(
        self, path: Place, review: dict[str, Any], pr: dict[str, Any] | None, repo_hint: str | None
    ) -> Record:
        user = as_dict(review.get("user"))
        login = str(user.get("login") or "")
        submitted = parse_time(
            require(review, "submitted_at", path, None, str), path, None, "submitted_at"
        )
        target = pr or {"pull_request_url": review.get("pull_request_url")}
        repo = self._repo(path, target, repo_hint)
        number = (pr or {}).get("number") or int(
            str(review.get("pull_request_url", "")).rstrip("/").split("/")[-1]
        )
        return Record(
            kind="review",
            natural_key=f"{repo}#{number}:review:{review.get('id')}",
            occurred_at=submitted,
            fields={
                "repo": repo,
                "number": number,
                "reviewer": login,
                "state": str(review.get("state") or "").lower(),
                "submitted_at": submitted,
            },
            identities=[("github", login)] if login else [],
            version=str(submitted.isoformat()),
        )


def is_pull(item: dict[str, Any]) -> bool:
    """Whether an item of an issues listing is a pull request. The API lists pull requests
    among issues with a ``pull_request`` object; in 2012 it gave every issue one, whose
    addresses were null."""
    pull = item.get("pull_request")
    return isinstance(pull, dict) and bool(pull.get("url") or pull.get("html_url"))


class GitHubIssuesImporter(BaseImporter):
    name = "github-issues"
    description = (
        "GitHub issues as JSON (REST API issue listings, gh api --paginate); the pull "
        "requests listed among them are left to github-prs"
    )
    version = "1"

    def sniff(self, path: Path, head: bytes) -> bool:
        return (
            path.is_file() and head_is_json(head) and b"/issues/" in head and b'"comments"' in head
        )

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        return sha256_file(path)

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        issues = pulls = 0
        for i, obj in enumerate(json_objects(load_json_documents(path))):
            if "number" not in obj or "/issues/" not in str(obj.get("url") or ""):
                if "merged_at" in obj or "head" in obj:
                    pulls += 1  # a pull request object, as the pulls listing gives it
                continue
            if is_pull(obj):
                pulls += 1
                continue
            issues += 1
            yield self.issue_record(path, obj, f"[{i}]")
        if not issues and not pulls:
            raise InputError(
                f"'{path}': no GitHub issues found",
                hint="save the output of `gh api 'repos/OWNER/REPO/issues?state=all' --paginate`",
            )
        if pulls:
            ctx.note(
                f"'{path}': {pulls} pull requests listed among the issues were left out; "
                "import them with github-prs"
            )

    def issue_record(self, path: Place, issue: dict[str, Any], place: str) -> Record:
        """One issue of a listing, from a file or a page a sync read."""
        number = require(issue, "number", path, None, int)
        # repository_url since 2013; before it, the issue's own url names the repository.
        address = str(issue.get("repository_url") or issue.get("url") or "")
        repo = "/".join(address.split("/repos/")[-1].split("/")[:2]) if "/repos/" in address else ""
        if repo.count("/") != 1 or not all(repo.split("/")):
            raise InputError(
                f"'{path}' field {place}.repository_url: missing or not a repository address",
                hint="export whole issue objects from the REST API",
            )
        created = parse_time(
            require(issue, "created_at", path, None, str), path, None, f"{place}.created_at"
        )
        updated = parse_time(
            issue.get("updated_at") or issue["created_at"], path, None, f"{place}.updated_at"
        )
        closed = issue.get("state") == "closed"
        reason = issue.get("state_reason")
        # A closed issue with no reason (before 2022) is shown by GitHub as completed.
        state = (
            (TicketState.CANCELED if reason == "not_planned" else TicketState.DONE)
            if closed
            else TicketState.OPEN
        )
        assignees = [
            str(a["login"])
            for a in [issue.get("assignee"), *(issue.get("assignees") or [])]
            if isinstance(a, dict) and a.get("login")
        ]
        assignee = assignees[0] if assignees else None
        return Record(
            kind="ticket",
            natural_key=f"github:{repo}#{number}",
            occurred_at=created,
            fields={
                "tracker": Tracker.GITHUB,
                "key": f"{repo}#{number}",
                "project": repo,
                "title": str(issue.get("title") or ""),
                "issue_type": as_dict(issue.get("type")).get("name"),
                "parent": None,
                "status": "closed as not planned"
                if state is TicketState.CANCELED
                else str(issue.get("state") or "open"),
                "state": state,
                "assignee": assignee,
                "reporter": as_dict(issue.get("user")).get("login"),
                "created_at": created,
                "resolved_at": optional_time(
                    issue.get("closed_at"), path, None, f"{place}.closed_at"
                )
                if closed
                else None,
                "labels": sorted(
                    str(lb.get("name")) for lb in issue.get("labels") or [] if isinstance(lb, dict)
                ),
                "components": [],
                # A listing holds no status changes (GitHub keeps them as issue events).
                "history": [],
                "history_complete": False,
            },
            identities=[("github", assignee)] if assignee else [],
            display_name=assignee,
            version=updated.astimezone(UTC).isoformat(),
        )


class GitHubReleasesImporter(ReleasesImporter):
    name = "github-releases"
    description = (
        "GitHub releases as JSON (REST API, gh api --paginate), with --artifact saying what "
        "they put into production; drafts and prereleases are passed over, and whether a "
        "release was gated or rolled back stays unknown"
    )
    forge = "github"
    markers = (b'"published_at"',)
    saved = "`gh api repos/OWNER/REPO/releases --paginate`"

    def releases(self, objects: list[tuple[str, dict[str, Any]]], path: Path) -> Releases:
        return github_releases(objects, path)
