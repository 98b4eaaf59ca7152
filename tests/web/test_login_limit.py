"""The login rate limit holds under parallel guessing, on SQLite and PostgreSQL.

Sixty wrong passwords arrive at once at ``perfpacket serve --workers 2``: each attempt is
counted by one atomic statement and committed before its password is checked, so no more than
the account's limit are ever checked (the issue allows an overshoot of one per worker; there is
none), the rest are refused with 429, and the right password is refused too until the window
ends. Before this, SQLite checked 59 of 60 and then let the right password in.
"""

from __future__ import annotations

import threading

import httpx2 as httpx

from perfpacket.store import open_store
from perfpacket.team import accounts
from tests.web.conftest import PASSWORD, build_world, csrf_of
from tests.web.servers import fresh, served

GUESSES = 60


def _form(base: str) -> tuple[httpx.Client, str]:
    client = fresh(base)
    return client, csrf_of(client.get("/login").text)


def test_sixty_parallel_guesses_check_no_more_than_the_limit(db_url: str) -> None:
    with open_store(db_url) as store:
        build_world(store)
    with served(db_url, workers=2) as base:
        forms = [_form(base) for _ in range(GUESSES)]  # each guess from its own session
        start = threading.Barrier(GUESSES)
        codes: list[int] = []

        def guess(client: httpx.Client, csrf: str, n: int) -> None:
            start.wait()
            answer = client.post(
                "/login",
                data={"email": "ana@example.com", "password": f"wrong {n}", "csrf_token": csrf},
            )
            codes.append(answer.status_code)

        threads = [threading.Thread(target=guess, args=(c, t, n)) for n, (c, t) in enumerate(forms)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        checked = codes.count(401)
        assert len(codes) == GUESSES
        assert [c for c in codes if c not in (401, 429)] == []
        assert checked <= accounts.LOGIN_FAILURES_PER_ACCOUNT, f"{checked} passwords checked"
        assert codes.count(429) == GUESSES - checked

        client, csrf = _form(base)
        right = client.post(
            "/login", data={"email": "ana@example.com", "password": PASSWORD, "csrf_token": csrf}
        )
        assert right.status_code == 429, "the right password got in during the lockout"
        assert 0 < int(right.headers["retry-after"]) <= 15 * 60
        # Another account from the same address is not locked out by Ana's guesses.
        client, csrf = _form(base)
        other = client.post(
            "/login", data={"email": "ben@example.com", "password": PASSWORD, "csrf_token": csrf}
        )
        assert other.status_code == 303
