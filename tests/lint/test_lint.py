"""`perfpacket lint`: every rule's documented examples, outputs, suppression, configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from perfpacket.cli import build_app
from perfpacket.lint import LintContext, all_rules, lint_document, parse_document
from perfpacket.lint.engine import rule_kind
from perfpacket.vocab import LintKind
from perfpacket.workspace import init_workspace

RULES = sorted(all_rules())


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", RULES)
def test_each_rules_documented_examples(name: str, claims_ctx: LintContext) -> None:
    rule = all_rules()[name]
    kind = rule_kind(rule)
    assert rule.code.startswith("PP" if kind is LintKind.PACKET else "PR")
    assert rule.summary and rule.hint
    flagged = lint_document(
        parse_document(rule.bad + "\n", "bad.md"), claims_ctx, select=[name], kind=kind
    )
    assert flagged.diagnostics, f"{name} does not flag its own bad example"
    kept = lint_document(
        parse_document(rule.good + "\n", "good.md"), claims_ctx, select=[name], kind=kind
    )
    assert not kept.diagnostics, f"{name} flags its own good example: {kept.diagnostics}"


def test_codes_are_unique_and_stable() -> None:
    codes = {r.code: n for n, r in all_rules().items()}
    assert len(codes) == len(RULES) == 17
    assert len(all_rules(LintKind.PACKET)) == 12 and len(all_rules(LintKind.REVIEW)) == 5
    assert codes["PP106"] == "unbound-number" and codes["PP110"] == "missing-section"
    assert codes["PP111"] == "causal-without-control" and codes["PP112"] == "unfilled-prompt"


PROMPTED = """---
person: Ana
---
## Trade-offs

<!-- perfpacket: you: What did you give up for
the gate? -->

## Peer feedback

<!-- perfpacket: you: Quote feedback from two functions. -->

I handled it. <!-- a note with 12% and many words, never shown -->
"""


def test_a_drafting_prompt_is_reported_until_filled_and_comments_are_never_read_or_shown(
    tmp_path: Path,
) -> None:
    from perfpacket.packet.markdown import parse_packet, render_body

    path = tmp_path / "p.md"
    path.write_text(PROMPTED)
    code, out, _ = _run("lint", str(path), "--format", "json")
    assert code == 1  # prompts left: not done
    found = json.loads(out)["diagnostics"]
    prompts = [(d["line"], d["message"]) for d in found if d["rule"] == "unfilled-prompt"]
    assert prompts == [
        (6, "not filled in yet: What did you give up for the gate?"),
        (11, "not filled in yet: Quote feedback from two functions."),
    ]
    # The comment's words and numbers are not prose: no unbound '12%', no vague 'many'.
    assert not [d for d in found if d["rule"] in {"unbound-number", "vague-scale"}]
    # The feedback section asks for feedback: the prompt stands for it, once.
    assert not [d for d in found if "peer feedback" in d["message"]]
    html = render_body(parse_packet(PROMPTED), []).html
    assert "perfpacket" not in html and "12%" not in html and "never shown" not in html
    # Filled in, the prompts are gone and the rules read the person's words again.
    filled = PROMPTED.replace(
        "<!-- perfpacket: you: What did you give up for\nthe gate? -->",
        "We gave up same-day hot fixes.",
    )
    path.write_text(filled)
    _code, out, _ = _run("lint", str(path), "--format", "json")
    assert [
        d["line"] for d in json.loads(out)["diagnostics"] if d["rule"] == "unfilled-prompt"
    ] == [10]  # one line shorter now


BARE = """# Packet

I handled large datasets.
The eval gate cut regressions from 12% to 4%.
"""


def test_text_output_positions_and_exit_code(tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text(BARE)
    code, out, _ = _run("lint", str(path), "--select", "vague-scale,unbound-number")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        f"{path}:3:1: PP101 vague-scale (warning): 'large' says nothing a committee can weigh"
    )
    assert lines[2] == (
        f"{path}:4:1: PP106 unbound-number (warning): '12%', '4%' are not bound to a claim"
    )
    assert lines[-1] == "2 problems: 0 errors, 2 warnings, 0 notes"


def test_json_output_has_the_contract_fields(tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text(BARE)
    _code, out, _ = _run("lint", str(path), "--format", "json", "--select", "PP106")
    data = json.loads(out)
    (d,) = data["diagnostics"]
    assert set(d) == {
        "rule",
        "code",
        "severity",
        "line",
        "col",
        "end_line",
        "end_col",
        "message",
        "hint",
    }
    assert (d["line"], d["col"], d["end_line"], d["end_col"]) == (4, 1, 4, 46)
    assert data["summary"]["total"] == 1


def test_sarif_output(tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text(BARE)
    _code, out, _ = _run("lint", str(path), "--format", "sarif")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == 17 and rule_ids == sorted(rule_ids)
    first = run["results"][0]
    assert first["ruleId"] == rule_ids[first["ruleIndex"]]
    region = first["locations"][0]["physicalLocation"]["region"]
    assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(region)
    assert first["level"] in {"error", "warning", "note"}


def test_bare_file_skips_claim_rules_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text("The assistant team now ships a prompt change the day it is ready.\n")
    code, out, _ = _run("lint", str(path), "--ignore", "missing-section")
    assert code == 0
    assert out.splitlines() == [
        "note: no workspace found (the current folder, the packet's folder and the folders "
        "above them): claim references are not checked; run lint inside the workspace",
        "note: causal-without-control skipped (no workspace: claim references cannot be resolved)",
        "note: overclaim skipped (no workspace: claim references cannot be resolved)",
        "No problems found.",
    ]


def test_inline_suppression(tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text(
        "<!-- perfpacket: ignore unbound-number -->\n"
        "The gate cut regressions from 12% to 4%.\n\n"
        "Spend fell by $40k a month. <!-- perfpacket: ignore vague-scale -->\n"
    )
    code, out, _ = _run("lint", str(path), "--select", "unbound-number", "--format", "json")
    assert code == 1
    lines = [d["line"] for d in json.loads(out)["diagnostics"]]
    assert lines == [4]  # the first paragraph is suppressed; the second names another rule
    path.write_text("<!-- perfpacket: ignore-file unbound-number -->\n" + path.read_text())
    assert _run("lint", str(path), "--select", "unbound-number")[0] == 0


def test_workspace_configuration_and_claims(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = init_workspace(tmp_path / "ws")
    config = (
        ws.config_path.read_text()
        + '\n[lint]\nignore = ["missing-section"]\n[lint.severity]\nvague-scale = "error"\n'
    )
    ws.config_path.write_text(config)
    packet = ws.root / "packet.md"
    packet.write_text("I handled large datasets.\n\nIt cut costs by {{ claim.nope }}.\n")
    code, out, _ = _run("lint", str(packet), "--format", "json")
    assert code == 1
    data = json.loads(out)
    found = [(d["rule"], d["severity"], d["line"]) for d in data["diagnostics"]]
    assert found == [("vague-scale", "error", 1), ("unbound-number", "warning", 3)]
    assert data["diagnostics"][1]["message"] == "'{{ claim.nope }}' names no claim"
    assert data["summary"]["skipped"] == {}  # in a workspace, claim rules run


def test_unknown_rule_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text("x\n")
    code, _, err = _run("lint", str(path), "--select", "no-such-rule")
    assert code == 2
    assert err.splitlines()[0] == "Error: --select 'no-such-rule' is not a lint rule"


def test_missing_file(tmp_path: Path) -> None:
    code, _, err = _run("lint", str(tmp_path / "absent.md"))
    assert code == 2 and err.startswith(f"Error: '{tmp_path / 'absent.md'}' does not exist")


def test_missing_sections_are_each_named(tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text(
        "# Packet\n\n## Projects\n\nThe assistant team ships the day a change is ready.\n"
    )
    _code, out, _ = _run("lint", str(path), "--select", "missing-section", "--format", "json")
    messages = [d["message"] for d in json.loads(out)["diagnostics"]]
    assert messages[:4] == [
        "no mapping of the work to company goals",
        "no trade-off case study",
        "no operational cost",
        "no strategic vision",
    ]
    assert messages[4].startswith("peer feedback: 0 entries from 0 functions")


def test_feedback_section_in_the_packet_counts(tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text(
        "## Peer feedback\n\n> The gate changed how we plan launches. (product)\n\n"
        "> Nothing paged us this summer. (SRE)\n\n"
        "> She read the A/B with its interval. (data science)\n"
    )
    _code, out, _ = _run("lint", str(path), "--select", "missing-section", "--format", "json")
    assert not any(d["message"].startswith("peer feedback") for d in json.loads(out)["diagnostics"])


def test_changelog_section(claims_ctx: LintContext) -> None:
    doc = parse_document(
        "## Work\n\n- Added retries to the gateway\n- Fixed the eval runner\n"
        "- Updated the prompts\n- Migrated the cache\n",
        "p.md",
    )
    (d,) = lint_document(doc, claims_ctx, select=["changelog-section"]).diagnostics
    assert (d.line, d.message) == (1, "'Work' lists 4 tasks and no outcome")


def test_the_demo_packet_lints_clean(tmp_path: Path) -> None:
    from perfpacket.demo import build_demo

    build_demo(tmp_path / "demo")
    code, out, _ = _run("lint", str(tmp_path / "demo" / "packet.md"))
    assert (code, out) == (0, "No problems found.\n")
