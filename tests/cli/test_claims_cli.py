"""`perfpacket claims suggest|verify` on the demo workspace, and claims.yaml edits."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from typer.testing import CliRunner

from perfpacket.cli import build_app
from perfpacket.store.models import Claim, Release
from perfpacket.workspace import find_workspace
from tests.cli.conftest import cli


def test_suggest_yields_claims_from_at_least_eight_recipes(demo: Path) -> None:
    result = cli("claims", "suggest", "--json")
    assert result.exit_code == 0, result.stderr
    claims = json.loads(result.stdout)
    recipes = {c["recipe"] for c in claims}
    assert len(recipes) >= 8, recipes
    for c in claims:
        assert c["method"] and c["verdict"]
        if c["ci_level"] is not None:
            assert c["ci_low"] <= c["ci_high"]
        if c["value"]:
            assert c["value"]["formula"]
            if c["value"]["unit"] == "USD":
                assert c["value"]["constants"], c["slug"]
    with_value = [c for c in claims if c["value"]]
    assert len(with_value) >= 6


def test_verify_passes_on_the_demo(demo: Path) -> None:
    result = cli("claims", "verify")
    assert result.exit_code == 0
    assert result.stdout.startswith("All ") and "claims verified" in result.stdout


def test_verify_fails_after_the_evidence_is_altered(demo: Path) -> None:
    store = find_workspace(demo).open_store()
    try:
        with store.session() as s:
            swap = s.scalars(
                select(Release).where(
                    Release.gated, Release.artifact == "model", Release.rolled_back.is_(False)
                )
            ).first()
            assert swap is not None
            swap.rolled_back = True
    finally:
        store.close()
    result = cli("claims", "verify", "--json")
    assert result.exit_code == 1
    changed = {c["slug"]: c["reason"] for c in json.loads(result.stdout)["changed"]}
    reason = changed["eval-regression-rate"]
    assert reason.startswith("stored fields differ from the evidence: estimate, ci_low, ci_high")
    assert "current" in reason and "value" in reason  # the rate after the gate and its dollars
    plain = cli("claims", "verify")
    assert "eval-regression-rate: stored fields differ from the evidence" in plain.stdout


TAMPERED = {
    "title": "Cut regressions by 90%",
    "metric": "something else",
    "unit": "USD",
    "direction": "higher_is_better",
    "comparison": "ab",
    "estimate": -20.0,
    "ci_low": -30.0,
    "ci_high": -10.0,
    "ci_level": 0.5,
    "method": "trust me",
    "sample_sizes": {"n1": 10_000, "n2": 10_000},
    "p_value": 0.0001,
    "code": "NO_DATA",
    "verdict": "regressed",
    "baseline": 50.0,
    "current": 1.0,
    "value": {"amount": 1_000_000, "unit": "USD"},
    "attribution": {"role": "led", "partners": ["Everyone"]},
    "dimensions": ["leadership-communication"],
    "assumptions": [],
    "details": {"before": {"x": 0, "n": 1}},
}


@pytest.mark.parametrize("field", sorted(TAMPERED))
def test_verify_names_any_tampered_field(demo: Path, field: str) -> None:
    store = find_workspace(demo).open_store()
    try:
        with store.session() as s:
            claim = s.scalars(select(Claim).where(Claim.slug == "eval-regression-rate")).one()
            setattr(claim, field, TAMPERED[field])
    finally:
        store.close()
    result = cli("claims", "verify", "--json")
    assert result.exit_code == 1
    changed = {c["slug"]: c["reason"] for c in json.loads(result.stdout)["changed"]}
    assert changed == {"eval-regression-rate": f"stored fields differ from the evidence: {field}"}


def test_a_changed_value_constant_is_caught(demo: Path) -> None:
    (demo / "value.yaml").write_text(
        "escaped_regression_cost_usd:\n  value: 12000\n  unit: USD/regression\n"
        "  source: our own post-mortems\n"
    )
    result = cli("claims", "verify", "--json")
    assert result.exit_code == 1
    slugs = {c["slug"] for c in json.loads(result.stdout)["changed"]}
    assert slugs == {"eval-regression-rate"}
    cli("claims", "suggest")
    shown = json.loads(cli("claims", "show", "eval-regression-rate", "--json").stdout)
    assert shown["value"]["constants"]["escaped_regression_cost_usd"]["value"] == 12000


def test_claims_yaml_edits_survive_resuggestion(demo: Path) -> None:
    path = demo / "claims.yaml"
    data = yaml.safe_load(path.read_text())
    for entry in data["claims"]:
        if entry["slug"] == "tokens-per-request":
            entry["include"] = False
        if entry["slug"] == "eval-regression-rate":
            entry["title"] = "Model swaps that reached users broken"
            entry["attribution"]["partners"] = ["ML platform", "SRE", "Assistant team"]
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    assert cli("claims", "suggest").exit_code == 0
    claims = {c["slug"]: c for c in json.loads(cli("claims", "list", "--json").stdout)}
    assert "tokens-per-request" not in claims
    gate = claims["eval-regression-rate"]
    assert gate["title"] == "Model swaps that reached users broken"
    assert gate["attribution"]["partners"][-1] == "Assistant team"
    kept = {e["slug"]: e for e in yaml.safe_load(path.read_text())["claims"]}
    assert kept["tokens-per-request"]["include"] is False
    assert cli("claims", "verify").exit_code == 0


def _entries(path: Path) -> dict[str, dict[str, Any]]:
    return {e["slug"]: e for e in yaml.safe_load(path.read_text())["claims"]}


def test_a_value_left_as_suggested_follows_the_evidence_and_an_edit_stays(demo: Path) -> None:
    """claims.yaml shows every claim's title, role and partners; perfpacket keeps what it
    suggested beside it. A value still as suggested is not the person's word: when the evidence
    shows something else, the claim follows the evidence. A value the person changed stays."""
    path = demo / "claims.yaml"
    kept = demo / ".perfpacket" / "claims.suggested.json"
    path.unlink()
    assert cli("claims", "suggest").exit_code == 0
    entries, suggested = _entries(path), json.loads(kept.read_text())
    assert set(suggested) == set(entries)
    for slug, entry in entries.items():
        assert entry["title"] == suggested[slug]["title"]
        assert entry["attribution"] == suggested[slug]["attribution"]
    # What an earlier suggest run wrote when the evidence showed another role and partner: the
    # same value in the file and in the kept suggestions.
    gate, qa = "eval-regression-rate", "qa-cycle-time"
    now, title = entries[gate]["attribution"], entries[gate]["title"]
    then = {"role": "led", "partners": ["Platform"]}
    assert now != then
    entries[gate]["attribution"] = suggested[gate]["attribution"] = then
    entries[gate]["title"] = suggested[gate]["title"] = "Model swap regressions"
    # The person's own word on another claim.
    assert entries[qa]["attribution"].get("role") != "led"
    entries[qa]["attribution"]["role"] = "led"
    path.write_text(yaml.safe_dump({"claims": list(entries.values())}, sort_keys=False))
    kept.write_text(json.dumps(suggested))

    done = cli("claims", "suggest")
    assert done.exit_code == 0, done.stderr
    # The person is told what moved, and only that: the edited role is theirs.
    told = done.stdout.split("now follow the evidence:\n")[1].splitlines()
    assert told == [
        f"  {gate}: title now '{title}' (was 'Model swap regressions')",
        f"  {gate}: role now {now.get('role', 'not recorded')} (was led)",
        f"  {gate}: partners now {', '.join(now['partners']) or 'none'} (was Platform)",
    ]
    after = _entries(path)
    assert after[gate]["attribution"] == now
    assert after[gate]["title"] == title != "Model swap regressions"
    assert after[qa]["attribution"]["role"] == "led"
    claims = {c["slug"]: c for c in json.loads(cli("claims", "list", "--json").stdout)}
    assert claims[gate]["attribution"] == now
    assert claims[qa]["attribution"]["role"] == "led"
    # The kept suggestion is the evidence's, not the person's edit.
    assert json.loads(kept.read_text())[qa]["attribution"].get("role") != "led"


def test_without_kept_suggestions_every_value_is_the_persons(demo: Path) -> None:
    """A claims.yaml written before suggestions were kept cannot tell a suggestion from an edit:
    every value in it stays, as it always did."""
    path = demo / "claims.yaml"
    entries = _entries(path)
    entries["eval-regression-rate"]["attribution"] = {"role": "led", "partners": ["Platform"]}
    path.write_text(yaml.safe_dump({"claims": list(entries.values())}, sort_keys=False))
    (demo / ".perfpacket" / "claims.suggested.json").unlink(missing_ok=True)
    assert cli("claims", "suggest").exit_code == 0
    claims = {c["slug"]: c for c in json.loads(cli("claims", "list", "--json").stdout)}
    assert claims["eval-regression-rate"]["attribution"]["role"] == "led"
    assert claims["eval-regression-rate"]["attribution"]["partners"] == ["Platform"]


def test_damaged_kept_suggestions_are_named_and_nothing_changes(demo: Path) -> None:
    kept = demo / ".perfpacket" / "claims.suggested.json"
    kept.write_text("{not json")
    before = (demo / "claims.yaml").read_text()
    stored = cli("claims", "list", "--json").stdout
    result = cli("claims", "suggest")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"Error: '{kept.resolve()}': not the suggestions perfpacket wrote")
    assert lines[1] == "Hint: delete it: every value in claims.yaml then counts as your edit"
    assert (demo / "claims.yaml").read_text() == before
    assert cli("claims", "list", "--json").stdout == stored


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("claims: [unclosed\n", "line 2: not valid YAML"),
        ("claims: {}\n", "field claims: expected a list of claims"),
        ("claims:\n- title: x\n", "field claims[0].slug: missing"),
        (
            "claims:\n- slug: a\n  include: maybe\n",
            "field claims[0].include: expected true or false, got 'maybe'",
        ),
        (
            "claims:\n- slug: a\n  attribution: {role: hero}\n",
            "field claims[0].attribution.role: 'hero' is not a role",
        ),
        # Numbers come from the evidence: a numeric field is refused, not silently dropped.
        (
            "claims:\n- slug: eval-regression-rate\n  estimate: -20.0\n",
            "field claims[0].estimate: numbers are not editable; they are recomputed from the "
            "evidence",
        ),
        (
            "claims:\n- slug: eval-regression-rate\n  value: {amount: 1000000}\n",
            "field claims[0].value: not a field of a claim edit",
        ),
        (
            "claims:\n- slug: a\n  attribution: {role: led, share: 0.9}\n",
            "field claims[0].attribution.share: not a field of attribution",
        ),
    ],
)
def test_bad_claims_yaml_names_file_and_field(demo: Path, text: str, message: str) -> None:
    (demo / "claims.yaml").write_text(text)
    result = cli("claims", "suggest")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"Error: '{demo.resolve() / 'claims.yaml'}' {message}"


def test_unknown_person_lists_the_known(demo: Path) -> None:
    result = cli("claims", "suggest", "--person", "nobody@example.com")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "Error: no person 'nobody@example.com'"
    assert "ana.okafor@example.com" in lines[1]


def test_person_by_handle(demo: Path) -> None:
    result = cli("claims", "suggest", "--person", "aokafor", "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) >= 10


@pytest.mark.parametrize(
    "title",
    [
        "Cut model-swap regressions from 12% to 4%",
        "Saved four product teams two weeks of QA",
        "Budget guard that stopped a $40k/month spike",
    ],
)
def test_an_edited_title_may_not_state_numbers(demo: Path, title: str) -> None:
    path = demo / "claims.yaml"
    before = path.read_text()
    data = yaml.safe_load(before)
    for entry in data["claims"]:
        if entry["slug"] == "eval-regression-rate":
            entry["title"] = title
    edited = yaml.safe_dump(data, sort_keys=False)
    path.write_text(edited)
    stored = json.loads(cli("claims", "list", "--json").stdout)
    result = cli("claims", "suggest")
    assert result.exit_code == 2
    assert "claim 'eval-regression-rate' field title:" in result.stderr
    assert "is a number the claim does not compute" in result.stderr
    # Nothing is half-written: the file and the stored claims are as they were.
    assert path.read_text() == edited
    assert json.loads(cli("claims", "list", "--json").stdout) == stored


AB_CSV = """\
experiment,metric,variant,users,conversions,better,weight,started_at,owner
refusals,refusal rate,control,20000,1000,lower,1,2026-08-03T00:00:00Z,ana@example.com
refusals,refusal rate,new-prompt,20000,800,lower,1,2026-08-03T00:00:00Z,ana@example.com
skewed,conversion,control,20000,2000,higher,1,2026-08-03T00:00:00Z,ana@example.com
skewed,conversion,prompt-v3,21000,2400,higher,1,2026-08-03T00:00:00Z,ana@example.com
"""


def test_ab_recipe_reads_better_and_checks_the_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the import path: a metric where lower is better improves when it falls, and an
    experiment whose arms are 20,000 / 21,000 against a planned 50/50 is not trusted."""
    monkeypatch.chdir(tmp_path)
    assert cli("init", ".").exit_code == 0
    (tmp_path / "ab.csv").write_text(AB_CSV)
    imported = cli("import", "experiments-csv", "ab.csv")
    assert imported.exit_code == 0, imported.stderr
    assert cli("claims", "suggest").exit_code == 0
    claims = {c["slug"]: c for c in json.loads(cli("claims", "list", "--json").stdout)}
    refusals = claims["refusals-lift"]
    assert refusals["direction"] == "lower_is_better"
    assert refusals["estimate"] == pytest.approx(-1.0)  # 5% to 4%, in pp
    assert refusals["verdict"] == "improved"
    skewed = claims["skewed-lift"]
    assert skewed["verdict"] == "sample_ratio_mismatch"
    assert any(
        "sample-ratio check p = 7.87e-07 (not as planned: the lift is not trustworthy)" in a
        for a in skewed["assumptions"]
    )
    assert cli("claims", "verify").exit_code == 0


def test_recipes_name_no_partner_the_evidence_does_not_hold(demo: Path) -> None:
    """Without the person's claims.yaml, a claim's partners are exactly the people and teams
    its own evidence names (other responders and teams on the incidents the person responded
    to, adopters of its artifacts, co-authors and reviewers of its changes), recomputed here
    from the evidence records as `evidence list` prints them; never the person or their own
    team, and never the responders of an incident the person did not work: that incident is an
    outcome the claim counts, not work done together."""
    (demo / "claims.yaml").unlink()
    assert cli("claims", "suggest").exit_code == 0
    claims = json.loads(cli("claims", "list", "--json").stdout)
    records = {e["id"]: e for e in json.loads(cli("evidence", "list", "--json").stdout)}
    people = json.loads(cli("people", "list", "--json").stdout)
    ana = next(p for p in people if p["email"] == "ana.okafor@example.com")
    names = {p["email"]: p["name"] for p in people}
    own = {ana["email"], ana["name"], ana["team"]}
    fields = ("teams", "responders", "adopters", "co_authors", "reviewers")

    def shown(value: str) -> str | None:
        name, _, email = value.partition(" <")  # a co-author trailer: "Name <email>"
        email = email.rstrip(">") or name
        if name in own or email in own:
            return None
        return names.get(email, name)

    ids = {ana["email"]} | {i.partition(":")[2] for i in ana["identities"]}

    def worked(record: dict[str, Any]) -> bool:
        if record["kind"] != "incident":
            return True
        # a responder is an email, or "Name <PagerDuty id>"
        return any(r.rpartition("<")[2].rstrip(">") in ids for r in record["responders"])

    def context(slug: str, record: dict[str, Any]) -> bool:
        """Records cited as a base rate or a comparison group, not as work done together: the
        releases and incidents before the kill switch, the incidents without a trace."""
        if slug == "kill-switch-incidents-averted":
            return record["kind"] in ("release", "incident")
        if slug == "time-to-diagnose-with-traces":
            return record["kind"] == "incident" and not record["traced"]
        return False

    for claim in claims:
        named = {
            shown(v)
            for i in claim["evidence"]
            if worked(records[i]) and not context(claim["slug"], records[i])
            for f in fields
            for v in records[i].get(f) or []
        } - {None}
        assert set(claim["attribution"]["partners"]) == named, claim["slug"]
    with_partners = {c["slug"] for c in claims if c["attribution"]["partners"]}
    # The incidents Ana worked name SRE and Marco Silva; her artifacts their adopting teams.
    # The stale-data and malformed-output incidents she did not respond to name nobody, nor
    # do the kill switch's base-rate incidents, which named SRE and Marco Silva before.
    assert with_partners == {"incident-mttr", "reviews-given", "time-to-diagnose-with-traces"}
    assert not any(
        c["attribution"]["partners"]
        for c in claims
        if c["slug"] in {"stale-data-incidents-averted", "malformed-output-incidents-averted"}
    )
    mttr = next(c for c in claims if c["slug"] == "incident-mttr")
    assert mttr["attribution"]["partners"] == ["Marco Silva", "SRE"]


def test_a_claims_role_is_what_the_persons_own_records_show(demo: Path) -> None:
    """Without the person's claims.yaml, a claim's role is read from the person's own records
    behind it, as `evidence list` prints them: code they wrote "built", reviews they gave and
    artifacts of theirs others adopted "enabled", an artifact nobody adopted "built",
    interviews "contributed"; and the incident-response claim, whose incidents are all ones the
    person responded to, "contributed". An incident cited as a base rate or an outcome says
    nothing of the person's part. Releases, eval runs and telemetry show no role, and no record
    shows who led: the recipes wrote "led" on 16 of the demo's 22 claims and "built" on 4
    more, facts about the person that no evidence held."""
    (demo / "claims.yaml").unlink()
    assert cli("claims", "suggest").exit_code == 0
    claims = json.loads(cli("claims", "list", "--json").stdout)
    records = {e["id"]: e for e in json.loads(cli("evidence", "list", "--json").stdout)}
    ana = "ana.okafor@example.com"

    def shows(record: dict[str, Any]) -> str | None:
        if record["person"] != ana:
            return None
        if record["kind"] == "artifact":
            return "enabled" if record["adopters"] else "built"
        return {"change": "built", "review": "enabled", "interview": "contributed"}.get(
            record["kind"]
        )

    roles = {}
    for claim in claims:
        shown = {shows(records[i]) for i in claim["evidence"]} - {None}
        expected = next((r for r in ("built", "enabled", "contributed") if r in shown), None)
        if claim["recipe"] == "incident-response":
            expected = "contributed"
        assert claim["attribution"].get("role") == expected, claim["slug"]
        roles[claim["slug"]] = expected
    assert "led" not in roles.values()
    assert roles["reviews-given"] == "enabled" and roles["incident-mttr"] == "contributed"
    assert roles["kill-switch-incidents-averted"] is None  # its incidents are a base rate
    assert sum(r is None for r in roles.values()) >= 15
    shown = cli("claims", "show", "eval-regression-rate").stdout
    assert "role:      role not recorded" in shown
    # The person's own word is kept: "led" is theirs to say.
    (demo / "claims.yaml").write_text(
        "claims:\n- slug: eval-regression-rate\n  attribution: {role: led}\n"
    )
    assert cli("claims", "suggest").exit_code == 0
    assert "role:      led;" in cli("claims", "show", "eval-regression-rate").stdout


def test_a_claim_without_partners_says_so_and_lint_asks_for_them(demo: Path) -> None:
    (demo / "claims.yaml").unlink()
    assert cli("claims", "suggest").exit_code == 0
    shown = cli("claims", "show", "p95-latency")
    assert (
        "role:      role not recorded; partners: not recorded; add them in claims.yaml"
        in shown.stdout
    )
    shown = cli("claims", "show", "incident-mttr")
    assert "role:      contributed, with Marco Silva, SRE" in shown.stdout
    (demo / "solo.md").write_text(
        "# Packet\n\n## Impact\n\nI cut p95 latency by {{ claim.p95-latency }}.\n\n"
        "Incidents resolved faster: {{ claim.incident-mttr }}.\n"
    )
    done = cli("lint", "solo.md", "--format", "json")
    found = [d for d in json.loads(done.stdout)["diagnostics"] if d["rule"] == "solo-credit"]
    assert [d["message"] for d in found] == [
        "'p95-latency' names no partners: the evidence records none"
    ]
    assert "claims.yaml" in found[0]["hint"]


def test_explain_says_what_each_silent_recipe_needs(fresh_workspace: Path) -> None:
    """A workspace holding only model releases: the eval gate speaks, every other recipe says
    what it needs, how much of it the evidence holds (counted here from the raw CSV) and how
    to import it."""
    import csv

    from perfpacket import plugins

    releases = Path(__file__).resolve().parents[1] / "data" / "made" / "releases.csv"
    rows = list(csv.DictReader(releases.open()))
    runner, app = CliRunner(), build_app()
    assert runner.invoke(app, ["import", "releases-csv", str(releases)]).exit_code == 0
    done = runner.invoke(app, ["claims", "suggest", "--explain", "--json"])
    assert done.exit_code == 0, done.output
    out = json.loads(done.stdout)
    by_recipe = {r["recipe"]: r for r in out["recipes"]}
    assert set(by_recipe) == set(plugins.recipes().names())
    assert sorted(by_recipe["eval-gate"]["claims"]) == ["eval-regression-rate", "qa-cycle-time"]
    assert by_recipe["eval-gate"]["needs"] == []
    assert {c["slug"] for c in out["claims"]} == {"eval-regression-rate", "qa-cycle-time"}
    gateway = sum(r["artifact"] == "gateway" for r in rows)
    latency = {n["what"].split(" (")[0]: n for n in by_recipe["latency"]["needs"]}
    assert latency["gateway releases"]["found"] == gateway
    assert latency["telemetry sources with a 'latency_ms' column"]["found"] == 0
    assert by_recipe["enablement"]["needs"] == [
        {
            "what": "code reviews given",
            "source": "perfpacket import github-prs (the reviews on other people's pull requests)",
            "minimum": 1,
            "found": 0,
        }
    ]
    for name, report in by_recipe.items():
        if not report["claims"]:
            assert any(n["found"] < n["minimum"] for n in report["needs"]), name


def test_an_empty_suggest_says_what_to_import_next(fresh_workspace: Path) -> None:
    runner, app = CliRunner(), build_app()
    assert runner.invoke(app, ["people", "add", "ana@example.com", "--name", "Ana"]).exit_code == 0
    done = runner.invoke(app, ["claims", "suggest"])
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert "No recipe found enough evidence. What each one needs first:" in lines
    assert (
        "  incident-response: resolved incidents with you among the responders: 0 found, "
        "1 needed (perfpacket import pagerduty or incidents-csv)"
    ) in lines
    assert lines[-1] == "See all of it with `perfpacket claims suggest --explain`."


def test_without_person_at_most_ten_candidates_most_evidence_first(
    fresh_workspace: Path,
) -> None:
    for i in range(12):
        assert cli("people", "add", f"dev{i:02d}@example.com", "--name", f"Dev {i}").exit_code == 0
    # dev11 owns three releases, dev05 two: they lead the list.
    rows = ["version,released_at,artifact,owner"]
    owners = ["dev11", "dev11", "dev11", "dev05", "dev05"]
    rows += [f"v{i},2026-0{i + 1}-01T00:00:00Z,model,{o}@example.com" for i, o in enumerate(owners)]
    (fresh_workspace / "releases.csv").write_text("\n".join(rows) + "\n")
    assert cli("import", "releases-csv", "releases.csv").exit_code == 0
    done = cli("claims", "list")
    assert done.exit_code != 0
    assert "12 people in this workspace; say whose" in done.stderr
    hint = " ".join(done.stderr.split())
    listed = re.findall(r"dev\d\d@example\.com \((\d+) records\)", hint)
    assert len(listed) == 10 and listed[:3] == ["3", "2", "0"]
    assert hint.index("dev11@") < hint.index("dev05@") < hint.index("dev00@")
    assert "and 2 more (perfpacket people list)" in hint
