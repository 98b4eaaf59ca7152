"""unbound-number: a number typed into the prose instead of referenced from a claim."""

from __future__ import annotations

from collections.abc import Iterator

from perfpacket.lint.document import Document
from perfpacket.lint.engine import BaseRule, Diagnostic, LintContext
from perfpacket.lint.rules._prose import prose
from perfpacket.lint.rules._words import numbers


class UnboundNumber(BaseRule):
    name = "unbound-number"
    code = "PP106"
    summary = "A number nobody can trace to its evidence."
    hint = "reference the claim that computes it: {{ claim.SLUG }} (see `perfpacket claims list`)"
    bad = "The eval gate cut regressions from 12% to 4%."
    good = "The eval gate cut regressions by {{ claim.eval-regression-rate }}."

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        for s in prose(doc):
            found = numbers(s)
            if found:
                yield self.at(s, f"'{found[0]}' is not bound to a claim")
            if ctx.claims is None:
                continue  # without a workspace, references cannot be checked
            for slug, _attribute in s.refs:
                if slug not in ctx.claims:
                    yield self.at(
                        s,
                        f"'{{{{ claim.{slug} }}}}' names no claim",
                        "see `perfpacket claims list` for the claims this workspace has",
                    )
