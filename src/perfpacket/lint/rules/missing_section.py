"""missing-section: the preparation checklist a committee expects (DOMAIN.md §2)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from perfpacket.lint.document import Document
from perfpacket.lint.engine import BaseRule, Diagnostic, LintContext

CHECKS = (
    (
        "goals",
        re.compile(r"\b(goal|okr|objective|company priorit)", re.I),
        "no mapping of the work to company goals",
        "add a section that maps each project to a company goal or OKR, with its impact",
    ),
    (
        "trade-offs",
        re.compile(r"\btrade[- ]?offs?\b", re.I),
        "no trade-off case study",
        "add a trade-off: what was given up locally, what was gained globally, with numbers",
    ),
    (
        "operational cost",
        re.compile(r"\b(operational cost|operating cost|on-?call|maintenance|run cost)", re.I),
        "no operational cost",
        "add what the work costs to run: compute spend, maintenance hours, on-call load",
    ),
    (
        "vision",
        re.compile(r"\b(vision|next (?:12|twelve) months|roadmap|next year)\b", re.I),
        "no strategic vision",
        "add a one-page vision for the next 12 months of the area",
    ),
)
FEEDBACK_HEADING = re.compile(r"\b(feedback|peers?|testimonial)", re.I)
FUNCTION_IN_TEXT = re.compile(r"\(([^()]+)\)\s*$")
MIN_FEEDBACK, MIN_FUNCTIONS = 3, 2


class MissingSection(BaseRule):
    name = "missing-section"
    code = "PP110"
    summary = "A part of the committee's checklist is missing."
    hint = "see the preparation checklist"
    bad = "## Projects\n(no goals, feedback, trade-offs, operational cost or vision)"
    good = (
        "## Outcomes mapped to company goals\n\n## Peer feedback\n\n"
        "> The gate changed how we plan launches. (product)\n\n"
        "> Nothing paged us this summer. (SRE)\n\n"
        "> She read the A/B with its interval. (data science)\n\n"
        "## Trade-offs\n\n## Operational cost\n\n## Next twelve months"
    )

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        headings = " \n".join(h.text for h in doc.headings)
        for _key, pattern, message, hint in CHECKS:
            if not pattern.search(headings):
                yield self.at_line(1, message, hint)
        yield from self._feedback(doc, ctx)

    def _feedback(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        entries: list[tuple[str, str]] = list(ctx.feedback or [])
        for heading in doc.headings:
            if FEEDBACK_HEADING.search(heading.text):
                if doc.prompts_in(heading.line, doc.section_end(heading)):
                    return  # the person has been asked for it: unfilled-prompt reports that
                for block in doc.section_blocks(heading):
                    if block.kind in {"list_item", "quote"}:
                        found = FUNCTION_IN_TEXT.search(block.text.strip())
                        entries.append((block.text[:40], found.group(1).lower() if found else ""))
        functions = {f for _a, f in entries if f}
        if len(entries) < MIN_FEEDBACK or len(functions) < MIN_FUNCTIONS:
            yield self.at_line(
                1,
                f"peer feedback: {len(entries)} entries from {len(functions)} functions "
                f"(a committee looks for {MIN_FEEDBACK} from {MIN_FUNCTIONS} or more)",
                "import written feedback (perfpacket import feedback), or quote it under a "
                "'Peer feedback' heading ending each entry with the author's function in "
                "parentheses",
            )
