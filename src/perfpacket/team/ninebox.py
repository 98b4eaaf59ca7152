"""The calibration 9-box: performance from the ladder's scorecard against readiness from the
ladder's level rule.

The evidence places each candidate: the scorecard's weighted score (1 = not yet … 4 = next
level) gives the column, and how far the evidence goes toward the target level's rule gives the
row. A committee member who moves a candidate to another box rates them: each box stands for
one committee rating (:meth:`Cell.rating`), recorded with the reason the member gives, so a move
is a rating change like any other (quorum, rater effects and the audit log count it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from perfpacket.errors import InputError

# A scorecard score at or above "meets" (2) is moderate, at or above "exceeds" (3) high.
MODERATE_SCORE, HIGH_SCORE = 2.0, 3.0
# Meeting half of the target level's rule, on average over its conditions, is "developing".
DEVELOPING_PROGRESS = 0.5
# The box's rating by the sum of its column and row (0 … 4): the diagonal bands of a 9-box.
_RATING_BY_SUM = ("not_yet", "not_yet", "meets", "exceeds", "next_level")


class Performance(StrEnum):
    """The 9-box column: the scorecard's weighted score."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"

    @property
    def label(self) -> str:
        return {
            Performance.LOW: "Low performance (score below 2)",
            Performance.MODERATE: "Moderate performance (score 2 to 3)",
            Performance.HIGH: "High performance (score 3 or more)",
        }[self]

    @property
    def short(self) -> str:
        return self.value.capitalize()

    @property
    def rank(self) -> int:
        return list(Performance).index(self)

    @classmethod
    def of_score(cls, score: float) -> Performance:
        if score >= HIGH_SCORE:
            return cls.HIGH
        return cls.MODERATE if score >= MODERATE_SCORE else cls.LOW


class Readiness(StrEnum):
    """The 9-box row: the target level's rule, as the ladder assessment applied it."""

    NOT_YET = "not_yet"
    DEVELOPING = "developing"
    READY = "ready"

    @property
    def label(self) -> str:
        return {
            Readiness.NOT_YET: "Not yet ready (under half the target level's rule met)",
            Readiness.DEVELOPING: "Developing (half or more of the target level's rule met)",
            Readiness.READY: "Ready (the target level's rule holds)",
        }[self]

    @property
    def short(self) -> str:
        return {
            Readiness.NOT_YET: "Not yet ready",
            Readiness.DEVELOPING: "Developing",
            Readiness.READY: "Ready",
        }[self]

    @property
    def rank(self) -> int:
        return list(Readiness).index(self)

    @classmethod
    def of_level(cls, level: dict[str, Any]) -> Readiness | None:
        """From an assessment's ``level``; None when it does not say how far the evidence
        goes (packets submitted before the assessment measured it)."""
        if level.get("ready"):
            return cls.READY
        progress = level.get("progress")
        if progress is None:
            return None
        return cls.DEVELOPING if float(progress) >= DEVELOPING_PROGRESS else cls.NOT_YET


@dataclass(frozen=True)
class Cell:
    """One box of the nine."""

    performance: Performance
    readiness: Readiness

    @property
    def rating(self) -> str:
        """The committee rating a move into this box records."""
        return _RATING_BY_SUM[self.performance.rank + self.readiness.rank]

    @property
    def value(self) -> str:
        return f"{self.performance.value}/{self.readiness.value}"

    @property
    def label(self) -> str:
        return f"{self.readiness.short} · {self.performance.short.lower()} performance"

    @classmethod
    def parse(cls, value: str, field: str = "box") -> Cell:
        """From a form's ``performance/readiness`` value; an unknown one is an error that
        names the field and the values it takes."""
        performance, _, readiness = value.partition("/")
        try:
            return cls(Performance(performance), Readiness(readiness))
        except ValueError:
            raise InputError(
                f"field '{field}': '{value}' is not a 9-box",
                hint="use one of: " + ", ".join(c.value for c in ALL_CELLS),
            ) from None

    @classmethod
    def stored(cls, performance: str | None, readiness: str | None) -> Cell | None:
        if performance is None or readiness is None:
            return None
        return cls(Performance(performance), Readiness(readiness))


def evidence_cell(summary: dict[str, Any]) -> Cell | None:
    """Where a submitted packet's assessment places the candidate; None when the scorecard
    rated nothing or the assessment does not say how far the level rule is met."""
    score = summary.get("score")
    readiness = Readiness.of_level(summary.get("level") or {})
    if score is None or readiness is None:
        return None
    return Cell(Performance.of_score(float(score)), readiness)


ALL_CELLS = [Cell(p, r) for r in reversed(Readiness) for p in Performance]  # top row first


def grid(rows: list[dict[str, Any]], mine: dict[int, Cell]) -> dict[str, Any]:
    """The nine boxes as the page draws them (top row: ready), each with its candidates:
    where the viewer placed them, else where the evidence does. ``rows``: calibration rows
    (with ``cell``, the evidence's box value or None); ``mine``: the viewer's placements."""
    boxes: dict[Cell, list[dict[str, Any]]] = {cell: [] for cell in ALL_CELLS}
    unplaced = []
    for row in rows:
        evidence = _cell_of(row.get("cell"))
        placed = mine.get(row["candidacy"])
        cell = placed or evidence
        entry = {
            "candidacy": row["candidacy"],
            "name": row["name"],
            "evidence": evidence,
            "cell": cell,
            "moved": placed is not None and placed != evidence,
            "state": row["state"],
        }
        if cell is None:
            unplaced.append(entry)
        else:
            boxes[cell].append(entry)
    return {
        "rows": [
            {
                "readiness": readiness,
                "boxes": [
                    {"cell": Cell(p, readiness), "candidates": boxes[Cell(p, readiness)]}
                    for p in Performance
                ],
            }
            for readiness in reversed(Readiness)
        ],
        "columns": list(Performance),
        "cells": ALL_CELLS,
        "unplaced": unplaced,
    }


def _cell_of(value: str | None) -> Cell | None:
    return Cell.parse(value) if value else None
