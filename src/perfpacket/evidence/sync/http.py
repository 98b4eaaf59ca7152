"""The one HTTP client every connector reads pages through.

It follows pagination (``Link: rel="next"``, or a connector's own cursor), waits out rate limits
(GitHub's ``x-ratelimit-*`` and secondary limits, ``Retry-After`` on 429/403/503) and says so on
the progress line, retries 5xx answers, timeouts and dropped connections with exponential
backoff, asks with ``If-None-Match`` so an unchanged first page costs a 304, and turns 401,
403 and 404 into an error that names the source, the scope and the fix.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx2 as httpx
import orjson

from perfpacket.errors import PerfpacketError
from perfpacket.evidence.sync.config import SyncSource

RETRIES = 4  # after the first try: 1 + 2 + 4 + 8 s of backoff at most
BACKOFF_S = 1.0
# A rate limit that resets later than this stops the sync (what was stored stays, with its
# cursor) instead of holding the terminal for an hour.
MAX_WAIT_S = 15 * 60
TIMEOUT_S = 30.0
USER_AGENT = "perfpacket-sync"


class SyncError(PerfpacketError):
    """A source refused, failed or answered with something that is not its API's shape."""


@dataclass
class Page:
    """One answer: its JSON, the next page's URL when the answer names one, its ETag, and
    whether it was a 304 (unchanged since the ETag given)."""

    url: str
    data: Any
    headers: Mapping[str, str]
    next_url: str | None = None
    etag: str | None = None
    not_modified: bool = False


@dataclass
class Http:
    """Requests to one source. ``auth`` gives the headers that carry its token; ``sleep`` and
    ``on_wait`` are how waiting happens and is shown (the progress line, in the CLI)."""

    source: SyncSource
    auth: Mapping[str, str] = field(default_factory=dict)
    scope_hint: str = ""
    token_scopes: str = ""
    sleep: Callable[[float], None] = time.sleep
    on_wait: Callable[[float, str], None] | None = None
    transport: httpx.BaseTransport | None = None
    max_wait_s: float = MAX_WAIT_S
    timeout_s: float = TIMEOUT_S
    requests: int = 0
    waited_s: float = 0.0
    _client: httpx.Client | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                headers={"User-Agent": USER_AGENT, "Accept": "application/json", **self.auth},
                timeout=self.timeout_s,
                transport=self.transport,
                follow_redirects=True,
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        etag: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Page:
        extra = dict(headers or {})
        if etag:
            extra["If-None-Match"] = etag
        return self._send("GET", url, params=params, headers=extra)

    def post(self, url: str, body: Any, headers: Mapping[str, str] | None = None) -> Page:
        """A POST whose answer is read like a page."""
        return self._send("POST", url, json_body=body, headers=dict(headers or {}))

    def graphql(self, url: str, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        """The ``data`` of a GraphQL answer. An answer with ``errors`` (a bad filter, a refused
        token, whether sent as 200 or 400) is refused with the server's own messages; a rate
        limit (an error coded ``RATELIMITED``) is waited out like any other."""
        page = self._send(
            "POST", url, json_body={"query": query, "variables": dict(variables)}, graphql=True
        )
        data = page.data.get("data") if isinstance(page.data, dict) else None
        if not isinstance(data, dict):
            raise SyncError(
                f"{self.source.place}: the answer of {_short(page.url)} holds no GraphQL data "
                f"(it begins {json.dumps(page.data)[:40]!r})",
                hint=f"the url should be the API's address ({self.source.url})",
            )
        return data

    def pages(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        etag: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Iterator[Page]:
        """Every page, following ``Link: rel="next"``. The ETag goes with the first request
        only: a 304 there is the one page yielded, and means nothing changed."""
        page = self.get(url, params, etag, headers)
        yield page
        while page.next_url and not page.not_modified:
            page = self.get(page.next_url, None, None, headers)
            yield page

    def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        graphql: bool = False,
    ) -> Page:
        failures = 0
        while True:
            with self._lock:  # connectors may ask from a few threads at once
                self.requests += 1
            try:
                response = self.client.request(
                    method, url, params=params, json=json_body, headers=headers
                )
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                failures += 1
                if failures > RETRIES:
                    raise SyncError(
                        f"{self.source.place}: {self.source.host} did not answer "
                        f"({type(exc).__name__}) after {RETRIES + 1} tries",
                        hint=f"check the url ({self.source.url}) and the network, then run "
                        "`perfpacket sync` again: it resumes where it stopped",
                    ) from None
                self._wait(BACKOFF_S * 2 ** (failures - 1), f"{type(exc).__name__}, retrying")
                continue
            # A GraphQL answer is read once: its errors say a rate limit or a refusal.
            body = _graphql_body(response) if graphql else None
            wait = self._rate_limit_wait(response, _codes(body))
            if wait is not None:
                self._wait(wait, "rate limit")
                continue
            if response.status_code >= 500:
                failures += 1
                if failures > RETRIES:
                    raise SyncError(
                        f"{self.source.place}: {self.source.host} answered "
                        f"{response.status_code} to {_short(url)} {RETRIES + 1} times",
                        hint="the service is failing; run `perfpacket sync` again later: it "
                        "resumes where it stopped",
                    )
                self._wait(BACKOFF_S * 2 ** (failures - 1), f"{response.status_code}, retrying")
                continue
            return self._graphql_page(response, body) if graphql else self._page(response)

    def _rate_limit_wait(
        self, response: httpx.Response, codes: frozenset[str] = frozenset()
    ) -> float | None:
        """Seconds to wait before asking again, when the answer is a rate limit; else None.
        ``codes`` are a GraphQL answer's error codes."""
        status = response.status_code
        if "RATELIMITED" in codes:
            # Linear's limit: an error coded RATELIMITED, the reset in epoch milliseconds.
            reset_ms = response.headers.get("x-ratelimit-requests-reset")
            seconds = max(float(reset_ms) / 1000 - time.time(), 0.0) + 1.0 if reset_ms else 60.0
            return self._capped(seconds)
        if status not in (403, 429, 503):
            return None
        headers = response.headers
        retry_after = headers.get("retry-after")
        remaining = headers.get("x-ratelimit-remaining")
        secondary = status == 403 and "secondary rate limit" in response.text.lower()
        exhausted = remaining is not None and remaining.strip() == "0"
        if status == 503 and retry_after is None:
            return None  # a plain 503: retried as any 5xx
        if status == 403 and not (exhausted or secondary or retry_after):
            return None  # a permission problem, not a limit
        if retry_after is not None:
            try:
                seconds = float(retry_after)
            except ValueError:
                seconds = 60.0
        elif exhausted and headers.get("x-ratelimit-reset"):
            reset = float(headers["x-ratelimit-reset"])
            seconds = max(reset - time.time(), 0.0) + 1.0
        else:
            # GitHub's advice for a secondary limit without Retry-After: wait a minute.
            seconds = 60.0
        return self._capped(seconds)

    def _capped(self, seconds: float) -> float:
        """``seconds``, or a stop when the limit resets too far ahead to wait for."""
        if seconds > self.max_wait_s:
            until = datetime.fromtimestamp(time.time() + seconds, tz=UTC)
            raise SyncError(
                f"{self.source.place}: the {self.source.host} rate limit resets at "
                f"{until:%Y-%m-%d %H:%M} UTC, {seconds / 60:.0f} minutes from now",
                hint="what was fetched so far is stored; run `perfpacket sync` again after "
                "that time and it resumes where it stopped",
            )
        return seconds

    def _wait(self, seconds: float, why: str) -> None:
        with self._lock:
            self.waited_s += seconds
        if self.on_wait is not None:
            self.on_wait(seconds, why)
        self.sleep(seconds)

    def _page(self, response: httpx.Response) -> Page:
        url = str(response.request.url)
        status = response.status_code
        if status == 304:
            return Page(url, None, response.headers, None, response.headers.get("etag"), True)
        if status in (401, 403, 404):
            raise self._refused(response)
        if status >= 400:
            raise SyncError(
                f"{self.source.place}: {self.source.host} answered {status} to {_short(url)}: "
                f"{_message(response)}",
                hint=self.scope_hint or "check the source's keys in perfpacket.toml",
            )
        try:
            data = read_json(response.content)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise SyncError(
                f"{self.source.place}: the page {_short(url)} is not JSON "
                f"(it begins {response.text[:40]!r})",
                hint="nothing from this page was stored; check the url, which should be the "
                "API's address, and run `perfpacket sync` again",
            ) from None
        next_link = response.links.get("next", {}).get("url")
        return Page(url, data, response.headers, next_link, response.headers.get("etag"))

    def _graphql_page(self, response: httpx.Response, body: Any) -> Page:
        """A GraphQL answer (``body``, read once): its ``errors``, in a 200 or a 400, refuse it
        with their messages."""
        if response.status_code in (200, 400):
            errors = body.get("errors") if isinstance(body, dict) else None
            if isinstance(errors, list) and errors:
                codes = _codes(body)
                said = "; ".join(str(e.get("message")) for e in errors[:3] if isinstance(e, dict))
                place, host = self.source.place, self.source.host
                if codes & {"AUTHENTICATION_ERROR", "UNAUTHENTICATED"}:
                    error = self._refused(response, said, 401)
                elif codes & {"FORBIDDEN"}:
                    error = self._refused(response, said, 403)
                else:
                    error = SyncError(
                        f"{place}: {host} refused the query ({said})",
                        hint=self.scope_hint or "check the source's keys in perfpacket.toml",
                    )
                raise error
            if response.status_code == 200 and isinstance(body, dict):
                url = str(response.request.url)
                return Page(url, body, response.headers, None, response.headers.get("etag"))
        return self._page(response)

    def _refused(
        self, response: httpx.Response, said: str | None = None, status: int | None = None
    ) -> SyncError:
        status = status or response.status_code
        message = said or _message(response)
        place, host = self.source.place, self.source.host
        token = f"the token in ${self.source.token_env}" if self.source.token_env else "no token"
        url = _short(str(response.request.url))
        if status == 401:
            return SyncError(
                f"{place}: {host} refused {token} (401 {message})",
                hint=f"check that {self.source.token_env or 'the token variable'} holds a valid, "
                f"unexpired token{'; it needs ' + self.token_scopes if self.token_scopes else ''}",
            )
        if status == 403:
            return SyncError(
                f"{place}: {host} forbids {url} to {token} (403 {message})",
                hint=f"the token needs {self.token_scopes or 'read access to this scope'}",
            )
        return SyncError(
            f"{place}: {url} was not found on {host} (404)",
            hint=(self.scope_hint + "; " if self.scope_hint else "")
            + f"check the url ({self.source.url}); a private one also answers 404 to a token "
            "that cannot see it",
        )


def read_json(content: bytes) -> Any:
    """An answer's JSON. orjson reads it in about half the standard parser's time, which on a
    listing of large objects (a GitHub pull request is 20 kB) is a fifth of a sync. What orjson
    refuses and Python's parser reads (NaN, Infinity) goes to the latter, so both read the same
    answers; orjson reads an integer beyond 64 bits as a float, which no API read here sends
    (their ids and counts are 64-bit at most, and JavaScript's integers stop at 53 bits)."""
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        return json.loads(content)


def _short(url: str) -> str:
    """A long address with its middle left out: the path and the page parameters at the end
    (the offset, the page token) are what say which page it was."""
    return url if len(url) <= 120 else url[:60] + "..." + url[-57:]


def _graphql_body(response: httpx.Response) -> Any:
    """A GraphQL answer's JSON, in the statuses that carry one (200, 400, 429); else None."""
    if response.status_code not in (200, 400, 429):
        return None
    try:
        return read_json(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def _codes(body: Any) -> frozenset[str]:
    """The ``extensions.code`` of each error in a GraphQL answer (none in other answers)."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return frozenset()
    codes = ((e.get("extensions") or {}).get("code") for e in errors if isinstance(e, dict))
    return frozenset(str(c) for c in codes if c)


def _message(response: httpx.Response) -> str:
    try:
        body = read_json(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.reason_phrase or "no message"
    if isinstance(body, dict):
        for key in ("message", "error", "errorMessages", "detail", "errors"):
            if body.get(key):
                value = body[key]
                value = value[0] if isinstance(value, list) else value
                return str(value.get("message", value) if isinstance(value, dict) else value)
    return response.reason_phrase or "no message"
