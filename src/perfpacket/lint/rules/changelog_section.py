"""changelog-section: a section that lists tasks instead of outcomes."""

from __future__ import annotations

from collections.abc import Iterator

from perfpacket.lint.document import Document
from perfpacket.lint.engine import BaseRule, Diagnostic, LintContext
from perfpacket.lint.rules._words import EFFORT_LEMMAS, has_outcome

MIN_ITEMS = 3


class ChangelogSection(BaseRule):
    name = "changelog-section"
    code = "PP109"
    summary = "A section that reads like a changelog."
    hint = "group the work by outcome: what each change made possible, for whom, how much"
    bad = "## Work\n- Added retries to the gateway\n- Fixed the eval runner\n- Updated the prompts"
    good = "## Reliability\n- Retries in the gateway cut failed requests 40% for every product team"

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        for heading in doc.headings:
            items = [b for b in doc.section_blocks(heading) if b.kind == "list_item"]
            if len(items) < MIN_ITEMS:
                continue
            tasks = 0
            outcomes = 0
            for item in items:
                first = item.sentences[0] if item.sentences else None
                if first is None:
                    continue
                lemmas = first.lemmas
                if lemmas and lemmas[0] in EFFORT_LEMMAS:
                    tasks += 1
                if any(has_outcome(s) for s in item.sentences):
                    outcomes += 1
            if tasks / len(items) >= 0.6 and outcomes == 0:
                yield self.at_line(
                    heading.line, f"'{heading.text}' lists {tasks} tasks and no outcome"
                )
