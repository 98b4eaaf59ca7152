"""The built-in output formats of ``perfpacket build``: HTML, PDF, Markdown and JSON.

Each is a :class:`~perfpacket.snapshot.Renderer` registered through ``register_renderers``, the
hook a third-party format uses too. A renderer reads a built snapshot and never recomputes a
number, so every format says what the HTML page says.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from perfpacket.packet.format import format_claim, format_money
from perfpacket.packet.markdown import parse_packet, plain_body
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


class MarkdownRenderer:
    name = "markdown"
    suffix = ".plain.md"  # beside packet.md, never over it
    description = (
        "plain Markdown for pasting into an HR tool: every claim reference replaced by its "
        "number and interval, and the claims listed with their methods"
    )

    def render(self, snapshot: PacketSnapshot) -> bytes:
        parsed = parse_packet(snapshot.markdown, "packet.md")
        claims = claims_from_rows(snapshot.claims)
        front = parsed.front_matter
        lines = [f"# {front['title']}", ""] if front.get("title") else []
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
