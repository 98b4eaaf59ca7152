"""`perfpacket import telemetry` then `perfpacket claims suggest` over 10 million LiteLLM-shaped
rows (Parquet), as a user runs them, against a DuckDB script computing the same aggregates exactly.

Goal (issue: speed a user feels): the two commands within 3.0x of the script. The script is one
Python process that imports DuckDB and runs what the commands compute from the table: the row
count and status values the import checks, then per period the exact cost and token sums, the
p95 latency with the order statistics that bound it, and the error counts. Our commands also
hash the file (the source's identity), start the CLI twice and store the claims.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _harness import Result

ROWS = 10_000_000
CHANGE_AT = "2026-03-16T00:00:00+00:00"
PERSON = "ana@example.com"
MAPPING = [
    "--map",
    "timestamp=startTime",
    "--map",
    "cost_usd=spend",
    "--map",
    "input_tokens=prompt_tokens",
    "--map",
    "output_tokens=completion_tokens",
]

SCRIPT = """
import sys, duckdb
from scipy.stats import binom
path, change = sys.argv[1], sys.argv[2]
con = duckdb.connect()
t = f"read_parquet('{path}')"
con.execute(f"SELECT count(*) FROM {t}").fetchall()
con.execute(f"SELECT DISTINCT status FROM {t} LIMIT 50").fetchall()
for col in ("spend::DOUBLE", "(prompt_tokens + completion_tokens)::DOUBLE"):
    for op in ("<", ">="):
        con.execute(
            f"SELECT sum(({col})::DECIMAL(38,12)), sum(({col} * {col})::DECIMAL(38,12)), "
            f"count({col}) FROM {t} WHERE startTime {op} '{change}'"
        ).fetchall()
before, after = con.execute(
    f"SELECT count(*) FILTER (startTime < '{change}'), count(*) FILTER (startTime >= '{change}') "
    f"FROM {t} WHERE latency_ms IS NOT NULL"
).fetchone()
for op, n in (("<", before), (">=", after)):
    tail = 0.0125
    low, high = int(binom.ppf(tail, n, 0.95)) - 1, int(binom.isf(tail, n, 0.95))
    con.execute(
        f"SELECT quantile_cont(latency_ms, [0.95, {low / (n - 1)}, {high / (n - 1)}]) "
        f"FROM {t} WHERE startTime {op} '{change}' AND latency_ms IS NOT NULL"
    ).fetchall()
con.execute(
    f"SELECT startTime >= '{change}', status, count(*) FROM {t} WHERE status IS NOT NULL "
    "GROUP BY ALL"
).fetchall()
"""


def _generate(path: Path) -> None:
    import duckdb

    with duckdb.connect() as con:
        con.execute("SELECT setseed(0.5)")
        con.execute(
            f"""
            COPY (
                SELECT TIMESTAMPTZ '2025-11-01 00:00:00+00' + to_seconds(i * 3.1536) AS startTime,
                       'req-' || i AS request_id,
                       CASE WHEN random() < 0.5 THEN 'gpt-4o' ELSE 'gpt-4o-mini' END AS model,
                       (1000 + random() * 2000)::BIGINT AS prompt_tokens,
                       (100 + random() * 600)::BIGINT AS completion_tokens,
                       0.002 + random() * 0.01 AS spend,
                       300 + random() * 1500 AS latency_ms,
                       CASE WHEN random() < 0.004 THEN 'failure' ELSE 'success' END AS status
                FROM range({ROWS}) t(i)
            ) TO '{path}' (FORMAT parquet)
            """
        )


def _cli(ws: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "perfpacket", *args],
        cwd=ws,
        check=True,
        capture_output=True,
        env={**os.environ, "COLUMNS": "120"},
    )


def _workspace(tmp: Path, i: int) -> Path:
    ws = tmp / f"telemetry-10m-{i}"
    shutil.rmtree(ws, ignore_errors=True)
    ws.mkdir()
    (ws / "releases.csv").write_text(
        f"version,released_at,artifact,owner\ngw-2.0,{CHANGE_AT},gateway,{PERSON}\n"
    )
    _cli(ws, "init", ".")
    _cli(ws, "people", "add", PERSON, "--name", "Ana")
    _cli(ws, "import", "releases-csv", "releases.csv")
    return ws


def run(tmp: Path) -> list[Result]:
    path = tmp / "litellm_spend_10m.parquet"
    if not path.exists():
        _generate(path)

    def commands(ws: Path) -> float:
        start = time.perf_counter()
        _cli(ws, "import", "telemetry", str(path), *MAPPING)
        done = _cli(ws, "claims", "suggest", "--person", PERSON)
        took = time.perf_counter() - start
        assert b"p95-latency" in done.stdout and b"gateway-error-rate" in done.stdout, done.stdout
        return took

    def script() -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", SCRIPT, str(path), CHANGE_AT], check=True)
        return time.perf_counter() - start

    script()  # warm the page cache for both sides
    ours = sorted(commands(_workspace(tmp, i)) for i in range(3))[1]
    baseline = sorted(script() for _ in range(3))[1]
    return [
        Result(
            "import telemetry + claims suggest, 10M LiteLLM rows (commands)",
            ours,
            "DuckDB script, same aggregates exactly",
            baseline,
            "<= 3.0x the script",
            ours / baseline <= 3.0,
        )
    ]
