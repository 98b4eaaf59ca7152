"""Whole commands as a user runs them in the demo workspace, against the floor of any command
line of this kind: a Python process that imports SQLAlchemy, Typer and Rich and exits. Each
command run follows a floor run, so the two are timed under the same load.

Goals (issue: speed a user feels): `claims list` and `evidence list --json` within 2.0x of the
floor, `build --html` within 4.0x.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from _harness import Result, demo_workspace, paired

COMMANDS = [
    ("claims list", ["claims", "list"], 2.0),
    ("evidence list --json", ["evidence", "list", "--json"], 2.0),
    ("build --html", ["build", "packet.md", "--html", "bench.html"], 4.0),
]


def run(tmp: Path) -> list[Result]:
    ws = demo_workspace(tmp)

    def command(args: list[str]) -> object:
        return subprocess.run(
            [sys.executable, "-m", "perfpacket", *args],
            cwd=ws,
            check=True,
            capture_output=True,
        )

    results = []
    for name, args, goal in COMMANDS:
        took, floor = paired(lambda args=args: command(args), command_floor)
        results.append(
            Result(
                f"perfpacket {name} (whole command)",
                took,
                "python -c 'import sqlalchemy, typer, rich'",
                floor,
                f"<= {goal:.1f}x the floor",
                took / floor <= goal,
            )
        )
    return results


def command_floor() -> object:
    return subprocess.run(
        [sys.executable, "-c", "import sqlalchemy, typer, rich"], check=True, capture_output=True
    )
