"""Drafting prompts: what only the person can say, marked where they must say it.

A prompt is an HTML comment, ``<!-- perfpacket: you: the question -->``. It renders as
nothing; ``perfpacket lint`` reports it (``unfilled-prompt``) until the person replaces it with
their own words.
"""

from __future__ import annotations

from dataclasses import dataclass

from perfpacket.packet.markdown import YOU_PROMPT


@dataclass(frozen=True)
class Prompt:
    line: int
    question: str


def you(question: str) -> str:
    """The marked prompt for a question (``-->`` cannot end it early)."""
    text = " ".join(question.replace("-->", "->").split())
    return f"<!-- perfpacket: you: {text} -->"


def find_prompts(source: str) -> list[Prompt]:
    """The prompts a packet still holds, with the line each starts on."""
    return [
        Prompt(source.count("\n", 0, m.start()) + 1, " ".join(m.group(1).split()))
        for m in YOU_PROMPT.finditer(source)
    ]
