"""solo-credit: sole ownership claimed and no partner named, in the prose or in the claim.

Without a workspace the rule reads the prose only. With one, a claim the packet cites whose
evidence names no partner (and whose author added none in claims.yaml) is reported once, at its
first citation, unless the paragraph names who the work was done with.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from perfpacket.lint.document import Document
from perfpacket.lint.engine import BaseRule, Diagnostic, LintContext
from perfpacket.lint.rules._prose import prose
from perfpacket.lint.rules._words import PARTNERS, SOLO

SOLO_RE = re.compile("|".join(SOLO), re.IGNORECASE)


class SoloCredit(BaseRule):
    name = "solo-credit"
    code = "PP104"
    summary = "Sole credit for work that needed other people."
    hint = "name the teams and people you worked with, and how you resolved disagreements"
    bad = "I single-handedly delivered the migration to the new gateway."
    good = "I led the gateway migration with the SRE and Growth teams, who owned the rollout."

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        asked: set[str] = set()
        for s in prose(doc):
            found = SOLO_RE.search(s.text)
            if found and not PARTNERS.search(s.block.text):
                yield self.at(s, f"'{found.group(0)}' claims the work alone")
            for slug, _attribute in s.refs:
                claim = (ctx.claims or {}).get(slug)
                if claim is None or slug in asked or (claim.attribution or {}).get("partners"):
                    continue
                asked.add(slug)
                if doc.prompts_in(s.block.line, s.block.end_line) or any(
                    slug in p.question for p in doc.prompts
                ):
                    continue  # a drafting prompt asks who it was done with: unfilled-prompt
                if not PARTNERS.search(s.block.text):
                    yield self.at(
                        s,
                        f"'{slug}' names no partners: the evidence records none",
                        "add them in claims.yaml (attribution.partners), or say in this "
                        "paragraph who the work was done with",
                    )
