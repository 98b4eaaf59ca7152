"""Every acknowledged write survives a SIGKILL of the server right after its response.

A response must never be sent before its data is committed: the server is killed with SIGKILL
the moment each write is acknowledged, started again, and every acknowledged write is looked
for, 100 times a backend. The writes rotate through signing in (the next request must be
signed in), creating a packet (201), editing it (200) and rating a candidacy (200). Also on a
live server: read-your-writes on the very next request of the same session.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from perfpacket.store import open_store
from perfpacket.store.team import Rating
from perfpacket.team import accounts
from tests.web.conftest import PASSWORD, build_world, csrf_of
from tests.web.servers import Killable, fresh

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 100
RATINGS = ["not_yet", "meets", "exceeds", "next_level"]


@pytest.fixture
def killable(db_url: str) -> Iterator[tuple[Killable, dict[str, int], str]]:
    with open_store(db_url) as store:
        ids = build_world(store)
        with store.session() as s:
            token = accounts.issue_token(s, "ana@example.com")
            cal_token = accounts.issue_token(s, "cal@example.com")
    server = Killable(db_url)
    server.start()
    yield server, ids | {}, f"{token} {cal_token}"
    server.close()


def test_every_acknowledged_write_survives_sigkill(
    killable: tuple[Killable, dict[str, int], str], db_url: str
) -> None:
    server, ids, tokens = killable
    ana_token, cal_token = tokens.split()
    ana = {"authorization": f"Bearer {ana_token}"}
    cal = {"authorization": f"Bearer {cal_token}"}
    cookies: list[str] = []
    created: dict[int, str] = {}  # packet id -> title
    edited: dict[int, str] = {}  # packet id -> the marker its Markdown must hold
    rated = ""
    lost: list[str] = []

    def check(kind: str) -> None:
        with fresh(server.base) as c:
            if kind == "login":
                c.cookies.set("perfpacket_session", cookies[-1])
                home = c.get("/")
                if home.status_code != 200:
                    lost.append(f"sign-in {len(cookies)}: {home.status_code}")
            elif kind == "create":
                pid, title = next(reversed(created.items()))
                got = c.get(f"/api/packets/{pid}", headers=ana)
                if got.status_code != 200 or got.json()["title"] != title:
                    lost.append(f"packet {pid}: {got.status_code}")
            elif kind == "edit":
                pid, marker = next(reversed(edited.items()))
                got = c.get(f"/api/packets/{pid}", headers=ana)
                if marker not in got.json()["markdown"]:
                    lost.append(f"edit {marker}")
            else:
                got = c.get(f"/api/calibration/{ids['staff']}", headers=cal)
                if rated not in got.text:
                    lost.append(f"rating {rated}")

    kinds = ["login", "create", "edit", "rate"]
    for i in range(ROUNDS):
        kind = kinds[i % 4]
        with fresh(server.base) as c:
            if kind == "login":
                form = c.get("/login")
                done = c.post(
                    "/login",
                    data={
                        "email": "ana@example.com",
                        "password": PASSWORD,
                        "csrf_token": csrf_of(form.text),
                    },
                )
                assert done.status_code == 303, done.text
                cookies.append(done.cookies["perfpacket_session"])
            elif kind == "create":
                title = f"Packet {i}"
                done = c.post(
                    "/api/packets", json={"title": title, "markdown": "# A\n"}, headers=ana
                )
                assert done.status_code == 201, done.text
                created[done.json()["id"]] = title
            elif kind == "edit":
                pid = ids["ana_packet"]
                marker = f"edit number {i}"
                done = c.put(
                    f"/api/packets/{pid}",
                    json={"title": "Ana: Staff", "markdown": f"# A\n\n{marker}\n"},
                    headers=ana,
                )
                assert done.status_code == 200, done.text
                edited[pid] = marker
            else:
                rated = f"Rating reason number {i}, long enough to be accepted by the server."
                done = c.post(
                    f"/api/candidacies/{ids['candidacy']}/rating",
                    json={"rating": RATINGS[i % 4], "reason": rated},
                    headers=cal,
                )
                assert done.status_code == 200, done.text
        server.kill()  # the moment the response has arrived
        server.start()
        check(kind)
    assert lost == [], f"{len(lost)} of {ROUNDS} acknowledged writes lost: {lost[:10]}"

    # And at the end, all of them at once, straight from the store.
    with open_store(db_url) as store, store.session() as s:
        reasons = [r.reason for r in s.scalars(select(Rating).where(Rating.kind == "committee"))]
    assert rated in reasons
    with fresh(server.base) as c:
        for pid, title in created.items():
            assert c.get(f"/api/packets/{pid}", headers=ana).json()["title"] == title
        for cookie in cookies:
            c.cookies.set("perfpacket_session", cookie)
            assert c.get("/").status_code == 200


def test_the_next_request_reads_the_write(
    killable: tuple[Killable, dict[str, int], str],
) -> None:
    server, _ids, tokens = killable
    headers = {"authorization": f"Bearer {tokens.split()[0]}"}
    with fresh(server.base) as c:
        for i in range(50):
            form = c.get("/login")
            c.post(
                "/login",
                data={
                    "email": "ana@example.com",
                    "password": PASSWORD,
                    "csrf_token": csrf_of(form.text),
                },
            )
            assert c.get("/").status_code == 200, f"signed out right after signing in ({i})"
            c.cookies.clear()
            made = c.post(
                "/api/packets", json={"title": f"P{i}", "markdown": "# A\n"}, headers=headers
            )
            assert c.get(f"/api/packets/{made.json()['id']}", headers=headers).status_code == 200
