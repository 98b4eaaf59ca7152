"""Rendering the demo packet to HTML, against plain Markdown rendering of the same text.

Goals (DESIGN.md): the demo packet's HTML in under 2 s, its PDF in under 10 s. The baseline
shows what the brief, charts, assessment and template cost on top of Markdown alone.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from _harness import Result, best_of, demo_workspace


def run(tmp: Path) -> list[Result]:
    from perfpacket.workspace import find_workspace

    ws = demo_workspace(tmp)
    text = (ws / "packet.md").read_text(encoding="utf-8")
    store = find_workspace(ws).open_store()

    from perfpacket.claims import resolve_person
    from perfpacket.packet import parse_packet
    from perfpacket.packet.render import render_packet_pdf
    from perfpacket.snapshot import build_snapshot, choose_target

    def html() -> str:
        # The whole of `perfpacket build`: claims, assessment, plan, context, render.
        with store.session() as session:
            person = resolve_person(session, None, "ana.okafor@example.com")
            target = choose_target(parse_packet(text, "packet.md").front_matter)
            return build_snapshot(session, person, text, target).html

    def ours() -> None:
        html()

    rendered = html()

    def pdf() -> None:
        render_packet_pdf(rendered, str(tmp / "bench.pdf"))

    md = MarkdownIt("commonmark").enable("table")
    try:
        candidate = best_of(ours)
        baseline = best_of(lambda: md.render(text))
        pdf_time = best_of(pdf, repeat=3)
    finally:
        store.close()
    return [
        Result(
            "build demo packet PDF (from its HTML)",
            pdf_time,
            "markdown-it render of the same Markdown",
            baseline,
            "< 10 s",
            pdf_time < 10.0,
        ),
        Result(
            "build demo packet HTML",
            candidate,
            "markdown-it render of the same Markdown",
            baseline,
            "< 2 s",
            candidate < 2.0,
        ),
    ]
