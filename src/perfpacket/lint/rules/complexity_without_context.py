"""complexity-without-context: "novel", "sophisticated" with no effect given."""

from __future__ import annotations

from collections.abc import Iterator

from perfpacket.lint.document import Document
from perfpacket.lint.engine import BaseRule, Diagnostic, LintContext
from perfpacket.lint.rules._prose import prose
from perfpacket.lint.rules._words import COMPLEXITY, has_evidence, has_outcome


class ComplexityWithoutContext(BaseRule):
    name = "complexity-without-context"
    code = "PP105"
    summary = "Complexity praised without its effect."
    hint = "say what the approach changed, with a number; simple with reach beats complex"
    bad = "I designed a novel, sophisticated loss function for the ranker."
    good = "A custom loss for the ranker cut bad answers 30%, saving support 200 hours a month."

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        for s in prose(doc):
            word = next((w for w in s.words if w in COMPLEXITY), None)
            if word and not (has_evidence(s) and has_outcome(s)):
                yield self.at(s, f"'{word}' is complexity without an effect")
