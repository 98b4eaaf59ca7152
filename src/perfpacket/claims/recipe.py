"""The recipe protocol: a named way of turning one kind of AI work into claims."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.value import ValueModel
from perfpacket.store.models import Claim, Person, TelemetrySource


@dataclass
class RecipeContext:
    """What a recipe may read: the store (read only), the person, the value model."""

    session: Session
    person: Person
    value_model: ValueModel
    telemetry: list[TelemetrySource] = field(default_factory=list)
    workspace_root: Path | None = None


@dataclass(frozen=True)
class Need:
    """One thing a recipe needs from the evidence before it can propose a claim, so that
    ``claims suggest --explain`` can say what a silent recipe is missing and where it comes
    from."""

    what: str  # "model releases with gated = false (before the gate)"
    source: str  # how to bring it in: "perfpacket import releases-csv"
    minimum: int
    count: Callable[[RecipeContext], int]  # how many the person's evidence holds now


class Recipe(Protocol):
    name: str
    title: str
    dimensions: tuple[str, ...]
    needs: tuple[Need, ...]

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        """Claims this recipe can support from the evidence; none when the evidence is absent."""
        ...

    def describe(self, claim: Claim) -> str:
        """One or two sentences about one of this recipe's claims, in a committee's
        vocabulary, for the drafted packet. Every quantity is a ``{{ claim.… }}`` reference
        (see :mod:`perfpacket.claims.phrasing`); a recipe without one drafts through
        :func:`perfpacket.claims.phrasing.describe_claim`."""
        ...
