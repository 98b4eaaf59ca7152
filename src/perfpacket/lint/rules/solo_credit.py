"""solo-credit: sole ownership claimed and no partner named."""

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
        for s in prose(doc):
            found = SOLO_RE.search(s.text)
            if found and not PARTNERS.search(s.block.text):
                yield self.at(s, f"'{found.group(0)}' claims the work alone")
