"""``perfpacket draft`` on the demo workspace (built through the import path): the draft lints
clean apart from its marked prompts, builds, and every quantity in it is a claim reference;
the rewrite and the model path cannot add a number either."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from perfpacket.lint.document import parse_document
from perfpacket.lint.rules.unbound_number import unbound_quantities
from perfpacket.packet.markdown import CLAIM_REF, YOU_PROMPT
from tests.cli.conftest import cli, demo, pristine  # noqa: F401  (fixtures)
from tests.draft.conftest import MODEL_ID, Scripted, packet_of


def lint_json(path: str) -> list[dict[str, object]]:
    done = cli("lint", path, "--format", "json")
    return list(json.loads(done.stdout)["diagnostics"])


def claim_slugs() -> set[str]:
    done = cli("claims", "list", "--json")
    return {c["slug"] for c in json.loads(done.stdout)}


def assert_committee_ready(path: Path) -> str:
    """Lints clean apart from the prompts, renders, and states no number of its own."""
    text = path.read_text()
    others = [d for d in lint_json(str(path)) if d["rule"] != "unfilled-prompt"]
    assert others == [], others
    assert unbound_quantities(parse_document(text, str(path))) == []
    built = cli("build", str(path), "--html", "out.html")
    assert built.exit_code == 0, built.output
    html = Path("out.html").read_text()
    assert 'class="unbound"' not in html and "perfpacket: you" not in html
    assert "{{ claim." not in html
    return text


def test_the_demo_draft_cites_every_claim_and_asks_for_what_only_the_person_knows(
    demo: Path,  # noqa: F811
) -> None:
    done = cli("draft", "--out", "draft.md")
    assert done.exit_code == 0, done.output
    text = assert_committee_ready(demo / "draft.md")
    cited = {m.group(1) for m in CLAIM_REF.finditer(text)}
    assert cited == claim_slugs()
    prompts = [m.group(1) for m in YOU_PROMPT.finditer(text)]
    assert any("give up" in p for p in prompts) and any("next year" in p for p in prompts)
    # Each claim whose evidence names no partner asks who it was done with; none is invented.
    for slug in ("prefix-cache-hit-rate", "energy-per-request"):
        assert any(slug in p for p in prompts)
    assert "Gateway team" in text and "ML platform" in text  # partners the evidence names
    # Shipped and prevented side by side, in dollars, from the claims' values.
    table = text[text.index("## Shipped and prevented") :]
    assert "| prevented | {{ claim.budget-guard-blocked-spend.value }} |" in table
    assert "| shipped | {{ claim.support-answer-prompt-v2-lift.value }} |" in table
    # The same column the brief counts it in: an escaped regression is prevented.
    assert "| prevented | {{ claim.eval-regression-rate.value }} |" in table
    # Reviews given to other teams are cross-team work, with the teams the evidence names.
    cross = text[text.index("## Cross-team work") : text.index("## Trade-offs")]
    assert "{{ claim.reviews-given }}" in cross and "Ticket triage" in cross
    # A before/after claim reads "after" and "changed"; no causal verb on it.
    line = next(x for x in text.splitlines() if "claim.cost-per-1k-requests }}" in x)
    assert line.startswith("- After ") and not re.search(r"\b(cut|caused|saved)\b", line)
    lines = done.stdout.split()
    assert "draft.md:" in lines and f"{len(prompts)}" in lines


def test_an_existing_packet_is_never_overwritten_without_force(demo: Path) -> None:  # noqa: F811
    before = Path("packet.md").read_text()
    Path("mine.md").write_text(before)
    done = cli("draft", "--out", "mine.md")
    assert done.exit_code == 2 and "'mine.md' exists" in done.stderr and "--rewrite" in done.stderr
    assert Path("mine.md").read_text() == before
    assert cli("draft", "--out", "mine.md", "--force").exit_code == 0
    assert Path("mine.md").read_text() != before


def test_goals_group_the_outcomes_and_a_wrong_goal_names_the_entry(demo: Path) -> None:  # noqa: F811
    config = Path("perfpacket.toml")
    base = config.read_text()
    config.write_text(
        base + '\n[goals]\n"Reliability OKR" = ["eval-gate", "kill-switch"]\n'
        '"Cost OKR" = ["cost-per-1k-requests", "cost-guard"]\n'
    )
    assert cli("draft", "--out", "g.md").exit_code == 0
    text = assert_committee_ready(Path("g.md"))
    assert "## Outcomes mapped to company goals" in text
    reliability = text[text.index("### Reliability OKR") : text.index("### Cost OKR")]
    assert "claim.eval-regression-rate }}" in reliability
    assert "claim.kill-switch-incidents-averted }}" in reliability
    cost = text[text.index("### Cost OKR") : text.index("### Other outcomes")]
    assert "claim.cost-per-1k-requests }}" in cost and "claim.budget-guard-blocked-spend }}" in cost
    assert "claim.tokens-per-request" not in cost  # same recipe, not named: not under the goal
    config.write_text(base + '\n[goals]\n"Cost OKR" = ["cost-guards"]\n')
    done = cli("draft", "--out", "bad.md")
    assert done.exit_code == 2 and not Path("bad.md").exists()
    assert "[goals] 'Cost OKR': 'cost-guards' is neither a recipe nor" in done.stderr


def test_target_level_and_audience(demo: Path) -> None:  # noqa: F811
    done = cli("draft", "--out", "m.md", "--target-level", "senior", "--audience", "manager")
    assert done.exit_code == 0, done.output
    text = assert_committee_ready(Path("m.md"))
    assert "role: senior-applied-ai-engineer" in text and "audience: manager" in text
    assert "for our review" in text
    # The manager's draft adds the plan's next steps, none of them a number or a vague size.
    assert "- Next: Leadership & communication: meets." in text
    wrong = cli("draft", "--out", "w.md", "--target-level", "wizard")
    assert wrong.exit_code == 2 and "roles: senior-applied-ai-engineer" in wrong.stderr


FLAGGED = """---
person: Ana Okafor
---
## Summary

I built the CI eval gate for model swaps.

I single-handedly delivered the budget guard that blocks spend spikes in the gateway.

I improved the reranker's nDCG.

We handled many requests for various customers.

Our on-call rotation is calm.
"""


def test_rewrite_changes_only_the_flagged_sentences(demo: Path) -> None:  # noqa: F811
    Path("mine.md").write_text(FLAGGED)
    shown = cli("draft", "--rewrite", "--out", "mine.md")
    assert shown.exit_code == 1 and "--yes" in shown.stdout
    assert Path("mine.md").read_text() == FLAGGED  # no terminal, no --yes: nothing written
    assert "+I built the CI eval gate for model swaps; after" in shown.stdout
    done = cli("draft", "--rewrite", "--out", "mine.md", "--yes")
    assert done.exit_code == 0, done.output
    text = Path("mine.md").read_text()
    assert "Our on-call rotation is calm." in text  # not flagged: kept as written
    ndcg = next(x for x in text.splitlines() if x.startswith("I improved the reranker"))
    assert "{{ claim.lm-eval-retrieval-offline-lift }}" in ndcg
    gate = next(x for x in text.splitlines() if x.startswith("I built the CI eval gate"))
    assert "{{ claim.eval-regression-rate }}" in gate
    guard = next(x for x in text.splitlines() if "budget guard" in x)
    assert "single-handedly" not in guard and "with FinOps and Gateway team" in guard
    # Nothing to bind "many requests for various customers" to: a prompt, no invented number.
    vague = next(x for x in text.splitlines() if x.startswith("We handled"))
    assert "<!-- perfpacket: you: how much, as a claim reference? -->" in vague
    left = {d["rule"] for d in lint_json("mine.md") if int(str(d["line"])) < 12}
    assert not left & {"input-framing", "solo-credit"}
    assert unbound_quantities(parse_document(text)) == []


def test_a_model_polish_is_kept_only_when_it_passes_the_guard(
    demo: Path,  # noqa: F811
    scripted: Scripted,
) -> None:
    def clean(prompt: str) -> str:
        return packet_of(prompt).replace("The outcomes of my work", "The results of my work")

    scripted.script = [clean]
    nobody = cli("draft", "--out", "p.md", "--llm", MODEL_ID)
    assert nobody.exit_code == 2 and "--yes" in nobody.stderr and not Path("p.md").exists()
    assert f"model '{MODEL_ID}'" in nobody.stdout and scripted.sent == []  # nothing was sent
    done = cli("draft", "--out", "p.md", "--llm", MODEL_ID, "--yes")
    assert done.exit_code == 0, done.output
    assert "accepted after 1 attempt(s)" in done.stdout
    text = assert_committee_ready(Path("p.md"))
    assert "The results of my work" in text and text.startswith("---\nperson: Ana Okafor")
    # An answer that invents a number, three times: refused, the deterministic draft kept.
    deterministic = cli("draft", "--out", "d.md")
    assert deterministic.exit_code == 0
    invent = lambda _p: packet_of(scripted.sent[1][1]) + "\nThis saved forty engineer hours."  # noqa: E731
    scripted.script = [invent, invent, invent]
    done = cli("draft", "--out", "r.md", "--llm", MODEL_ID, "--yes")
    assert done.exit_code == 0 and "refused after 3 attempt(s)" in done.stdout
    assert Path("r.md").read_text() == Path("d.md").read_text()
    audit = [json.loads(x) for x in Path(".perfpacket/llm-audit.jsonl").read_text().splitlines()]
    assert [e["accepted"] for e in audit] == [True, False, False, False]


@pytest.mark.parametrize("model", ["no-such-model"])
def test_an_unknown_model_is_named(demo: Path, model: str) -> None:  # noqa: F811
    done = cli("draft", "--out", "x.md", "--llm", model)
    assert done.exit_code == 2 and f"--llm '{model}' is not a model" in done.stderr
    assert not Path("x.md").exists()


def test_rewrite_with_a_model_keeps_only_answers_that_pass_the_guard(
    demo: Path,  # noqa: F811
    scripted: Scripted,
) -> None:
    """With --rewrite --llm each flagged sentence goes to the model alone; a polished
    sentence is kept, one that invents a number is refused and the deterministic rewrite of
    that sentence stays."""
    Path("mine.md").write_text(FLAGGED)

    def tidy(prompt: str) -> str:
        return packet_of(prompt).replace("I built", "I designed and built", 1)

    def invent(_prompt: str) -> str:
        return "I delivered the budget guard, saving $3M for finance."

    # Three flagged sentences bound or prompted: gate (polished), guard (refused thrice),
    # nDCG and the vague one (sent back unchanged: they pass).
    scripted.script = [
        tidy,
        invent,
        invent,
        invent,
        lambda p: packet_of(p),
        lambda p: packet_of(p),
    ]
    done = cli("draft", "--rewrite", "--out", "mine.md", "--llm", MODEL_ID, "--yes")
    assert done.exit_code == 0, done.output
    text = Path("mine.md").read_text()
    assert "I designed and built the CI eval gate for model swaps; after" in text
    guard = next(x for x in text.splitlines() if "budget guard" in x)
    assert "$3M" not in guard and "with FinOps and Gateway team" in guard
    assert "refused after 3 attempt(s)" in done.stdout
    assert unbound_quantities(parse_document(text)) == []
