"""Claims the lint tests refer to, with the verdicts the rules must respect."""

from __future__ import annotations

import pytest

from perfpacket.lint import LintContext
from perfpacket.store.models import Claim

IMPROVED = (
    "eval-regression-rate",
    "budget-guard",
    "cost-per-1k",
    "ab-lift",
    "decay",
    "p95-latency",
    "support-hours",
)
FLAT = ("tokens-per-request", "incident-mttr")


@pytest.fixture
def claims_ctx() -> LintContext:
    # Randomised comparisons, on which causal verbs are fair; the first is a before/after
    # comparison with no control, so causal verbs on it are flagged. Each names a partner, so
    # the corpus measures the prose rules (a claim with none is tested in the claims CLI).
    team = {"role": "led", "partners": ["SRE"]}
    claims = [
        Claim(slug=s, verdict="improved", comparison="ab", attribution=team) for s in IMPROVED
    ]
    claims[0].comparison = "before_after"
    claims += [
        Claim(slug=s, verdict="no_detectable_change", comparison="ab", attribution=team)
        for s in FLAT
    ]
    return LintContext(claims={c.slug: c for c in claims}, feedback=[])
