"""vague-scale: size words with no number, which committees skip over."""

from __future__ import annotations

from collections.abc import Iterator

from perfpacket.lint.document import Document
from perfpacket.lint.engine import BaseRule, Diagnostic, LintContext
from perfpacket.lint.rules._prose import prose
from perfpacket.lint.rules._words import VAGUE, has_evidence


class VagueScale(BaseRule):
    name = "vague-scale"
    code = "PP101"
    summary = "A claim of scale without a number."
    hint = "say how much: rows, requests, dollars or users, or reference a claim"
    bad = "I handled large datasets for many customers."
    good = (
        "I processed 40 TB of daily logs for 1,200 enterprise customers, cutting storage cost 35%."
    )

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        for s in prose(doc):
            vague = [w for w in s.words if w in VAGUE]
            if vague and not has_evidence(s):
                yield self.at(s, f"'{vague[0]}' says nothing a committee can weigh")
