"""Sentences about a claim in a committee's vocabulary, every quantity a claim reference.

A recipe's ``describe(claim)`` says what its claims mean; the draft writes those sentences
into a packet. The helpers here keep the rules of truth in one place: a number is only ever a
``{{ claim.… }}`` reference; a before/after comparison reads "after" (never "cut" or "caused");
a cause is said only for a randomised test or a counterfactual; names from the evidence that
hold something a reader would take for a number are set as code, so the prose states none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from perfpacket.quantities import find_quantities
from perfpacket.store.models import Claim
from perfpacket.vocab import ClaimRole, Comparison, Verdict

ROLE_WORDS = {
    ClaimRole.LED: "led",
    ClaimRole.BUILT: "built",
    ClaimRole.ENABLED: "enabled",
    ClaimRole.CONTRIBUTED: "contributed to",
}


def ref(claim: Claim, attribute: str | None = None) -> str:
    """The reference the packet writes for a claim's number (or one of its fields)."""
    field = f".{attribute}" if attribute else ""
    return f"{{{{ claim.{claim.slug}{field} }}}}"


MARKUP_CHARS = re.compile(r"[{}<>\[\]*_|#\\]")


def name(text: str) -> str:
    """A name from the evidence as prose: set as code when it holds a quantity ("top 10") or
    characters Markdown or a claim reference would read ("{{riddle}}", "pass_rate")."""
    text = " ".join(str(text).split()).replace("`", "'")
    return f"`{text}`" if find_quantities(text) or MARKUP_CHARS.search(text) else text


def join(items: Sequence[str], names: bool = True) -> str:
    """``a``, ``a and b``, ``a, b and c``; each item set as a :func:`name` unless ``names`` is
    false (phrases already written, references in them)."""
    items = [name(i) if names else str(i) for i in items if str(i).strip()]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def partners(claim: Claim) -> list[str]:
    return [str(p) for p in (claim.attribution or {}).get("partners", []) if str(p).strip()]


def by_me(claim: Claim, work: str) -> str:
    """ "the eval gate I led with ML platform and SRE": the work, the person's role in it as
    the attribution records it, and the partners the evidence (or the person) named."""
    role = (claim.attribution or {}).get("role")
    said = ROLE_WORDS[ClaimRole(role)] if role in set(ClaimRole) else ""
    who = partners(claim)
    text = work
    if said:
        text += f" I {said}"
    if who:
        text += f" with {join(who)}"
    return text


def worth(claim: Claim) -> str:
    """ ", worth {{ claim.x.value }}" when the value model prices the claim, else nothing."""
    return f", worth {ref(claim, 'value')}" if claim.value else ""


def work_of(claim: Claim, fallback: str) -> str:
    """What the work was, from the claim's title ("… after gateway routing v2"), else the
    recipe's own words."""
    title = " ".join(claim.title.split())
    for word in (" after ", " since "):
        if word in title:
            work = title.split(word, 1)[1].split(": ", 1)[0]
            return "the " + name(work.removeprefix("the ").rstrip("."))
    return fallback


def went(claim: Claim) -> str:
    """ "went from {{ baseline }} to {{ current }}, a change of {{ claim }}": a before/after
    told without a cause."""
    return (
        f"went from {ref(claim, 'baseline')} to {ref(claim, 'current')}, a change of {ref(claim)}"
    )


def metric(claim: Claim) -> str:
    return name(claim.metric)


def causal(claim: Claim) -> bool:
    """Whether the design lets the prose say the work caused the change."""
    return claim.comparison in (Comparison.AB, Comparison.COUNTERFACTUAL)


def describe_claim(claim: Claim, work: str = "the work") -> str:
    """A sentence for any claim, by what it compares: the fallback for a recipe (a plugin's)
    that has no ``describe`` of its own."""
    what = by_me(claim, work_of(claim, work))
    m = metric(claim)
    if claim.verdict is Verdict.INSUFFICIENT_DATA:
        return f"For {what}, the evidence is not yet enough to measure the {m} ({ref(claim)})."
    match claim.comparison:
        case Comparison.BEFORE_AFTER:
            return f"After {what}, the {m} {went(claim)}{worth(claim)}."
        case Comparison.AB:
            return (
                f"In a randomised A/B test, {what} {moved(claim)} the {m} by {ref(claim)}"
                f"{worth(claim)}."
            )
        case Comparison.PAIRED:
            return (
                f"On the same evaluation items, {what} moved the {m} from "
                f"{ref(claim, 'baseline')} to {ref(claim, 'current')}, a change of {ref(claim)}."
            )
        case Comparison.TREND:
            return (
                f"After {what}, the {m} changed by {ref(claim)} against its earlier trend of "
                f"{ref(claim, 'baseline')}{worth(claim)}."
            )
        case Comparison.COUNTERFACTUAL:
            return f"{_cap(what)} prevented {ref(claim)} of {m}{worth(claim)}."
        case Comparison.TARGET:
            return (
                f"Since {what}, the {m} stands at {ref(claim, 'current')} against its target: "
                f"{ref(claim, 'verdict')}."
            )
        case Comparison.COUNT:
            return f"For {what}: {ref(claim)} ({m})."
    return f"{_cap(what)}: {ref(claim)}."


def moved(claim: Claim) -> str:
    """The verb for a change: its direction only when the design supports a cause and the
    interval says it improved; otherwise "changed", which never contradicts the number."""
    if causal(claim) and claim.verdict is Verdict.IMPROVED and claim.estimate:
        return "raised" if claim.estimate > 0 else "cut"
    return "changed"


def outcome_clause(claim: Claim) -> str:
    """What the work changed, as a clause to follow the person's own words about it ("I built
    the gate; after it, the escape rate went from … to …")."""
    m = metric(claim)
    match claim.comparison:
        case Comparison.BEFORE_AFTER | Comparison.TREND:
            return f"after it, the {m} {went(claim)}{worth(claim)}"
        case Comparison.AB:
            return (
                f"in a randomised A/B test it {moved(claim)} the {m} for users by {ref(claim)}"
                f"{worth(claim)}"
            )
        case Comparison.PAIRED:
            return f"on the same evaluation items, the {m} {went(claim)}"
        case Comparison.COUNTERFACTUAL:
            return f"it prevented {ref(claim)} of {m}{worth(claim)}"
        case Comparison.TARGET:
            return f"the {m} stands at {ref(claim, 'current')} against its target"
    return f"{ref(claim)} ({m})"


def headline(claim: Claim) -> str:
    """The claim in a few words for a summary: "the regression escape rate on model swaps
    ({{ claim.x }}, worth {{ claim.x.value }})"."""
    return f"the {metric(claim)} ({ref(claim)}{worth(claim)})"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


__all__ = [
    "by_me",
    "causal",
    "describe_claim",
    "headline",
    "join",
    "metric",
    "moved",
    "name",
    "outcome_clause",
    "partners",
    "ref",
    "went",
    "work_of",
    "worth",
]
