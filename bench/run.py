"""Runs every benchmark in bench/ and prints each as a ratio against its baseline.

    python bench/run.py [NAME ...]

Each ``bench_*.py`` module has ``run(tmp: Path) -> list[Result]``; the baseline of every result
is measured in the same run, on the same machine, so ratios compare like with like.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _harness import Result  # noqa: E402


def main(argv: list[str]) -> int:
    console = Console()
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="perfpacket-bench-") as tmp:
        for name in names:
            with console.status(f"Running {name}"):
                results.extend(importlib.import_module(name).run(Path(tmp)))
    table = Table("benchmark", "ours", "baseline", "baseline figure", "ratio", "goal", "met")
    for r in results:
        table.add_row(
            r.name,
            r.show(r.candidate_s),
            r.baseline_name,
            r.show(r.baseline_s),
            f"{r.ratio:.2f}x",
            r.goal,
            "yes" if r.met else "NO",
        )
    console.print(table)
    return 0 if all(r.met for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
