"""``perfpacket stats``: the statistics core as a calculator for people and scripts."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import typer

from perfpacket.cli._io import print_json, say
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


def _triple(text: str, name: str) -> tuple[float, float, float]:
    """``SUM,SUM_SQUARES,SUM_PRODUCTS``."""
    parts = [p.strip() for p in text.split(",")]
    try:
        if len(parts) == 3:
            return float(parts[0]), float(parts[1]), float(parts[2])
    except ValueError:
        pass
    raise InputError(
        f"{name} '{text}' is not SUM,SUM_SQUARES,SUM_PRODUCTS",
        hint=f"e.g. {name} 8163,39417,19651.97",
    )


def _split(text: str) -> list[float]:
    """A planned split ``50/50`` or ``30/70`` as weights."""
    parts = text.split("/")
    try:
        weights = [float(p) for p in parts]
    except ValueError:
        weights = []
    if len(weights) != 2 or any(w <= 0 for w in weights):
        raise InputError(
            f"--split '{text}' is not a planned split", hint="e.g. --split 50/50 or --split 30/70"
        )
    return weights


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
    return text + f"; verdict: {result.verdict.label}."


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
        better: Better = typer.Option(
            Better.HIGHER, "--better", help="Which way is an improvement for this metric."
        ),
        control_denominator: str | None = typer.Option(
            None,
            "--control-denominator",
            metavar="SUM,SUM_SQUARES,SUM_PRODUCTS",
            help="A ratio metric (cost per request): the control's denominator and the sum of "
            "numerator × denominator per unit; --control is the numerator.",
        ),
        treatment_denominator: str | None = typer.Option(
            None, "--treatment-denominator", metavar="SUM,SUM_SQUARES,SUM_PRODUCTS"
        ),
        control_pre: str | None = typer.Option(
            None,
            "--control-pre",
            metavar="SUM,SUM_SQUARES,SUM_PRODUCTS",
            help="CUPED: the control's pre-period covariate and the sum of post × pre.",
        ),
        treatment_pre: str | None = typer.Option(
            None, "--treatment-pre", metavar="SUM,SUM_SQUARES,SUM_PRODUCTS"
        ),
        split: str = typer.Option(
            "50/50", "--split", metavar="C/T", help="The planned split, for the SRM check."
        ),
        level: float = _level_option(),
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """A/B readout: GrowthBook's frequentist two-sided t-test (Welch df), with a
        sample-ratio-mismatch check, ratio metrics, CUPED and the minimum detectable effect."""
        from perfpacket.stats import Direction, Proportion, SampleMean
        from perfpacket.stats.ab import (
            Cuped,
            Ratio,
            ab_test,
            impossible,
            minimum_detectable_effect,
            srm_p_value,
            with_srm_check,
        )

        c = parse_arm(control, "--control")
        t = parse_arm(treatment, "--treatment")
        if isinstance(c, Proportion) != isinstance(t, Proportion):
            raise InputError(
                "--control and --treatment must both be X/N or both SUM,SUM_SQUARES,N",
                hint="compare the same kind of metric in both arms",
            )
        arms: dict[str, Any] = {"--control": c, "--treatment": t}
        for extra, kind in (
            ((control_denominator, treatment_denominator), Ratio),
            ((control_pre, treatment_pre), Cuped),
        ):
            if extra == (None, None):
                continue
            flags = ("--control-", "--treatment-")
            suffix = "denominator" if kind is Ratio else "pre"
            if None in extra or isinstance(c, Proportion):
                raise InputError(
                    f"--control-{suffix} and --treatment-{suffix} go together, on mean arms",
                    hint="give both, with --control and --treatment as SUM,SUM_SQUARES,N",
                )
            for flag, text, name in zip(flags, extra, ("--control", "--treatment"), strict=True):
                base = arms[name]
                assert isinstance(base, SampleMean) and text is not None
                total, squares, products = _triple(text, flag + suffix)
                other = SampleMean(total, squares, base.n)
                arms[name] = kind(base, other, products)
        if (
            isinstance(arms["--control"], Ratio | Cuped)
            and isinstance(arms["--treatment"], Ratio | Cuped)
            and type(arms["--control"]) is not type(arms["--treatment"])
        ):
            raise InputError("a ratio metric and CUPED cannot be combined here")
        for name, arm in arms.items():
            why = impossible(arm)
            if why:
                raise InputError(
                    f"{name}: impossible summary statistics: {why}",
                    hint="check the export: these numbers cannot come from any data",
                )
        weights = _split(split)
        direction = (
            Direction.HIGHER_IS_BETTER if better is Better.HIGHER else Direction.LOWER_IS_BETTER
        )
        result = ab_test(arms["--control"], arms["--treatment"], relative, level, direction)
        if result.code is not None and result.code.value in {"ZERO_BASELINE", "NEGATIVE_BASELINE"}:
            sign = "zero" if result.code.value == "ZERO_BASELINE" else "negative"
            raise InputError(
                f"relative lift over a {sign} control mean is not defined (the sign would "
                "invert or the ratio divides by zero)",
                hint="use --absolute for the lift in the metric's own unit",
            )
        srm = srm_p_value([arms["--control"].n, arms["--treatment"].n], weights)
        result = with_srm_check(result, srm)
        mde = minimum_detectable_effect(result)
        rate = isinstance(c, Proportion)
        if relative:
            text = _sentence(result, "Relative lift", "%", True, True)
        elif rate:
            text = _sentence(result, "Absolute lift", " pp", True, True)
        else:
            text = _sentence(result, "Absolute lift", "", False, True)
        unit = "%" if relative else " pp" if rate else ""
        pct = relative or rate
        srm_text = (
            f"Sample ratio: {arms['--control'].n:,} / {arms['--treatment'].n:,} against a "
            f"planned {split}, chi-square p = {srm:.3g}"
            + (
                " (below 0.001: the split is not as planned; do not trust this lift)."
                if srm < 0.001
                else "."
            )
        )
        mde_text = (
            f"Minimum detectable effect at 80% power: {_fmt(mde, pct, False)}{unit}."
            if mde is not None
            else "Minimum detectable effect: not computable without an interval."
        )
        if as_json:
            print_json({**result.to_dict(), "srm_p_value": srm, "split": weights, "mde": mde})
        else:
            say(text)
            say(srm_text)
            say(mde_text)
