"""Built-in lint rules, registered through the same hook a third-party plugin uses."""

from __future__ import annotations

from collections.abc import Callable

from perfpacket.lint.engine import LintRule
from perfpacket.lint.rules.causal_without_control import CausalWithoutControl
from perfpacket.lint.rules.changelog_section import ChangelogSection
from perfpacket.lint.rules.complexity_without_context import ComplexityWithoutContext
from perfpacket.lint.rules.input_framing import InputFraming
from perfpacket.lint.rules.metric_without_outcome import MetricWithoutOutcome
from perfpacket.lint.rules.missing_section import MissingSection
from perfpacket.lint.rules.missing_uncertainty import MissingUncertainty
from perfpacket.lint.rules.overclaim import Overclaim
from perfpacket.lint.rules.review import REVIEW_RULES
from perfpacket.lint.rules.solo_credit import SoloCredit
from perfpacket.lint.rules.unbound_number import UnboundNumber
from perfpacket.lint.rules.unfilled_prompt import UnfilledPrompt
from perfpacket.lint.rules.vague_scale import VagueScale
from perfpacket.plugins import hookimpl

BUILTIN_RULES: tuple[LintRule, ...] = (
    VagueScale(),
    InputFraming(),
    MetricWithoutOutcome(),
    SoloCredit(),
    ComplexityWithoutContext(),
    UnboundNumber(),
    Overclaim(),
    MissingUncertainty(),
    ChangelogSection(),
    MissingSection(),
    CausalWithoutControl(),
    UnfilledPrompt(),
    *REVIEW_RULES,
)


@hookimpl
def register_lint_rules(register: Callable[[LintRule], None]) -> None:
    for rule in BUILTIN_RULES:
        register(rule)
