"""One packet, one person: a workspace with two people whose claims share a slug, and two
telemetry sources feeding the same recipes. Each command reads only the person it is about,
and two sources give two claims instead of the last one silently winning."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import cli

BOB = "bob.reyes@example.com"
BOB_AB = f"""\
experiment,metric,variant,users,conversions,started_at,owner
checkout-copy,checkout conversion,control,5000,400,2026-09-01T00:00:00Z,{BOB}
checkout-copy,checkout conversion,v3,5000,650,2026-09-01T00:00:00Z,{BOB}
"""
# Bob responded to incidents too, so his claim has the slug of Ana's: incident-mttr.
BOB_INCIDENTS = "id,severity,opened_at,resolved_at,responders\n" + "".join(
    f"B-{i},P2,2026-10-0{i}T00:00:00Z,2026-10-0{i}T0{i}:00:00Z,{BOB}\n" for i in range(1, 6)
)
ANA_SLUG = "incident-mttr"


@pytest.fixture
def ws(pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "demo"
    shutil.copytree(pristine, copy)
    monkeypatch.chdir(copy)
    (copy / "bob.csv").write_text(BOB_AB)
    (copy / "bob-incidents.csv").write_text(BOB_INCIDENTS)
    assert cli("import", "experiments-csv", "bob.csv").exit_code == 0
    assert cli("import", "incidents-csv", "bob-incidents.csv").exit_code == 0
    assert cli("claims", "suggest", "--person", BOB).exit_code == 0
    return copy


def claims(*args: str) -> dict[str, dict[str, Any]]:
    result = cli("claims", "list", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return {c["slug"]: c for c in json.loads(result.stdout)}


def test_each_person_lists_and_shows_their_own_claims(ws: Path) -> None:
    ana, bob = claims(), claims("--person", BOB)
    assert set(bob) == {ANA_SLUG, "checkout-copy-lift"}
    assert len(ana) == 22 and "checkout-copy-lift" not in ana
    assert ana[ANA_SLUG]["estimate"] == pytest.approx(2.590008613)
    assert bob[ANA_SLUG]["estimate"] == pytest.approx(3.0)  # 1 to 5 hours
    shown = json.loads(cli("claims", "show", ANA_SLUG, "--json").stdout)
    assert shown["estimate"] == pytest.approx(2.590008613)
    shown = json.loads(
        cli("claims", "show", ANA_SLUG, "--person", "BOB.REYES@example.com", "--json").stdout
    )
    assert shown["estimate"] == pytest.approx(3.0)
    missing = cli("claims", "show", "eval-regression-rate", "--person", BOB)
    assert missing.exit_code == 2
    assert f"no claim 'eval-regression-rate' for {BOB}" in missing.stderr
    assert f"their claims: checkout-copy-lift, {ANA_SLUG}" in missing.stderr


def test_verify_checks_everyone_and_passes_unchanged(ws: Path) -> None:
    result = cli("claims", "verify")
    assert result.exit_code == 0, result.stdout


def test_a_packet_renders_its_own_persons_numbers(ws: Path) -> None:
    # Ana's packet names her by display name; the reference is her number, never Bob's.
    (ws / "ana.md").write_text(
        "---\nperson: Ana Okafor\n---\n## Summary\n\nAs a responder my mean time to "
        f"resolve is {{{{ claim.{ANA_SLUG} }}}}.\n"
    )
    assert cli("build", "ana.md", "--html", "ana.html").exit_code == 0
    html = (ws / "ana.html").read_text()
    assert f'href="#claim-{ANA_SLUG}">2.6 h' in html
    assert "3.0 h (" not in html
    # Bob's packet names him in its front matter; the same reference is his number.
    (ws / "bob.md").write_text(
        f"---\nperson: {BOB}\n---\n## Summary\n\nAs a responder my mean time to resolve is "
        f"{{{{ claim.{ANA_SLUG} }}}}.\n"
    )
    built = cli("build", "bob.md", "--html", "bob.html")
    assert built.exit_code == 0, built.stderr
    assert f'href="#claim-{ANA_SLUG}">3.0 h' in (ws / "bob.html").read_text()
    # One of Ana's claims in Bob's packet is not his to cite.
    (ws / "bob2.md").write_text(
        f"---\nperson: {BOB}\n---\n## Summary\n\nEscapes changed by "
        "{{ claim.eval-regression-rate }}.\n"
    )
    built = cli("build", "bob2.md", "--html", "bob2.html")
    assert built.exit_code == 2 and "unknown claim 'eval-regression-rate'" in built.stderr
    linted = cli("lint", "bob2.md", "--select", "unbound-number")
    assert "'{{ claim.eval-regression-rate }}' names no claim" in linted.stdout
    # ...and lint of Ana's packet against Bob's claims finds her references unknown.
    against_bob = cli("lint", "packet.md", "--person", BOB, "--select", "unbound-number")
    assert "'{{ claim.eval-regression-rate }}' names no claim" in against_bob.stdout


def test_two_telemetry_sources_give_two_claims(ws: Path) -> None:
    second = ws / "data" / "eu_gateway.parquet"
    shutil.copy(ws / "data" / "gateway_requests.parquet", second)
    imported = cli("import", "telemetry", str(second), "--name", "eu-gateway")
    assert imported.exit_code == 0, imported.stderr
    assert cli("claims", "suggest").exit_code == 0
    ana = claims()
    for base in ("p95-latency", "gateway-error-rate", "cost-per-1k-requests"):
        assert base not in ana
        assert {f"{base}-gateway-requests", f"{base}-eu-gateway"} <= set(ana)
        # the same rows, so the same numbers: neither source was dropped
        a, b = ana[f"{base}-gateway-requests"], ana[f"{base}-eu-gateway"]
        assert a["estimate"] == b["estimate"]
    assert cli("claims", "verify").exit_code == 0
