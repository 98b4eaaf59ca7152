"""Two recipes for work no dashboard shows, through the import path a user takes:

- the flight recorder (incidents-csv ``traced`` and ``diagnosed_at``): the median time to
  diagnose with a trace against without, checked against each group's median interval from
  scipy's ``quantile_test`` (the binomial order-statistic interval, Conover 1999 §3.2);
- SLOs without ground truth (graded-csv): the error budget a graded sample burns, checked
  against statsmodels' Wilson interval, and judge–person agreement, checked against the
  published example of Cohen's kappa (0.4 for the table 20/5/10/15, Wikipedia "Cohen's kappa")
  and the asymptotic variance of Fleiss, Cohen and Everitt (1969) written out here.
"""

from __future__ import annotations

import csv
import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from typer.testing import CliRunner

from perfpacket.cli import build_app
from perfpacket.stats import Code, cohens_kappa_interval

ANA = "ana@example.com"
TOL = 1e-9


def cli(*args: str) -> Any:
    return CliRunner().invoke(build_app(), list(args))


def _claims() -> dict[str, dict[str, Any]]:
    return {c["slug"]: c for c in json.loads(cli("claims", "list", "--json").stdout)}


def _evidence_count() -> int:
    return len(json.loads(cli("evidence", "list", "--json").stdout))


def fce_kappa(table: list[list[int]]) -> tuple[float, float]:
    """Cohen's kappa and its standard error under the alternative (Fleiss, Cohen and Everitt
    1969; Fleiss, Levin and Paik 2003, eq. 18.13), from the proportions of a square table."""
    p = np.asarray(table, dtype=float)
    n = p.sum()
    p = p / n
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    po, pe = float(np.trace(p)), float(rows @ cols)
    k = (po - pe) / (1 - pe)
    diag = sum(p[i, i] * (1 - (rows[i] + cols[i]) * (1 - k)) ** 2 for i in range(len(p)))
    off = sum(
        p[i, j] * (cols[i] + rows[j]) ** 2 for i in range(len(p)) for j in range(len(p)) if i != j
    )
    var = (diag + (1 - k) ** 2 * off - (k - pe * (1 - k)) ** 2) / (n * (1 - pe) ** 2)
    return k, math.sqrt(var)


def test_cohens_kappa_matches_the_published_example_and_the_fce_variance() -> None:
    table = [[20, 5], [10, 15]]  # rater A yes/no by rater B yes/no, 50 items
    result = cohens_kappa_interval(table)
    assert result.estimate == pytest.approx(0.4, abs=1e-12)
    k, se = fce_kappa(table)
    z = stats.norm.isf(0.025)
    assert result.ci_low == pytest.approx(k - z * se, abs=1e-12)
    assert result.ci_high == pytest.approx(k + z * se, abs=1e-12)
    assert result.sample_sizes == {"n": 50}


@pytest.mark.parametrize(
    ("table", "code"),
    [
        ([[0, 0], [0, 0]], Code.NO_DATA),
        ([[40, 0], [0, 0]], Code.ZERO_VARIANCE),  # everyone passed everything: kappa is 0/0
        ([[1, 0], [0, 0]], Code.TOO_FEW_SAMPLES),
        ([[3, -1], [0, 2]], Code.INVALID_COUNTS),
    ],
)
def test_kappa_says_why_it_has_no_estimate(table: list[list[int]], code: Code) -> None:
    result = cohens_kappa_interval(table)
    assert result.code is code and result.estimate is None
    assert result.verdict == "insufficient_data"


# --- the flight recorder -------------------------------------------------------------------

RECORDER_LIVE = datetime(2026, 3, 2, tzinfo=UTC)


def _incidents(path: Path) -> None:
    """Twelve months of incidents: before the recorder none had a trace; after it most did.
    Diagnosis times are log-normal, as response times are."""
    rng = np.random.default_rng(7)
    rows = []
    start = datetime(2025, 9, 1, tzinfo=UTC)
    for n in range(40):
        opened = start + timedelta(days=9 * n, hours=int(rng.integers(0, 12)))
        traced = opened >= RECORDER_LIVE and rng.random() < 0.8
        minutes = float(rng.lognormal(np.log(35 if traced else 110), 0.6))
        diagnosed = opened + timedelta(minutes=round(minutes, 2))
        rows.append(
            {
                "id": f"INC-{n}",
                "severity": "P2",
                "opened_at": opened.isoformat(),
                "diagnosed_at": diagnosed.isoformat(),
                "resolved_at": (diagnosed + timedelta(hours=1)).isoformat(),
                # one incident in ten predates the column: its trace is not recorded
                "traced": "" if n % 10 == 3 else ("true" if traced else "false"),
            }
        )
    with path.open("w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows(rows)


@pytest.fixture
def recorder(fresh_workspace: Path, tmp_path: Path) -> Path:
    assert cli("people", "add", ANA, "--name", "Ana").exit_code == 0
    (tmp_path / "releases.csv").write_text(
        "version,released_at,artifact,owner\n"
        f"flight recorder: request traces on every gateway error,{RECORDER_LIVE.isoformat()},"
        f"tracing,{ANA}\n"
    )
    _incidents(tmp_path / "incidents.csv")
    for kind, name in (("releases-csv", "releases.csv"), ("incidents-csv", "incidents.csv")):
        done = cli("import", kind, str(tmp_path / name))
        assert done.exit_code == 0, done.output
    done = cli("claims", "suggest", "--person", ANA, "--json")
    assert done.exit_code == 0, done.output
    return tmp_path


def _median_interval(x: np.ndarray) -> tuple[float, float, float]:
    """The median and its distribution-free interval at 97.5% (so that two hold together at
    95%, Bonferroni), by scipy's quantile test."""
    ci = stats.quantile_test(x, q=float(np.median(x)), p=0.5).confidence_interval(0.975)
    return float(np.median(x)), float(ci.low), float(ci.high)


def test_time_to_diagnose_with_traces_matches_the_order_statistic_intervals(
    recorder: Path,
) -> None:
    rows = list(csv.DictReader((recorder / "incidents.csv").open()))
    minutes: dict[str, list[float]] = {"true": [], "false": []}
    for r in rows:
        if r["traced"]:
            took = datetime.fromisoformat(r["diagnosed_at"]) - datetime.fromisoformat(
                r["opened_at"]
            )
            minutes[r["traced"]].append(took.total_seconds() / 60)
    ea, la, ha = _median_interval(np.array(minutes["true"]))
    eb, lb, hb = _median_interval(np.array(minutes["false"]))
    claim = _claims()["time-to-diagnose-with-traces"]
    assert claim["estimate"] == pytest.approx(ea - eb, abs=1e-6)
    assert claim["ci_low"] == pytest.approx(la - hb, abs=1e-6)
    assert claim["ci_high"] == pytest.approx(ha - lb, abs=1e-6)
    assert claim["current"] == pytest.approx(ea) and claim["baseline"] == pytest.approx(eb)
    assert claim["sample_sizes"] == {"n1": len(minutes["true"]), "n2": len(minutes["false"])}
    assert claim["unit"] == "min" and claim["verdict"] == "improved"
    # Not randomised, and it says so.
    assert any("not chosen at random" in a for a in claim["assumptions"])
    done = cli("claims", "verify")
    assert done.exit_code == 0, done.output


def test_time_to_diagnose_reads_as_groups_not_a_cause(recorder: Path) -> None:
    out = recorder / "draft.md"
    done = cli("draft", "--person", ANA, "--out", str(out))
    assert done.exit_code == 0, done.output
    text = " ".join(out.read_text().split())
    assert (
        "incidents that had a trace took a median of "
        "{{ claim.time-to-diagnose-with-traces.current }} to diagnose" in text
    )
    assert "because of" not in text and "caused" not in text


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("traced", "sometimes", "line 2 / field traced: 'sometimes' is not true or false"),
        ("diagnosed_at", "2025-08-01T00:00:00Z", "line 2 / field diagnosed_at: before opened_at"),
    ],
)
def test_a_bad_incident_row_names_its_line_and_column_and_imports_nothing(
    fresh_workspace: Path, tmp_path: Path, column: str, value: str, message: str
) -> None:
    path = tmp_path / "incidents.csv"
    row = {
        "id": "INC-1",
        "severity": "P1",
        "opened_at": "2026-01-05T10:00:00Z",
        "diagnosed_at": "2026-01-05T11:00:00Z",
        "traced": "true",
    }
    row[column] = value
    path.write_text(",".join(row) + "\n" + ",".join(row.values()) + "\n")
    done = cli("import", "incidents-csv", str(path))
    assert done.exit_code != 0
    assert message in " ".join(done.output.split())
    assert _evidence_count() == 0


# --- SLOs without ground truth -------------------------------------------------------------


def _graded(path: Path) -> None:
    """Eight weeks of sampled answers graded by a judge; one in five graded by a person too.
    The judge fails 3% of answers; a person agrees with it on most."""
    rng = np.random.default_rng(11)
    start = datetime(2026, 8, 3, tzinfo=UTC)
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["id", "graded_at", "judge", "human", "service"])
        for n in range(800):
            judge = rng.random() >= 0.03
            human = ""
            if n % 5 == 0:
                agrees = rng.random() < (0.97 if judge else 0.7)
                human = "pass" if judge == agrees else "fail"
            at = start + timedelta(minutes=100 * n)
            out.writerow([f"ans-{n:04d}", at.isoformat(), "pass" if judge else "fail", human,
                          "support-answer"])  # fmt: skip


@pytest.fixture
def graded(fresh_workspace: Path, tmp_path: Path) -> Path:
    assert cli("people", "add", ANA, "--name", "Ana").exit_code == 0
    _graded(tmp_path / "graded.csv")
    done = cli("import", "graded-csv", str(tmp_path / "graded.csv"), "--person", ANA)
    assert done.exit_code == 0, done.output
    done = cli("claims", "suggest", "--person", ANA, "--json")
    assert done.exit_code == 0, done.output
    return tmp_path


def test_error_budget_burn_is_the_wilson_interval_over_the_budget(graded: Path) -> None:
    rows = list(csv.DictReader((graded / "graded.csv").open()))
    failed = sum(r["judge"] == "fail" for r in rows)
    low, high = proportion_confint(failed, len(rows), method="wilson")
    budget = 0.05  # the default value model's graded_pass_slo of 95%
    claim = _claims()["graded-error-budget-burn"]
    assert claim["estimate"] == pytest.approx(100 * failed / len(rows) / budget, abs=TOL)
    assert claim["ci_low"] == pytest.approx(100 * low / budget, abs=1e-6)
    assert claim["ci_high"] == pytest.approx(100 * high / budget, abs=1e-6)
    assert claim["comparison"] == "target" and claim["baseline"] == 100
    # The verdict is the interval's against the whole budget, never "improved".
    expected = "meets_target" if 100 * high / budget < 100 else "target_undecided"
    assert claim["verdict"] == expected


def test_judge_person_agreement_is_cohens_kappa_on_the_outputs_both_graded(
    graded: Path,
) -> None:
    rows = [r for r in csv.DictReader((graded / "graded.csv").open()) if r["human"]]
    table = [
        [sum(r["judge"] == j and r["human"] == h for r in rows) for h in ("pass", "fail")]
        for j in ("pass", "fail")
    ]
    k, se = fce_kappa(table)
    z = stats.norm.isf(0.025)
    claim = _claims()["judge-human-agreement"]
    assert claim["estimate"] == pytest.approx(k, abs=1e-9)
    assert claim["ci_low"] == pytest.approx(k - z * se, abs=1e-9)
    assert claim["ci_high"] == pytest.approx(k + z * se, abs=1e-9)
    assert claim["sample_sizes"] == {"n": len(rows)} and claim["baseline"] == 0.6
    assert claim["verdict"] in {"meets_target", "misses_target", "target_undecided"}
    assert cli("claims", "verify").exit_code == 0


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("judge", "maybe", "line 3 / field judge: 'maybe' is not a grade"),
        ("graded_at", "last tuesday", "line 3 / field graded_at"),
    ],
)
def test_a_bad_grade_names_its_line_and_column_and_imports_nothing(
    fresh_workspace: Path, tmp_path: Path, column: str, value: str, message: str
) -> None:
    rows = [
        {"id": "a-1", "graded_at": "2026-08-03T10:00:00Z", "judge": "pass", "human": "pass"},
        {"id": "a-2", "graded_at": "2026-08-03T11:00:00Z", "judge": "fail", "human": ""},
    ]
    rows[1][column] = value
    path = tmp_path / "graded.csv"
    path.write_text("id,graded_at,judge,human\n" + "".join(
        ",".join(r.values()) + "\n" for r in rows
    ))  # fmt: skip
    assert cli("people", "add", ANA, "--name", "Ana").exit_code == 0
    done = cli("import", "graded-csv", str(path), "--person", ANA)
    assert done.exit_code != 0
    out = " ".join(done.output.split())
    assert message in out
    if column == "judge":
        assert "write pass or fail" in out
    assert _evidence_count() == 0


def test_both_recipes_say_what_they_need_when_the_evidence_is_missing(
    fresh_workspace: Path,
) -> None:
    assert cli("people", "add", ANA, "--name", "Ana").exit_code == 0
    done = cli("claims", "suggest", "--explain", "--json")
    assert done.exit_code == 0, done.output
    by_recipe = {r["recipe"]: r for r in json.loads(done.stdout)["recipes"]}
    recorder = {n["what"]: n["source"] for n in by_recipe["flight-recorder"]["needs"]}
    assert recorder["incidents with a trace captured, with diagnosed_at"] == (
        "perfpacket import incidents-csv (columns traced, diagnosed_at)"
    )
    assert "trace-capture releases you made (artifact 'tracing')" in recorder
    slo = {n["what"]: n["source"] for n in by_recipe["graded-slo"]["needs"]}
    assert slo["graded outputs a person graded too (column human)"] == (
        "perfpacket import graded-csv"
    )
    for name in ("flight-recorder", "graded-slo"):
        assert by_recipe[name]["claims"] == []
        assert all(n["found"] == 0 for n in by_recipe[name]["needs"])
