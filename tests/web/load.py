"""A busy team on a real server: 20 clients signing in, editing and rating at once.

Used by tests/web/test_load.py (a few seconds, in the suite) and bench/bench_load.py (60 s,
reported). Every client is a browser-like session (cookie and CSRF token). Engineers sign in,
edit their packet and read it back; committee members sign in, rate the candidacies and read
the calibration page. A write counts as lost when it was acknowledged (2xx or the login's 303)
and the store, read after the run, does not hold it.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx2 as httpx
from sqlalchemy import select

from perfpacket.store import open_store
from perfpacket.store.models import Packet
from perfpacket.store.team import Candidacy, Rating, WebSession
from perfpacket.team import accounts, cycles, packets
from tests.web.conftest import csrf_of
from tests.web.servers import fresh

PASSWORD = "load test password"
RATINGS = ("not_yet", "meets", "exceeds", "next_level")
TEXT = "---\nperson: {name}\n---\n\n# Summary\n\n{name} built the eval gate.\n"


@dataclass
class Team:
    engineers: list[tuple[str, int]]  # email, packet id
    raters: list[str]
    candidacies: list[int]
    cohort: int


@dataclass
class LoadResult:
    seconds: float
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: int = 0
    acknowledged: int = 0
    lost: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + self.transport_errors

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if code >= 500)


def populate(url: str, engineers: int = 14, raters: int = 6) -> Team:
    with open_store(url) as store, store.session() as s:
        admin = accounts.add_user(s, "admin@example.com", "Admin", "admin", PASSWORD)
        members = [
            accounts.add_user(s, f"rater{i}@example.com", f"Rater {i}", "committee", PASSWORD)
            for i in range(raters)
        ]
        cycle = cycles.create_cycle(
            s, "load", [{"name": "Staff", "members": [m.email for m in members]}]
        )
        cohort = cycle.cohorts[0]
        people: list[tuple[str, int]] = []
        for i in range(engineers):
            name = f"Engineer {chr(ord('A') + i)}"  # a digit in a packet is a number to bind
            user = accounts.add_user(s, f"e{i}@example.com", name, "engineer", PASSWORD)
            packet = packets.create_packet(s, user, name, TEXT.format(name=name))
            packets.submit_packet(s, packet, user, cohort)
            people.append((user.email, packet.id))
        cycles.advance_cohort(s, cohort, "start_calibration", admin)
        found = s.scalars(select(Candidacy.id).where(Candidacy.cohort_id == cohort.id))
        return Team(people, [m.email for m in members], list(found), cohort.id)


class _Client:
    """One browser: a session cookie, its CSRF token, and what it has had acknowledged."""

    def __init__(self, base: str, email: str, result: LoadResult, lock: threading.Lock) -> None:
        self.http = fresh(base)
        self.email = email
        self.result = result
        self.lock = lock
        self.csrf = ""

    def call(self, method: str, path: str, **kwargs: object) -> httpx.Response | None:
        try:
            response = self.http.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx.TransportError:
            with self.lock:
                self.result.transport_errors += 1
            return None
        with self.lock:
            self.result.statuses[response.status_code] += 1
        return response

    def sign_in(self) -> str | None:
        """Sign in through the form; returns the new session cookie if acknowledged."""
        self.http.cookies.clear()
        form = self.call("GET", "/login")
        if form is None or form.status_code != 200:
            return None
        done = self.call(
            "POST",
            "/login",
            data={"email": self.email, "password": PASSWORD, "csrf_token": csrf_of(form.text)},
        )
        if done is None or done.status_code != 303:
            return None
        cookie = done.cookies.get("perfpacket_session")
        home = self.call("GET", "/")
        if home is not None and home.status_code == 200:
            self.csrf = csrf_of(home.text)
        elif home is not None:  # signed in, then not: the write was not there to read
            with self.lock:
                self.result.lost.append(f"{self.email} not signed in right after signing in")
        return cookie


def drive(base: str, url: str, team: Team, clients: int = 20, seconds: float = 60.0) -> LoadResult:
    """Run the clients against the server at ``base`` for ``seconds``, then look in the store
    at ``url`` for every write that was acknowledged."""
    result = LoadResult(seconds)
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    # What each client last had acknowledged, to look for in the store afterwards.
    edits: dict[int, str] = {}
    ratings: dict[tuple[str, int], str] = {}
    cookies: list[str] = []

    def engineer(email: str, packet_id: int, rng: random.Random) -> None:
        client = _Client(base, email, result, lock)
        n = 0
        while time.monotonic() < stop:
            if n % 10 == 0 and (cookie := client.sign_in()):
                cookies.append(cookie)
            n += 1
            marker = f"{email} edit {n}"
            saved = client.call(
                "PUT",
                f"/api/packets/{packet_id}",
                json={"title": email, "markdown": f"# Summary\n\n{marker}\n"},
                headers={"x-csrf-token": client.csrf},
            )
            if saved is not None and saved.status_code == 200:
                edits[packet_id] = marker
                with lock:
                    result.acknowledged += 1
                back = client.call("GET", f"/api/packets/{packet_id}")
                if back is not None and marker not in back.text:
                    with lock:
                        result.lost.append(f"{marker}: not read back on the next request")
            if rng.random() < 0.3:
                client.call("GET", f"/packets/{packet_id}")

    def rater(email: str, rng: random.Random) -> None:
        client = _Client(base, email, result, lock)
        n = 0
        while time.monotonic() < stop:
            if n % 10 == 0 and (cookie := client.sign_in()):
                cookies.append(cookie)
            n += 1
            candidacy = rng.choice(team.candidacies)
            reason = f"{email} rating {n}: the intervals exclude zero across two quarters."
            saved = client.call(
                "POST",
                f"/api/candidacies/{candidacy}/rating",
                json={"rating": rng.choice(RATINGS), "reason": reason},
                headers={"x-csrf-token": client.csrf},
            )
            if saved is not None and saved.status_code == 200:
                ratings[(email, candidacy)] = reason
                with lock:
                    result.acknowledged += 1
            if rng.random() < 0.3:
                client.call("GET", f"/cohorts/{team.cohort}/calibration")

    rng = random.Random(11)
    workers: list[threading.Thread] = []
    for i in range(clients):
        if i < len(team.engineers):
            email, packet_id = team.engineers[i]
            args: tuple[object, ...] = (email, packet_id, random.Random(rng.random()))
            workers.append(threading.Thread(target=engineer, args=args))
        else:
            email = team.raters[(i - len(team.engineers)) % len(team.raters)]
            workers.append(threading.Thread(target=rater, args=(email, random.Random(i))))
    for w in workers:
        w.start()
    for w in workers:
        w.join(seconds + 120)
    result.acknowledged += len(cookies)
    result.lost.extend(lost_writes(url, edits, ratings, cookies))
    return result


def lost_writes(
    url: str,
    edits: dict[int, str],
    ratings: dict[tuple[str, int], str],
    cookies: list[str],
) -> list[str]:
    """Acknowledged writes the store does not hold, read straight from the database: the last
    edit of each packet, the last rating of each rater and candidacy, every session."""
    lost: list[str] = []
    with open_store(url, migrate=False) as store, store.session() as s:
        for packet_id, marker in edits.items():
            packet = s.get(Packet, packet_id)
            if packet is None or marker not in packet.markdown:
                lost.append(f"packet {packet_id}: {marker}")
        held = {
            (r.rater.email, r.candidacy_id): r.reason
            for r in s.scalars(select(Rating).where(Rating.kind == "committee"))
        }
        lost += [f"rating {key}" for key, reason in ratings.items() if held.get(key) != reason]
        sessions = {row for row in s.scalars(select(WebSession.id))}
        lost += ["a session" for cookie in cookies if accounts.digest(cookie) not in sessions]
    return lost


__all__ = ["LoadResult", "Team", "drive", "populate"]
