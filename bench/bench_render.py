"""Rendering the demo packet to HTML, against plain Markdown rendering of the same text.

Goal (DESIGN.md): the demo packet's HTML in under 2 s. The baseline shows what claim
resolution, charts and the template cost on top of Markdown alone.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from _harness import Result, best_of, demo_workspace


def run(tmp: Path) -> list[Result]:
    from perfpacket.claims import load_claims
    from perfpacket.packet import render_packet_html
    from perfpacket.workspace import find_workspace

    ws = demo_workspace(tmp)
    text = (ws / "packet.md").read_text(encoding="utf-8")
    store = find_workspace(ws).open_store()

    def ours() -> None:
        # The whole of `perfpacket build`: load the claims, resolve, render.
        with store.session() as session:
            render_packet_html(text, load_claims(session), "packet.md")

    md = MarkdownIt("commonmark").enable("table")
    try:
        candidate = best_of(ours)
        baseline = best_of(lambda: md.render(text))
    finally:
        store.close()
    return [
        Result(
            "build demo packet HTML",
            candidate,
            "markdown-it render of the same Markdown",
            baseline,
            "< 2 s",
            candidate < 2.0,
        )
    ]
