"""Runs every benchmark in bench/ and prints each as a ratio against its baseline.

    python bench/run.py [NAME ...]

Each ``bench_*.py`` module has ``run(tmp: Path) -> list[Result]``; the baseline of every result
is measured in the same run, on the same machine, so ratios compare like with like. Each module
runs in a process of its own, so one benchmark's memory cannot slow the next.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import subprocess
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
    # Commands are measured as a user's machine runs them: Python keeps each module's compiled
    # bytecode after its first import. An environment set not to write it would have every
    # command compile the product's sources anew, which no installed tool pays after one run.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="perfpacket-bench-") as tmp:
        for name in names:
            with console.status(f"Running {name}"):
                done = subprocess.run(
                    [sys.executable, __file__, "--one", name, tmp],
                    capture_output=True,
                    text=True,
                    check=False,
                )
            if done.returncode != 0:
                console.print(f"{name} failed:\n{done.stderr}", markup=False)
                return 2
            *notes, last = done.stdout.strip().splitlines()
            for note in notes:
                console.print(note, markup=False)
            results.extend(Result(**r) for r in json.loads(last))
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


def run_one(name: str, tmp: str) -> int:
    """In the child process: run one module, print its results as JSON on the last line."""
    results = importlib.import_module(name).run(Path(tmp))
    print(json.dumps([dataclasses.asdict(r) for r in results]))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        sys.exit(run_one(sys.argv[2], sys.argv[3]))
    sys.exit(main(sys.argv[1:]))
