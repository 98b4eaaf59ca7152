"""causal-without-control: a verb of cause on a before/after comparison that has no control."""

from __future__ import annotations

import re
from collections.abc import Iterator

from perfpacket.lint.document import Document
from perfpacket.lint.engine import BaseRule, Diagnostic, LintContext
from perfpacket.lint.rules._prose import prose
from perfpacket.packet.format import verb_direction
from perfpacket.packet.markdown import CLAIM_REF

CAUSAL = re.compile(r"\b(?:caused?|causing|drove|drives?|driven|because of|thanks to)\b", re.I)


class CausalWithoutControl(BaseRule):
    name = "causal-without-control"
    code = "PP111"
    summary = "A before/after change told as if the work caused it, with no control group."
    hint = (
        "say what happened after the work ('after the gate, escapes went from A to B'); "
        "a cause needs a control group or a randomised test"
    )
    bad = "The eval gate cut the regression escape rate by {{ claim.eval-regression-rate }}."
    good = (
        "After the eval gate, the regression escape rate changed by "
        "{{ claim.eval-regression-rate }}."
    )
    needs_claims = True

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        claims = ctx.claims or {}
        for s in prose(doc):
            for m in CLAIM_REF.finditer(s.raw):
                claim = claims.get(m.group(1))
                if claim is None or not claim.comparison.is_uncontrolled:
                    continue
                before = s.raw[: m.start()]
                if verb_direction(before) is not None or CAUSAL.search(before):
                    yield self.at(
                        s,
                        f"'{claim.slug}' compares periods with no control group; the sentence "
                        "says the work caused the change",
                    )
