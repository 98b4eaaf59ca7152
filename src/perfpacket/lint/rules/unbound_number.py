"""unbound-number: a number typed into the prose instead of referenced from a claim."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from perfpacket.errors import UnboundNumbersError
from perfpacket.lint.document import Document, Sentence
from perfpacket.lint.engine import BaseRule, Diagnostic, LintContext
from perfpacket.quantities import find_quantities

# Front-matter fields the packet renders as prose.
RENDERED_FIELDS = ("title", "ask")


@dataclass(frozen=True)
class Unbound:
    """A quantity in the packet that no claim computes, where a reader meets it."""

    line: int
    col: int
    text: str
    sentence: Sentence | None  # None for a front-matter field

    def describe(self, path: str) -> str:
        return f"'{path}' line {self.line}: '{self.text}' is not bound to a claim"


def _in_sentence(s: Sentence) -> Iterator[Unbound]:
    for q in find_quantities(s.text):
        before = s.text[: q.start]
        newline = before.rfind("\n")
        line = s.line + before.count("\n")
        col = q.start - newline if newline >= 0 else s.col + q.start
        yield Unbound(line, col, q.text, s)


def _front_matter_line(doc: Document, field: str) -> int:
    for number, line in enumerate(doc.source.splitlines()[: doc.body_offset], start=1):
        if line.startswith(f"{field}:"):
            return number
    return 1


def unbound_quantities(doc: Document) -> list[Unbound]:
    """Every quantity a rendered packet would show that is not a claim reference: in the
    prose, the headings and the rendered front-matter fields. ``build`` refuses on these;
    lint reports them. Suppression comments do not hide them from ``build``."""
    found: list[Unbound] = []
    for field in RENDERED_FIELDS:
        value = doc.front_matter.get(field)
        if isinstance(value, str):
            line = _front_matter_line(doc, field)
            found.extend(Unbound(line, 1, q.text, None) for q in find_quantities(value))
    for block in doc.blocks:
        for s in block.sentences:
            found.extend(_in_sentence(s))
    return found


# How many unbound numbers the refusal lists before it says "and N more".
LISTED = 10


def refuse_unbound(text: str, path: str) -> None:
    """Refuse a packet whose prose states a number no claim computes, naming each."""
    from perfpacket.lint.document import parse_document

    found = unbound_quantities(parse_document(text, path))
    if not found:
        return
    lines = [u.describe(path) for u in found[:LISTED]]
    if len(found) > LISTED:
        lines.append(f"and {len(found) - LISTED} more")
    raise UnboundNumbersError(
        f"{len(found)} number{'s' if len(found) != 1 else ''} not bound to a claim:\n  "
        + "\n  ".join(lines),
        hint="reference the claim that computes each ({{ claim.SLUG }}), reword it, or build "
        "with --allow-unbound to render them marked",
    )


class UnboundNumber(BaseRule):
    name = "unbound-number"
    code = "PP106"
    summary = "A number nobody can trace to its evidence, in digits or in words."
    hint = "reference the claim that computes it: {{ claim.SLUG }} (see `perfpacket claims list`)"
    bad = "Over twelve months the eval gate cut regressions from 12% to 4% for four teams."
    good = "The eval gate cut regressions by {{ claim.eval-regression-rate }}."

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        by_sentence: dict[int, list[Unbound]] = {}
        for u in unbound_quantities(doc):
            if u.sentence is None:
                yield self.at_line(u.line, f"front matter: '{u.text}' is not bound to a claim")
            else:
                by_sentence.setdefault(id(u.sentence), []).append(u)
        for block in doc.blocks:
            for s in block.sentences:
                found = by_sentence.get(id(s))
                if found:
                    listed = ", ".join(f"'{u.text}'" for u in found)
                    verb = "is" if len(found) == 1 else "are"
                    yield self.at(s, f"{listed} {verb} not bound to a claim")
        if ctx.claims is None:
            return  # without a workspace, references cannot be checked
        # Every reference in the body, wherever it stands (a paragraph of one reference too).
        from perfpacket.packet.markdown import parse_packet

        for line, slug, _attribute in parse_packet(doc.source, doc.path).references:
            if slug not in ctx.claims:
                yield self.at_line(
                    line,
                    f"'{{{{ claim.{slug} }}}}' names no claim",
                    "see `perfpacket claims list` for the claims this workspace has",
                )
