"""Drafting prompts: what only the person can say, marked where they must say it.

A prompt is an HTML comment, ``<!-- perfpacket: you: the question -->``. It renders as
nothing; ``perfpacket lint`` reports it (``unfilled-prompt``) until the person replaces it with
their own words. Finding them is the packet layer's (:func:`perfpacket.packet.markdown.
find_prompts`), which lint reads too.
"""

from __future__ import annotations


def you(question: str) -> str:
    """The marked prompt for a question (``-->`` cannot end it early)."""
    text = " ".join(question.replace("-->", "->").split())
    return f"<!-- perfpacket: you: {text} -->"
