"""The sentences rules read: prose, not headings."""

from __future__ import annotations

from collections.abc import Iterator

from perfpacket.lint.document import Document, Sentence


def prose(doc: Document) -> Iterator[Sentence]:
    for block in doc.blocks:
        if block.kind != "heading":
            yield from block.sentences
