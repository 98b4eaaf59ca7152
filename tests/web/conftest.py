"""A team with every relation the authorization rules know, on SQLite and PostgreSQL.

Ana (engineer) reports to Mia (manager) and has a packet submitted to cohort "Staff",
now in calibration, on which Cal (committee) sits. Ben is another engineer with his own
packet; Max manages Ben; Cora sits on another cohort; Ada is an admin.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from perfpacket.store import Store, open_store
from perfpacket.store.models import Packet
from perfpacket.store.team import Candidacy, Cohort
from perfpacket.team import accounts, cycles, packets
from perfpacket.web.app import create_app

PASSWORD = "correct horse battery staple"
PACKET = """---
person: Ana Okafor
---

# Summary

Ana built the eval gate for model swaps.
"""
USERS = {
    "ana": ("ana@example.com", "Ana Okafor", "engineer", "mia@example.com"),
    "ben": ("ben@example.com", "Ben Ito", "engineer", "max@example.com"),
    "mia": ("mia@example.com", "Mia Chen", "manager", None),
    "max": ("max@example.com", "Max Berg", "manager", None),
    "cal": ("cal@example.com", "Cal Diaz", "committee", None),
    "cora": ("cora@example.com", "Cora Lund", "committee", None),
    "ada": ("ada@example.com", "Ada Admin", "admin", None),
}


@dataclass
class World:
    store: Store
    app: FastAPI
    ids: dict[str, int] = field(default_factory=dict)

    def client(self, who: str | None = None, base_url: str = "http://testserver") -> TestClient:
        """A browser-like client, signed in through the login form."""
        client = TestClient(self.app, base_url=base_url, follow_redirects=False)
        if who is not None:
            login(client, USERS[who][0])
        return client

    def session_client(self, who: str | None) -> TestClient:
        """A client holding a session made directly (no password check), sending its CSRF
        token as a header the way HTMX does: for tests about authorization, not login."""
        client = TestClient(self.app, follow_redirects=False)
        if who is None:  # an anonymous session, as the login form makes
            client.headers["x-csrf-token"] = csrf_of(client.get("/login").text)
            return client
        with self.store.session() as s:
            cookie, row = accounts.start_session(s, s.get(accounts.User, self.ids[who]))
            token = row.csrf_token
        client.cookies.set("perfpacket_session", cookie)
        client.headers["x-csrf-token"] = token
        return client


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> None:
    page = client.get("/login")
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 303, response.text


def build_world(store: Store) -> dict[str, int]:
    order = ["mia", "max", "cal", "cora", "ada", "ana", "ben"]
    ids: dict[str, int] = {}
    with store.session() as s:
        for key in order:
            email, name, role, manager = USERS[key]
            ids[key] = accounts.add_user(s, email, name, role, PASSWORD, manager).id
        cycle = cycles.create_cycle(
            s,
            "2026 H2",
            [
                {"name": "Staff", "members": ["cal@example.com"]},
                {"name": "Senior", "members": ["cora@example.com"]},
            ],
        )
        staff, senior = cycle.cohorts
        ana = s.get(accounts.User, ids["ana"])
        ben = s.get(accounts.User, ids["ben"])
        assert ana and ben
        ana_packet = packets.create_packet(s, ana, "Ana: Staff", PACKET)
        ben_packet = packets.create_packet(s, ben, "Ben: Senior", PACKET.replace("Ana", "Ben"))
        candidacy = packets.submit_packet(s, ana_packet, ana, staff)
        admin = s.get(accounts.User, ids["ada"])
        assert admin
        cycles.advance_cohort(s, staff, "start_calibration", admin)
        ids |= {
            "ana_packet": ana_packet.id,
            "ben_packet": ben_packet.id,
            "candidacy": candidacy.id,
            "staff": staff.id,
            "senior": senior.id,
        }
    return ids


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    # Argon2 at production cost takes ~50 ms a hash; worlds are built hundreds of times.
    # test_security checks the parameters the product itself uses.
    from argon2 import PasswordHasher

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    store = open_store(db_url)
    ids = build_world(store)
    yield World(store, create_app(store), ids)
    store.close()


__all__ = ["PACKET", "PASSWORD", "USERS", "Candidacy", "Cohort", "Packet", "World", "csrf_of"]
