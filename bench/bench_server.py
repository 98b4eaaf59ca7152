"""The team server's calibration page for a 200-candidate cohort under 20 concurrent clients.

Goal (DESIGN.md): p95 under 250 ms on loopback. The server runs as `perfpacket serve` in its own
process; the clients are 20 keep-alive connections from wrk. The baseline is /healthz under the same
load: what the server, the loopback and the client cost before any page work is done.
Each candidate carries the demo engineer's claims, submitted (so frozen and summarised), with a
manager review and ratings from five committee members.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

from _harness import Result, demo_workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.web.servers

CANDIDATES = 200
CLIENTS = 20
SECONDS = 10
RATERS = 5
REASON = "Benchmark rating with a reason long enough to be accepted."


def _populate(url: str, demo: Path) -> tuple[int, str]:
    """A cohort of CANDIDATES submitted packets; returns its id and a committee session cookie."""
    from sqlalchemy import select

    from perfpacket.snapshot import claim_row, claims_from_rows
    from perfpacket.store import open_store
    from perfpacket.store.models import Claim
    from perfpacket.store.team import RATINGS, Candidacy
    from perfpacket.team import accounts, cycles, packets
    from perfpacket.workspace import find_workspace

    with find_workspace(demo).open_store() as demo_store, demo_store.session() as s:
        template = [claim_row(c) for c in s.scalars(select(Claim))]
    text = (demo / "packet.md").read_text(encoding="utf-8")
    rng = random.Random(7)
    with open_store(url) as store, store.session() as s:
        raters = [
            accounts.add_user(s, f"rater{i}@example.com", f"Rater {i}", "committee", "x" * 12)
            for i in range(RATERS)
        ]
        manager = accounts.add_user(s, "lead@example.com", "Lead", "manager", "x" * 12)
        cycle = cycles.create_cycle(
            s, "bench", [{"name": "Staff", "members": [r.email for r in raters]}]
        )
        cohort = cycle.cohorts[0]
        for i in range(CANDIDATES):
            user = accounts.add_user(
                s, f"c{i}@example.com", f"Candidate {i}", "engineer", "x" * 12, manager.email
            )
            for row in template:
                claim = claims_from_rows([{**row, "id": None}])[0]
                claim.person_id = user.person_id
                if claim.estimate is not None:
                    claim.estimate *= rng.uniform(0.7, 1.3)
                s.add(claim)
            s.flush()
            packet = packets.create_packet(s, user, f"Candidate {i}", text)
            packets.submit_packet(s, packet, user, cohort)
        cycles.advance_cohort(s, cohort, "start_calibration", raters[0])
        for candidacy in s.scalars(select(Candidacy).where(Candidacy.cohort_id == cohort.id)):
            cycles.rate(s, candidacy, manager, "manager", "meets", REASON, "manager")
            for rater in raters:
                rating = rng.choice(list(RATINGS))
                cycles.rate(s, candidacy, rater, "committee", rating, REASON, "committee")
        cookie, _row = accounts.start_session(s, raters[0])
        return cohort.id, cookie


WRK_SCRIPT = """
wrk.headers["Cookie"] = "perfpacket_session=%s"
done = function(summary, latency, requests)
  io.write(string.format("p95_us=%%d requests=%%d non2xx=%%d errors=%%d\\n",
    latency:percentile(95.0), summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def _load(base: str, path: str, script: Path, seconds: int) -> tuple[float, int]:
    """p95 latency (s) and request count of CLIENTS keep-alive connections for ``seconds``."""
    if shutil.which("wrk") is None:
        raise SystemExit("bench_server needs wrk (Debian: apt-get install wrk)")
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CLIENTS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base + path,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fields = dict(item.split("=") for item in out.strip().splitlines()[-1].split())
    if int(fields["non2xx"]) or int(fields["errors"]):
        raise SystemExit(f"wrk saw failures on {path}: {out}")
    return int(fields["p95_us"]) / 1e6, int(fields["requests"])


def run(tmp: Path) -> list[Result]:
    demo = demo_workspace(tmp)
    url = os.environ.get("PERFPACKET_BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'server.db'}"
    if url.startswith("sqlite:///") and Path(url.removeprefix("sqlite:///")).exists():
        Path(url.removeprefix("sqlite:///")).unlink()
    cohort_id, cookie = _populate(url, demo)
    return [_measure(url, cohort_id, cookie, tmp, workers) for workers in (1, 2)]


def _measure(url: str, cohort_id: int, cookie: str, tmp: Path, workers: int) -> Result:
    """One server with ``workers`` processes under the load, page against /healthz."""
    from tests.web.servers import served

    with served(url, workers) as base:
        page = f"/cohorts/{cohort_id}/calibration"
        script = tmp / "wrk.lua"
        script.write_text(WRK_SCRIPT % cookie, encoding="utf-8")
        _load(base, page, script, 2)  # warm-up: every worker builds its view once
        baseline, _n = _load(base, "/healthz", script, SECONDS)
        ours, requests = _load(base, page, script, SECONDS)
    print(
        f"calibration page: {requests} requests in {SECONDS} s, "
        f"p95 {ours * 1000:.0f} ms, {workers} worker(s), {url.split(':')[0]}"
    )
    return Result(
        f"calibration page, {CANDIDATES} candidates, {CLIENTS} clients, "
        f"{workers} worker{'s' if workers > 1 else ''}, p95",
        ours,
        "/healthz p95 under the same load",
        baseline,
        "p95 < 250 ms",
        ours < 0.25,
    )
