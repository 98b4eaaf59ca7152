"""missing-uncertainty: a stochastic result given without interval or sample size."""

from __future__ import annotations

from collections.abc import Iterator

from perfpacket.lint.document import Document
from perfpacket.lint.engine import BaseRule, Diagnostic, LintContext
from perfpacket.lint.rules._prose import prose
from perfpacket.lint.rules._words import STOCHASTIC, UNCERTAINTY, numbers


class MissingUncertainty(BaseRule):
    name = "missing-uncertainty"
    code = "PP108"
    summary = "A measured result with no interval or sample size."
    hint = "give the interval and n, or reference the claim, which carries both"
    bad = "The A/B test lifted conversion by 2 points."
    good = "The A/B test lifted conversion 2.0 points (95% CI 1.4 to 2.6, n = 40,000)."

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        for s in prose(doc):
            if s.refs or not numbers(s):
                continue  # claim references carry their interval
            words = set(s.words) | {w.lower() for w in s.text.split()}
            if words & STOCHASTIC and not UNCERTAINTY.search(s.text):
                yield self.at(s, "a measured result without its uncertainty")
