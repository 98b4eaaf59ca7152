"""The linter against a labelled corpus: at least 90% of unacceptable sentences flagged with
the right rule, at most 10% of acceptable ones flagged at all (tests/lint/corpus.yaml)."""

from __future__ import annotations

from pathlib import Path

import yaml

from perfpacket.lint import LintContext, lint_document, parse_document

CORPUS = yaml.safe_load((Path(__file__).parent / "corpus.yaml").read_text())
PROSE_RULES = [
    "vague-scale",
    "input-framing",
    "metric-without-outcome",
    "solo-credit",
    "complexity-without-context",
    "unbound-number",
    "overclaim",
    "missing-uncertainty",
]


def _rules(text: str, ctx: LintContext) -> set[str]:
    result = lint_document(parse_document(text + "\n", "corpus.md"), ctx, select=PROSE_RULES)
    return {d.rule for d in result.diagnostics}


def test_corpus_is_balanced_and_covers_every_prose_rule() -> None:
    bad, good = CORPUS["unacceptable"], CORPUS["acceptable"]
    assert len(bad) + len(good) >= 60
    assert abs(len(bad) - len(good)) <= 2
    assert {e["rule"] for e in bad} == set(PROSE_RULES)


def test_recall_and_false_positive_rate(claims_ctx: LintContext) -> None:
    bad, good = CORPUS["unacceptable"], CORPUS["acceptable"]
    missed = [e["text"] for e in bad if e["rule"] not in _rules(e["text"], claims_ctx)]
    flagged = [e["text"] for e in good if _rules(e["text"], claims_ctx)]
    recall = 1 - len(missed) / len(bad)
    false_positive_rate = len(flagged) / len(good)
    print(
        f"\nlint corpus: recall {recall:.1%} ({len(bad) - len(missed)}/{len(bad)}), "
        f"false positives {false_positive_rate:.1%} ({len(flagged)}/{len(good)})"
    )
    assert recall >= 0.90, missed
    assert false_positive_rate <= 0.10, flagged
