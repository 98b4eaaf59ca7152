"""A busy team for 60 s: 20 clients signing in, editing and rating on ``serve --workers 2``.

Goal (issue "team server you can trust"): zero 5xx and zero lost writes on SQLite and on
PostgreSQL. The figure is the mean time a request takes under that load; the baseline is
/healthz from the same 20 clients (same client, same connection-per-request), so the ratio is
what the pages and the writes cost over the server and the loopback themselves. PostgreSQL runs
when PERFPACKET_BENCH_POSTGRES_URL names a scratch database (it is emptied first).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

from _harness import Result

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CLIENTS = 20
SECONDS = 60
BASELINE_SECONDS = 10


def _healthz(base: str) -> float:
    """Mean seconds per /healthz request from CLIENTS clients."""
    from tests.web.servers import fresh

    count = [0]
    lock = threading.Lock()
    stop = time.monotonic() + BASELINE_SECONDS

    def client() -> None:
        with fresh(base) as http:
            while time.monotonic() < stop:
                http.get("/healthz")
                with lock:
                    count[0] += 1

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return CLIENTS * BASELINE_SECONDS / count[0]


def _one(name: str, url: str) -> Result:
    from tests.web.load import drive, populate
    from tests.web.servers import served

    team = populate(url)
    with served(url, workers=2) as base:
        baseline = _healthz(base)
        result = drive(base, url, team, clients=CLIENTS, seconds=SECONDS)
    per_request = CLIENTS * SECONDS / max(result.requests, 1)
    print(
        f"{name}: {result.requests} requests in {SECONDS} s ({result.acknowledged} acknowledged "
        f"writes), {result.server_errors} 5xx, {result.transport_errors} transport errors, "
        f"{len(result.lost)} lost writes; statuses {dict(sorted(result.statuses.items()))}"
    )
    return Result(
        f"busy team on {name}, {CLIENTS} clients, 2 workers, mean per request",
        per_request,
        "/healthz under the same clients",
        baseline,
        "0 5xx, 0 lost writes",
        result.server_errors == 0 and result.transport_errors == 0 and not result.lost,
    )


def run(tmp: Path) -> list[Result]:
    results = [_one("SQLite", f"sqlite:///{tmp / 'load.db'}")]
    pg = os.environ.get("PERFPACKET_BENCH_POSTGRES_URL")
    if pg:
        from tests.conftest import reset_postgres

        reset_postgres(pg)
        results.append(_one("PostgreSQL", pg))
    else:
        print("PostgreSQL skipped: set PERFPACKET_BENCH_POSTGRES_URL to a scratch database")
    return results
