"""``github``: pull requests with their reviews, from the REST API (github.com or an
Enterprise server), as the ``github-prs`` importer reads them from an export.

Pull requests are listed by last update, newest first; the listing stops at the first one not
updated since the last sync, and its first page is asked for with the ETag of the last sync's,
so a repository where nothing changed costs one 304 (which GitHub does not count against the
rate limit).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

from perfpacket.evidence.importers.github import GitHubPullsImporter
from perfpacket.evidence.records import Record
from perfpacket.evidence.sync.config import SyncSource
from perfpacket.evidence.sync.connector import BaseConnector, Batch, Plan, SyncContext
from perfpacket.evidence.sync.http import Http, SyncError

PER_PAGE = 100
# Review requests in flight at once: well under GitHub's advice against many concurrent
# requests (its secondary rate limits), and enough to overlap the round trips.
CONCURRENCY = 4


class GitHubConnector(BaseConnector):
    name = "github"
    description = "GitHub pull requests and their reviews (github.com or GitHub Enterprise)"
    scope_keys: ClassVar[Mapping[str, str]] = {"repos": 'the repositories, as "OWNER/REPO"'}
    required = ("repos",)
    default_url = "https://api.github.com"
    token_env = "GITHUB_TOKEN"
    token_scopes = (
        "read access to pull requests (a fine-grained token with Pull requests: read and "
        "Metadata: read on the repositories, or a classic token with repo, or public_repo "
        "for public ones)"
    )
    scope_hint = "check repos in [[sync]] '{name}' (OWNER/REPO)"
    writes = ("change", "review")

    def __init__(self) -> None:
        self._records = GitHubPullsImporter()

    def auth(self, token: str | None) -> dict[str, str]:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        return {**headers, "Authorization": f"Bearer {token}"} if token else headers

    def plan(self, source: SyncSource, state: Mapping[str, Any]) -> Plan:
        fetch = []
        for repo in source.items("repos"):
            since = (state.get("repos") or {}).get(repo, {}).get("since")
            fetch.append(
                f"pull requests and reviews of {repo} updated after {since}"
                if since
                else f"every pull request and review of {repo} (first sync)"
            )
        return Plan(hosts=[source.host], fetch=fetch)

    def pull(
        self, source: SyncSource, http: Http, state: Mapping[str, Any], ctx: SyncContext
    ) -> Iterator[Batch]:
        repos: dict[str, dict[str, str]] = {
            k: dict(v) for k, v in (state.get("repos") or {}).items()
        }
        for repo in source.items("repos"):
            if repo.count("/") != 1 or not all(repo.split("/")):
                raise SyncError(
                    f"{source.place}.repos: '{repo}' is not OWNER/REPO",
                    hint='write each repository as "OWNER/REPO"',
                )
            yield from self._repo(source, http, repo, repos, ctx)

    def _repo(
        self,
        source: SyncSource,
        http: Http,
        repo: str,
        repos: dict[str, dict[str, str]],
        ctx: SyncContext,
    ) -> Iterator[Batch]:
        known = repos.get(repo, {})
        since, newest, etag = known.get("since"), known.get("since"), None
        url = f"{source.url}/repos/{repo}/pulls"
        params = {"state": "all", "sort": "updated", "direction": "desc", "per_page": PER_PAGE}
        for page in http.pages(url, params, etag=known.get("etag")):
            if page.not_modified:
                ctx.note(f"{repo}: no pull request changed since the last sync")
                return
            if etag is None:
                etag = page.etag
            pulls = _objects(page.data, page.url)
            changed: list[dict[str, Any]] = []
            done = False
            for pr in pulls:
                updated = str(pr.get("updated_at") or "")
                if since and updated and updated <= since:
                    done = True  # listed newest first: the rest were stored before
                    break
                changed.append(pr)
                newest = max(newest or updated, updated)
            # Each pull request's reviews are a request of its own: a few at a time, so that
            # a page of 100 does not wait out 100 round trips one after the other.
            with ThreadPoolExecutor(CONCURRENCY) as pool:
                reviewed = list(pool.map(lambda pr: self._reviews(source, http, repo, pr), changed))
            records: list[Record] = []
            for pr, reviews in zip(changed, reviewed, strict=True):
                records.append(self._records.pull_record(page.url, pr, repo))
                records.extend(reviews)
            # The cursor moves only once the whole listing is stored: it is newest first, so
            # an interrupted sync must list again from the top.
            yield Batch(records, {"repos": copy.deepcopy(repos)})
            if done:
                break
        repos[repo] = {k: v for k, v in (("since", newest), ("etag", etag)) if v}
        yield Batch([], {"repos": copy.deepcopy(repos)}, pages=0)

    def _reviews(
        self, source: SyncSource, http: Http, repo: str, pr: dict[str, Any]
    ) -> list[Record]:
        url = f"{source.url}/repos/{repo}/pulls/{pr.get('number')}/reviews"
        return [
            self._records.review_record(page.url, review, pr, repo)
            for page in http.pages(url, {"per_page": PER_PAGE})
            for review in _objects(page.data, page.url)
            if review.get("submitted_at")  # a pending review is not one yet
        ]


def _objects(data: Any, url: str) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise SyncError(
            f"the page {url} is not a list of objects",
            hint="the url should be the GitHub API's (https://api.github.com, or "
            "https://HOST/api/v3 for GitHub Enterprise)",
        )
    return data
