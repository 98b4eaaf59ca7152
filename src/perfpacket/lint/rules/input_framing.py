"""input-framing: effort verbs ("I built") with no outcome in the sentence."""

from __future__ import annotations

from collections.abc import Iterator

from perfpacket.lint.document import Document
from perfpacket.lint.engine import BaseRule, Diagnostic, LintContext
from perfpacket.lint.rules._prose import prose
from perfpacket.lint.rules._words import EFFORT_LEMMAS, first_person, has_outcome


class InputFraming(BaseRule):
    name = "input-framing"
    code = "PP102"
    summary = "Effort described without what it changed."
    hint = "say what it enabled: who could do what, how much faster, cheaper or safer"
    bad = "I built a new evaluation pipeline and implemented the CI integration."
    good = "The evaluation pipeline I built let four teams ship prompt changes the same day."

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        for s in prose(doc):
            words, lemmas = s.words, s.lemmas
            if not first_person(s) or has_outcome(s):
                continue
            # The effort verb must follow "I"/"we": "I built", "we implemented".
            for i, word in enumerate(words[:-1]):
                if word in {"i", "we"} and lemma_at(lemmas, i + 1) in EFFORT_LEMMAS:
                    yield self.at(s, f"'{word} {words[i + 1]}' is effort, not an outcome")
                    break


def lemma_at(lemmas: list[str], i: int) -> str:
    return lemmas[i] if i < len(lemmas) else ""
