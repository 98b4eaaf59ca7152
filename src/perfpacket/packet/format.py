"""Formatting claim numbers for people: units, signs, intervals."""

from __future__ import annotations

from typing import Any

from perfpacket.store.models import Claim

MINUS = "\u2212"

# unit -> (format of a change, format of a level)
_FORMATS: dict[str, tuple[str, str]] = {
    "pp": ("{:+.1f} pp", "{:.1f}%"),
    "%": ("{:+.2f}%", "{:.2f}%"),
    "points": ("{:+.1f} points", "{:.1f}"),
    "h": ("{:+,.1f} h", "{:,.1f} h"),
    "USD/month": ("${:,.0f}/month", "${:,.0f}/month"),
    "USD/1k requests": ("${:,.2f} per 1k requests", "${:,.2f} per 1k requests"),
    "incidents": ("{:.1f} incidents", "{:.1f} incidents"),
    "ms": ("{:+,.0f} ms", "{:,.0f} ms"),
    "Wh": ("{:+.3f} Wh", "{:.3f} Wh"),
    "tokens": ("{:+,.0f} tokens", "{:,.0f} tokens"),
    "points/week": ("{:+.2f} points/week", "{:+.2f} points/week"),
    "reviews/month": ("{:.1f} reviews/month", "{:.1f} reviews/month"),
}


def _minus(text: str) -> str:
    return text.replace("-", MINUS)


def format_change(value: float | None, unit: str) -> str:
    """A claim's estimate or interval end, signed where it is a change."""
    if value is None:
        return "n/a"
    fmt = _FORMATS.get(unit, ("{:+,.3g} " + unit, "{:,.3g} " + unit))[0]
    if fmt.startswith("$"):
        return _minus(fmt.format(value)) if value >= 0 else MINUS + fmt.format(-value)
    return _minus(fmt.format(value))


def format_level(value: float | None, unit: str) -> str:
    """A before or after level (a rate, a mean) in the claim's unit."""
    if value is None:
        return "n/a"
    fmt = _FORMATS.get(unit, ("", "{:,.3g} " + unit))[1]
    return _minus(fmt.format(value))


# Comparisons whose estimate is a level (a rate, a mean, a count), not a change.
LEVEL_COMPARISONS = frozenset({"slo", "target", "count"})


def format_number(claim: Claim, value: float | None) -> str:
    """A number of this claim (estimate or interval end) in its unit, signed if a change."""
    if claim.comparison in LEVEL_COMPARISONS:
        return format_level(value, claim.unit)
    return format_change(value, claim.unit)


def format_interval(claim: Claim) -> str:
    """``95% CI −14.2 to −1.9 pp``, or why there is none."""
    if claim.ci_low is None or claim.ci_high is None or claim.ci_level is None:
        return f"no interval ({claim.code or 'not applicable'})"
    low, high = format_number(claim, claim.ci_low), format_number(claim, claim.ci_high)
    return f"{claim.ci_level:.0%} CI {low} to {high}"


def format_money(value: dict[str, Any] | None) -> str:
    if not value:
        return "n/a"
    amount = float(value["amount"])
    sign = MINUS if amount < 0 else ""
    period = value.get("period", "")
    suffix = f"/{period}" if period in {"year", "month"} else f" ({period})" if period else ""
    if value.get("unit", "USD") != "USD":
        return f"{sign}{abs(amount):,.0f} {value['unit']}{suffix}"
    return f"{sign}${abs(amount):,.0f}{suffix}"


def format_claim(claim: Claim) -> str:
    """Estimate with its interval: the default rendering of ``{{ claim.slug }}``."""
    if claim.estimate is None:
        return f"insufficient data ({claim.code})"
    return f"{format_number(claim, claim.estimate)} ({format_interval(claim)})"


def format_attribute(claim: Claim, attribute: str | None) -> str:
    """The text ``{{ claim.slug.attribute }}`` stands for."""
    match attribute:
        case None:
            return format_claim(claim)
        case "estimate":
            return format_number(claim, claim.estimate)
        case "ci":
            return format_interval(claim)
        case "value":
            return format_money(claim.value)
        case "baseline":
            return format_level(claim.baseline, claim.unit)
        case "current":
            return format_level(claim.current, claim.unit)
        case "verdict":
            return verdict_label(claim.verdict)
        case "n":
            return ", ".join(f"{k} = {v:,}" for k, v in claim.sample_sizes.items())
    raise KeyError(attribute)


ATTRIBUTES = ("estimate", "ci", "value", "baseline", "current", "verdict", "n")


def format_p_value(p: float | None) -> str:
    """``p = 0.032``; below 0.0001 as a bound, since tiny p-values are not precise."""
    if p is None:
        return ""
    return "p < 0.0001" if p < 1e-4 else f"p = {p:.2g}"


def format_constant(value: float) -> str:
    """A value-model constant as written: 2,400,000 and 0.4, not 2,400,000.0."""
    return f"{value:,.10g}"


def verdict_label(verdict: str) -> str:
    """The words for a stored verdict; a level or count on its own has none."""
    from perfpacket.stats.result import Verdict

    return Verdict(verdict).label
