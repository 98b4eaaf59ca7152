"""Formatting claim numbers for people: units, signs, intervals."""

from __future__ import annotations

import re
from enum import IntEnum
from typing import Any

from perfpacket.store.models import Claim
from perfpacket.vocab import Verdict

MINUS = "\u2212"

# unit -> (format of a change, format of a level, decimals); "{p}" is the precision.
_FORMATS: dict[str, tuple[str, str, int]] = {
    "pp": ("{:+.{p}f} pp", "{:.{p}f}%", 1),
    "%": ("{:+.{p}f}%", "{:.{p}f}%", 2),
    "points": ("{:+.{p}f} points", "{:.{p}f}", 1),
    "h": ("{:+,.{p}f} h", "{:,.{p}f} h", 1),
    "USD/month": ("${:,.{p}f}/month", "${:,.{p}f}/month", 0),
    "USD/1k requests": ("${:,.{p}f} per 1k requests", "${:,.{p}f} per 1k requests", 2),
    "incidents": ("{:.{p}f} incidents", "{:.{p}f} incidents", 1),
    "ms": ("{:+,.{p}f} ms", "{:,.{p}f} ms", 0),
    "Wh": ("{:+.{p}f} Wh", "{:.{p}f} Wh", 3),
    "tokens": ("{:+,.{p}f} tokens", "{:,.{p}f} tokens", 0),
    "points/week": ("{:+.{p}f} points/week", "{:+.{p}f} points/week", 2),
    "reviews/month": ("{:.{p}f} reviews/month", "{:.{p}f} reviews/month", 1),
    "min": ("{:+,.{p}f} min", "{:,.{p}f} min", 0),
    "% of budget": ("{:+.{p}f}% of budget", "{:.{p}f}% of budget", 0),
    "kappa": ("{:+.{p}f}", "{:.{p}f}", 2),
    "pp gap": ("{:+.{p}f} pp", "{:+.{p}f} pp", 1),
    "interviews/month": ("{:.{p}f} interviews/month", "{:.{p}f} interviews/month", 1),
    "loops": ("{:.{p}f} loops", "{:.{p}f} loops", 0),
}
# Extra decimals an interval may take to be told apart from its estimate and from zero.
MAX_EXTRA_DECIMALS = 8


def _minus(text: str) -> str:
    return text.replace("-", MINUS)


def _formats(unit: str) -> tuple[str, str, int]:
    return _FORMATS.get(unit, ("{:+,.{p}g} " + unit, "{:,.{p}g} " + unit, 3))


def format_change(value: float | None, unit: str, extra: int = 0) -> str:
    """A claim's estimate or interval end, signed where it is a change."""
    if value is None:
        return "n/a"
    fmt, _level, p = _formats(unit)
    if fmt.startswith("$"):
        text = fmt.format(abs(value), p=p + extra)
        return MINUS + text if value < 0 and _nonzero(text) else text
    return _minus(fmt.format(value, p=p + extra))


def format_level(value: float | None, unit: str, extra: int = 0) -> str:
    """A before or after level (a rate, a mean) in the claim's unit."""
    if value is None:
        return "n/a"
    _change, fmt, p = _formats(unit)
    return _minus(fmt.format(value, p=p + extra))


def format_kpi_actual(kpi: dict[str, Any]) -> str:
    """A KPI's actual in its claim's unit, with its interval: ``4.0% (1.8% to 8.5%)``."""
    if kpi.get("actual") is None:
        return "—"
    unit = str(kpi.get("unit") or "")
    show = format_level if kpi.get("actual_is_level", True) else format_change
    text = show(kpi["actual"], unit)
    interval = kpi.get("interval")
    if interval:
        text += f" ({show(interval[0], unit)} to {show(interval[1], unit)})"
    return text


def _nonzero(text: str) -> bool:
    return any(ch in "123456789" for ch in text)


def format_number(claim: Claim, value: float | None, extra: int = 0) -> str:
    """A number of this claim (estimate or interval end) in its unit, signed if a change."""
    if claim.comparison.is_level:
        return format_level(value, claim.unit, extra)
    return format_change(value, claim.unit, extra)


def _distinct_precision(claim: Claim, values: list[float]) -> int:
    """The fewest extra decimals at which distinct values print distinctly and a value that is
    not zero does not print as zero (``0.00% to 0.00%`` for an interval above zero)."""
    for extra in range(MAX_EXTRA_DECIMALS + 1):
        shown = [format_number(claim, v, extra) for v in values]
        zero_shown = any(v != 0 and not _nonzero(t) for v, t in zip(values, shown, strict=True))
        clash = any(
            shown[i] == shown[j] and values[i] != values[j]
            for i in range(len(values))
            for j in range(i + 1, len(values))
        )
        if not zero_shown and not clash:
            return extra
    return MAX_EXTRA_DECIMALS


def format_interval(claim: Claim) -> str:
    """``95% CI −14.2 pp to −1.9 pp``, or why there is none; as many decimals as it takes for
    the ends to be told apart from each other, from the estimate and from zero."""
    if claim.ci_low is None or claim.ci_high is None or claim.ci_level is None:
        return f"no interval ({claim.code or 'not applicable'})"
    values = [claim.ci_low, claim.ci_high]
    if claim.estimate is not None:
        values.append(claim.estimate)
    extra = _distinct_precision(claim, values)
    low = format_number(claim, claim.ci_low, extra)
    high = format_number(claim, claim.ci_high, extra)
    return f"{claim.ci_level:.0%} CI {low} to {high}"


def _unsigned(text: str) -> str:
    return text.lstrip("+" + MINUS)


def format_magnitude(claim: Claim) -> str:
    """The estimate and interval with the sign left to the verb before them ("cut by 8.0 pp
    (95% CI 1.8 pp to 14.5 pp)"). Only for a change whose interval lies on one side of zero;
    callers check :func:`direction_conflict` first."""
    est, low, high = claim.estimate, claim.ci_low, claim.ci_high
    if est is None:
        return format_claim(claim)
    if low is None or high is None or claim.ci_level is None:
        return _unsigned(format_number(claim, est))
    values = [low, high, est]
    extra = _distinct_precision(claim, values)
    ends = sorted([low, high], key=abs)
    a, b = (_unsigned(format_number(claim, v, extra)) for v in ends)
    shown = _unsigned(format_number(claim, est, _distinct_precision(claim, [est])))
    return f"{shown} ({claim.ci_level:.0%} CI {a} to {b})"


def format_estimate(claim: Claim) -> str:
    """The estimate alone, with enough decimals not to read as zero when it is not."""
    if claim.estimate is None:
        return "n/a"
    return format_number(claim, claim.estimate, _distinct_precision(claim, [claim.estimate]))


def _amount(amount: float, unit: str) -> str:
    sign = MINUS if amount < 0 and round(abs(amount)) != 0 else ""
    if unit != "USD":
        return f"{sign}{abs(amount):,.0f} {unit}"
    return f"{sign}${abs(amount):,.0f}"


def format_usd(amount: float) -> str:
    """Dollars as people write them: $1,234 and −$1,234."""
    return _amount(amount, "USD")


def _period_suffix(period: str) -> str:
    return f"/{period}" if period in {"year", "month"} else f" ({period})" if period else ""


def format_money(value: dict[str, Any] | None, interval: bool = True) -> str:
    """A value with its period and, where the estimate has one, the interval carried through
    the formula: ``$219,168/year (95% CI $49,300 to $388,000)``."""
    if not value:
        return "n/a"
    unit = value.get("unit", "USD")
    text = _amount(float(value["amount"]), unit) + _period_suffix(value.get("period", ""))
    low, high, level = value.get("low"), value.get("high"), value.get("level")
    if interval and low is not None and high is not None and level is not None:
        text += f" ({level:.0%} CI {_amount(low, unit)} to {_amount(high, unit)})"
    return text


def format_value_band(value: dict[str, Any] | None) -> str:
    """The sensitivity band (the estimate's interval and the constants' ranges together), and
    the observed total beside an extrapolation; empty when the value model gives neither."""
    if not value:
        return ""
    unit = value.get("unit", "USD")
    parts = []
    band = value.get("band")
    if band:
        parts.append(
            f"with the constants' ranges, {_amount(band['low'], unit)} to "
            f"{_amount(band['high'], unit)}"
        )
    observed = value.get("observed")
    if observed:
        parts.append(f"observed: {_amount(observed['amount'], unit)} in {observed['period']}")
    return "; ".join(parts)


def format_claim(claim: Claim) -> str:
    """Estimate with its interval: the default rendering of ``{{ claim.slug }}``."""
    if claim.estimate is None:
        return f"insufficient data ({claim.code})"
    return f"{format_estimate(claim)} ({format_interval(claim)})"


def format_attribute(claim: Claim, attribute: str | None) -> str:
    """The text ``{{ claim.slug.attribute }}`` stands for."""
    match attribute:
        case None:
            return format_claim(claim)
        case "estimate":
            return format_estimate(claim)
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


def verdict_label(verdict: Verdict | str) -> str:
    """The words for a stored verdict; a level or count on its own has none."""
    return Verdict(verdict).label


class Direction(IntEnum):
    """Which way a verb in the prose says a number moved."""

    DOWN = -1
    UP = 1
    BETTER = 0  # "improved": the verdict, not the sign, carries it


_DOWN = (
    "cut|cuts|cutting|reduced?|reduces|reducing|lowered|lowers?|lowering|shortened|shortens?|"
    "decreased?|decreases|dropped|drops?|fell|falls?|saved?|saves|saving|trimmed|trims?|shrank|"
    "shrunk|shrinks?|halved"
)
_UP = (
    "raised?|raises|raising|increased?|increases|lifted|lifts?|grew|grows?|boosted|boosts?|"
    "rose|rises?"
)
_BETTER = "improved?|improves|improving"
# A verb, optionally its object and "by", right before the reference: "cut X by {{ ... }}".
_VERB_BEFORE = re.compile(
    rf"\b(?:(?P<down>{_DOWN})|(?P<up>{_UP})|(?P<better>{_BETTER}))\b"
    r"(?:[^.;!?{}]{0,80}?\bby)?\s*$",
    re.IGNORECASE,
)


def verb_direction(before: str) -> Direction | None:
    """The direction the prose right before a reference gives its number, if any."""
    sentence = re.split(r"[.!?;]\s|\n\s*\n", before)[-1]
    m = _VERB_BEFORE.search(sentence)
    if m is None:
        return None
    if m.group("down"):
        return Direction.DOWN
    return Direction.UP if m.group("up") else Direction.BETTER


def direction_conflict(claim: Claim, direction: Direction | None) -> str | None:
    """Why the verb contradicts the claim's sign or verdict ("cut" on a rise), or None."""
    if direction is None or not claim.comparison.is_signed:
        return None
    if claim.estimate is None:
        return None
    if direction is Direction.BETTER:
        return None  # the overclaim rule judges "improved" against the verdict
    if claim.estimate * direction < 0 or claim.estimate == 0:
        moved = "rose" if claim.estimate > 0 else "fell" if claim.estimate < 0 else "did not move"
        verb = "down" if direction is Direction.DOWN else "up"
        return (
            f"the prose says it went {verb}, but '{claim.slug}' {moved} ({format_estimate(claim)})"
        )
    return None


def format_reference(claim: Claim, attribute: str | None, before: str) -> str:
    """The text of a reference in its sentence: the default and ``estimate`` forms drop their
    sign when a verb before them carries it ("cut by 8.0 pp", "saves 1.620 Wh") and the
    interval lies on the verb's side of zero. A contradicting verb is refused by the caller."""
    direction = verb_direction(before)
    one_sided = (
        claim.ci_low is not None
        and claim.ci_high is not None
        and (claim.ci_low > 0 or claim.ci_high < 0)
    )
    carried = (
        attribute in (None, "estimate")
        and direction is not None
        and claim.comparison.is_signed
        and claim.estimate is not None
        and direction_conflict(claim, direction) is None
        and (direction is not Direction.BETTER or claim.verdict is Verdict.IMPROVED)
    )
    if carried and attribute == "estimate":
        return _unsigned(format_estimate(claim))
    if carried and one_sided:
        return format_magnitude(claim)
    return format_attribute(claim, attribute)
