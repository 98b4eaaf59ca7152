"""Shared benchmark machinery: timing, results, the demo workspace built once per run."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class Result:
    """One benchmark: our time against a baseline measured in the same run."""

    name: str
    candidate_s: float
    baseline_name: str
    baseline_s: float
    goal: str
    met: bool
    unit: str = "s"  # "s" for times (shown in ms), or another unit shown as is, such as "MB"

    def show(self, value: float) -> str:
        return f"{value * 1000:,.1f} ms" if self.unit == "s" else f"{value:,.0f} {self.unit}"

    @property
    def ratio(self) -> float:
        """Candidate over baseline: below 1 means we are faster (or smaller)."""
        return self.candidate_s / self.baseline_s


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """The median of ``repeat`` timed calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired(
    fn: Callable[[], object], baseline: Callable[[], object], repeat: int = 7
) -> tuple[float, float]:
    """The medians of ``repeat`` timed calls of ``fn`` and of ``baseline``, each baseline call
    made just before its ``fn`` call, after one warm-up of each: on a machine whose speed drifts
    (a shared host), both series then drift together and their ratio stays fair, where a
    baseline timed once, before everything else, would not."""
    baseline()
    fn()
    ours, base = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        baseline()
        middle = time.perf_counter()
        fn()
        base.append(middle - start)
        ours.append(time.perf_counter() - middle)
    return statistics.median(ours), statistics.median(base)


@cache
def demo_workspace(root: Path) -> Path:
    """The demo workspace, built once and shared by every benchmark in the run."""
    from perfpacket.demo import build_demo

    out = root / "perfpacket-demo"
    build_demo(out)
    return out
