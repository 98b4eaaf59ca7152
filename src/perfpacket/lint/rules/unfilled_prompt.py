"""unfilled-prompt: a drafting prompt for what only the person can say, still unanswered."""

from __future__ import annotations

from collections.abc import Iterator

from perfpacket.lint.document import Document
from perfpacket.lint.engine import BaseRule, Diagnostic, LintContext


class UnfilledPrompt(BaseRule):
    name = "unfilled-prompt"
    code = "PP112"
    summary = "A drafting prompt the person has not answered yet."
    hint = "replace the <!-- perfpacket: you: … --> comment with your own words"
    bad = "## Trade-offs\n\n<!-- perfpacket: you: What did you give up locally? -->"
    good = (
        "## Trade-offs\n\nProduct teams gave up same-minute hot fixes; in exchange they stopped "
        "waiting for QA."
    )

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        for p in doc.prompts:
            yield self.at_line(p.line, f"not filled in yet: {p.question}")
