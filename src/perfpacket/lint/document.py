"""A packet as the linter reads it: blocks and sentences with exact source positions.

Markdown structure comes from markdown-it (block line maps); sentences and word forms come
from simplemma (offline sentence splitting and lemmatisation). Code and claim references are
masked before rules look at the prose, and suppression comments are collected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from markdown_it import MarkdownIt

from perfpacket.packet.markdown import CLAIM_REF, COMMENT, Prompt, find_prompts

SUPPRESS = re.compile(r"<!--\s*perfpacket:\s*ignore(-file)?\s+([a-z0-9 ,-]+?)\s*-->")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
# A sentence-ending abbreviation that simplemma splits on: glued back to what follows.
ABBREVIATIONS = {"dr.", "mr.", "mrs.", "ms.", "e.g.", "i.e.", "vs.", "etc.", "approx.", "fig."}


# Where simplemma's English data is wrong for words the rules rely on ("fixed" -> "fixe").
LEMMA_CORRECTIONS = {"fixe": "fix"}


@cache
def lemma(word: str) -> str:
    """The dictionary form of an English word ('built' -> 'build')."""
    from simplemma import lemmatize

    found = str(lemmatize(word.lower(), lang="en")).lower()
    return LEMMA_CORRECTIONS.get(found, found)


@dataclass
class Sentence:
    text: str  # with claim references replaced by CLAIMREF and code by CODE
    raw: str
    line: int
    col: int
    end_line: int
    end_col: int
    block: Block
    refs: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return [w.lower() for w in WORD.findall(self.text)]

    @property
    def lemmas(self) -> list[str]:
        return [lemma(w) for w in WORD.findall(self.text)]


@dataclass
class Block:
    kind: str  # heading | paragraph | list_item | quote
    line: int  # 1-based first line
    end_line: int
    text: str
    section: str  # the nearest heading above
    level: int = 0  # heading level
    sentences: list[Sentence] = field(default_factory=list)


@dataclass
class Document:
    path: str
    source: str
    front_matter: dict[str, Any]
    body_offset: int
    blocks: list[Block]
    suppressed_lines: dict[int, set[str]]
    suppressed_file: set[str]
    prompts: list[Prompt] = field(default_factory=list)  # drafting prompts not yet filled in

    @property
    def sentences(self) -> list[Sentence]:
        return [s for b in self.blocks for s in b.sentences]

    @property
    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "heading"]

    def section_blocks(self, heading: Block) -> list[Block]:
        """The blocks under a heading, up to the next heading of the same or higher level."""
        i = self.blocks.index(heading)
        out = []
        for block in self.blocks[i + 1 :]:
            if block.kind == "heading" and block.level <= heading.level:
                break
            out.append(block)
        return out

    def prompts_in(self, first: int, last: int) -> list[Prompt]:
        """The unfilled prompts on lines ``first`` to ``last``."""
        return [p for p in self.prompts if first <= p.line <= last]

    def section_end(self, heading: Block) -> int:
        """The last line of a heading's section."""
        i = self.blocks.index(heading)
        later = [
            b.line - 1
            for b in self.blocks[i + 1 :]
            if b.kind == "heading" and b.level <= heading.level
        ]
        return later[0] if later else len(self.source.splitlines())


def _mask(text: str) -> str:
    """The text with claim references and code blanked, and comments (suppressions, drafting
    prompts: never rendered) turned to spaces, same length and line breaks."""
    masked = COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    masked = CLAIM_REF.sub(lambda m: "CLAIMREF".ljust(len(m.group(0))), masked)
    masked = re.sub(r"`[^`]*`", lambda m: "CODE".ljust(len(m.group(0))), masked)
    return masked


def _split(text: str) -> list[str]:
    from simplemma import split_sentences

    parts = [p for p in split_sentences(text) if p.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and merged[-1].split()[-1].lower() in ABBREVIATIONS:
            merged[-1] = merged[-1] + " " + part
        else:
            merged.append(part)
    return merged


def _position(lines: list[str], first_line: int, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset into the joined block lines."""
    for i, line in enumerate(lines):
        if offset <= len(line):
            return first_line + i, offset + 1
        offset -= len(line) + 1
    return first_line + len(lines) - 1, len(lines[-1]) + 1


def _sentences(block: Block, source_lines: list[str]) -> list[Sentence]:
    lines = source_lines[block.line - 1 : block.end_line]
    joined = "\n".join(lines)
    masked = _mask(joined)
    out: list[Sentence] = []
    cursor = 0
    for piece in _split(masked):
        tokens = piece.split()
        if not tokens:
            continue
        pattern = r"\s+".join(re.escape(t) for t in tokens)
        found = re.compile(pattern).search(masked, cursor)
        if found is None:
            continue
        start, end = found.span()
        cursor = end
        raw = joined[start:end]
        line, col = _position(lines, block.line, start)
        end_line, end_col = _position(lines, block.line, end)
        out.append(
            Sentence(
                text=masked[start:end],
                raw=raw,
                line=line,
                col=col,
                end_line=end_line,
                end_col=end_col,
                block=block,
                refs=[(m.group(1), m.group(2)) for m in CLAIM_REF.finditer(raw)],
            )
        )
    return out


def parse_document(source: str, path: str = "packet.md") -> Document:
    from perfpacket.packet.markdown import parse_packet

    parsed = parse_packet(source, path)
    source_lines = source.splitlines()
    tokens = MarkdownIt("commonmark").enable("table").parse(parsed.body)
    blocks: list[Block] = []
    section = ""
    quote_depth = 0
    offset = parsed.body_line_offset
    for i, token in enumerate(tokens):
        if token.type == "blockquote_open":
            quote_depth += 1
        elif token.type == "blockquote_close":
            quote_depth -= 1
        if token.type != "inline" or token.map is None:
            continue
        opener = tokens[i - 1]
        first, last = token.map[0] + 1 + offset, token.map[1] + offset
        if opener.type == "heading_open":
            section = token.content.strip()
            kind, level = "heading", int(opener.tag[1])
        else:
            in_item = any(t.type == "list_item_open" for t in tokens[max(0, i - 3) : i])
            kind = "quote" if quote_depth else "list_item" if in_item else "paragraph"
            level = 0
        block = Block(kind, first, last, token.content, section, level)
        block.sentences = _sentences(block, source_lines)
        blocks.append(block)
    suppressed_lines: dict[int, set[str]] = {}
    suppressed_file: set[str] = set()
    for number, line in enumerate(source_lines, start=1):
        for match in SUPPRESS.finditer(line):
            rules = {r.strip() for r in match.group(2).split(",") if r.strip()}
            if match.group(1):
                suppressed_file |= rules
                continue
            # A comment on its own line covers the next block; at the end of a line, that line.
            own_line = not line[: match.start()].strip()
            target = number + 1 if own_line else number
            if own_line:
                nxt = next((b for b in blocks if b.line >= target), None)
                span = range(nxt.line, nxt.end_line + 1) if nxt else range(target, target + 1)
            else:
                span = range(target, target + 1)
            for covered in span:
                suppressed_lines.setdefault(covered, set()).update(rules)
    return Document(
        path,
        source,
        parsed.front_matter,
        offset,
        blocks,
        suppressed_lines,
        suppressed_file,
        find_prompts(source),
    )
