"""Claims: numbers with intervals, methods, verdicts, value and provenance.

The names below are imported from their modules on first use, so a command that only reads
stored claims (``claims list``, ``claims show``) does not load the recipes, the statistics or
the value model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from perfpacket._lazy import lazy_exports

if TYPE_CHECKING:
    from perfpacket.claims.model import ClaimDraft
    from perfpacket.claims.read import (
        all_claims,
        cited_records,
        claim_dicts,
        claim_to_dict,
        get_claim,
        list_claims,
        load_claims,
        packet_person,
        resolve_person,
    )
    from perfpacket.claims.recipe import Recipe, RecipeContext
    from perfpacket.claims.service import (
        propose_claims,
        save_claims,
        suggest_claims,
        verify_claims,
    )
    from perfpacket.claims.value import Constant, Value, ValueModel, load_value_model

_WHERE = {
    "ClaimDraft": "perfpacket.claims.model",
    "Recipe": "perfpacket.claims.recipe",
    "RecipeContext": "perfpacket.claims.recipe",
    **{
        name: "perfpacket.claims.read"
        for name in (
            "all_claims",
            "claim_dicts",
            "claim_to_dict",
            "cited_records",
            "get_claim",
            "list_claims",
            "load_claims",
            "packet_person",
            "resolve_person",
        )
    },
    **{
        name: "perfpacket.claims.service"
        for name in ("propose_claims", "save_claims", "suggest_claims", "verify_claims")
    },
    **{
        name: "perfpacket.claims.value"
        for name in ("Constant", "Value", "ValueModel", "load_value_model")
    },
}


__getattr__ = lazy_exports(__name__, _WHERE)


__all__ = [
    "ClaimDraft",
    "Constant",
    "Recipe",
    "RecipeContext",
    "Value",
    "ValueModel",
    "all_claims",
    "cited_records",
    "claim_dicts",
    "claim_to_dict",
    "get_claim",
    "list_claims",
    "load_claims",
    "load_value_model",
    "packet_person",
    "propose_claims",
    "resolve_person",
    "save_claims",
    "suggest_claims",
    "verify_claims",
]
