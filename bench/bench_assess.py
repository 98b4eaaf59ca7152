"""Assessing 5,000 generated people against the built-in ladder.

Goal (issue: ladders): under 60 s. The baseline is the least any assessment must do: group each
person's claims and records by scorecard dimension.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _harness import Result

PEOPLE = 5000


def _people(ladder: object) -> list[tuple[list[object], list[object]]]:
    from perfpacket.ladder.assess import ClaimFact, RecordFact

    rng = random.Random(7)
    recipes = sorted(ladder.recipes)  # type: ignore[attr-defined]
    kinds = sorted(ladder.evidence)  # type: ignore[attr-defined]
    start = datetime(2025, 11, 1, tzinfo=UTC)
    people = []
    for p in range(PEOPLE):
        claims = [
            ClaimFact(
                slug=f"c{p}-{i}",
                recipe=rng.choice(recipes),
                verdict=rng.choice(["improved", "improved", "no_detectable_change", "regressed"]),
                metric="m",
                value=rng.choice([None, 1000.0]),
                partners=tuple(rng.sample(["SRE", "Product", "Data"], rng.randint(0, 3))),
                dates=tuple(start + timedelta(days=rng.randint(0, 364)) for _ in range(5)),
            )
            for i in range(rng.randint(0, 15))
        ]
        records = [
            RecordFact(i, rng.choice(kinds), start + timedelta(days=rng.randint(0, 364)))
            for i in range(rng.randint(10, 200))
        ]
        people.append((claims, records))
    return people


def run(tmp: Path) -> list[Result]:
    from perfpacket.ladder.assess import assess
    from perfpacket.ladder.schema import load_ladder

    ladder = load_ladder("ai-engineering")
    people = _people(ladder)
    role = ladder.role("staff-applied-ai-engineer")
    dims = {d.id for d in role.scorecard}

    start = time.perf_counter()
    for i, (claims, records) in enumerate(people):
        assess(ladder, role.id, f"p{i}", claims, records)  # type: ignore[arg-type]
    candidate = time.perf_counter() - start

    start = time.perf_counter()
    for claims, records in people:
        grouped: dict[str, int] = {}
        for c in claims:
            for d in ladder.recipes[c.recipe].dimensions:  # type: ignore[attr-defined]
                if d in dims:
                    grouped[d] = grouped.get(d, 0) + 1
        for r in records:
            for d in ladder.evidence[r.kind].dimensions:  # type: ignore[attr-defined]
                grouped[d] = grouped.get(d, 0) + 1
    baseline = time.perf_counter() - start
    return [
        Result(
            f"assess {PEOPLE:,} people (built-in ladder)",
            candidate,
            "grouping the same facts by dimension",
            baseline,
            "< 60 s",
            candidate < 60,
        )
    ]
