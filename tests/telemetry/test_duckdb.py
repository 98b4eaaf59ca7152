"""Telemetry aggregates computed in DuckDB equal the same sums computed directly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from perfpacket.store.models import TelemetrySource
from perfpacket.telemetry.metrics import moments_by_period

ROWS = [
    ("2026-01-01T10:00:00Z", 0.010),
    ("2026-01-02T10:00:00Z", 0.012),
    ("2026-03-20T10:00:00Z", 0.004),
    ("2026-03-21T10:00:00Z", 0.006),
    ("2026-03-22T10:00:00Z", 0.005),
]


@pytest.fixture
def csv_source(tmp_path: Path) -> TelemetrySource:
    path = tmp_path / "requests.csv"
    path.write_text('when,spend "usd"\n' + "".join(f"{t},{c}\n" for t, c in ROWS))
    return TelemetrySource(
        name="t",
        uri=str(path),
        format="csv",
        columns={"timestamp": "when", "cost_usd": 'spend "usd"'},
    )


def test_split_sums_match_a_direct_computation(csv_source: TelemetrySource) -> None:
    before, after = moments_by_period(csv_source, "cost_usd", datetime(2026, 3, 16, tzinfo=UTC))
    assert before.n == 2 and after.n == 3
    assert before.sum == pytest.approx(0.022)
    assert before.sum_squares == pytest.approx(0.010**2 + 0.012**2)
    assert after.mean == pytest.approx(0.005)


def test_a_split_with_nothing_after_it_is_empty(csv_source: TelemetrySource) -> None:
    before, after = moments_by_period(csv_source, "cost_usd", datetime(2030, 1, 1, tzinfo=UTC))
    assert before.n == 5 and after.n == 0
