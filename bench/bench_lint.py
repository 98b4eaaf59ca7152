"""Linting a 20-page packet, against rendering the same Markdown to HTML.

Goal (issue: linter): a 20-page packet lints in under a second. The baseline is markdown-it
parsing and rendering the same text, which the linter also has to do.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from _harness import Result, best_of

WORDS_PER_PAGE = 500


def _packet() -> str:
    from perfpacket.demo.packet_text import PACKET_MARKDOWN

    front, body = PACKET_MARKDOWN.split("---\n", 2)[1:]
    pages, text = 0, ""
    while len(text.split()) < 20 * WORDS_PER_PAGE:
        pages += 1
        text += body.replace("## ", f"## Part {pages}: ")
    return f"---\n{front}---\n{text}"


def run(tmp: Path) -> list[Result]:
    from perfpacket.lint import LintContext, lint_document, parse_document

    source = _packet()
    ctx = LintContext(claims=None)

    def ours() -> object:
        return lint_document(parse_document(source, "packet.md"), ctx)

    md = MarkdownIt("commonmark").enable("table")
    candidate = best_of(ours, repeat=3)
    baseline = best_of(lambda: md.render(source), repeat=3)
    return [
        Result(
            f"lint a 20-page packet ({len(source.split()):,} words)",
            candidate,
            "markdown-it render of the same text",
            baseline,
            "< 1 s",
            candidate < 1.0,
        )
    ]
