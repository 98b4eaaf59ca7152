"""Claims: numbers with intervals, methods, verdicts, value and provenance."""

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.recipe import Recipe, RecipeContext
from perfpacket.claims.service import (
    all_claims,
    claim_to_dict,
    get_claim,
    list_claims,
    load_claims,
    packet_person,
    propose_claims,
    resolve_person,
    save_claims,
    suggest_claims,
    verify_claims,
)
from perfpacket.claims.value import Constant, Value, ValueModel, load_value_model

__all__ = [
    "ClaimDraft",
    "Constant",
    "Recipe",
    "RecipeContext",
    "Value",
    "ValueModel",
    "all_claims",
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
