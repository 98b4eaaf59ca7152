"""Built-in impact recipes, registered through the same hook a third-party plugin uses."""

from __future__ import annotations

from collections.abc import Callable

from perfpacket.claims.recipe import Recipe
from perfpacket.claims.recipes.ab_lift import ABLiftRecipe
from perfpacket.claims.recipes.cache_staleness import CacheStalenessRecipe
from perfpacket.claims.recipes.cost_efficiency import CostEfficiencyRecipe
from perfpacket.claims.recipes.cost_guard import CostGuardRecipe
from perfpacket.claims.recipes.decay import DecayPreventionRecipe
from perfpacket.claims.recipes.deprecation import DeprecationRecipe
from perfpacket.claims.recipes.enablement import EnablementRecipe
from perfpacket.claims.recipes.energy import EnergyRecipe
from perfpacket.claims.recipes.eval_gate import EvalGateRecipe
from perfpacket.claims.recipes.flight_recorder import FlightRecorderRecipe
from perfpacket.claims.recipes.graded_slo import GradedSloRecipe
from perfpacket.claims.recipes.incident_response import IncidentResponseRecipe
from perfpacket.claims.recipes.interviewing import InterviewingRecipe
from perfpacket.claims.recipes.kill_switch import KillSwitchRecipe
from perfpacket.claims.recipes.latency import LatencyRecipe
from perfpacket.claims.recipes.localization_parity import LocalizationParityRecipe
from perfpacket.claims.recipes.ownership_seams import OwnershipSeamsRecipe
from perfpacket.claims.recipes.quality_lift import QualityLiftRecipe
from perfpacket.claims.recipes.reliability import ReliabilityRecipe
from perfpacket.claims.recipes.structured_output import StructuredOutputRecipe
from perfpacket.plugins import hookimpl

BUILTIN_RECIPES: tuple[Recipe, ...] = (
    EvalGateRecipe(),
    QualityLiftRecipe(),
    ABLiftRecipe(),
    CostGuardRecipe(),
    CostEfficiencyRecipe(),
    LatencyRecipe(),
    KillSwitchRecipe(),
    ReliabilityRecipe(),
    IncidentResponseRecipe(),
    DecayPreventionRecipe(),
    EnablementRecipe(),
    EnergyRecipe(),
    CacheStalenessRecipe(),
    StructuredOutputRecipe(),
    OwnershipSeamsRecipe(),
    FlightRecorderRecipe(),
    GradedSloRecipe(),
    LocalizationParityRecipe(),
    DeprecationRecipe(),
    InterviewingRecipe(),
)


@hookimpl
def register_recipes(register: Callable[[Recipe], None]) -> None:
    for recipe in BUILTIN_RECIPES:
        register(recipe)
