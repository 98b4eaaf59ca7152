"""Properties over random inputs (hypothesis): no verdict contradicts its interval, every
interval holds its estimate, and no value lacks an interval where its estimate has one."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.recipes._query import before_after_assumption
from perfpacket.claims.value import Constant, Value, priced
from perfpacket.stats import (
    Direction,
    SampleMean,
    Verdict,
    newcombe_diff_interval,
    paired_proportion_diff,
    wilson_interval,
)
from perfpacket.stats.ab import Proportion, ab_test
from perfpacket.stats.means import welch_diff_interval
from perfpacket.stats.result import StatResult, judged_against
from perfpacket.vocab import Comparison

DIRECTIONS = st.sampled_from([Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER])
CONSTANT = Constant("k", 3.0, "USD", "test", 1.0, 5.0)


def expected_verdict(r: StatResult, direction: Direction, null: float = 0.0) -> set[Verdict]:
    """The verdict the interval alone allows, written out independently of ``judge``."""
    assert r.ci_low is not None and r.ci_high is not None
    if r.ci_low <= null <= r.ci_high:
        return {Verdict.NO_DETECTABLE_CHANGE, Verdict.TARGET_UNDECIDED}
    better = r.ci_low > null if direction is Direction.HIGHER_IS_BETTER else r.ci_high < null
    return (
        {Verdict.IMPROVED, Verdict.MEETS_TARGET}
        if better
        else {
            Verdict.REGRESSED,
            Verdict.MISSES_TARGET,
        }
    )


def check(r: StatResult, direction: Direction, null: float = 0.0) -> None:
    if r.code is not None:
        assert r.verdict is Verdict.INSUFFICIENT_DATA
        return
    assert r.estimate is not None and r.ci_low is not None and r.ci_high is not None
    slack = 1e-9 * max(1.0, abs(r.estimate))
    assert r.ci_low - slack <= r.estimate <= r.ci_high + slack
    assert r.verdict in expected_verdict(r, direction, null)


def check_value(r: StatResult, comparison: Comparison, direction: Direction) -> None:
    """A claim priced from the result: its value has an interval exactly when the estimate
    does, holding the amount; a value without one is refused."""
    if r.estimate is None:
        return
    value = priced(
        lambda x, k: x * k["k"],
        r.estimate,
        r.ci_low,
        r.ci_high,
        r.ci_level,
        (CONSTANT,),
        unit="USD",
        period="year",
        text="x × k",
    )
    assert value.low is not None and value.high is not None
    assert value.low - 1e-6 <= value.amount <= value.high + 1e-6
    assert value.band_low is not None and value.band_high is not None
    assert value.band_low <= value.low + 1e-6 and value.high <= value.band_high + 1e-6
    draft = dict(
        slug="s",
        title="t",
        recipe="r",
        metric="m",
        unit="pp",
        direction=direction,
        comparison=comparison,
        result=r,
        assumptions=(before_after_assumption(datetime(2026, 1, 1, tzinfo=UTC)),),
    )
    ClaimDraft(**draft, value=value)  # type: ignore[arg-type]
    bare = Value(amount=value.amount, unit="USD", period="year", formula="x × k")
    try:
        ClaimDraft(**draft, value=bare)  # type: ignore[arg-type]
    except ValueError as exc:
        assert "its value has none" in str(exc)
    else:
        raise AssertionError("a value without an interval was accepted")


counts = st.integers(min_value=1, max_value=5000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)


@settings(max_examples=200, deadline=None)
@given(counts, counts, DIRECTIONS)
def test_newcombe_verdicts_follow_their_interval(
    a: tuple[int, int], b: tuple[int, int], direction: Direction
) -> None:
    r = newcombe_diff_interval(a[0], a[1], b[0], b[1], direction=direction)
    check(r, direction)
    check_value(r, Comparison.BEFORE_AFTER, direction)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=0, max_size=40),
    st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=0, max_size=40),
    DIRECTIONS,
)
def test_welch_verdicts_follow_their_interval(
    after: list[float], before: list[float], direction: Direction
) -> None:
    r = welch_diff_interval(SampleMean.of(after), SampleMean.of(before), direction=direction)
    check(r, direction)
    check_value(r, Comparison.BEFORE_AFTER, direction)


@settings(max_examples=200, deadline=None)
@given(counts, counts, DIRECTIONS)
def test_ab_verdicts_follow_their_interval(
    c: tuple[int, int], t: tuple[int, int], direction: Direction
) -> None:
    r = ab_test(Proportion(*c), Proportion(*t), relative=False, direction=direction)
    check(r, direction)
    check_value(r, Comparison.AB, direction)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 400), min_size=4, max_size=4), DIRECTIONS)
def test_paired_verdicts_follow_their_interval(cells: list[int], direction: Direction) -> None:
    r = paired_proportion_diff(*cells, direction=direction)
    check(r, direction)
    check_value(r, Comparison.PAIRED, direction)


@settings(max_examples=200, deadline=None)
@given(counts, st.floats(0.0, 1.0), DIRECTIONS)
def test_target_verdicts_follow_their_interval(
    xn: tuple[int, int], target: float, direction: Direction
) -> None:
    r = judged_against(wilson_interval(*xn), target, direction, "t")
    check(r, direction, null=target)
    check_value(r, Comparison.TARGET, direction)
