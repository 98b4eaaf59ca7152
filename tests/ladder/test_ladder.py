"""Ladders: validation with file and line, the built-in ladder, assessment, plans, BYO formats."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from perfpacket.cli import build_app
from perfpacket.demo import build_demo
from perfpacket.ladder.schema import builtin_ladders

MADE = Path(__file__).resolve().parents[1] / "data" / "made" / "ladders"
BUILTIN = builtin_ladders()["ai-engineering"]
RATINGS = {"insufficient_evidence", "not_yet", "meets", "exceeds", "next_level"}


def run(*args: str) -> Any:
    return CliRunner().invoke(build_app(), list(args))


def test_builtin_ladder_validates() -> None:
    result = run("ladder", "validate")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"{BUILTIN}: valid (6 domains, 5 levels, 3 roles)"


def test_builtin_staff_role_is_the_blueprint() -> None:
    ladder = yaml.safe_load(BUILTIN.read_text())
    staff = next(r for r in ladder["roles"] if r["id"] == "staff-applied-ai-engineer")
    assert [(d["id"], d["weight"]) for d in staff["scorecard"]] == [
        ("applied-ml-evaluation", 20),
        ("ai-system-design", 20),
        ("software-engineering", 20),
        ("mlops-operations", 15),
        ("experimentation-product", 15),
        ("leadership-communication", 10),
    ]
    assert len(ladder["domains"]) == 6
    assert all([lv["level"] for lv in d["levels"]] == [1, 2, 3, 4, 5] for d in ladder["domains"])
    assert any(c.startswith("Staff to Principal") for c in staff["promotion_criteria"])
    assert {lv["id"] for lv in ladder["levels"]} >= {"senior", "staff", "principal"}


def _broken(tmp_path: Path, edit: Any) -> Path:
    data = yaml.safe_load(BUILTIN.read_text())
    edit(data)
    path = tmp_path / "ladder.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, width=1000))
    return path


def _line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    lines = [i for i, line in enumerate(path.read_text().splitlines(), start=1) if needle in line]
    return lines[occurrence - 1]


def test_weights_that_do_not_sum_to_100(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["roles"][1]["scorecard"][0]["weight"] = 25

    path = _broken(tmp_path, edit)
    result = run("ladder", "validate", str(path))
    assert result.exit_code == 1
    line = _line_of(path, "scorecard:", 2)
    assert result.stdout.strip() == (
        f"{path}:{line + 1}: role 'staff-applied-ai-engineer' scorecard weights sum to 105, not 100"
    )


def test_levels_not_contiguous(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["domains"][2]["levels"][2]["level"] = 7

    path = _broken(tmp_path, edit)
    out = run("ladder", "validate", str(path)).stdout.strip()
    assert out.endswith(
        "domain 'system-architecture' levels must run 1, 2, 3... without gaps; found 1, 2, 4, 5, 7"
    )
    # A list is reported at its first item, the line below its key.
    assert out.startswith(f"{path}:{_line_of(path, 'id: system-architecture') + 3}:")


def test_unknown_references(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["recipes"]["eval-gate"]["dimensions"].append("charisma")
        d["roles"][0]["level"] = "wizard"

    path = _broken(tmp_path, edit)
    lines = run("ladder", "validate", str(path)).stdout.strip().splitlines()
    assert [ln.split(": ", 1)[1] for ln in lines] == [
        "role 'senior-applied-ai-engineer' names unknown level 'wizard'",
        "recipes mapping 'eval-gate' names unknown dimension 'charisma'",
    ]
    assert lines[0].startswith(f"{path}:{_line_of(path, 'level: wizard')}:")


def test_duplicate_ids(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["domains"][1]["id"] = "prompt-engineering"

    path = _broken(tmp_path, edit)
    lines = run("ladder", "validate", str(path)).stdout.strip().splitlines()
    line = _line_of(path, "id: prompt-engineering", 2)
    assert lines[0] == f"{path}:{line}: duplicate domain id 'prompt-engineering'"
    # The renamed domain's old id is now unknown where dimensions named it.
    assert any(ln.endswith("names unknown domain 'model-evaluation'") for ln in lines[1:])


def test_schema_errors_name_field_and_line(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["roles"][1]["scorecard"][2]["weight"] = "a lot"

    path = _broken(tmp_path, edit)
    out = run("ladder", "validate", str(path)).stdout.strip()
    assert out == (
        f"{path}:{_line_of(path, 'weight: a lot')}: roles.1.scorecard.2.weight: "
        "Input should be a valid number, unable to parse string as a number"
    )


def test_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "l.yaml"
    path.write_text("name: x\ndomains: [unclosed\n")
    assert run("ladder", "validate", str(path)).stdout.strip() == f"{path}:3: not valid YAML"


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ladder") / "demo"
    build_demo(out)
    return out


def _json(ws: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.chdir(ws)
    result = run(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_demo_assessment(demo_ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _json(demo_ws, monkeypatch, "assess")
    assert set(data) == {
        "person",
        "ladder",
        "role",
        "period",
        "dimensions",
        "score",
        "coverage",
        "kpis",
        "domains",
        "level",
        "excluded",
        "role_name",
    }
    assert data["person"] == "ana.okafor@example.com"
    assert len(data["dimensions"]) == 6
    for d in data["dimensions"]:
        assert d["rating"] in RATINGS and d["reasons"]
        assert set(d) == {"id", "name", "weight", "rating", "evidence", "spread", "reasons"}
    rated = [d for d in data["dimensions"] if d["rating"] != "insufficient_evidence"]
    assert data["coverage"] == pytest.approx(sum(d["weight"] for d in rated) / 100)
    level = data["level"]
    assert set(level) == {"current", "target", "ready", "progress", "reasons"}
    assert 0.0 <= level["progress"] <= 1.0 and (level["progress"] == 1.0 or not level["ready"])
    assert level["target"] == "staff"
    assert any("depth of the deepest domain" in r for r in level["reasons"])
    kpis = {k["id"]: k for k in data["kpis"]}
    assert kpis["change-failure-rate"]["status"] == "met"  # 4% of swaps against < 15%
    assert kpis["release-frequency"]["status"] == "no_data"
    assert {d["id"] for d in data["domains"]} == {
        "prompt-engineering",
        "model-evaluation",
        "system-architecture",
        "production-operations",
        "cost-optimisation",
        "safety-alignment",
    }


def test_missing_evidence_is_not_a_low_rating(
    demo_ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A person with no claims is insufficient evidence everywhere, and the score is None."""
    ws = tmp_path / "copy"
    shutil.copytree(demo_ws, ws)
    data = _json(ws, monkeypatch, "assess", "--person", "priya.raman@example.com")
    assert {d["rating"] for d in data["dimensions"]} == {"insufficient_evidence"}
    assert (data["score"], data["coverage"]) == (None, 0)


def test_demo_plan(demo_ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opportunities = _json(demo_ws, monkeypatch, "plan")["opportunities"]
    assert len(opportunities) >= 3
    assert len({o["vector"] for o in opportunities}) >= 2
    for o in opportunities:
        assert set(o) == {"vector", "current", "target", "months", "validation_criteria", "risk"}
        assert o["vector"] in {"depth", "breadth", "scale", "impact", "leadership"}


@pytest.mark.parametrize("name", ["monzo_backend.md", "points_ladder.yaml"])
def test_bring_your_own_ladders_assess_the_demo_person(
    name: str, demo_ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("ladder", "validate", str(MADE / name)).exit_code == 0
    data = _json(demo_ws, monkeypatch, "assess", "--ladder", str(MADE / name))
    assert data["dimensions"] and all(d["rating"] in RATINGS for d in data["dimensions"])
    assert any(d["rating"] != "insufficient_evidence" for d in data["dimensions"])
    assert data["level"]["current"]


def test_points_ladder_levels_come_from_points(
    demo_ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _json(demo_ws, monkeypatch, "assess", "--ladder", str(MADE / "points_ladder.yaml"))
    (reason,) = data["level"]["reasons"]
    assert reason.startswith("points: ")


def test_convert_writes_a_reviewable_ladder(tmp_path: Path) -> None:
    out = tmp_path / "backend.yaml"
    result = run("ladder", "convert", str(MADE / "monzo_backend.md"), "--out", str(out))
    assert result.exit_code == 0
    converted = yaml.safe_load(out.read_text())
    assert [d["id"] for d in converted["roles"][0]["scorecard"]] == [
        "evidence-of-work",
        "quality-and-testing",
        "communication",
    ]
    assert sum(d["weight"] for d in converted["roles"][0]["scorecard"]) == 100
    assert "communication" in converted["recipes"]["enablement"]["dimensions"]


def test_unknown_ladder_and_role(demo_ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(demo_ws)
    result = run("assess", "--ladder", "nope")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "Error: no ladder 'nope'"
    result = run("assess", "--role", "astronaut")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "Error: --role 'astronaut' is not a role of ladder 'ai-engineering'"
    )


def test_ladder_show(tmp_path: Path) -> None:
    result = CliRunner().invoke(build_app(), ["ladder", "show"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    for text in ("Staff Applied AI Engineer (level staff)", "Prompt engineering", "Level rules"):
        assert text in result.stdout


def _facts_assessment(records: list[Any], claims: list[Any] | None = None) -> Any:
    from datetime import UTC, datetime

    from perfpacket.ladder.assess import Period, assess
    from perfpacket.ladder.schema import load_ladder

    period = Period(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC))
    ladder = load_ladder("ai-engineering")
    return assess(ladder, None, "dev@example.com", claims or [], records, period)


def test_one_kind_of_evidence_alone_is_never_a_low_rating() -> None:
    """Forty commits across the year and nothing else: software engineering is not "not yet"
    (commits say nothing about outcomes) but insufficient evidence, with what would decide it."""
    from datetime import UTC, datetime

    from perfpacket.ladder.assess import ClaimFact, RecordFact
    from perfpacket.vocab import Verdict

    commits = [
        RecordFact(i, "change", datetime(2026, 1 + i % 12, 1 + i % 28, tzinfo=UTC))
        for i in range(40)
    ]
    result = _facts_assessment(commits).to_dict()
    engineering = next(d for d in result["dimensions"] if d["id"] == "software-engineering")
    assert engineering["rating"] == "insufficient_evidence"
    assert any("only one kind of evidence (change)" in r for r in engineering["reasons"])
    assert any("would decide it" in r for r in engineering["reasons"])
    # Nor is the level named: the lowest level's bar is met by having nothing.
    assert result["level"]["current"] is None
    assert result["level"]["reasons"][0].startswith("current level: insufficient evidence")
    # A second kind (reviews) still shows nothing either way; a claim that regressed does.
    reviews = [
        RecordFact(100 + i, "review", datetime(2026, 3, 1 + i, tzinfo=UTC)) for i in range(5)
    ]
    rated = _facts_assessment(commits + reviews).to_dict()
    engineering = next(d for d in rated["dimensions"] if d["id"] == "software-engineering")
    assert engineering["rating"] == "insufficient_evidence"
    assert any("no claim improved or regressed" in r for r in engineering["reasons"])
    worse = ClaimFact(
        slug="build-time",
        recipe="custom",
        verdict=Verdict.REGRESSED,
        metric="build time",
        dimensions=("software-engineering",),
        dates=(datetime(2026, 6, 1, tzinfo=UTC),),
    )
    rated = _facts_assessment(commits + reviews, [worse]).to_dict()
    engineering = next(d for d in rated["dimensions"] if d["id"] == "software-engineering")
    assert engineering["rating"] == "not_yet"


def test_a_claim_read_from_the_same_records_is_not_a_second_kind_of_evidence() -> None:
    """Thirty-nine eval runs, and a claim computed from them that regressed: a real workspace
    of eval files only read "not yet" and "Level: junior", counting the claim as a second
    kind of evidence beside the very runs it was read from. One kind alone cannot show a low
    level; a second kind (the changes behind a claim) can."""
    from datetime import UTC, datetime

    from perfpacket.ladder.assess import ClaimFact, RecordFact
    from perfpacket.vocab import Verdict

    runs = [
        RecordFact(i, "eval_run", datetime(2026, 1 + i % 12, 1 + i % 28, tzinfo=UTC))
        for i in range(39)
    ]

    def gap(kinds: tuple[str, ...]) -> ClaimFact:
        return ClaimFact(
            slug="locale-gap-change",
            recipe="localization-parity",
            verdict=Verdict.REGRESSED,
            metric="pass-rate gap",
            dimensions=("applied-ml-evaluation",),
            dates=(datetime(2026, 6, 1, tzinfo=UTC),),
            kinds=kinds,
        )

    same = _facts_assessment(runs, [gap(("eval_run",))]).to_dict()
    applied = next(d for d in same["dimensions"] if d["id"] == "applied-ml-evaluation")
    assert applied["rating"] == "insufficient_evidence"
    assert any("only one kind of evidence (eval_run)" in r for r in applied["reasons"])
    assert same["level"]["current"] is None
    other = _facts_assessment(runs, [gap(("change", "eval_run"))]).to_dict()
    applied = next(d for d in other["dimensions"] if d["id"] == "applied-ml-evaluation")
    assert applied["rating"] == "not_yet"


def test_merges_are_excluded_and_counts_read_the_same_period_as_the_spread() -> None:
    from datetime import UTC, datetime

    from perfpacket.ladder.assess import MERGE_COMMIT, RecordFact

    inside = [RecordFact(i, "change", datetime(2026, 2 + i, 3, tzinfo=UTC)) for i in range(2)]
    merges = [
        RecordFact(10 + i, MERGE_COMMIT, datetime(2026, 5, 1 + i, tzinfo=UTC)) for i in range(7)
    ]
    before = [RecordFact(20 + i, "change", datetime(2025, 6, 1 + i, tzinfo=UTC)) for i in range(9)]
    result = _facts_assessment(inside + merges + before).to_dict()
    assert result["excluded"] == {"merge commits": 7}
    engineering = next(d for d in result["dimensions"] if d["id"] == "software-engineering")
    # Two changes inside the period: the nine from 2025 and the merges count for nothing.
    assert sorted(engineering["evidence"]) == [0, 1]
    assert engineering["spread"]["dated_items"] == 2
    assert engineering["rating"] == "insufficient_evidence"
    assert "2 item(s) in the period" in " ".join(engineering["reasons"])
