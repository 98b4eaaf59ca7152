"""The HTTP client every connector reads through, against GitHub's recorded answers (PyGithub's
replay data, tests/data/real/pygithub_replay) served on 127.0.0.1: pagination by Link header, a
rate limit, 5xx answers then success, a malformed page, a timeout."""

from __future__ import annotations

import time

import pytest

from perfpacket.evidence.sync.config import SyncSource
from perfpacket.evidence.sync.http import RETRIES, Http, SyncError
from tests.sync.replay import Answer, Replay, exchanges, serve

SOURCE = SyncSource(name="gh", kind="github", url="http://127.0.0.1", token_env="GH_TOKEN_TEST")


class Clock:
    """Waits recorded instead of slept, with what the progress line was told."""

    def __init__(self) -> None:
        self.slept: list[float] = []
        self.told: list[tuple[float, str]] = []

    def client(self, **given: object) -> Http:
        return Http(
            SOURCE,
            sleep=self.slept.append,
            on_wait=lambda s, why: self.told.append((s, why)),
            **given,  # type: ignore[arg-type]
        )


def test_pages_follow_the_link_header_to_the_last_page() -> None:
    recorded = exchanges("PaginatedList.testIteration")
    replay = Replay()
    path = "/repos/openframeworks/openFrameworks/issues"
    for i, exchange in enumerate(recorded, start=1):
        replay.add(path, Answer.of(exchange), page=str(i))
    with serve(replay) as base:
        pages = list(Clock().client().pages(f"{base}{path}"))
    assert len(pages) == len(recorded) == 14
    got = [item["id"] for page in pages for item in page.data]
    assert got == [item["id"] for e in recorded for item in e.json()]
    assert pages[-1].next_url is None


@pytest.mark.parametrize(
    "failure",
    [
        ("Retry.testReturnsRepoAfter1Retry", 0),  # GitHub's 500 {"error": "Server Error"}
        ("Exceptions.testNonJsonDataReturnedByGithub", 0),  # its 503 page of HTML
    ],
)
def test_a_5xx_answer_is_retried_after_a_backoff_then_read(failure: tuple[str, int]) -> None:
    bad = exchanges(failure[0])[failure[1]]
    good = exchanges("Retry.testReturnsRepoAfter1Retry")[1]
    replay = Replay()
    replay.add("/repos/PyGithub/PyGithub", Answer.of(bad), Answer.of(good))
    clock = Clock()
    with serve(replay) as base:
        page = clock.client().get(f"{base}/repos/PyGithub/PyGithub")
    assert page.data["full_name"] == good.json()["full_name"]
    assert clock.slept == [1.0]
    assert clock.told == [(1.0, f"{bad.status}, retrying")]


def test_a_source_that_keeps_failing_is_an_error_after_the_retries() -> None:
    bad = exchanges("Retry.testReturnsRepoAfter1Retry")[0]
    replay = Replay()
    replay.add("/repos/PyGithub/PyGithub", Answer.of(bad))
    clock = Clock()
    with serve(replay) as base, pytest.raises(SyncError) as failed:
        clock.client().get(f"{base}/repos/PyGithub/PyGithub")
    assert clock.slept == [1.0, 2.0, 4.0, 8.0][:RETRIES]
    assert "answered 500" in failed.value.message and "'gh'" in failed.value.message
    assert "resumes where it stopped" in (failed.value.hint or "")


def test_a_rate_limit_is_waited_out_until_its_reset_then_read() -> None:
    """GitHub's 403 with x-ratelimit-remaining 0. The 2013 recording has no reset header;
    GitHub has sent x-ratelimit-reset with every answer since, so one is added here."""
    ok, limited = exchanges("SpecificExceptions.testRateLimitExceeded")
    assert limited.status == 403 and limited.header("x-ratelimit-remaining") == "0"
    reset = int(time.time()) + 30
    replay = Replay()
    replay.add(
        "/users/jacquev6",
        Answer.of(limited, headers=[*limited.headers, ("x-ratelimit-reset", str(reset))]),
        Answer.of(ok),
    )
    clock = Clock()
    with serve(replay) as base:
        page = clock.client().get(f"{base}/users/jacquev6")
    assert page.data["login"] == "jacquev6"
    assert len(clock.slept) == 1 and 25 <= clock.slept[0] <= 32
    assert clock.told[0][1] == "rate limit"


def test_a_rate_limit_without_a_reset_waits_a_minute() -> None:
    ok, limited = exchanges("SpecificExceptions.testRateLimitExceeded")
    replay = Replay()
    replay.add("/users/jacquev6", Answer.of(limited), Answer.of(ok))
    clock = Clock()
    with serve(replay) as base:
        clock.client().get(f"{base}/users/jacquev6")
    assert clock.slept == [60.0]


def test_a_rate_limit_resetting_too_late_stops_with_the_time_to_come_back() -> None:
    _, limited = exchanges("SpecificExceptions.testRateLimitExceeded")
    reset = int(time.time()) + 3600
    replay = Replay()
    replay.add(
        "/users/jacquev6",
        Answer.of(limited, headers=[*limited.headers, ("x-ratelimit-reset", str(reset))]),
    )
    clock = Clock()
    with serve(replay) as base, pytest.raises(SyncError) as failed:
        clock.client().get(f"{base}/users/jacquev6")
    assert "rate limit resets at" in failed.value.message and clock.slept == []
    assert "run `perfpacket sync` again after" in (failed.value.hint or "")


def test_a_malformed_page_is_an_error_naming_it() -> None:
    broken = exchanges("Exceptions.testJSONParseError")[0]
    replay = Replay()
    replay.add("/users/jacquev6", Answer.of(broken))
    with serve(replay) as base, pytest.raises(SyncError) as failed:
        Clock().client().get(f"{base}/users/jacquev6")
    assert f"{base}/users/jacquev6 is not JSON" in failed.value.message
    assert "nothing from this page was stored" in (failed.value.hint or "")


def test_a_timeout_is_retried() -> None:
    good = exchanges("Retry.testReturnsRepoAfter1Retry")[1]
    calls: list[int] = []

    def slow_once(headers: dict[str, str], query: dict[str, str]) -> Answer:
        calls.append(1)
        if len(calls) == 1:
            time.sleep(1.0)
        return Answer.of(good)

    replay = Replay()
    replay.add("/repos/PyGithub/PyGithub", slow_once)
    clock = Clock()
    with serve(replay) as base:
        page = clock.client(timeout_s=0.3).get(f"{base}/repos/PyGithub/PyGithub")
    assert page.data["id"] == good.json()["id"]
    assert clock.told == [(1.0, "ReadTimeout, retrying")]
