"""Commands load only what they use: listing stored claims or evidence, or asking for help,
never imports the statistics stack, dataframes, the PDF engine or Alembic's migration commands
(a store already at the newest schema is only asked its version)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from perfpacket.store.models import TelemetrySource
from perfpacket.workspace import find_workspace

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


def _probe(code: str, cwd: Path, mark: str) -> Any:
    """Run ``code`` in a fresh interpreter and read what it reported on stderr after ``mark``."""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stderr.splitlines() if x.startswith(mark))
    return json.loads(line.removeprefix(mark))


def _loaded(args: list[str], cwd: Path, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    loaded: list[str] = _probe(PROBE.format(heavy=heavy, args=args), cwd, "LOADED")
    return loaded


@pytest.mark.parametrize(
    "args", [["--help"], ["claims", "list"], ["evidence", "list", "--json"]], ids=" ".join
)
def test_a_command_that_reads_loads_nothing_heavy(demo: Path, args: list[str]) -> None:
    assert _loaded(args, demo) == []


def test_listing_claims_loads_no_part_of_the_claims_engine(demo: Path) -> None:
    """Listing claims reads the store; the recipes, the value model and its YAML, and the
    statistics are for suggesting and verifying them."""
    engine = ("perfpacket.claims.service", "perfpacket.claims.value", "yaml", "perfpacket.stats")
    assert _loaded(["claims", "list"], demo, engine) == []
    # The probe sees them where they are used: it cannot pass by seeing nothing.
    assert "perfpacket.claims.service" in _loaded(["claims", "verify", "--json"], demo, engine)


def test_text_options_and_flags_are_not_coerced_through_pydantic(demo: Path) -> None:
    """Click parses a text option to a string and a flag to a bool; Typer's pydantic adapter
    would give back the same value, at the cost of importing pydantic (about 50 ms). A path
    still goes through Typer's own coercion, so the probe sees pydantic there."""
    args = ["evidence", "list", "--kind", "release", "--since", "2025-01-01", "--json"]
    assert _loaded(args, demo, ("pydantic",)) == []
    assert _loaded(["claims", "list"], demo, ("pydantic",)) == []
    assert _loaded(["lint", "packet.md", "--format", "json"], demo, ("pydantic",)) == ["pydantic"]


def test_the_probe_sees_a_heavy_import(demo: Path) -> None:
    # The same probe on a command that does need statistics: it must report them, or the
    # test above could pass by seeing nothing.
    assert "scipy" in _loaded(["stats", "proportion", "3/10"], demo)


def test_registering_a_telemetry_table_loads_no_dataframe_layer(tmp_path: Path) -> None:
    # Registering reads the columns, the row count and the status values with DuckDB alone;
    # Ibis (and the pandas its result conversion brings) is for the claims' queries.
    import pyarrow as pa
    import pyarrow.parquet as pq

    subprocess.run([sys.executable, "-m", "perfpacket", "init", str(tmp_path)], check=True)
    table = pa.table(
        {
            "ts": pa.array([1_700_000_000_000_000, 1_700_000_060_000_000], pa.timestamp("us")),
            "cost_usd": [0.01, 0.02],
            "status": ["success", "failure"],
        }
    )
    pq.write_table(table, tmp_path / "requests.parquet")
    heavy = ("ibis", "pandas", "scipy")
    assert _loaded(["import", "telemetry", "requests.parquet"], tmp_path, heavy) == []
    with find_workspace(tmp_path).open_store() as store, store.session() as session:
        source = session.scalars(select(TelemetrySource)).one()
    assert (source.name, source.row_count, source.format) == ("requests", 2, "parquet")


def test_each_command_is_listed_with_the_module_that_registers_it() -> None:
    """The root loads a command's module when the command is asked for; a command missing from
    its table, or filed under the wrong module, would vanish from the command line."""
    import pkgutil

    import perfpacket.cli
    from perfpacket.cli._app import COMMANDS, module_commands

    registering = {
        m.name
        for m in pkgutil.iter_modules(perfpacket.cli.__path__)
        if not m.name.startswith("_") and m.name != "docs"
    }
    assert set(COMMANDS.values()) == registering
    for module in registering:
        listed = {name for name, m in COMMANDS.items() if m == module}
        assert set(module_commands(module)) == listed, module


def test_a_command_loads_no_other_command(demo: Path) -> None:
    others = ("perfpacket.cli.stats", "perfpacket.cli.server", "perfpacket.cli.sync")
    assert _loaded(["claims", "list"], demo, others) == []
    assert _loaded(["stats", "proportion", "3/10"], demo, others) == ["perfpacket.cli.stats"]


def test_help_lists_every_command_in_order(demo: Path) -> None:
    from typer.testing import CliRunner

    from perfpacket.cli import build_app
    from perfpacket.cli._app import COMMANDS

    shown = CliRunner().invoke(build_app(), ["--help"]).output
    names = [line.split()[0] for line in shown.split("Commands:")[1].splitlines() if line.strip()]
    assert names == list(COMMANDS)


GC_PROBE = """
import gc, json, sys
import perfpacket.cli
light = not {{"sqlalchemy", "typer", "perfpacket.workspace"}} & set(sys.modules)
from perfpacket.cli import _io
seen = []
shown = _io.print_json
def spy(data):
    seen.append([gc.isenabled(), gc.get_freeze_count() > 0])
_io.print_json = spy
sys.argv = ["perfpacket", *{args!r}]
try:
    perfpacket.cli.main()
finally:
    sys.stderr.write("SEEN" + json.dumps([light, seen, gc.isenabled()]) + "\\n")
"""


def test_start_up_loads_with_the_collector_off_and_the_command_runs_with_it_on(
    demo: Path,
) -> None:
    """Importing the entry point loads nothing large, so that main() can turn garbage
    collection off before the command line loads; the command itself runs with it back on,
    start-up's objects set aside (frozen), and the process leaves it on."""
    seen = _probe(GC_PROBE.format(args=["evidence", "list", "--json"]), demo, "SEEN")
    assert seen == [True, [[True, True]], True]


def test_running_the_app_in_process_freezes_nothing(demo: Path) -> None:
    """The app run in another program (a test, a script) leaves that program's collector as
    it was: only main(), which turned it off, sets objects aside."""
    import gc

    from perfpacket.cli import build_app

    frozen = gc.get_freeze_count()
    from typer.testing import CliRunner

    result = CliRunner().invoke(build_app(), ["evidence", "list", "--json"], catch_exceptions=False)
    assert result.exit_code == 0
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen == 0


def test_importing_git_history_loads_no_yaml(tmp_path: Path) -> None:
    """Every import command loads the importers' modules; YAML is read by the few formats that
    hold it (feedback notes, MLflow's folder store), and loaded only by them."""
    repo = tmp_path / "repo"
    env = {
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.com",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.com",
        "HOME": str(tmp_path),
        "PATH": os.environ["PATH"],
    }
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
    (repo / "a.txt").write_text("a\n")
    subprocess.run(["git", "-C", str(repo), "add", "a.txt"], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", "a"], check=True, env=env)
    ws = tmp_path / "ws"
    subprocess.run([sys.executable, "-m", "perfpacket", "init", str(ws)], check=True)
    assert _loaded(["import", "git", str(repo)], ws, ("yaml", "pandas", "scipy")) == []
    # The probe sees YAML where it is read.
    notes = tmp_path / "notes.yaml"
    notes.write_text("- author: Bo\n  function: sre\n  date: 2026-01-05\n  text: thanks\n")
    assert "yaml" in _loaded(["import", "feedback", str(notes)], ws, ("yaml",))
