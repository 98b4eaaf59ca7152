"""Interviews and hiring loops from a scorecard export as an applicant tracking system writes
it (Greenhouse's scorecard fields: ``overall_recommendation`` strong_yes … definitely_not), with
the candidates' names in it, which are never imported. Checked independently: the interview
rate against Garwood's exact Poisson interval from chi-square quantiles (Garwood 1936), and the
recommendation–decision agreement against the kappa and Fleiss–Cohen–Everitt variance written
out in tests/claims/test_diagnosis_and_grades.py.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats
from typer.testing import CliRunner

from perfpacket.cli import build_app
from tests.claims.test_diagnosis_and_grades import fce_kappa

ANA, BOB = "ana@example.com", "bob@example.com"
HEADER = [
    "candidate_id", "candidate_name", "job", "interview", "interviewer", "submitted_at",
    "overall_recommendation", "application_status",
]  # fmt: skip
DAYS_PER_MONTH = 30.44


def cli(*args: str) -> Any:
    return CliRunner().invoke(build_app(), list(args))


def _claims() -> dict[str, dict[str, Any]]:
    return {
        c["slug"]: c for c in json.loads(cli("claims", "list", "--person", ANA, "--json").stdout)
    }


def _export(path: Path) -> list[dict[str, str]]:
    rng = np.random.default_rng(3)
    start = datetime(2026, 2, 2, 15, tzinfo=UTC)
    rows = []
    for n in range(60):
        hired = rng.random() < 0.3
        interviewer = ANA if n % 2 == 0 else BOB
        agrees = rng.random() < 0.8
        hire = hired if agrees else not hired
        said = ("strong_yes" if rng.random() < 0.3 else "yes") if hire else "no"
        if n % 13 == 0:
            said = "no_decision"
        status = "hired" if hired else "rejected"
        if n % 11 == 0:
            status = "active"
        rows.append(
            {
                "candidate_id": f"{48210000 + n}",
                "candidate_name": f"Person Number{n}",
                "job": "Applied AI Engineer",
                "interview": ["System design", "Eval design", "Coding"][n % 3],
                "interviewer": interviewer,
                "submitted_at": (start + timedelta(days=3 * n)).isoformat(),
                "overall_recommendation": said,
                "application_status": status,
            }
        )
    with path.open("w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=HEADER)
        out.writeheader()
        out.writerows(rows)
    return rows


@pytest.fixture
def hired(fresh_workspace: Path, tmp_path: Path) -> list[dict[str, str]]:
    for email, name in ((ANA, "Ana"), (BOB, "Bob")):
        assert cli("people", "add", email, "--name", name).exit_code == 0
    rows = _export(tmp_path / "scorecards.csv")
    (tmp_path / "artifacts.csv").write_text(
        f"kind,title,date,owner\ninterview_loop,Applied AI Engineer,2026-01-20,{ANA}\n"
    )
    done = cli("import", "interviews-csv", str(tmp_path / "scorecards.csv"))
    assert done.exit_code == 0, done.output
    assert "candidate_name holds names; not imported" in " ".join(done.output.split())
    assert cli("import", "artifacts-csv", str(tmp_path / "artifacts.csv")).exit_code == 0
    assert cli("claims", "suggest", "--person", ANA).exit_code == 0
    return rows


def test_interviews_conducted_is_a_rate_with_the_exact_poisson_interval(
    hired: list[dict[str, str]],
) -> None:
    mine = [r for r in hired if r["interviewer"] == ANA]
    times = sorted(datetime.fromisoformat(r["submitted_at"]) for r in mine)
    months = round(max((times[-1] - times[0]).days / DAYS_PER_MONTH, 1.0), 6)
    k = len(mine)
    claim = _claims()["interviews-conducted"]
    assert claim["estimate"] == pytest.approx(k / months, abs=1e-9)
    assert claim["ci_low"] == pytest.approx(stats.chi2.ppf(0.025, 2 * k) / 2 / months, abs=1e-9)
    assert claim["ci_high"] == pytest.approx(
        stats.chi2.ppf(0.975, 2 * k + 2) / 2 / months, abs=1e-9
    )
    assert claim["comparison"] == "count" and claim["verdict"] == "no_verdict"
    assert claim["value"] is None


def test_loops_designed_are_counted_exactly(hired: list[dict[str, str]]) -> None:
    loops = _claims()["interview-loops-designed"]
    assert loops["estimate"] == 1 and loops["ci_low"] is None
    assert loops["details"]["loops"] == ["Applied AI Engineer"]


def test_calibration_is_cohens_kappa_against_decided_candidates(
    hired: list[dict[str, str]],
) -> None:
    pairs = [
        (r["overall_recommendation"] in ("yes", "strong_yes"), r["application_status"] == "hired")
        for r in hired
        if r["interviewer"] == ANA
        and r["overall_recommendation"] != "no_decision"
        and r["application_status"] in ("hired", "rejected")
    ]
    table = [[sum(p == (s, h) for p in pairs) for h in (True, False)] for s in (True, False)]
    k, se = fce_kappa(table)
    z = stats.norm.isf(0.025)
    claim = _claims()["hiring-calibration"]
    assert claim["estimate"] == pytest.approx(k, abs=1e-9)
    assert claim["ci_low"] == pytest.approx(k - z * se, abs=1e-9)
    assert claim["ci_high"] == pytest.approx(k + z * se, abs=1e-9)
    assert claim["sample_sizes"] == {"n": len(pairs)} and claim["verdict"] == "no_verdict"
    assert any("upper bound" in a for a in claim["assumptions"])
    assert cli("claims", "verify").exit_code == 0


def test_loop_calibration_reads_every_interviewer_in_the_loops_designed(
    hired: list[dict[str, str]],
) -> None:
    pairs = [
        (r["overall_recommendation"] in ("yes", "strong_yes"), r["application_status"] == "hired")
        for r in hired
        if r["overall_recommendation"] != "no_decision"
        and r["application_status"] in ("hired", "rejected")
    ]
    table = [[sum(p == (s, h) for p in pairs) for h in (True, False)] for s in (True, False)]
    k, se = fce_kappa(table)
    claim = _claims()["interview-loop-calibration"]
    assert claim["estimate"] == pytest.approx(k, abs=1e-9)
    assert claim["ci_high"] - claim["estimate"] == pytest.approx(stats.norm.isf(0.025) * se)
    # Bob's scorecards count here (Ana designed the loop), not in Ana's own calibration.
    assert claim["sample_sizes"]["n"] > _claims()["hiring-calibration"]["sample_sizes"]["n"]


def test_candidate_names_are_never_stored(hired: list[dict[str, str]]) -> None:
    records = json.loads(cli("evidence", "list", "--json").stdout)
    interviews = [r for r in records if r["kind"] == "interview"]
    assert len(interviews) == len(hired)
    stored = json.dumps(interviews)
    assert not any(r["candidate_name"] in stored for r in hired)
    assert all("candidate_name" not in r for r in interviews)
    assert {r["candidate"] for r in interviews} == {r["candidate_id"] for r in hired}


@pytest.mark.parametrize(
    ("column", "value", "message", "hint"),
    [
        (
            "overall_recommendation",
            "maybe",
            "line 3 / field overall_recommendation: 'maybe' is not a recommendation",
            "strong_yes",
        ),
        ("application_status", "ghosted", "line 3 / field application_status", "withdrawn"),
        ("submitted_at", "soon", "line 3 / field submitted_at", ""),
    ],
)
def test_a_bad_scorecard_names_its_line_and_field_and_imports_nothing(
    fresh_workspace: Path, tmp_path: Path, column: str, value: str, message: str, hint: str
) -> None:
    assert cli("people", "add", ANA, "--name", "Ana").exit_code == 0
    rows = _export(tmp_path / "scorecards.csv")[:3]
    rows[1][column] = value
    with (tmp_path / "bad.csv").open("w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=HEADER)
        out.writeheader()
        out.writerows(rows)
    done = cli("import", "interviews-csv", str(tmp_path / "bad.csv"))
    text = " ".join(done.output.split())
    assert done.exit_code != 0 and message in text and hint in text
    assert json.loads(cli("evidence", "list", "--json").stdout) == []


def test_a_missing_column_names_the_names_an_ats_gives_it(
    fresh_workspace: Path, tmp_path: Path
) -> None:
    (tmp_path / "s.csv").write_text("candidate_id,overall_recommendation\n481,yes\n")
    done = cli("import", "interviews-csv", str(tmp_path / "s.csv"))
    text = " ".join(done.output.split())
    assert done.exit_code != 0
    assert "missing column interviewed_at" in text
    assert "interviewed_at or submitted_at or interview_date" in text


def test_interviewing_says_what_it_needs(fresh_workspace: Path) -> None:
    assert cli("people", "add", ANA, "--name", "Ana").exit_code == 0
    done = cli("claims", "suggest", "--explain", "--json")
    by_recipe = {r["recipe"]: r for r in json.loads(done.stdout)["recipes"]}
    needs = {n["what"]: n["source"] for n in by_recipe["interviewing"]["needs"]}
    assert needs["interview loops you designed"] == (
        "perfpacket import artifacts-csv (kind interview_loop)"
    )
    assert by_recipe["interviewing"]["claims"] == []
