"""Twenty clients at once on ``perfpacket serve --workers 2``: no 5xx, no lost write.

Each backend gets a busy few seconds of signing in, editing and rating (tests/web/load.py);
bench/bench_load.py runs the same for 60 s and reports the figures. Before this, SQLite gave
hundreds of 500s ("database is locked") and 18 of 20 simultaneous logins failed.
"""

from __future__ import annotations

from tests.web.load import drive, populate
from tests.web.servers import served


def test_twenty_clients_get_no_server_error_and_lose_no_write(db_url: str) -> None:
    team = populate(db_url)
    with served(db_url, workers=2) as base:
        result = drive(base, db_url, team, clients=20, seconds=8)
    # Enough traffic for the checks below to mean something; not a speed target (that is
    # bench/bench_load.py), so a busy machine must not fail it.
    assert result.requests > 100, f"only {result.requests} requests in 8 s"
    assert result.acknowledged > 50
    assert result.server_errors == 0, result.statuses
    assert result.transport_errors == 0
    assert result.lost == [], result.lost[:10]
    assert set(result.statuses) <= {200, 303}, result.statuses
