"""Packet rendering: claim references, errors naming lines, sanitised Markdown."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from perfpacket.errors import InputError
from perfpacket.packet import parse_packet, render_packet_html
from perfpacket.store.models import Claim


def _claim(**overrides: object) -> Claim:
    fields: dict[str, object] = dict(
        id=1,
        slug="eval-regression-rate",
        recipe="eval-gate",
        title="Regression escape rate",
        metric="regression escape rate",
        unit="pp",
        direction="lower_is_better",
        comparison="before_after",
        estimate=-8.0,
        ci_low=-14.5,
        ci_high=-1.8,
        ci_level=0.95,
        method="difference of proportions, Newcombe hybrid score interval",
        sample_sizes={"n1": 150, "n2": 150},
        p_value=None,
        code=None,
        verdict="improved",
        baseline=12.0,
        current=4.0,
        value={
            "amount": 216000.0,
            "unit": "USD",
            "period": "year",
            "formula": "f",
            "constants": {},
            "assumptions": [],
        },
        attribution={},
        dimensions=[],
        assumptions=[],
        details={},
        fingerprint="0" * 64,
        computed_at=datetime.now(UTC),
    )
    fields.update(overrides)
    claim = Claim(**fields)
    claim.evidence = []
    return claim


PACKET = """---
person: Ana Okafor
current_level: Senior
target_level: Staff
---
The gate cut escapes by {{ claim.eval-regression-rate }}
(from {{ claim.eval-regression-rate.baseline }} to {{claim.eval-regression-rate.current}}),
worth {{ claim.eval-regression-rate.value }}.
"""


def test_references_resolve_to_linked_formatted_numbers() -> None:
    html = render_packet_html(PACKET, [_claim()])
    assert (
        # "cut ... by" carries the sign: the number reads as a magnitude, not "cut by −8.0 pp".
        '<a class="claim-ref" href="#claim-eval-regression-rate">'
        "8.0 pp (95% CI 1.8 pp to 14.5 pp)</a>"
    ) in html
    assert ">12.0%</a> to <a" in html
    assert ">$216,000/year</a>" in html
    assert "<h1>Ana Okafor</h1>" in html


def test_front_matter_is_parsed_and_lines_are_counted() -> None:
    parsed = parse_packet(PACKET)
    assert parsed.front_matter["target_level"] == "Staff"
    assert [line for line, _slug, _attr in parsed.references] == [6, 7, 7, 8]


def test_unknown_reference_names_its_line() -> None:
    text = PACKET + "\nAnd {{ claim.made-up-number }}.\n"
    with pytest.raises(InputError) as info:
        render_packet_html(text, [_claim()], "packet.md")
    assert info.value.message == "'packet.md' line 10: unknown claim 'made-up-number'"
    assert info.value.hint == "known claims: eval-regression-rate"


def test_unknown_field_names_the_valid_ones() -> None:
    with pytest.raises(InputError) as info:
        render_packet_html("{{ claim.eval-regression-rate.median }}", [_claim()], "p.md")
    assert info.value.message == "'p.md' line 1: claim 'eval-regression-rate' has no field 'median'"


def test_insufficient_data_is_said_plainly() -> None:
    claim = _claim(
        estimate=None,
        ci_low=None,
        ci_high=None,
        code="NO_DATA",
        verdict="insufficient_data",
        value=None,
    )
    html = render_packet_html("Result: {{ claim.eval-regression-rate }}", [claim])
    assert "insufficient data (NO_DATA)" in html


@pytest.mark.parametrize(
    ("payload", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script>alert"),
        ('<img src=x onerror="alert(1)">', "<img"),
        ("[click](javascript:alert(1))", 'href="javascript:'),
        ('<a href="javascript:alert(1)">x</a>', '<a href="javascript:'),
        ("[x](JaVaScRiPt:alert(1))", 'href="JaVaScRiPt:'),
        ("<svg onload=alert(1)>", "<svg onload"),
    ],
)
def test_injection_payloads_render_inert(payload: str, forbidden: str) -> None:
    html = render_packet_html(f"Intro\n\n{payload}\n", [_claim()])
    assert forbidden not in html


def test_invalid_front_matter_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        parse_packet("---\nperson: [unclosed\n---\nbody\n", "packet.md")
    assert info.value.message.startswith("'packet.md' front matter is not valid YAML")


def test_a_level_against_a_target_is_drawn_and_told_against_its_target() -> None:
    """A level judged against a target (an error rate against its SLO) has no "from … to …":
    its baseline is the target. The chart's dashed line is that target, not zero."""
    from perfpacket.packet.chart import interval_chart

    level = _claim(
        slug="gateway-error-rate",
        metric="error rate",
        unit="%",
        comparison="target",
        estimate=0.37,
        ci_low=0.33,
        ci_high=0.41,
        verdict="meets_target",
        baseline=0.5,
        current=0.37,
        value=None,
    )
    chart = interval_chart(level)
    assert "the dashed line is the target" in chart and ">target 0.50%</text>" in chart
    text = "---\nperson: A\ncurrent_level: S\ntarget_level: T\n---\n"
    text += "The rate is {{ claim.gateway-error-rate }}.\n"
    html = render_packet_html(text, [level])
    assert "target 0.50%, now 0.37%" in html and "from 0.50% to 0.37%" not in html
    change = interval_chart(_claim())
    assert "the dashed line is no change" in change and ">0</text>" in change
