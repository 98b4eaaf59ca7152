"""``perfpacket stats``: the statistics core as a calculator for people and scripts."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import typer

from perfpacket.cli._app import print_json, say
from perfpacket.errors import InputError

if TYPE_CHECKING:
    from perfpacket.stats import Proportion, SampleMean, StatResult

_COUNT = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_MOMENTS = re.compile(r"^\s*([-+0-9.eE]+)\s*,\s*([-+0-9.eE]+)\s*,\s*(\d+)\s*$")


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


def _label(name: str) -> str:
    """Options are named in messages; positional arguments are known by their value."""
    return f"{name} " if name.startswith("--") else ""


def parse_count(text: str, name: str) -> tuple[int, int]:
    """``X/N`` with 0 <= X <= N."""
    match = _COUNT.match(text)
    if not match:
        raise InputError(
            f"{_label(name)}'{text}' is not X/N",
            hint=f"write successes over trials, e.g. {_label(name)}12/150",
        )
    x, n = int(match.group(1)), int(match.group(2))
    if n == 0:
        raise InputError(f"{_label(name)}'{text}' has no trials", hint="N must be at least 1")
    if x > n:
        raise InputError(
            f"{_label(name)}'{text}' has more successes than trials", hint="X must be at most N"
        )
    return x, n


def parse_arm(text: str, name: str) -> Proportion | SampleMean:
    """``X/N`` for conversions or ``SUM,SUM_SQUARES,N`` for a mean metric."""
    from perfpacket.stats import Proportion, SampleMean

    if _COUNT.match(text):
        return Proportion(*parse_count(text, name))
    match = _MOMENTS.match(text)
    if match:
        try:
            return SampleMean(float(match.group(1)), float(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise InputError(
        f"{name} '{text}' is neither X/N nor SUM,SUM_SQUARES,N",
        hint=f"e.g. {name} 412/4000 for conversions, or {name} 1396.87,52377.98,3407 for a mean",
    )


def _level_option() -> Any:
    return typer.Option(0.95, "--level", min=0.5, max=0.999, help="Confidence level.")


def _fmt(value: float | None, percent: bool, signed: bool) -> str:
    if value is None:
        return "n/a"
    text = (
        f"{value * 100:{'+' if signed else ''}.2f}"
        if percent
        else f"{value:{'+' if signed else ''}.4g}"
    )
    return text.replace("-", "\u2212")


def _sentence(result: StatResult, what: str, unit: str, percent: bool, signed: bool) -> str:
    """One readable sentence; a single rate (unsigned) has no change to give a verdict on."""
    if result.code is not None:
        return f"{what}: no estimate ({result.code.value}); verdict: insufficient data."
    est = _fmt(result.estimate, percent, signed)
    low, high = _fmt(result.ci_low, percent, signed), _fmt(result.ci_high, percent, signed)
    p = f", p = {result.p_value:.3g}" if result.p_value is not None else ""
    text = (
        f"{what} = {est}{unit} ({result.ci_level:.0%} CI {low} to {high}{unit}; {result.method}{p})"
    )
    if not signed:
        return text + "."
    return text + f"; verdict: {result.verdict.value.replace('_', ' ')}."


def _emit(result: StatResult, as_json: bool, sentence: str) -> None:
    if as_json:
        print_json(result.to_dict())
    else:
        say(sentence)


def register(app: typer.Typer) -> None:
    stats_app = typer.Typer(help="Statistics calculator: intervals, tests and verdicts.")
    app.add_typer(stats_app, name="stats")

    @stats_app.command()
    def proportion(
        count: str = typer.Argument(..., metavar="X/N", help="Successes over trials."),
        level: float = _level_option(),
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """A rate with its Wilson score interval."""
        from perfpacket.stats import wilson_interval

        x, n = parse_count(count, "X/N")
        result = wilson_interval(x, n, level)
        _emit(result, as_json, _sentence(result, f"{x}/{n}", "%", True, False))

    @stats_app.command()
    def diff(
        first: str = typer.Argument(..., metavar="X1/N1", help="The first rate (e.g. after)."),
        second: str = typer.Argument(..., metavar="X2/N2", help="The second rate (e.g. before)."),
        paired: bool = typer.Option(
            False, "--paired", help="The same items under both versions (needs --both)."
        ),
        both: int | None = typer.Option(
            None, "--both", metavar="K", help="With --paired: items that succeeded under both."
        ),
        better: Better = typer.Option(
            Better.HIGHER, "--better", help="Which way is an improvement for this rate."
        ),
        level: float = _level_option(),
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """p1 - p2: Newcombe's hybrid score interval, or paired with McNemar's test."""
        from perfpacket.stats import Direction, newcombe_diff_interval, paired_proportion_diff

        x1, n1 = parse_count(first, "X1/N1")
        x2, n2 = parse_count(second, "X2/N2")
        direction = (
            Direction.HIGHER_IS_BETTER if better is Better.HIGHER else Direction.LOWER_IS_BETTER
        )
        if paired:
            if both is None:
                raise InputError(
                    "--paired needs --both K, the items that succeeded under both versions",
                    hint="e.g. perfpacket stats diff 420/500 388/500 --paired --both 380",
                )
            if n1 != n2:
                raise InputError(
                    f"paired rates need the same items: N1 is {n1}, N2 is {n2}",
                    hint="drop --paired for independent samples",
                )
            if not (max(0, x1 + x2 - n1) <= both <= min(x1, x2)):
                raise InputError(
                    f"--both {both} is impossible with {x1}/{n1} and {x2}/{n2}",
                    hint=f"K lies between {max(0, x1 + x2 - n1)} and {min(x1, x2)}",
                )
            result = paired_proportion_diff(
                both, x1 - both, x2 - both, n1 - x1 - x2 + both, level, direction
            )
        else:
            result = newcombe_diff_interval(x1, n1, x2, n2, level, direction)
        _emit(result, as_json, _sentence(result, f"{x1}/{n1} \u2212 {x2}/{n2}", " pp", True, True))

    @stats_app.command()
    def ab(
        control: str = typer.Option(
            ..., "--control", metavar="C", help="X/N conversions, or SUM,SUM_SQUARES,N."
        ),
        treatment: str = typer.Option(
            ..., "--treatment", metavar="T", help="X/N conversions, or SUM,SUM_SQUARES,N."
        ),
        relative: bool = typer.Option(
            True, "--relative/--absolute", help="Lift over control in percent, or in the metric."
        ),
        level: float = _level_option(),
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """A/B readout: GrowthBook's frequentist two-sided t-test (Welch df)."""
        from perfpacket.stats import Proportion, ab_test

        c = parse_arm(control, "--control")
        t = parse_arm(treatment, "--treatment")
        if isinstance(c, Proportion) != isinstance(t, Proportion):
            raise InputError(
                "--control and --treatment must both be X/N or both SUM,SUM_SQUARES,N",
                hint="compare the same kind of metric in both arms",
            )
        result = ab_test(c, t, relative=relative, level=level)
        rate = isinstance(c, Proportion)
        if relative:
            text = _sentence(result, "Relative lift", "%", True, True)
        elif rate:
            text = _sentence(result, "Absolute lift", " pp", True, True)
        else:
            text = _sentence(result, "Absolute lift", "", False, True)
        _emit(result, as_json, text)
