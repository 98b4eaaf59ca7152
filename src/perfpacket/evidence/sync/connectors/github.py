"""``github``: pull requests with their reviews, and issues, from the REST API (github.com or
an Enterprise server), as the ``github-prs`` and ``github-issues`` importers read them from an
export.

Pull requests are listed by last update, newest first; the listing stops at the first one not
updated since the last sync, and its first page is asked for with the ETag of the last sync's,
so a repository where nothing changed costs one 304 (which GitHub does not count against the
rate limit).

With ``"details"`` in ``include``, each changed pull request's own page is read as well
(``/pulls/{number}``): it holds the comment and review-comment counts and the lines and files
changed, which a listing leaves out.

Releases (with ``"releases"`` in ``include`` and ``release_artifact`` saying what they put into
production) are listed whole, the first page with the last sync's ETag: a repository whose
releases did not change costs one 304. Drafts and prereleases are passed over; whether a release
was gated or rolled back stays unknown.

Issues (with ``include = ["pulls", "issues"]``) are listed oldest update first from the last
sync's newest update (``since``, which GitHub reads as "at or after"), so each page is stored
with the cursor that holds after it; the pull requests GitHub lists among them are left to the
pull request listing.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

from perfpacket.errors import InputError
from perfpacket.evidence.importers._releases import Releases, github_releases
from perfpacket.evidence.importers.github import GitHubIssuesImporter, GitHubPullsImporter, is_pull
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
# Review requests in flight at once: well under GitHub's advice against many concurrent
# requests (its secondary rate limits), and enough to overlap the round trips.
CONCURRENCY = 4
INCLUDE = ("pulls", "issues", "details", "releases")


class GitHubConnector(BaseConnector):
    name = "github"
    description = (
        "GitHub pull requests with their reviews, issues and releases (github.com or GitHub "
        "Enterprise)"
    )
    scope_keys: ClassVar[Mapping[str, str]] = {
        "repos": 'the repositories, as "OWNER/REPO"; or listed when the sync runs: '
        '"org:ORG" (every repository of an organisation), "team:ORG/TEAM" (a team\'s, by its '
        'slug), "user:LOGIN" (a person\'s own) or "user:me" (the token owner\'s own and those '
        "they collaborate on); forks are passed over",
        "include": 'what to sync of each: "pulls" (pull requests with their reviews), '
        '"issues", and "details" (each pull request\'s own page: comment and review-comment '
        "counts, lines added and deleted, files changed; one more request a pull request) "
        'and "releases" (default: ["pulls"])',
        RELEASES_KEY: RELEASES_HELP,
    }
    required = ("repos",)
    default_url = "https://api.github.com"
    token_env = "GITHUB_TOKEN"
    token_scopes = (
        "read access to pull requests (a fine-grained token with Pull requests: read and "
        "Metadata: read on the repositories, or a classic token with repo, or public_repo "
        "for public ones); with issues, Issues: read as well; with releases, Contents: read; "
        "to list a team's repositories, read:org (classic) or Members: read (fine-grained)"
    )
    scope_hint = "check repos in [[sync]] '{name}' (OWNER/REPO, org:ORG, team:ORG/TEAM, user:LOGIN)"
    writes = ("change", "review", "ticket", "release")

    def __init__(self) -> None:
        self._records = GitHubPullsImporter()
        self._issues = GitHubIssuesImporter()

    def include(self, source: SyncSource) -> list[str]:
        given = source.items("include") or ["pulls"]
        wrong = [g for g in given if g not in INCLUDE]
        if wrong or not given:
            raise InputError(
                f"{source.place}.include: {wrong[0]!r} is not something a github source syncs",
                hint='write include = ["pulls"], ["issues"], ["releases"] or several, with '
                '"details" for comment counts and sizes',
            )
        if "details" in given and "pulls" not in given:
            raise InputError(
                f'{source.place}.include: "details" are the pull requests\' own pages',
                hint='write include = ["pulls", "details"]',
            )
        if "releases" in given:
            artifact_of(source)
        return given

    def auth(self, token: str | None) -> dict[str, str]:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        return {**headers, "Authorization": f"Bearer {token}"} if token else headers

    def plan(self, source: SyncSource, state: Mapping[str, Any]) -> Plan:
        fetch = []
        include = self.include(source)
        named, listings = _targets(source)
        for listing in listings:
            fetch.append(f"the list of the repositories of {listing} (forks passed over)")
        # Those listed before have cursors; any listed for the first time is read whole.
        known_repos = list(state.get("repos") or {}) if listings else []
        for repo in dict.fromkeys([*named, *known_repos]):
            known = (state.get("repos") or {}).get(repo, {})
            since, issues_since = known.get("since"), (known.get("issues") or {}).get("updated")
            if "pulls" in include:
                what = "pull requests" + (" with their details" if "details" in include else "")
                fetch.append(
                    f"{what} and reviews of {repo} updated after {since}"
                    if since
                    else f"every pull request and review of {repo}"
                    + (", with their details" if "details" in include else "")
                    + " (first sync)"
                )
            if "issues" in include:
                fetch.append(
                    f"issues of {repo} updated after {issues_since}"
                    if issues_since
                    else f"every issue of {repo} (first sync)"
                )
            if "releases" in include:
                fetch.append(planned(source, repo, known.get("releases")))
        if listings:
            fetch.append("everything of each repository listed for the first time (its first sync)")
        return Plan(hosts=[source.host], fetch=fetch)

    def pull(
        self, source: SyncSource, http: Http, state: Mapping[str, Any], ctx: SyncContext
    ) -> Iterator[Batch]:
        repos: dict[str, dict[str, str]] = {
            k: dict(v) for k, v in (state.get("repos") or {}).items()
        }
        include = self.include(source)
        for repo in self._repositories(source, http, ctx):
            if "pulls" in include:
                yield from self._repo(source, http, repo, repos, ctx, "details" in include)
            if "issues" in include:
                yield from self._repo_issues(source, http, repo, repos)
            if "releases" in include:
                yield from self._repo_releases(source, http, repo, repos, ctx)

    def _repositories(self, source: SyncSource, http: Http, ctx: SyncContext) -> list[str]:
        """The repositories named in ``repos``, then those its listings hold, each once."""
        named, listings = _targets(source)
        found = dict.fromkeys(named)  # in order, each once
        for listing in listings:
            kind, _, value = listing.partition(":")
            if kind == "org":
                url, params = f"{source.url}/orgs/{value}/repos", {"type": "all"}
            elif kind == "team":
                org, team = value.split("/")
                url, params = f"{source.url}/orgs/{org}/teams/{team}/repos", {}
            elif value == "me":
                url, params = f"{source.url}/user/repos", {"affiliation": "owner,collaborator"}
            else:
                url, params = f"{source.url}/users/{value}/repos", {"type": "owner"}
            forks = 0
            for page in http.pages(url, {**params, "per_page": PER_PAGE}):
                for i, item in enumerate(_objects(page.data, page.url)):
                    name = item.get("full_name")
                    if not isinstance(name, str) or name.count("/") != 1:
                        raise SyncError(
                            f"the page {page.url} is not a list of repositories: item [{i}] "
                            "has no full_name",
                            hint=self.scope_hint.format(name=source.name),
                        )
                    if item.get("fork") is True:
                        forks += 1  # its pull requests are the upstream's
                    else:
                        found.setdefault(name)
            if forks:
                ctx.note(
                    f"{listing}: {forks} forks passed over (pull requests to a project are "
                    "made in its own repository; name a fork in repos to sync it)"
                )
        return list(found)

    def _repo(
        self,
        source: SyncSource,
        http: Http,
        repo: str,
        repos: dict[str, dict[str, str]],
        ctx: SyncContext,
        details: bool = False,
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
                # Its own page holds what a listing leaves out: comment counts and size.
                read = (
                    list(pool.map(lambda pr: self._detail(source, http, repo, pr), changed))
                    if details
                    else [(page.url, pr) for pr in changed]
                )
            records: list[Record] = []
            for (where, pr), reviews in zip(read, reviewed, strict=True):
                records.append(self._records.pull_record(where, pr, repo))
                records.extend(reviews)
            # The cursor moves only once the whole listing is stored: it is newest first, so
            # an interrupted sync must list again from the top.
            yield Batch(records, {"repos": copy.deepcopy(repos)})
            if done:
                break
        kept = {k: v for k, v in repos.get(repo, {}).items() if k in ("issues", "releases")}
        repos[repo] = {**{k: v for k, v in (("since", newest), ("etag", etag)) if v}, **kept}
        yield Batch([], {"repos": copy.deepcopy(repos)}, pages=0)

    def _repo_issues(
        self, source: SyncSource, http: Http, repo: str, repos: dict[str, dict[str, Any]]
    ) -> Iterator[Batch]:
        known = repos.setdefault(repo, {})
        stored = known.get("issues") or {}
        cursor = SinceCursor.of(stored.get("updated"), stored.get("ids"))
        url = f"{source.url}/repos/{repo}/issues"
        params: dict[str, Any] = {
            "state": "all",
            "sort": "updated",
            "direction": "asc",
            "per_page": PER_PAGE,
        }
        if cursor.stored:
            params["since"] = cursor.stored.replace("+00:00", "Z")
        for page in http.pages(url, params):
            records: list[Record] = []
            for i, item in enumerate(_objects(page.data, page.url)):
                if is_pull(item):
                    continue  # the pull request listing has it, with its reviews
                record = self._issues.issue_record(page.url, item, f"[{i}]")
                if not cursor.is_new(str(record.version), item["number"]):
                    continue  # stored by an earlier sync, unchanged since
                records.append(record)
                cursor.saw(str(record.version), item["number"])
            if cursor.newest:
                known["issues"] = cursor.state()
            yield Batch(records, {"repos": copy.deepcopy(repos)})

    def _repo_releases(
        self,
        source: SyncSource,
        http: Http,
        repo: str,
        repos: dict[str, dict[str, Any]],
        ctx: SyncContext,
    ) -> Iterator[Batch]:
        known = repos.setdefault(repo, {})

        def read(data: Any, url: str) -> Releases:
            listed = enumerate(_objects(data, url))
            return github_releases([(f"[{i}]", r) for i, r in listed], url, repo)

        url = f"{source.url}/repos/{repo}/releases"
        synced = sync_releases(
            source,
            http,
            url,
            {"per_page": PER_PAGE},
            known.get("releases"),
            read,
            "github",
            repo,
            ctx,
        )
        if synced is not None:
            known["releases"] = synced.state
            yield Batch(synced.records, {"repos": copy.deepcopy(repos)}, pages=synced.pages)

    def _detail(
        self, source: SyncSource, http: Http, repo: str, pr: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        page = http.get(f"{source.url}/repos/{repo}/pulls/{pr.get('number')}")
        if not isinstance(page.data, dict) or page.data.get("number") != pr.get("number"):
            raise SyncError(
                f"the page {page.url} is not pull request #{pr.get('number')}",
                hint="the url should be the GitHub API's (https://api.github.com, or "
                "https://HOST/api/v3 for GitHub Enterprise)",
            )
        return page.url, page.data

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


def _targets(source: SyncSource) -> tuple[list[str], list[str]]:
    """``repos`` split into the repositories it names and the listings it asks for
    (``org:ORG``, ``team:ORG/TEAM``, ``user:LOGIN``); anything else is refused."""
    named: list[str] = []
    listings: list[str] = []
    for item in source.items("repos"):
        kind, colon, value = item.partition(":")
        pair = value.count("/") == 1 and all(value.split("/"))
        if not colon and item.count("/") == 1 and all(item.split("/")):
            named.append(item)
        elif colon and (
            (kind == "team" and pair) or (kind in ("org", "user") and value and "/" not in value)
        ):
            listings.append(item)
        else:
            raise InputError(
                f"{source.place}.repos: '{item}' is not OWNER/REPO, org:ORG, team:ORG/TEAM or "
                "user:LOGIN",
                hint='write each repository as "OWNER/REPO", or list them with "org:ORG", '
                '"team:ORG/TEAM", "user:LOGIN" or "user:me"',
            )
    return named, listings


def _objects(data: Any, url: str) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise SyncError(
            f"the page {url} is not a list of objects",
            hint="the url should be the GitHub API's (https://api.github.com, or "
            "https://HOST/api/v3 for GitHub Enterprise)",
        )
    return data
