"""The built-in output formats of ``perfpacket build``: HTML, PDF, Markdown and JSON.

Each is a :class:`~perfpacket.snapshot.Renderer` registered through ``register_renderers``, the
hook a third-party format uses too. A renderer reads a built snapshot and never recomputes a
number, so every format says what the HTML page says.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from perfpacket.packet.format import format_claim, format_money
from perfpacket.packet.markdown import mark_quantities, parse_packet, plain_body
from perfpacket.plugins import hookimpl
from perfpacket.snapshot import PacketSnapshot, Renderer, claims_from_rows


class HtmlRenderer:
    name = "html"
    suffix = ".html"
    description = "one self-contained HTML page (inline styles and charts, no fetches)"

    def render(self, snapshot: PacketSnapshot) -> bytes:
        return snapshot.html.encode("utf-8")


class PdfRenderer:
    name = "pdf"
    suffix = ".pdf"
    description = "the HTML page as PDF, with print styles"

    def render(self, snapshot: PacketSnapshot) -> bytes:
        from perfpacket.packet.render import packet_pdf

        return packet_pdf(snapshot.html)


# How the plain Markdown marks a number no claim computes (the page marks it in yellow): the
# text is pasted where no style survives, so the mark is words beside the number.
UNBOUND_PLAIN = "{} [not computed]"


def _mark_unbound_plain(markdown: str) -> tuple[str, int]:
    """The packet's Markdown with each quantity of its prose that no claim computes marked in
    words, and how many there were: the quantities ``build`` refuses without
    ``--allow-unbound``, found where lint finds them (so code and claim references are left
    alone)."""
    from perfpacket.lint.document import parse_document
    from perfpacket.lint.rules.unbound_number import unbound_quantities

    lines = markdown.splitlines(keepends=True)
    found = [u for u in unbound_quantities(parse_document(markdown)) if u.sentence is not None]
    # Right to left, so that a mark does not move the columns of the ones before it.
    for u in sorted(found, key=lambda u: (u.line, u.col), reverse=True):
        line, start = lines[u.line - 1], u.col - 1
        end = start + len(u.text)
        if line[start:end] != u.text:  # lint's columns are the source's: never expected
            raise ValueError(f"line {u.line} column {u.col} does not hold {u.text!r}")
        lines[u.line - 1] = line[:start] + UNBOUND_PLAIN.format(u.text) + line[end:]
    return "".join(lines), len(found)


class MarkdownRenderer:
    name = "markdown"
    suffix = ".plain.md"  # beside packet.md, never over it
    description = (
        "plain Markdown for pasting into an HR tool: every claim reference replaced by its "
        "number and interval, and the claims listed with their methods"
    )

    def render(self, snapshot: PacketSnapshot) -> bytes:
        # A packet built with --allow-unbound: its typed-in numbers carry their mark here too.
        marked, unbound = _mark_unbound_plain(snapshot.markdown)
        parsed = parse_packet(marked, "packet.md")
        claims = claims_from_rows(snapshot.claims)
        front = parsed.front_matter
        lines = []
        if front.get("title"):
            title, in_title = mark_quantities(str(front["title"]), UNBOUND_PLAIN.format)
            lines += [f"# {title}", ""]
            unbound += in_title
        lines.append(plain_body(parsed, claims).strip())
        referenced = dict.fromkeys(slug for _line, slug, _attr in parsed.references)
        cited = [c for slug in referenced for c in claims if c.slug == slug]
        if cited:
            lines += ["", "## Claims behind the numbers", ""]
            for c in cited:
                worth = f"; worth {format_money(c.value)}" if c.value else ""
                sizes = ", ".join(f"{k} = {v:,}" for k, v in c.sample_sizes.items())
                lines.append(
                    f"- **{c.title}**: {format_claim(c)}{worth}. Method: {c.method}"
                    + (f" ({sizes})" if sizes else "")
                    + "."
                )
        lines += ["", f"Built from evidence on {snapshot.taken_at.date().isoformat()}."]
        if unbound:
            lines[-1] += (
                f" {unbound} number{'s' if unbound != 1 else ''} in the prose "
                f"{'are' if unbound != 1 else 'is'} not computed from evidence, each marked "
                f"{UNBOUND_PLAIN.format('').strip()}; the claims' numbers are."
            )
        return ("\n".join(lines) + "\n").encode("utf-8")


class JsonRenderer:
    name = "json"
    suffix = ".json"
    description = "the whole snapshot (claims, assessment, plan, HTML) as versioned, hashed JSON"

    def render(self, snapshot: PacketSnapshot) -> bytes:
        return (json.dumps(snapshot.to_json(), indent=2, sort_keys=True) + "\n").encode("utf-8")


BUILTIN_RENDERERS: tuple[Renderer, ...] = (
    HtmlRenderer(),
    PdfRenderer(),
    MarkdownRenderer(),
    JsonRenderer(),
)


@hookimpl
def register_renderers(register: Callable[[Renderer], None]) -> None:
    for renderer in BUILTIN_RENDERERS:
        register(renderer)
