"""Packet Markdown: YAML front matter, claim references, and sanitised rendering."""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from markdown_it import MarkdownIt

from perfpacket._yaml import load_yaml
from perfpacket.errors import InputError
from perfpacket.frontmatter import FRONT_MATTER
from perfpacket.packet.format import (
    ATTRIBUTES,
    direction_conflict,
    format_attribute,
    format_reference,
    verb_direction,
)
from perfpacket.quantities import find_quantities
from perfpacket.store.models import Claim

CLAIM_REF = re.compile(r"\{\{\s*claim\.([a-z0-9][a-z0-9-]*)(?:\.([a-z_]+))?\s*\}\}")
# An HTML comment: the author's note (a suppression, a drafting prompt), never rendered.
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# A drafting prompt for what only the person can say; lint reports it until it is replaced.
YOU_PROMPT = re.compile(r"<!--\s*perfpacket:\s*you\b:?\s*(.*?)\s*-->", re.DOTALL)


@dataclass(frozen=True)
class Prompt:
    """A drafting prompt still in a packet: the line it starts on and its question."""

    line: int
    question: str


def find_prompts(source: str) -> list[Prompt]:
    """The drafting prompts a packet still holds, with the line each starts on."""
    return [
        Prompt(source.count("\n", 0, m.start()) + 1, " ".join(m.group(1).split()))
        for m in YOU_PROMPT.finditer(source)
    ]


def strip_comments(text: str) -> str:
    """The text without its HTML comments, each replaced by its line breaks so that line
    numbers after it do not move."""
    return COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)


# YAML front matter between two '---' lines at the top of a file (packets, feedback, ladders).


@dataclass
class ParsedPacket:
    front_matter: dict[str, Any]
    body: str
    body_line_offset: int  # lines before the body starts (front matter)
    references: list[tuple[int, str, str | None]] = field(default_factory=list)


def parse_packet(text: str, source_name: str = "packet") -> ParsedPacket:
    """Split front matter from the body and list the claim references with their lines."""
    front: dict[str, Any] = {}
    body, offset = text, 0
    match = FRONT_MATTER.match(text)
    if match:
        try:
            loaded = load_yaml(match.group(1)) or {}
        except yaml.YAMLError as exc:
            raise InputError(
                f"'{source_name}' front matter is not valid YAML: {exc}",
                hint="front matter sits between two '---' lines at the top of the file",
            ) from exc
        if not isinstance(loaded, dict):
            raise InputError(f"'{source_name}' front matter must be a mapping of fields")
        front = loaded
        body = text[match.end() :]
        offset = match.group(0).count("\n")
    refs = []
    for m in CLAIM_REF.finditer(body):
        line = offset + body.count("\n", 0, m.start()) + 1
        refs.append((line, m.group(1), m.group(2)))
    return ParsedPacket(front, body, offset, refs)


UNBOUND_MARK = (
    '<mark class="unbound" title="not computed from evidence: no claim behind it">{}</mark>'
)


def mark_quantities(
    text: str, mark: Callable[[str], str], rest: Callable[[str], str] = str
) -> tuple[str, int]:
    """``text`` with every quantity in it passed through ``mark`` and the text between them
    through ``rest``, and how many quantities there were."""
    out, last, count = [], 0, 0
    for q in find_quantities(text):
        out += [rest(text[last : q.start]), mark(q.text)]
        last, count = q.end, count + 1
    out.append(rest(text[last:]))
    return "".join(out), count


def mark_unbound(text: str) -> tuple[str, int]:
    """``text`` as escaped HTML with every quantity in it marked, and how many there were."""
    return mark_quantities(
        text,
        lambda q: UNBOUND_MARK.format(html.escape(q, quote=False)),
        lambda t: html.escape(t, quote=False),
    )


PROBLEM_MARK = '<mark class="problem" title="{1}">{0}</mark>'


@dataclass
class RenderedBody:
    html: str
    unbound: int  # quantities in the prose that no claim computes, marked in ``html``


def _markdown(marks: list[int]) -> MarkdownIt:
    # html=False: raw HTML in a packet is shown as text, never run. markdown-it also refuses
    # javascript:, vbscript: and data: (except images) link targets by default.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")

    def text(_self: Any, tokens: Any, idx: int, _options: Any, _env: Any) -> str:
        marked, count = mark_unbound(tokens[idx].content)
        marks.append(count)
        return marked

    md.add_render_rule("text", text)
    return md


def plain_body(parsed: ParsedPacket, claims: Sequence[Claim]) -> str:
    """The body as Markdown with each claim reference replaced by the words the page shows
    for it (for pasting where no HTML goes). References must already have been checked, as
    :func:`render_body` does."""
    by_slug = {c.slug: c for c in claims}
    body = strip_comments(parsed.body)

    def substitute(m: re.Match[str]) -> str:
        before = body[max(0, m.start() - 300) : m.start()]
        return format_reference(by_slug[m.group(1)], m.group(2), before)

    return CLAIM_REF.sub(substitute, body)


def render_body(
    parsed: ParsedPacket,
    claims: Sequence[Claim],
    source_name: str = "packet",
    mark_problems: bool = False,
) -> RenderedBody:
    """The body as HTML, each claim reference a link to its claim with the formatted number,
    and every quantity no claim computes marked. A reference that names no claim, or a verb
    that contradicts the sign of the number after it ("cut" on a rise), is refused; with
    ``mark_problems`` (the live preview) it is shown marked instead, so the page keeps
    rendering while the person types."""
    by_slug = {c.slug: c for c in claims}
    replacements: list[str] = []
    # A per-render nonce keeps prose that happens to look like a placeholder from matching.
    nonce = secrets.token_hex(6)

    def substitute(m: re.Match[str]) -> str:
        line = parsed.body_line_offset + parsed.body.count("\n", 0, m.start()) + 1
        slug, attribute = m.group(1), m.group(2)
        claim = by_slug.get(slug)
        if claim is None and mark_problems:
            replacements.append(PROBLEM_MARK.format(html.escape(m.group(0)), "names no claim"))
            return f"PPCLAIMREF{nonce}N{len(replacements) - 1}X"
        if claim is None:
            known = ", ".join(sorted(by_slug)) or "none"
            raise InputError(
                f"'{source_name}' line {line}: unknown claim '{slug}'",
                hint=f"known claims: {known}",
            )
        if attribute is not None and attribute not in ATTRIBUTES and mark_problems:
            why = "no such field; use one of: " + ", ".join(ATTRIBUTES)
            replacements.append(PROBLEM_MARK.format(html.escape(m.group(0)), why))
            return f"PPCLAIMREF{nonce}N{len(replacements) - 1}X"
        if attribute is not None and attribute not in ATTRIBUTES:
            raise InputError(
                f"'{source_name}' line {line}: claim '{slug}' has no field '{attribute}'",
                hint="use one of: " + ", ".join(ATTRIBUTES),
            )
        before = parsed.body[max(0, m.start() - 300) : m.start()]
        if attribute in (None, "estimate"):
            conflict = direction_conflict(claim, verb_direction(before))
            if conflict and mark_problems:
                text = html.escape(format_attribute(claim, attribute))
                replacements.append(PROBLEM_MARK.format(text, html.escape(conflict)))
                return f"PPCLAIMREF{nonce}N{len(replacements) - 1}X"
            if conflict:
                raise InputError(
                    f"'{source_name}' line {line}: {conflict}",
                    hint="use a verb that matches the evidence, or 'changed ... by'",
                )
        text = html.escape(format_reference(claim, attribute, before))
        replacements.append(f'<a class="claim-ref" href="#claim-{slug}">{text}</a>')
        return f"PPCLAIMREF{nonce}N{len(replacements) - 1}X"

    parsed = ParsedPacket(
        parsed.front_matter,
        strip_comments(parsed.body),
        parsed.body_line_offset,
        parsed.references,
    )
    body = CLAIM_REF.sub(substitute, parsed.body)
    marks: list[int] = []
    rendered = str(_markdown(marks).render(body))
    out = re.sub(rf"PPCLAIMREF{nonce}N(\d+)X", lambda m: replacements[int(m.group(1))], rendered)
    return RenderedBody(out, sum(marks))
