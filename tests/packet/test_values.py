"""Dollars with intervals: a value carries its estimate's interval through the formula, the
constants' ranges widen it to a band, the brief's totals have intervals, and a KPI is met only
when its interval says so."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from scipy import stats

from perfpacket.claims.value import Constant, Observed, load_value_model, priced
from perfpacket.errors import InputError
from perfpacket.ladder.assess import ClaimFact, _kpis
from perfpacket.ladder.schema import Kpi, Role
from perfpacket.packet.context import total_interval
from perfpacket.packet.format import format_money, format_value_band
from perfpacket.vocab import Verdict

HOUR = Constant("engineer_hour_cost_usd", 120.0, "USD/hour", "finance", 90.0, 160.0)
SHARE = Constant("qa_effort_share", 0.05, "share", "time tracking", 0.03, 0.10)


def saved(change: float, k: dict[str, float]) -> float:
    return -change * k["qa_effort_share"] * 100 * k["engineer_hour_cost_usd"]


def test_the_interval_goes_through_the_formula_and_ranges_widen_it() -> None:
    value = priced(
        saved, -300.0, -320.0, -280.0, 0.95, (SHARE, HOUR), unit="USD", period="year", text="f"
    )
    # hand-computed: hours saved x share x 100 swaps x $/hour
    assert value.amount == 300 * 0.05 * 100 * 120
    assert (value.low, value.high) == (280 * 0.05 * 100 * 120, 320 * 0.05 * 100 * 120)
    assert value.level == 0.95
    # band: the least hours at the lowest share and rate, the most at the highest
    assert value.band_low == 280 * 0.03 * 100 * 90
    assert value.band_high == pytest.approx(320 * 0.10 * 100 * 160)
    shown = format_money(value.to_dict())
    assert shown == "$180,000/year (95% CI $168,000 to $192,000)"
    assert format_value_band(value.to_dict()) == "with the constants' ranges, $75,600 to $512,000"


def test_a_negative_factor_swaps_the_ends_and_no_interval_stays_none() -> None:
    value = priced(
        lambda x, _k: -2 * x, 5.0, 1.0, 9.0, 0.9, (), unit="USD", period="year", text="f"
    )
    assert (value.amount, value.low, value.high) == (-10.0, -18.0, -2.0)
    bare = priced(lambda x, _k: x, 5.0, None, None, None, (), unit="USD", period="year", text="")
    assert bare.low is None and bare.high is None and bare.band_low is None
    assert format_money(bare.to_dict()) == "$5/year"


def test_an_extrapolation_shows_what_was_observed() -> None:
    value = priced(
        lambda x, _k: x * 30.44,
        1000.0,
        900.0,
        1100.0,
        0.95,
        (),
        unit="USD",
        period="one-off",
        text="f",
        observed=Observed(21000.0, "21 days observed"),
    )
    assert format_value_band(value.to_dict()) == "observed: $21,000 in 21 days observed"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "x:\n  value: 5\n  low: 6\n  high: 9\n  unit: u\n  source: s\n",
            "field x: low 6 ≤ value 5 ≤ high 9 does not hold",
        ),
        ("x:\n  value: 5\n  low: 1\n  unit: u\n  source: s\n", "field x.high: missing"),
        (
            "x:\n  value: 5\n  low: one\n  high: 9\n  unit: u\n  source: s\n",
            "field x.low: expected a number, got 'one'",
        ),
    ],
)
def test_bad_ranges_in_value_yaml_name_the_field(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "value.yaml").write_text(text)
    with pytest.raises(InputError) as err:
        load_value_model(tmp_path)
    assert message in err.value.message


def test_the_totals_interval_matches_the_analytic_sum_for_symmetric_values() -> None:
    z = stats.norm.ppf(0.975)
    values = [
        {"amount": 100_000.0, "low": 100_000 - 30_000 * z, "high": 100_000 + 30_000 * z},
        {"amount": 50_000.0, "low": 50_000 - 40_000 * z, "high": 50_000 + 40_000 * z},
    ]
    for v in values:
        v["level"] = 0.95
    total = total_interval(values)
    assert total is not None
    # independent normals: the sum's sd is 50,000 (a 3-4-5 triangle); Monte Carlo error on a
    # 2.5% quantile of 200,000 draws is about 0.01 sd
    assert total["low"] == pytest.approx(150_000 - 50_000 * z, abs=0.03 * 50_000)
    assert total["high"] == pytest.approx(150_000 + 50_000 * z, abs=0.03 * 50_000)
    assert total_interval(values) == total  # seeded: the same every time


def test_a_skewed_value_keeps_the_totals_interval_skewed() -> None:
    total = total_interval([{"amount": 10.0, "low": 9.0, "high": 20.0, "level": 0.95}])
    assert total is not None
    assert math.isclose(total["low"], 9.0, rel_tol=0.03)
    assert math.isclose(total["high"], 20.0, rel_tol=0.03)


def test_a_total_with_an_unbounded_value_has_no_interval() -> None:
    assert total_interval([{"amount": 1.0, "low": None, "high": None, "level": None}]) is None
    assert total_interval([]) is None


def _role(target: str, measure: str = "current") -> Role:
    kpi = Kpi(id="k", name="k", target=target, cadence="daily", metric="m", measure=measure)
    return Role.model_construct(kpis=[kpi])


@pytest.mark.parametrize(
    ("interval", "status"),
    [((3.0, 4.5), "met"), ((4.0, 6.0), "undecided"), ((5.5, 7.0), "not_met"), (None, "undecided")],
)
def test_a_kpi_is_met_only_when_its_interval_is(
    interval: tuple[float, float] | None, status: str
) -> None:
    fact = ClaimFact("s", "r", Verdict.IMPROVED, "m", current=4.0, current_interval=interval)
    assert _kpis(_role("< 5"), [fact])[0]["status"] == status


def test_a_kpi_on_the_estimate_reads_the_estimates_interval() -> None:
    fact = ClaimFact("s", "r", Verdict.IMPROVED, "m", estimate=2.0, estimate_interval=(1.2, 2.8))
    assert _kpis(_role(">= 1", "estimate"), [fact])[0]["status"] == "met"
    assert _kpis(_role(">= 2.5", "estimate"), [fact])[0]["status"] == "undecided"
