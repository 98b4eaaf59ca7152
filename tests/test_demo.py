"""The demo end to end: the story of DOMAIN.md §1 in data, claims, packet.md and packet.html."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from perfpacket.cli import build_app
from perfpacket.demo import build_demo
from perfpacket.demo.dataset import TELEMETRY_ROWS
from perfpacket.errors import WorkspaceError
from perfpacket.stats import Verdict
from perfpacket.store.models import Change, Evidence, Feedback, Person, Source, TelemetrySource
from perfpacket.workspace import find_workspace

VERDICTS = {v.value for v in Verdict}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "perfpacket-demo"
    result = build_demo(out)
    assert result.packet_html == out / "packet.html"
    return out


@pytest.fixture(scope="module")
def claims(demo: Path) -> list[dict[str, Any]]:
    """`perfpacket claims list --json` run inside the demo folder."""
    completed = subprocess.run(
        [sys.executable, "-m", "perfpacket", "claims", "list", "--json"],
        cwd=demo,
        capture_output=True,
        text=True,
        check=True,
    )
    data: list[dict[str, Any]] = json.loads(completed.stdout)
    return data


def by_slug(claims: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {c["slug"]: c for c in claims}


def test_claims_json_has_the_contract_fields(claims: list[dict[str, Any]]) -> None:
    required = {
        "slug",
        "title",
        "metric",
        "unit",
        "estimate",
        "ci_low",
        "ci_high",
        "ci_level",
        "method",
        "verdict",
        "value",
        "evidence",
    }
    assert len(claims) >= 5
    for claim in claims:
        assert required <= set(claim)
        assert claim["verdict"] in VERDICTS
        assert claim["method"]
        assert claim["estimate"] is not None
    with_interval = [c for c in claims if c["ci_level"] == 0.95 and c["ci_low"] is not None]
    assert len(with_interval) >= 4
    for c in with_interval:
        assert c["ci_low"] <= c["estimate"] <= c["ci_high"]


def test_the_story_is_in_the_numbers(claims: list[dict[str, Any]]) -> None:
    c = by_slug(claims)
    gate = c["eval-regression-rate"]
    assert gate["baseline"] == pytest.approx(12.0, abs=1.5)
    assert gate["current"] == pytest.approx(4.0, abs=1.5)
    assert gate["sample_sizes"] == {"n1": 150, "n2": 150}
    assert gate["verdict"] == "improved" and gate["ci_high"] < 0
    qa = c["qa-cycle-time"]
    assert qa["baseline"] == pytest.approx(14 * 24, rel=0.1)  # about two weeks
    assert qa["current"] == pytest.approx(1.0, rel=0.25)  # about an hour
    assert c["budget-guard-blocked-spend"]["estimate"] == pytest.approx(40_000, rel=0.1)
    assert c["lm-eval-retrieval-offline-lift"]["estimate"] == pytest.approx(8.0, abs=1.5)
    assert c["support-answer-prompt-v2-lift"]["estimate"] == pytest.approx(2.0, abs=0.6)
    averted = c["kill-switch-incidents-averted"]
    assert averted["verdict"] == "improved" and averted["ci_low"] > 0
    assert c["cost-per-1k-requests"]["verdict"] == "improved"


def test_every_money_figure_names_its_constants(claims: list[dict[str, Any]]) -> None:
    valued = [c for c in claims if c["value"]]
    assert len(valued) >= 5
    for claim in valued:
        value = claim["value"]
        assert value["formula"]
        if value["unit"] == "USD":
            assert value["constants"], claim["slug"]
        for name, constant in value["constants"].items():
            assert name in value["formula"]
            assert constant["source"]


def test_a_claim_without_value_says_why(demo: Path, claims: list[dict[str, Any]]) -> None:
    html = (demo / "packet.html").read_text()
    for claim in claims:
        if claim["value"] is None:
            section = html.split(f'id="claim-{claim["slug"]}"', 1)[1].split("</section>", 1)[0]
            assert "not converted:" in section, claim["slug"]


def test_decay_prevention_is_in_the_domain_story(claims: list[dict[str, Any]]) -> None:
    decay = by_slug(claims)["promptfoo-support-answer-health-decay"]
    assert decay["verdict"] == "improved"
    # Launched at 92%, it would have drifted to about 78% by the end of the year; held at about
    # 91%, the sustain work preserved about 13 points.
    assert decay["value"]["amount"] == pytest.approx(13, abs=3)


def test_claim_evidence_ids_point_at_stored_records(
    demo: Path, claims: list[dict[str, Any]]
) -> None:
    store = find_workspace(demo).open_store()
    try:
        with store.session() as s:
            ids = set(s.scalars(select(Evidence.id)))
    finally:
        store.close()
    for claim in claims:
        assert set(claim["evidence"]) <= ids


class _ClaimSections(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.text: dict[str, str] = {}
        self._current: str | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs).get("id") or ""
        if tag == "section" and found.startswith("claim-"):
            self._current, self._depth = found[len("claim-") :], 0
            self.ids.append(found)
            self.text[self._current] = ""
        if self._current and tag == "section":
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._current and tag == "section":
            self._depth -= 1
            if self._depth == 0:
                self._current = None

    def handle_data(self, data: str) -> None:
        if self._current:
            self.text[self._current] += data


def test_html_shows_every_claim_with_its_interval(demo: Path, claims: list[dict[str, Any]]) -> None:
    html = (demo / "packet.html").read_text()
    parser = _ClaimSections()
    parser.feed(html)
    assert sorted(parser.ids) == sorted(f"claim-{c['slug']}" for c in claims)
    for claim in claims:
        text = parser.text[claim["slug"]]
        assert claim["method"] in text
        if claim["ci_low"] is not None:
            assert "95% CI" in text
        assert Verdict(claim["verdict"]).label in text


def test_html_numbers_agree_with_the_json(demo: Path, claims: list[dict[str, Any]]) -> None:
    html = (demo / "packet.html").read_text()
    gate = by_slug(claims)["eval-regression-rate"]
    # −8.0 pp with its interval, formatted as the claim stores it.
    assert f"{gate['estimate']:+.1f} pp".replace("-", "\u2212") in html
    assert f"{gate['ci_low']:+.1f} pp".replace("-", "\u2212") in html


def test_html_is_self_contained(demo: Path) -> None:
    html = (demo / "packet.html").read_text()
    assert not re.search(r"""(src|href)=["']https?:""", html)
    assert "<script" not in html
    assert 'id="brief"' in html
    assert html.index('id="brief"') < html.index('id="claims"')


def test_packet_md_binds_its_numbers_to_claims(demo: Path, claims: list[dict[str, Any]]) -> None:
    text = (demo / "packet.md").read_text()
    refs = set(re.findall(r"\{\{ claim\.([a-z0-9-]+)", text))
    slugs = {c["slug"] for c in claims}
    assert refs <= slugs
    assert len(refs) >= 10
    # Every number in the prose comes from a claim: no digits outside references and headings.
    body = re.sub(r"\{\{[^}]*\}\}", "", text.split("---", 2)[2])
    stray = re.findall(r"\b\d[\d.,]*%?", body)
    assert stray == [], stray


def test_dataset_has_every_kind_of_evidence(demo: Path) -> None:
    store = find_workspace(demo).open_store()
    try:
        with store.session() as s:
            kinds = dict(
                s.execute(select(Evidence.kind, func.count()).group_by(Evidence.kind)).all()
            )
            functions = {f for (f,) in s.execute(select(Feedback.author_function).distinct())}
            people = s.scalars(select(Person)).all()
    finally:
        store.close()
    for kind in (
        "change",
        "eval_run",
        "release",
        "incident",
        "experiment",
        "guard_event",
        "feedback",
        "artifact",
        "review",
    ):
        assert kinds.get(kind, 0) > 0, kind
    assert kinds["feedback"] >= 3
    assert {"product", "sre", "data science"} <= functions
    assert {"Ana Okafor", "Ben Carter"} <= {p.display_name for p in people}


def test_the_demo_travels_the_import_path(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every record comes from a file the demo wrote in a real format, read by an importer:
    each evidence file is one imported source, and importing it again from the command line,
    as a user would, finds nothing new."""
    from perfpacket import plugins

    store = find_workspace(demo).open_store()
    try:
        with store.session() as s:
            sources = s.scalars(select(Source)).all()
            orphans = s.scalar(
                select(func.count()).select_from(Evidence).where(Evidence.source_id.is_(None))
            )
            telemetry = s.scalars(select(TelemetrySource)).one()
    finally:
        store.close()
    assert orphans == 0
    importers = set(plugins.importers().names())
    assert {src.importer for src in sources} <= importers
    by_kind = Counter(src.kind for src in sources)
    for kind in (
        "git",
        "releases-csv",
        "lm-eval",
        "promptfoo",
        "inspect",
        "pagerduty",
        "incidents-csv",
        "guard-events",
        "github-prs",
        "experiments-csv",
        "feedback",
        "artifacts-csv",
        "telemetry",
    ):
        assert by_kind[kind] > 0, kind
    # Each file written is a source (an lm-eval samples file comes along with its results).
    written = {
        str(p)
        for p in (demo / "evidence").rglob("*")
        if p.is_file() and not p.name.startswith("samples_") and p.parent.name != "feedback"
    }
    located = {src.location for src in sources}
    assert written <= located, sorted(written - located)[:3]
    assert str(demo / "evidence" / "feedback") in located
    # The spend log is LiteLLM's: registered under its own column names.
    assert telemetry.columns["timestamp"] == "startTime"
    assert telemetry.columns["cost_usd"] == "spend"
    monkeypatch.chdir(demo)
    for kind, path, person in (
        ("releases-csv", "evidence/releases.csv", None),
        ("pagerduty", "evidence/pagerduty/incidents.json", None),
        ("promptfoo", "evidence/evals/promptfoo", "ana.okafor@example.com"),
    ):
        args = ["import", kind, path, "--json", *(["--person", person] if person else [])]
        done = CliRunner().invoke(build_app(), args)
        assert done.exit_code == 0, done.output
        reports = json.loads(done.stdout)
        for report in reports if isinstance(reports, list) else [reports]:
            assert report["imported"] == report["updated"] == 0, report


def test_telemetry_is_parquet_with_enough_rows(demo: Path) -> None:
    path = demo / "data" / "gateway_requests.parquet"
    with duckdb.connect() as con:
        count = con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()
    assert count is not None and count[0] == TELEMETRY_ROWS >= 100_000


def test_git_history_matches_the_stored_changes(demo: Path) -> None:
    repo = demo / "repos" / "ai-platform"
    log = subprocess.run(
        ["git", "log", "--format=%aE"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.split()
    store = find_workspace(demo).open_store()
    try:
        with store.session() as s:
            stored = Counter(s.scalars(select(Change.author_email)))
            numstat = s.execute(
                select(func.sum(Change.additions), func.sum(Change.deletions))
            ).one()
    finally:
        store.close()
    assert Counter(log) == stored
    shortstat = subprocess.run(
        ["git", "log", "--numstat", "--format="],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    rows = [line.split("\t") for line in shortstat if line.strip()]
    assert (sum(int(r[0]) for r in rows), sum(int(r[1]) for r in rows)) == tuple(numstat)


def test_demo_is_deterministic(
    demo: Path, tmp_path: Path, claims: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    build_demo(tmp_path / "again")
    monkeypatch.chdir(tmp_path / "again")
    result = CliRunner().invoke(build_app(), ["claims", "list", "--json"])
    assert result.exit_code == 0, result.stderr
    again = json.loads(result.stdout)
    strip = [{k: v for k, v in c.items() if k != "evidence"} for c in claims]
    assert [{k: v for k, v in c.items() if k != "evidence"} for c in again] == strip


def test_rerunning_the_demo_rebuilds_it(tmp_path: Path) -> None:
    out = tmp_path / "d"
    first = build_demo(out)
    second = build_demo(out)
    assert first.claims == second.claims


def test_demo_refuses_a_folder_that_is_not_a_demo(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("mine")
    with pytest.raises(WorkspaceError) as info:
        build_demo(tmp_path)
    assert info.value.message == f"'{tmp_path.resolve()}' exists and is not a perfpacket demo"
    assert (tmp_path / "notes.md").read_text() == "mine"


@pytest.mark.postgres
def test_demo_on_postgres(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import postgres_url, reset_postgres

    url = postgres_url()
    reset_postgres(url)
    monkeypatch.setenv("PERFPACKET_DATABASE_URL", url)
    result = build_demo(tmp_path / "pg")
    assert result.claims >= 5
    assert not (tmp_path / "pg" / ".perfpacket" / "perfpacket.db").exists()
    monkeypatch.chdir(tmp_path / "pg")
    listed = CliRunner().invoke(build_app(), ["claims", "list", "--json"])
    assert len(json.loads(listed.stdout)) == result.claims


def test_the_packet_is_stored_with_its_front_matter(demo: Path) -> None:
    from perfpacket.store.models import Packet

    store = find_workspace(demo).open_store()
    try:
        with store.session() as s:
            packet = s.scalars(select(Packet)).one()
    finally:
        store.close()
    assert packet.front_matter["person"] == "Ana Okafor"
    assert packet.front_matter["target_level"] == "Staff Applied AI Engineer"
    assert packet.markdown == (demo / "packet.md").read_text()


def test_kpis_carry_their_units_and_top_outcomes_rate_their_dimension(
    demo: Path, claims: list[dict[str, Any]]
) -> None:
    """A KPI's actual prints in its claim's unit with its interval, both from the claim; and
    experimentation, which the A/B top outcome stands for, is rated, not "insufficient"."""
    html = (demo / "packet.html").read_text()
    by_slug = {c["slug"]: c for c in claims}
    done = subprocess.run(
        [sys.executable, "-m", "perfpacket", "assess", "--json"],
        cwd=demo,
        capture_output=True,
        text=True,
        check=True,
    )
    kpis = {k["id"]: k for k in json.loads(done.stdout)["kpis"]}
    rate = kpis["change-failure-rate"]
    assert rate["claim"] == "eval-regression-rate"
    assert rate["actual"] == by_slug["eval-regression-rate"]["current"]
    low, high = rate["interval"]
    expected = f"{rate['actual']:.1f}% ({low:.1f}% to {high:.1f}%)"
    assert f"<td>{rate['name']}</td><td>&lt; 15 %</td><td>{expected}</td>" in html
    assert "<td>change-failure-rate</td>" not in html
    ab = by_slug["support-answer-prompt-v2-lift"]
    assert ab["verdict"] == "improved" and ab["value"]
    row = re.search(r"<tr><td>Experimentation &amp; product sense</td>.*?</tr>", html)
    assert row is not None and "insufficient evidence" not in row.group(0)
