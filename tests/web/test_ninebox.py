"""The 9-box: where the evidence places a candidate, what a move into each box rates, and the
grid the workspace draws (the viewer's own moves over the evidence's places)."""

from __future__ import annotations

import pytest

from perfpacket.errors import InputError
from perfpacket.store.team import RATINGS
from perfpacket.team.ninebox import (
    ALL_CELLS,
    Cell,
    Performance,
    Readiness,
    evidence_cell,
    grid,
)


def test_each_box_rates_higher_the_further_up_and_right_it_sits() -> None:
    value = {cell: RATINGS[cell.rating] for cell in ALL_CELLS}
    for cell in ALL_CELLS:
        for p in Performance:
            if p.rank > cell.performance.rank:
                assert value[Cell(p, cell.readiness)] >= value[cell]
        for r in Readiness:
            if r.rank > cell.readiness.rank:
                assert value[Cell(cell.performance, r)] >= value[cell]
    assert Cell(Performance.HIGH, Readiness.READY).rating == "next_level"
    assert Cell(Performance.LOW, Readiness.NOT_YET).rating == "not_yet"
    # Strong at the level but not ready for the next, or ready on paper but weak: both meet.
    assert Cell(Performance.HIGH, Readiness.NOT_YET).rating == "meets"
    assert Cell(Performance.LOW, Readiness.READY).rating == "meets"
    assert {c.rating for c in ALL_CELLS} == set(RATINGS)  # every rating has a box


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (1.0, "low"),
        (1.99, "low"),
        (2.0, "moderate"),
        (2.99, "moderate"),
        (3.0, "high"),
        (4, "high"),
    ],
)
def test_performance_bands_follow_the_scorecard_ratings(score: float, expected: str) -> None:
    assert Performance.of_score(score) == expected


def test_readiness_comes_from_the_level_rule() -> None:
    assert Readiness.of_level({"ready": True, "progress": 0.2}) is Readiness.READY
    assert Readiness.of_level({"ready": False, "progress": 0.5}) is Readiness.DEVELOPING
    assert Readiness.of_level({"ready": False, "progress": 0.49}) is Readiness.NOT_YET
    # A packet assessed before progress was measured is not placed by guesswork.
    assert Readiness.of_level({"ready": False}) is None
    assert evidence_cell({"score": 3.2, "level": {"ready": False, "progress": 0.8}}) == Cell(
        Performance.HIGH, Readiness.DEVELOPING
    )
    assert evidence_cell({"score": None, "level": {"ready": True}}) is None
    assert evidence_cell({"score": 2.5, "level": {"ready": False}}) is None


def test_a_box_from_a_form_names_the_field_when_it_is_wrong() -> None:
    assert Cell.parse("moderate/ready") == Cell(Performance.MODERATE, Readiness.READY)
    for bad in ("", "high", "high/soon", "great/ready", "ready/high"):
        with pytest.raises(InputError) as caught:
            Cell.parse(bad)
        assert "field 'box'" in caught.value.message and "high/ready" in (caught.value.hint or "")


def test_the_grid_shows_my_moves_over_the_evidence() -> None:
    rows = [
        {"candidacy": 1, "name": "A", "state": "in_calibration", "cell": "high/ready"},
        {"candidacy": 2, "name": "B", "state": "in_calibration", "cell": "low/not_yet"},
        {"candidacy": 3, "name": "C", "state": "in_calibration", "cell": None},
    ]
    mine = {2: Cell(Performance.MODERATE, Readiness.DEVELOPING), 1: Cell.parse("high/ready")}
    drawn = grid(rows, mine)
    placed = {
        c["name"]: (box["cell"].value, c["moved"])
        for line in drawn["rows"]
        for box in line["boxes"]
        for c in box["candidates"]
    }
    assert placed == {"A": ("high/ready", False), "B": ("moderate/developing", True)}
    assert [c["name"] for c in drawn["unplaced"]] == ["C"]
    assert drawn["rows"][0]["readiness"] is Readiness.READY  # drawn top row first
    assert [b["cell"].performance for b in drawn["rows"][0]["boxes"]] == list(Performance)
