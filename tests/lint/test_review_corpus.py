"""The review rules against a labelled corpus (tests/lint/review_corpus.yaml): recall per rule
and the false-positive rate over sentences not labelled with it. The figures are printed
(``pytest -s``) for the closing note; the floors are what a hint a rater sees must meet."""

from __future__ import annotations

from pathlib import Path

import yaml

from perfpacket.lint.engine import all_rules, lint_review
from perfpacket.vocab import LintKind

CORPUS = Path(__file__).with_name("review_corpus.yaml")


def test_recall_and_false_positives_per_rule() -> None:
    items = yaml.safe_load(CORPUS.read_text())
    rules = sorted(all_rules(LintKind.REVIEW))
    hits = {r: 0 for r in rules}
    positives = {r: 0 for r in rules}
    false = {r: 0 for r in rules}
    negatives = {r: 0 for r in rules}
    for item in items:
        found = {d.rule for d in lint_review(item["text"] + "\n").diagnostics}
        for r in rules:
            if r in item["expect"]:
                positives[r] += 1
                hits[r] += r in found
            else:
                negatives[r] += 1
                false[r] += r in found
    report = []
    for r in rules:
        recall = hits[r] / positives[r]
        fp = false[r] / negatives[r]
        report.append(
            f"{r}: recall {hits[r]}/{positives[r]} = {recall:.2f}, false positives "
            f"{false[r]}/{negatives[r]} = {fp:.3f}"
        )
        assert positives[r] >= 5, f"{r}: too few labelled examples to measure"
    print("\n" + "\n".join(report))
    total_recall = sum(hits.values()) / sum(positives.values())
    total_fp = sum(false.values()) / sum(negatives.values())
    print(f"all rules: recall {total_recall:.2f}, false-positive rate {total_fp:.3f}")
    assert total_recall >= 0.9 and total_fp <= 0.05, report
    for r in rules:
        assert hits[r] / positives[r] >= 0.8, report
