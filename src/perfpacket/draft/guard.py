"""The guard on language-model prose: no number reaches a packet that no claim computed.

A packet goes to a model with each claim reference replaced by an opaque token (``⟦R3⟧``) and
each drafting prompt by another (``⟦Y1⟧``), so the model never sees a number it could copy or
alter. Its answer is checked before anything is kept: :func:`check` lists every violation,

- a quantity outside a token: a digit, a number word, a currency sign, a percentage
  ("cut cost by 40%", "forty percent", "$2M", "doubled");
- a token that was not given, or one written in another form (an altered reference), or a
  claim reference written out instead of a token;
- a dropped token whose reference carried a headline number (the estimate or the value), or
  a dropped drafting prompt;
- markup the packet did not have: HTML tags, links or images (prompt injection's way out).

:func:`restore` puts the references back. The CLI and the team server call the same function.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from perfpacket.packet.markdown import CLAIM_REF, YOU_PROMPT
from perfpacket.quantities import find_quantities

TOKEN = re.compile(r"⟦([RY])(\d+)⟧")
# Anything that looks like an attempt at a token: brackets of any kind round R/Y and digits.
TOKEN_LIKE = re.compile(r"[⟦\[{(<]{1,2}\s*[RY]\s*-?\s*\d+\s*[⟧\]})>]{0,2}")
DIGIT = re.compile(r"\d")
CURRENCY = re.compile(r"[$€£¥₹]|\b(?:usd|eur|gbp|dollars?|euros?|percent|per\s?cent)\b", re.I)
MARKUP = re.compile(r"<[A-Za-z!/][^>]*>|!?\[[^\]]*\]\([^)]*\)|\b(?:javascript|data):", re.I)
WORDISH = re.compile(r"[\w.+/-]*\d[\w.+/-]*")
HEADLINE_ATTRIBUTES = (None, "estimate", "value")


class ViolationKind(StrEnum):
    """What a model's answer did that the guard refuses."""

    UNBOUND_QUANTITY = "unbound_quantity"  # a number not inside a reference
    UNKNOWN_REFERENCE = "unknown_reference"  # a token that was not given
    ALTERED_REFERENCE = "altered_reference"  # a token written differently, or a raw reference
    DROPPED_REFERENCE = "dropped_reference"  # a headline number left out
    DROPPED_PROMPT = "dropped_prompt"  # a question for the person left out
    MARKUP = "markup"  # HTML, links or images the packet did not have


@dataclass(frozen=True)
class Violation:
    kind: ViolationKind
    text: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind.value}: {self.message}"


@dataclass(frozen=True)
class Protected:
    """One span of the packet the model must carry through unchanged: a claim reference or a
    drafting prompt, and the token that stands for it."""

    token: str
    text: str
    slug: str | None = None
    attribute: str | None = None

    @property
    def headline(self) -> bool:
        """A reference whose number a committee reads as the result (not its interval, its
        baseline or its sample size), or a prompt: neither may be dropped."""
        return self.slug is None or self.attribute in HEADLINE_ATTRIBUTES


@dataclass(frozen=True)
class Tokenized:
    text: str  # what the model is sent
    protected: tuple[Protected, ...]
    source: str  # the text before tokens replaced its references

    def restore(self, answer: str) -> str:
        return restore(answer, self.protected)


def tokenize(text: str) -> Tokenized:
    """``text`` with every claim reference and drafting prompt replaced by an opaque token."""
    protected: list[Protected] = []

    def claim(m: re.Match[str]) -> str:
        token = f"⟦R{len(protected) + 1}⟧"
        protected.append(Protected(token, m.group(0), m.group(1), m.group(2)))
        return token

    def prompt(m: re.Match[str]) -> str:
        token = f"⟦Y{len(protected) + 1}⟧"
        protected.append(Protected(token, m.group(0)))
        return token

    masked = YOU_PROMPT.sub(prompt, text)
    masked = CLAIM_REF.sub(claim, masked)
    return Tokenized(masked, tuple(protected), text)


def restore(answer: str, protected: Sequence[Protected]) -> str:
    """The answer with each token put back as the reference or prompt it stands for."""
    by_token = {p.token: p.text for p in protected}
    return TOKEN.sub(lambda m: by_token.get(m.group(0), m.group(0)), answer)


def _allowed_identifiers(sent: str) -> set[str]:
    """Words with digits the packet itself holds where they are not quantities ("gpt-4o",
    "reranker-v2", "cost per 1k requests"): carried over verbatim they are names."""
    text = TOKEN.sub(" ", sent)
    spans = [(q.start, q.end) for q in find_quantities(text)]
    return {
        m.group(0)
        for m in WORDISH.finditer(text)
        if not any(a < m.end() and m.start() < b for a, b in spans)
    }


def check(answer: str, tokenized: Tokenized) -> list[Violation]:
    """Every way ``answer`` breaks the guard; empty when it may be kept."""
    out: list[Violation] = []
    given = {p.token: p for p in tokenized.protected}
    used = [m.group(0) for m in TOKEN.finditer(answer)]
    for token in dict.fromkeys(used):
        if token not in given:
            out.append(
                Violation(
                    ViolationKind.UNKNOWN_REFERENCE,
                    token,
                    f"{token} was not given: only the references in the text may be used",
                )
            )
    rest = TOKEN.sub(" ", answer)
    for m in CLAIM_REF.finditer(rest):
        out.append(
            Violation(
                ViolationKind.ALTERED_REFERENCE,
                m.group(0),
                f"'{m.group(0)}' is written out; keep the tokens exactly as given",
            )
        )
    rest = CLAIM_REF.sub(" ", rest)
    for m in TOKEN_LIKE.finditer(rest):
        out.append(
            Violation(
                ViolationKind.ALTERED_REFERENCE,
                m.group(0),
                f"'{m.group(0)}' looks like a reference token written differently; copy tokens "
                "exactly, e.g. ⟦R1⟧",
            )
        )
    rest = TOKEN_LIKE.sub(" ", rest)
    for q in find_quantities(rest):
        out.append(
            Violation(
                ViolationKind.UNBOUND_QUANTITY,
                q.text,
                f"'{q.text}' is a number no claim computed; numbers may only come from the tokens",
            )
        )
    found = {q.text for q in find_quantities(rest)}
    allowed = _allowed_identifiers(tokenized.text)
    for word in WORDISH.findall(rest):
        if word in allowed or any(word in f or f in word for f in found):
            continue
        if DIGIT.search(word):
            out.append(
                Violation(
                    ViolationKind.UNBOUND_QUANTITY,
                    word,
                    f"'{word}' holds a digit the packet did not have",
                )
            )
    sent_currency = {m.group(0).lower() for m in CURRENCY.finditer(tokenized.text)}
    for m in CURRENCY.finditer(rest):
        if m.group(0).lower() not in sent_currency:
            out.append(
                Violation(
                    ViolationKind.UNBOUND_QUANTITY,
                    m.group(0),
                    f"'{m.group(0)}' states money or a share outside a reference",
                )
            )
    for m in MARKUP.finditer(rest):
        if m.group(0) not in tokenized.text:
            out.append(
                Violation(
                    ViolationKind.MARKUP,
                    m.group(0),
                    f"'{m.group(0)[:60]}' is markup, a link or an image the packet did not have",
                )
            )
    kept = set(used)
    for p in tokenized.protected:
        if p.token in kept or not p.headline:
            continue
        kind = ViolationKind.DROPPED_PROMPT if p.slug is None else ViolationKind.DROPPED_REFERENCE
        what = "a question for the person" if p.slug is None else f"the number of '{p.slug}'"
        out.append(Violation(kind, p.token, f"{p.token} ({what}) was dropped; keep it"))
    return out


__all__ = [
    "Protected",
    "Tokenized",
    "Violation",
    "ViolationKind",
    "check",
    "restore",
    "tokenize",
]
