"""metric-without-outcome: a technical metric with no user, money, risk or time outcome."""

from __future__ import annotations

from collections.abc import Iterator

from perfpacket.lint.document import Document
from perfpacket.lint.engine import BaseRule, Diagnostic, LintContext
from perfpacket.lint.rules._prose import prose
from perfpacket.lint.rules._words import OUTCOME_LEMMAS, TECH_METRICS


class MetricWithoutOutcome(BaseRule):
    name = "metric-without-outcome"
    code = "PP103"
    summary = "A technical metric not linked to users, money, risk or time."
    hint = "link it to what the business feels: users, revenue, cost, incidents or hours"
    bad = "I improved the reranker's nDCG by 8 points."
    good = "The reranker's nDCG rose 8 points, which lifted conversion 2 points for users."

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        for s in prose(doc):
            metric = next((w for w in s.words if w in TECH_METRICS), None)
            if metric and not set(s.lemmas) & OUTCOME_LEMMAS:
                yield self.at(s, f"'{metric}' is an input metric; the sentence gives no outcome")
