"""Rewriting the person's own packet: only the sentences lint flags, the rest kept as written.

For each sentence that input-framing, metric-without-outcome, solo-credit or vague-scale
flags, the claim it is about is found (a reference it already cites, else the claim whose
title, metric and recipe share the most words with it). The sentence then gains that claim's
outcome, its partners or its number, always as claim references. Where no claim fits, nothing
is invented: a drafting prompt after the sentence asks the person for what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from perfpacket.claims import phrasing
from perfpacket.draft.compose import describe
from perfpacket.draft.prompts import you
from perfpacket.lint.document import Document, Sentence, lemma, parse_document
from perfpacket.lint.engine import Diagnostic, LintContext, lint_document
from perfpacket.lint.rules._words import SOLO
from perfpacket.store.models import Claim

REWRITTEN = ("input-framing", "metric-without-outcome", "solo-credit", "vague-scale")
SOLO_RE = re.compile(r"\s*(?:" + "|".join(SOLO) + r")", re.IGNORECASE)
WORD = re.compile(r"[A-Za-z]{3,}")
STOP = {
    "the", "a", "an", "of", "on", "in", "to", "for", "by", "and", "or", "with", "after",
    "before", "from", "my", "our", "i", "we", "it", "its", "this", "that", "per", "at", "as",
    "is", "was", "were", "be", "rate", "time", "new",
}  # fmt: skip
MIN_OVERLAP = 2


@dataclass(frozen=True)
class Change:
    """One flagged sentence and what it becomes."""

    line: int
    rules: tuple[str, ...]
    before: str
    after: str
    claim: str | None  # the claim it was bound to, or None when a prompt asks the person


def _words(text: str) -> set[str]:
    return {lemma(w) for w in WORD.findall(text.lower())} - STOP


def match_claim(sentence: Sentence, claims: Sequence[Claim]) -> Claim | None:
    """The claim a sentence is about: one it cites, else the best word match (at least
    ``MIN_OVERLAP`` shared content words), else none."""
    by_slug = {c.slug: c for c in claims}
    for slug, _attribute in sentence.refs:
        if slug in by_slug:
            return by_slug[slug]
    said = _words(sentence.text)
    scored = [
        (len(said & _words(f"{c.title} {c.metric} {c.recipe.replace('-', ' ')}")), c)
        for c in claims
    ]
    best = max(scored, key=lambda t: t[0], default=(0, None))
    return best[1] if best[0] >= MIN_OVERLAP else None


def _body(text: str) -> tuple[str, str]:
    """A sentence without its closing punctuation, and that punctuation."""
    stripped = text.rstrip()
    end = stripped[-1] if stripped and stripped[-1] in ".!?" else ""
    return stripped[: len(stripped) - len(end)], end or "."


def rewrite_sentence(sentence: Sentence, rules: set[str], claim: Claim | None) -> str:
    """The sentence with what lint asks for added from the claim, or followed by a prompt."""
    raw = sentence.raw
    body, end = _body(SOLO_RE.sub("", raw) if "solo-credit" in rules else raw)
    missing: list[str] = []
    if claim is None:
        missing = sorted(rules)
    else:
        who = phrasing.partners(claim)
        if "solo-credit" in rules:
            if who:
                body += f", with {phrasing.join(who)}"
            else:
                missing.append("solo-credit")
        if rules & {"input-framing", "metric-without-outcome"}:
            body = _with_outcome(body, end, claim, rules)
        elif "vague-scale" in rules and not sentence.refs:
            body += f" ({phrasing.ref(claim)})"
    out = body + end
    if missing:
        asks = {
            "input-framing": "what did it change for users, money, risk or time",
            "metric-without-outcome": "what outcome did the metric move",
            "solo-credit": "who did you do this with",
            "vague-scale": "how much, as a claim reference",
        }
        out += " " + you("; ".join(asks[r] for r in missing if r in asks) + "?")
    return out


def _with_outcome(body: str, end: str, claim: Claim, rules: set[str]) -> str:
    """The sentence followed by the claim's outcome: the short clause when lint then reads an
    outcome in it, else the recipe's whole sentence, which is written in outcome language."""
    short = f"{body}; {phrasing.outcome_clause(claim)}"
    checked = lint_document(
        parse_document(short + end + "\n", "sentence.md"), LintContext(), select=sorted(rules)
    )
    if not [
        d
        for d in checked.diagnostics
        if d.rule in rules & {"input-framing", "metric-without-outcome"}
    ]:
        return short
    outcome = describe(claim)
    return f"{body}; {outcome[:1].lower()}{outcome[1:].rstrip('.')}"


def rewrite(
    text: str,
    claims: Sequence[Claim],
    ctx: LintContext,
    path: str = "packet.md",
    polish_sentence: Callable[[str], str] | None = None,
) -> tuple[str, list[Change]]:
    """The packet with each flagged sentence rewritten, and the list of changes."""
    doc = parse_document(text, path)
    found = lint_document(doc, ctx, select=REWRITTEN).diagnostics
    flagged = _flagged(doc, found)
    changes: list[Change] = []
    out, cursor = [], 0
    offsets = _line_offsets(text)
    for sentence, rules in flagged:
        start = offsets[sentence.line - 1] + sentence.col - 1
        end = offsets[sentence.end_line - 1] + sentence.end_col - 1
        claim = match_claim(sentence, claims)
        after = rewrite_sentence(sentence, rules, claim)
        if polish_sentence is not None:
            after = polish_sentence(after)
        out.append(text[cursor:start])
        out.append(after)
        cursor = end
        changes.append(
            Change(
                sentence.line,
                tuple(sorted(rules)),
                sentence.raw,
                after,
                claim.slug if claim else None,
            )
        )
    out.append(text[cursor:])
    return "".join(out), changes


def _flagged(doc: Document, found: list[Diagnostic]) -> list[tuple[Sentence, set[str]]]:
    out: dict[int, tuple[Sentence, set[str]]] = {}
    for d in found:
        for s in doc.sentences:
            if (s.line, s.col) == (d.line, d.col):
                out.setdefault(id(s), (s, set()))[1].add(d.rule)
    return sorted(out.values(), key=lambda t: (t[0].line, t[0].col))


def _line_offsets(text: str) -> list[int]:
    offsets, total = [], 0
    for line in text.split("\n"):
        offsets.append(total)
        total += len(line) + 1
    return offsets
