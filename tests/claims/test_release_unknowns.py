"""A release file that does not say whether releases were gated or rolled back stores that as
unknown, and the eval-gate recipe does not read "not said" as "not gated": a releases CSV
without a gated column once gave every release gated = false, a "before the gate" baseline the
evidence never held."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

from perfpacket.cli import build_app
from perfpacket.store.models import Release
from perfpacket.workspace import find_workspace

ANA = "ana@example.com"


def cli(*args: str) -> Any:
    return CliRunner().invoke(build_app(), list(args))


def _releases(root: Path) -> list[tuple[str, bool | None, bool | None]]:
    with find_workspace(root).open_store() as store, store.session() as s:
        rows = s.scalars(select(Release).order_by(Release.version))
        return [(r.version, r.gated, r.rolled_back) for r in rows]


def _eval_gate_claims() -> list[dict[str, Any]]:
    done = cli("claims", "suggest", "--person", ANA, "--json")
    assert done.exit_code == 0, done.output
    listed = json.loads(cli("claims", "list", "--json").stdout)
    return [c for c in listed if c["recipe"] == "eval-gate"]


def _csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def test_a_file_silent_on_the_gate_stores_it_as_unknown_and_proposes_no_gate_claim(
    fresh_workspace: Path, tmp_path: Path
) -> None:
    assert cli("people", "add", ANA, "--name", "Ana").exit_code == 0
    rows = [
        f"m{i:02d},2026-0{1 + i // 10}-{1 + i % 10:02d}T10:00:00Z,model,{ANA}" for i in range(20)
    ]
    silent = _csv(tmp_path / "releases.csv", "version,released_at,artifact,owner", rows)
    assert cli("import", "releases-csv", str(silent)).exit_code == 0
    assert {(g, r) for _, g, r in _releases(fresh_workspace)} == {(None, None)}
    assert _eval_gate_claims() == []


def test_the_escape_rate_counts_only_releases_whose_rollback_is_said(
    fresh_workspace: Path, tmp_path: Path
) -> None:
    assert cli("people", "add", ANA, "--name", "Ana").exit_code == 0
    rows = []
    for i in range(20):
        gated = "true" if i >= 10 else "false"
        # Every other release says whether it was rolled back; the rest leave it empty.
        rolled = ("true" if i in (0, 2, 4, 10) else "false") if i % 2 == 0 else ""
        when = f"2026-0{1 + i // 10}-{1 + i % 10:02d}T10:00:00Z"
        rows.append(f"m{i:02d},{when},model,{ANA},{gated},{rolled},{8 if i < 10 else 2}")
    header = "version,released_at,artifact,owner,gated,rolled_back,qa_hours"
    assert cli("import", "releases-csv", str(_csv(tmp_path / "r.csv", header, rows))).exit_code == 0
    stored = _releases(fresh_workspace)
    assert sum(r is None for _, _, r in stored) == 10
    claims = {c["metric"]: c for c in _eval_gate_claims()}
    escape = claims["regression escape rate on model swaps"]
    # 3 of the 5 said before the gate were rolled back, 1 of the 5 said after: not 3/10, 1/10.
    assert (escape["baseline"], escape["current"]) == (60.0, 20.0)
