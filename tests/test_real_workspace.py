"""A workspace built only from real files nobody on this project wrote: a public repository's
whole history (tests/data/real/git, with one author under two emails, bots, an author with no
usable email and merge commits) and the real eval files of the corpus. Its people, records and
claims are checked against what git and the files say, read independently here, and a packet
citing every claim it yields builds."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from perfpacket.cli import build_app

REAL = Path(__file__).resolve().parent / "data" / "real"
BUNDLE = REAL / "git" / "pagerduty-mcp-server.bundle"
WILL, WORK = "pfleger.will@gmail.com", "wpfleger@block.xyz"


def cli(*args: str) -> Any:
    return CliRunner().invoke(build_app(), list(args))


def _json(*args: str) -> Any:
    done = cli(*args, "--json")
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


@pytest.fixture
def real_ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", str(BUNDLE), str(repo)], check=True)
    ws = tmp_path / "ws"
    assert cli("init", str(ws)).exit_code == 0
    monkeypatch.chdir(ws)
    return ws, repo


def _git_authors(repo: Path, *args: str) -> Counter[str]:
    out = subprocess.run(
        ["git", "-C", str(repo), "log", *args, "--format=%ae"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return Counter(line.lower() for line in out.splitlines())


def test_a_real_history_attributes_rightly(real_ws: tuple[Path, Path]) -> None:
    _ws, repo = real_ws
    authors = _git_authors(repo)
    report = _json("import", "git", str(repo))
    assert report["imported"] == sum(authors.values())
    people = {p["email"]: p for p in _json("people", "list")}
    # Every author with a real address is a person holding exactly their commits; the one
    # with no usable address ("semantic-release") is nobody, and the import says so.
    usable = {a: n for a, n in authors.items() if "@" in a}
    assert {e: p["records"] for e, p in people.items()} == usable
    nobody = authors["semantic-release"]
    assert nobody > 0
    assert f"{nobody} records carry the placeholder email 'semantic-release'" in " ".join(
        report["warnings"]
    )
    assert len(_json("evidence", "list", "--unattributed")) == nobody
    # One author under two addresses: merged, their records are all of both.
    done = cli("people", "merge", WILL, WORK, "--reason", "personal and work address")
    assert done.exit_code == 0, done.output
    people = {p["email"]: p for p in _json("people", "list")}
    assert WORK not in people
    assert people[WILL]["records"] == authors[WILL] + authors[WORK]
    # The assessment counts no merge commit, and says how many it left out.
    merges = _git_authors(repo, "--merges")
    assessed = _json("assess", "--person", WILL)
    assert assessed["excluded"] == {"merge commits": merges[WILL] + merges[WORK]}
    # Commits alone say nothing about outcomes: never a low rating from them.
    engineering = next(d for d in assessed["dimensions"] if d["id"] == "software-engineering")
    assert engineering["rating"] == "insufficient_evidence"


def test_real_files_yield_claims_whose_references_all_render(real_ws: tuple[Path, Path]) -> None:
    ws, repo = real_ws
    assert cli("import", "git", str(repo)).exit_code == 0
    # Everything but the multilingual XNLI results, which tests/claims/test_localization_parity.py
    # reads: this workspace is a person with thin evidence, and those are a model's.
    # (A samples file comes along with the results file beside it.)
    lm_eval = [
        p
        for p in sorted((REAL / "lm_eval_harness").iterdir())
        if p.name != "xnli" and not p.name.startswith("samples_")
    ]
    for kind, paths in (
        ("lm-eval", lm_eval),
        ("inspect", [REAL / "inspect_ai"]),
        ("promptfoo", [REAL / "promptfoo"]),
    ):
        for path in paths:
            done = cli("import", kind, str(path), "--person", WILL)
            assert done.exit_code in (0, 2), done.output  # lm-eval: two pre-0.4 files refused
    suggested = _json("claims", "suggest", "--person", WILL)
    claims = suggested if isinstance(suggested, list) else suggested["claims"]
    assert claims, "the real eval files support at least one claim"
    for claim in claims:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", claim["slug"]), claim["slug"]
        # No partner the evidence does not name: these records name none.
        assert claim["attribution"]["partners"] == []
    body = "\n\n".join(
        f"The {c['slug']} comparison came out at {{{{ claim.{c['slug']} }}}}." for c in claims
    )
    (ws / "packet.md").write_text(f"---\nperson: {WILL}\n---\n## Impact\n\n{body}\n")
    built = cli("build", "packet.md", "--html", "packet.html")
    assert built.exit_code == 0, built.output
    html = (ws / "packet.html").read_text()
    for claim in claims:
        assert f'href="#claim-{claim["slug"]}"' in html
    assert "{{ claim." not in html  # every reference rendered (a prompt's own {{riddle}} stays)
    # On thin evidence the brief says what is missing, not "$0/year" twice, and names no level
    # the evidence does not show; the ladder's labels are its words, not its ids.
    brief = html[html.index('id="brief"') : html.index('id="brief"') + 4000]
    assert "No outcome is priced yet" in brief and "$0/year" not in brief
    assert "level not shown by the evidence → staff" in " ".join(brief.split())
    assert "Applied ML &amp; evaluation" in html and "applied ml evaluation" not in html
    assert "Staff Applied AI Engineer" in html


def test_a_rerun_of_the_same_model_is_no_lift(real_ws: tuple[Path, Path]) -> None:
    """The real Inspect logs hold reruns of one task on one model (input_task, mmlu_0_shot on
    the same model twice) and one task run on several models (popularity). Only the latter is
    a change whose quality can be compared."""
    assert cli("people", "add", WILL, "--name", "Will").exit_code == 0
    done = cli("import", "inspect", str(REAL / "inspect_ai"), "--person", WILL)
    assert done.exit_code in (0, 2), done.output  # log_invalid.txt is refused
    runs = [r for r in _json("evidence", "list", "--kind", "eval_run") if r.get("items")]
    systems: dict[str, set[str | None]] = {}
    for run in runs:
        systems.setdefault(run["suite"], set()).add(run["model"])
    reruns = {s for s, models in systems.items() if len(models) == 1}
    assert {"inspect/input_task", "inspect/inspect_evals/mmlu_0_shot"} <= reruns
    suggested = _json("claims", "suggest", "--person", WILL)
    claims = suggested if isinstance(suggested, list) else suggested["claims"]
    lifts = {c["slug"] for c in claims if c["recipe"] == "quality-lift"}
    assert lifts == {"inspect-popularity-lift"}


def test_a_draft_from_real_files_is_committee_ready_apart_from_its_prompts(
    real_ws: tuple[Path, Path],
) -> None:
    """The draft of a person whose evidence is only real files: every claim cited, no number
    of its own, lint clean apart from the prompts, and it builds."""
    from perfpacket.lint.document import parse_document
    from perfpacket.lint.rules.unbound_number import unbound_quantities

    ws, repo = real_ws
    assert cli("import", "git", str(repo)).exit_code == 0
    for kind, folder in (("inspect", "inspect_ai"), ("promptfoo", "promptfoo")):
        assert cli("import", kind, str(REAL / folder), "--person", WILL).exit_code in (0, 2)
    suggested = _json("claims", "suggest", "--person", WILL)
    claims = suggested if isinstance(suggested, list) else suggested["claims"]
    assert claims
    done = cli("draft", "--person", WILL, "--out", "draft.md")
    assert done.exit_code == 0, done.output
    text = (ws / "draft.md").read_text()
    # Two people of this history share the name Will Pfleger (a work and a personal email):
    # the front matter names him by email, so the packet builds without --person. It wrote
    # the shared name, and build refused it as naming more than one person.
    assert f"\nperson: {WILL}\n" in text
    for claim in claims:
        assert f"{{{{ claim.{claim['slug']}" in text
    assert unbound_quantities(parse_document(text, "draft.md")) == []
    lint = json.loads(cli("lint", "draft.md", "--person", WILL, "--format", "json").stdout)
    assert [d for d in lint["diagnostics"] if d["rule"] != "unfilled-prompt"] == []
    # No partner and no role in these records (eval runs): each outcome asks for both, and
    # the draft states neither; "I led" was written here once, from no evidence.
    assert "what was your role, and who did you do this with" in text
    assert "The evidence records neither." in text
    assert not re.search(r"\bI (led|built|enabled|contributed)\b", text)
    built = cli("build", "draft.md", "--html", "draft.html")
    assert built.exit_code == 0, built.output
    assert 'class="unbound"' not in (ws / "draft.html").read_text()
