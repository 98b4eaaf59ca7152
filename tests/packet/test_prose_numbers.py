"""Numbers in prose: every quantity found (digits and words), identifiers left alone, signs
carried by verbs, and intervals printed with the digits that tell them apart."""

from __future__ import annotations

import pytest

from perfpacket.packet.format import (
    _FORMATS,
    Direction,
    direction_conflict,
    format_interval,
    format_reference,
    verb_direction,
)
from perfpacket.quantities import find_quantities
from tests.packet.test_render import _claim


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # the examples, one per form
        ("Over the last twelve months", ["twelve"]),
        ("I enabled four teams", ["four"]),
        ("ninety percent of calls", ["ninety"]),
        ("cut escapes by half", ["by half"]),
        ("a third of the spend", ["a third"]),
        ("2000 engineer hours", ["2000"]),
        ("a $40k/month spike", ["$40k"]),
        ("from 12% to 4%", ["12%", "4%"]),
        ("losing about a quarter point a week", ["a quarter"]),
        ("twenty-one services and two thirds of the fleet", ["twenty-one", "two thirds"]),
        ("latency doubled", ["doubled"]),
        ("a one-hour wait", ["one-hour"]),
        ("3x faster and 10× cheaper", ["3x", "10×"]),
        ("saves −1.6 Wh", ["−1.6"]),
    ],
)
def test_quantities_in_digits_and_words_are_found(text: str, found: list[str]) -> None:
    assert [q.text for q in find_quantities(text)] == found


@pytest.mark.parametrize(
    "text",
    [
        "in 2025 we moved gpt-4o and claude-3-5-sonnet traffic",
        "the v2.3 release, p95 and p99, Q3 and P0, issue #412",
        "shipped on 2026-03-01, and on March 3",
        "see https://github.com/org/repo/pull/123 and [PR](https://example.com/a/7)",
        "LLM cost per 1k requests",
        "one of the teams, once a quarter, one page a quarter",
    ],
)
def test_identifiers_dates_and_periods_are_not_quantities(text: str) -> None:
    assert find_quantities(text) == []


def test_quantity_spans_point_at_the_text() -> None:
    text = "We saved ninety percent for four teams."
    for q in find_quantities(text):
        assert text[q.start : q.end] == q.text


# A change of each unit the recipes produce, falling and rising.
# Counts and rates of work done (never a change) have no sign to carry.
COUNTS = {"incidents", "reviews/month", "USD/month", "interviews/month", "loops"}
UNITS = sorted(u for u in _FORMATS if u not in COUNTS)


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize(("sign", "down", "up"), [(-1, "cut", "raised"), (1, "raised", "cut")])
def test_the_verb_carries_the_sign_in_both_directions(
    unit: str, sign: int, down: str, up: str
) -> None:
    claim = _claim(unit=unit, estimate=sign * 80.0, ci_low=sign * 18.0, ci_high=sign * 145.0)
    agreeing = format_reference(claim, None, f"The work {down} it by ")
    assert not agreeing.startswith(("+", "\u2212", "-")), agreeing
    assert "\u2212" not in agreeing and "+" not in agreeing
    # the interval's ends read from the nearer to the farther from zero
    assert agreeing.index("18") < agreeing.index("145")
    # a verb that says the opposite is a contradiction, named with the claim and its move
    conflict = direction_conflict(claim, verb_direction(f"The work {up} it by "))
    moved = "fell" if sign < 0 else "rose"
    assert conflict is not None and f"'{claim.slug}' {moved}" in conflict
    # a neutral verb keeps the sign
    neutral = format_reference(claim, None, "It changed by ")
    assert neutral.startswith("\u2212" if sign < 0 else ("+", "$"))


def test_saves_and_improved_carry_the_sign() -> None:
    energy = _claim(unit="Wh", estimate=-1.620, ci_low=-1.635, ci_high=-1.605)
    assert format_reference(energy, None, "The change saves ").startswith("1.620 Wh (95% CI")
    latency = _claim(unit="ms", estimate=-361.0, ci_low=-399.0, ci_high=-325.0)
    assert format_reference(latency, "estimate", "It improved p95 latency by ") == "361 ms"
    assert verb_direction("It improved p95 latency by ") is Direction.BETTER


def test_an_interval_across_zero_keeps_its_signs() -> None:
    flat = _claim(
        unit="tokens", estimate=2.0, ci_low=-11.0, ci_high=15.0, verdict="no_detectable_change"
    )
    text = format_reference(flat, None, "It changed tokens by ")
    assert text == "+2 tokens (95% CI \u221211 tokens to +15 tokens)"


def test_intervals_are_told_apart_from_zero_and_from_their_estimate() -> None:
    # 0 errors in 1e9 requests: a Wilson upper bound of about 3.8e-7 %, not "0.00% to 0.00%".
    rate = _claim(
        unit="%",
        comparison="target",
        estimate=0.0,
        ci_low=0.0,
        ci_high=3.84e-7,
        verdict="meets_target",
    )
    assert format_interval(rate) == "95% CI 0.0000000% to 0.0000004%"
    # an interval end that prints like the estimate gets another decimal
    close = _claim(unit="pp", estimate=-8.02, ci_low=-8.04, ci_high=-8.00)
    assert format_interval(close) == "95% CI \u22128.04 pp to \u22128.00 pp"
    # enough digits already: nothing added
    assert format_interval(_claim()) == "95% CI \u221214.5 pp to \u22121.8 pp"


def test_a_call_written_as_text_is_not_a_quantity() -> None:
    assert find_quantities("<script>alert(2)</script> and f(3)") == []
    assert [q.text for q in find_quantities("a gain (12%) this cycle")] == ["12%"]
