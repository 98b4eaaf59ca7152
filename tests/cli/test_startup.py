"""Commands load only what they use: listing stored claims or evidence, or asking for help,
never imports the statistics stack, dataframes, the PDF engine or Alembic's migration commands
(a store already at the newest schema is only asked its version)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("scipy", "statsmodels", "pandas", "weasyprint", "alembic.command")
PROBE = """
import atexit, json, sys
heavy = {heavy!r}
atexit.register(lambda: sys.stderr.write("LOADED" + json.dumps(
    [m for m in heavy if m in sys.modules]) + "\\n"))
sys.argv = ["perfpacket", *{args!r}]
from perfpacket.cli import main
main()
"""


def _loaded(args: list[str], cwd: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY, args=args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stderr.splitlines() if x.startswith("LOADED"))
    loaded: list[str] = json.loads(line.removeprefix("LOADED"))
    return loaded


@pytest.mark.parametrize(
    "args", [["--help"], ["claims", "list"], ["evidence", "list", "--json"]], ids=" ".join
)
def test_a_command_that_reads_loads_nothing_heavy(demo: Path, args: list[str]) -> None:
    assert _loaded(args, demo) == []


def test_the_probe_sees_a_heavy_import(demo: Path) -> None:
    # The same probe on a command that does need statistics: it must report them, or the
    # test above could pass by seeing nothing.
    assert "scipy" in _loaded(["stats", "proportion", "3/10"], demo)
