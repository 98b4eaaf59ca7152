"""Cost per request before and after a change, over the demo's gateway telemetry (Parquet).

The claim's aggregate is an Ibis expression run by DuckDB; the baseline is the same
computation in pandas (read the Parquet file, split by time, sum, sum of squares, count). At
this size Ibis's fixed cost (about 8 ms to build and compile the SQL) outweighs the scan, so
pandas is faster here; the goal is interactive speed. The 10-million-row benchmark is where the
engine has to win.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from _harness import Result, best_of, demo_workspace

CHANGE_AT = datetime(2026, 3, 16, tzinfo=UTC)


def run(tmp: Path) -> list[Result]:
    import pandas as pd

    from perfpacket.store.models import TelemetrySource
    from perfpacket.telemetry.metrics import moments_by_period

    path = demo_workspace(tmp) / "data" / "gateway_requests.parquet"
    source = TelemetrySource(
        name="bench", uri=str(path), format="parquet", columns={"timestamp": "ts"}
    )

    def ours() -> object:
        return moments_by_period(source, "cost_usd", CHANGE_AT)

    def pandas_baseline() -> object:
        frame = pd.read_parquet(path, columns=["ts", "cost_usd"])
        after = frame["ts"] >= pd.Timestamp(CHANGE_AT)
        out = []
        for part in (frame.loc[~after, "cost_usd"], frame.loc[after, "cost_usd"]):
            out.append((part.sum(), (part * part).sum(), part.count()))
        return out

    candidate = best_of(ours)
    baseline = best_of(pandas_baseline)
    return [
        Result(
            "cost per request by period, 120k rows",
            candidate,
            "pandas on the same Parquet file",
            baseline,
            "< 100 ms",
            candidate < 0.1,
        )
    ]
