"""``github-prs``: pull requests and reviews as the GitHub REST API returns them.

Accepts a file saved from ``gh api --paginate`` (arrays, concatenated), single objects, and
webhook payloads (``pull_request`` and ``pull_request_review`` events). The same pull request
seen twice is one record, updated to its latest state (by ``updated_at``).
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
    load_json_documents,
    optional_time,
    parse_time,
    require,
    sha256_file,
)
from perfpacket.evidence.records import (
    BaseImporter,
    ImportContext,
    ImportOptions,
    Record,
    change_fields,
)


def _objects(docs: list[Any]) -> Iterator[dict[str, Any]]:
    for doc in docs:
        if isinstance(doc, list):
            yield from (d for d in doc if isinstance(d, dict))
        elif isinstance(doc, dict):
            yield doc


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
        for obj in _objects(load_json_documents(path)):
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
        return Record(
            kind="change",
            natural_key=f"{repo}#{number}",
            occurred_at=created,
            fields=change_fields(
                repo=repo,
                number=number,
                title=str(pr.get("title") or ""),
                author_name=login or None,
                authored_at=created,
                merged_at=merged,
                closed_at=optional_time(pr.get("closed_at"), path, None, "closed_at"),
                additions=int(pr.get("additions") or 0),
                deletions=int(pr.get("deletions") or 0),
                files_changed=int(pr.get("changed_files") or 0),
                reviewers=sorted(
                    str(r.get("login"))
                    for r in pr.get("requested_reviewers") or []
                    if isinstance(r, dict)
                ),
                labels=sorted(
                    str(lb.get("name")) for lb in pr.get("labels") or [] if isinstance(lb, dict)
                ),
            ),
            identities=[("github", login)] if login else [],
            version=str(pr.get("updated_at") or pr.get("closed_at") or pr.get("created_at")),
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
