"""overclaim: improvement language on a claim whose verdict is not "improved", or a verb that
says a number went the other way from the evidence ("cut" on a rise)."""

from __future__ import annotations

from collections.abc import Iterator

from perfpacket.lint.document import Document
from perfpacket.lint.engine import BaseRule, Diagnostic, LintContext
from perfpacket.lint.rules._prose import prose
from perfpacket.lint.rules._words import RESULT_LEMMAS
from perfpacket.packet.format import direction_conflict, verb_direction
from perfpacket.packet.markdown import CLAIM_REF
from perfpacket.vocab import Verdict

CLAIMING = RESULT_LEMMAS | {"better", "faster", "cheaper", "win", "beat", "outperform"}


class Overclaim(BaseRule):
    name = "overclaim"
    code = "PP107"
    severity = "error"
    summary = "An improvement claimed where the interval does not support one."
    hint = "say 'no detectable change' and give the interval, or gather more data"
    bad = "The new prompt improved tokens per request by {{ claim.tokens-per-request }}."
    good = "Tokens per request showed no detectable change ({{ claim.tokens-per-request.ci }})."
    needs_claims = True

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        claims = ctx.claims or {}
        for s in prose(doc):
            for m in CLAIM_REF.finditer(s.raw):
                claim = claims.get(m.group(1))
                if claim is None or m.group(2) not in (None, "estimate"):
                    continue
                conflict = direction_conflict(claim, verb_direction(s.raw[: m.start()]))
                if conflict:
                    yield self.at(s, conflict, "use a verb that matches the evidence")
            # Surface forms too: "faster" lemmatises to "fast", which claims nothing.
            claimed = (set(s.lemmas) | set(s.words)) & CLAIMING
            if not claimed or not s.refs:
                continue
            for slug, attribute in s.refs:
                claim = claims.get(slug)
                if claim is None or attribute in {"ci", "n", "baseline", "current", "verdict"}:
                    continue
                if claim.verdict is not Verdict.IMPROVED:
                    verdict = claim.verdict.label or "a level with no verdict"
                    yield self.at(
                        s,
                        f"'{sorted(claimed)[0]}' claims a gain, but '{slug}' is {verdict}",
                    )
