"""Three recipes for invisible AI work, each through the import path a user takes (releases,
incidents and artifacts CSVs, a gateway log with `--map`), each checked against an
independent computation from the raw files: the counts by DuckDB SQL over the CSV, Newcombe's
interval by statsmodels' ``confint_proportions_2indep(method="newcomb")`` (Newcombe 1998,
method 10), the Poisson rate-difference interval by the score test inverted independently
(tests/stats, from Miettinen and Nurminen 1985); and each says what it needs when its
evidence is missing.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep
from typer.testing import CliRunner

from perfpacket.cli import build_app
from tests.stats.test_paired_and_rates import score_interval

CHANGE = datetime(2026, 4, 1, tzinfo=UTC)
DAYS_PER_MONTH = 30.44
TOL = 1e-9


def cli(*args: str) -> Any:
    return CliRunner().invoke(build_app(), list(args))


def _gateway_log(path: Path) -> None:
    """A gateway request log: two months either side of the change, cache-served rows with
    their age and TTL, calls with a declared schema with whether the output validated."""
    rng = np.random.default_rng(20)
    start = CHANGE - timedelta(days=60)
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(
            ["ts", "latency_ms", "status", "tool_cache_age", "tool_cache_ttl", "schema_ok"]
        )
        for i in range(6000):
            ts = start + timedelta(minutes=20 * i + int(rng.integers(0, 19)))
            after = ts >= CHANGE
            age = ttl = ""
            if rng.random() < 0.4:  # served from the tool-result cache
                ttl = "300"
                stale = rng.random() < (0.03 if after else 0.14)
                age = str(int(rng.integers(301, 2000) if stale else rng.integers(0, 300)))
            valid = ""
            if rng.random() < 0.5:  # a call with a declared output schema
                valid = "false" if rng.random() < (0.01 if after else 0.06) else "true"
            out.writerow([ts.isoformat(), int(rng.gamma(2, 300)), "ok", age, ttl, valid])


def _incidents(path: Path) -> None:
    rows = [
        ("INC-1", "2025-10-03", "stale-data", "search"),
        ("INC-2", "2025-11-14", "stale-data; cache", "search;assistant"),
        ("INC-3", "2025-12-01", "malformed-output", "assistant"),
        ("INC-4", "2026-01-09", "stale-data", "assistant;platform"),
        ("INC-5", "2026-01-22", "malformed-output", "assistant;search"),
        ("INC-6", "2026-02-11", "stale-data", "search;platform"),
        ("INC-7", "2026-03-05", "provider outage", "platform;assistant"),
        ("INC-8", "2026-03-20", "malformed-output", "assistant"),
        ("INC-9", "2026-05-02", "provider outage", "platform"),
        ("INC-10", "2026-07-15", "stale-data", "search"),
        ("INC-11", "2026-09-30", "bad release", "assistant"),
    ]
    lines = ["id,severity,opened_at,resolved_at,cause,teams"]
    lines += [f"{i},P2,{d}T10:00:00Z,{d}T12:00:00Z,{c},{t}" for i, d, c, t in rows]
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def workspace(fresh_workspace: Path, tmp_path: Path) -> Path:
    assert cli("people", "add", "ana@example.com", "--name", "Ana").exit_code == 0
    (tmp_path / "releases.csv").write_text(
        "version,released_at,artifact,owner\n"
        f"tool cache v3,{CHANGE.isoformat()},gateway,ana@example.com\n"
        f"typed output boundary,{CHANGE.isoformat()},schema,ana@example.com\n"
    )
    (tmp_path / "artifacts.csv").write_text(
        "kind,title,date,owner\n"
        "ownership,RACI for the retrieval stack,2026-03-01,ana@example.com\n"
        "rfc,RFC-9: cache contracts,2026-02-01,ana@example.com\n"
    )
    _incidents(tmp_path / "incidents.csv")
    _gateway_log(tmp_path / "gateway.csv")
    for kind, name in (
        ("releases-csv", "releases.csv"),
        ("artifacts-csv", "artifacts.csv"),
        ("incidents-csv", "incidents.csv"),
    ):
        done = cli("import", kind, str(tmp_path / name))
        assert done.exit_code == 0, done.output
    done = cli(
        "import", "telemetry", str(tmp_path / "gateway.csv"), "--name", "gateway",
        "--map", "cache_age_s=tool_cache_age", "--map", "cache_ttl_s=tool_cache_ttl",
        "--map", "output_valid=schema_ok",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    done = cli("claims", "suggest", "--person", "ana@example.com", "--json")
    assert done.exit_code == 0, done.output
    return tmp_path


def _claims() -> dict[str, dict[str, Any]]:
    return {c["slug"]: c for c in json.loads(cli("claims", "list", "--json").stdout)}


def _sql_counts(log: Path, matched: str, applies: str) -> list[tuple[int, int]]:
    """(matched, total) before and after the change, by DuckDB SQL over the raw CSV."""
    query = f"""
        select ts >= TIMESTAMPTZ '{CHANGE.isoformat()}' as after,
               count(*) filter (where {matched}) as x, count(*) filter (where {applies}) as n
        from read_csv('{log}', all_varchar=true, header=true)
        group by 1 order by 1"""
    rows = duckdb.sql(query.replace("ts >=", "ts::timestamptz >=")).fetchall()
    return [(int(x), int(n)) for _after, x, n in rows]


@pytest.mark.parametrize(
    ("slug", "matched", "applies"),
    [
        (
            "stale-cache-answers",
            "tool_cache_age::int > tool_cache_ttl::int",
            "tool_cache_age is not null and tool_cache_ttl is not null",
        ),
        ("invalid-output-rate", "schema_ok = 'false'", "schema_ok is not null"),
    ],
)
def test_a_share_before_and_after_matches_newcombe_on_the_raw_counts(
    workspace: Path, slug: str, matched: str, applies: str
) -> None:
    claim = _claims()[slug]
    (x0, n0), (x1, n1) = _sql_counts(workspace / "gateway.csv", matched, applies)
    low, high = confint_proportions_2indep(x1, n1, x0, n0, compare="diff", method="newcomb")
    assert claim["estimate"] == pytest.approx(100 * (x1 / n1 - x0 / n0), abs=TOL)
    assert claim["ci_low"] == pytest.approx(100 * low, abs=1e-6)
    assert claim["ci_high"] == pytest.approx(100 * high, abs=1e-6)
    assert claim["baseline"] == pytest.approx(100 * x0 / n0) and claim["verdict"] == "improved"
    assert claim["comparison"] == "before_after"
    assert any(a.startswith("no control group") for a in claim["assumptions"])


@pytest.mark.parametrize(
    ("slug", "cause"),
    [
        ("stale-data-incidents-averted", "stale-data"),
        ("malformed-output-incidents-averted", "malformed-output"),
        ("cross-team-incidents-averted", None),
    ],
)
def test_incidents_averted_at_the_base_rate_match_the_score_interval(
    workspace: Path, slug: str, cause: str | None
) -> None:
    claim = _claims()[slug]
    rows = list(csv.DictReader((workspace / "incidents.csv").open()))
    opened = [datetime.fromisoformat(r["opened_at"]) for r in rows]
    change = CHANGE if cause else datetime(2026, 3, 1, tzinfo=UTC)
    if cause:
        kind = [cause in r["cause"].replace(";", " ").split() for r in rows]
    else:
        kind = [len({t for t in r["teams"].split(";") if t}) >= 2 for r in rows]
    x0 = sum(k and o < change for k, o in zip(kind, opened, strict=True))
    x1 = sum(k and o >= change for k, o in zip(kind, opened, strict=True))
    t0 = round((change - min(opened)).total_seconds() / 86400 / DAYS_PER_MONTH, 6)
    t1 = round((max(opened) - change).total_seconds() / 86400 / DAYS_PER_MONTH, 6)
    low, high = score_interval(x0, t0, x1, t1)
    assert claim["estimate"] == pytest.approx(t1 * (x0 / t0 - x1 / t1), abs=TOL)
    assert claim["ci_low"] == pytest.approx(t1 * low, abs=1e-5)
    assert claim["ci_high"] == pytest.approx(t1 * high, abs=1e-5)
    assert claim["baseline"] == pytest.approx(x0 / t0 * t1) and claim["current"] == x1
    assert claim["comparison"] == "counterfactual"
    # The verdict is the interval's: "improved" only when it lies wholly above zero.
    assert claim["verdict"] == ("improved" if t1 * low > 0 else "no_detectable_change")
    assert any("base rate" in a for a in claim["assumptions"])


def test_each_recipe_says_what_it_needs_when_its_evidence_is_missing(
    fresh_workspace: Path,
) -> None:
    assert cli("people", "add", "ana@example.com", "--name", "Ana").exit_code == 0
    done = cli("claims", "suggest", "--explain", "--json")
    assert done.exit_code == 0, done.output
    by_recipe = {r["recipe"]: r for r in json.loads(done.stdout)["recipes"]}
    for name in ("cache-staleness", "structured-output", "ownership-seams"):
        assert by_recipe[name]["claims"] == [], name
        assert all(n["found"] == 0 for n in by_recipe[name]["needs"]), name
    needs = {n["what"]: n["source"] for n in by_recipe["cache-staleness"]["needs"]}
    assert needs["telemetry sources with a 'cache_age_s' and 'cache_ttl_s' columns"] == (
        "perfpacket import telemetry FILE (--map cache_age_s=COLUMN --map cache_ttl_s=COLUMN)"
    )
    seams = {n["what"]: n["source"] for n in by_recipe["ownership-seams"]["needs"]}
    assert seams[
        "ownership changes you made (a RACI, an on-call rotation, a service contract)"
    ] == ("perfpacket import artifacts-csv (kind ownership)")


def test_an_ownership_change_is_not_counted_as_enabling_work(workspace: Path) -> None:
    reviews = _claims().get("reviews-given")
    assert reviews is None or "RACI for the retrieval stack" not in reviews["details"]["artifacts"]
