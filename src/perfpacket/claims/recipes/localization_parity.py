"""Localization parity: each locale's eval pass rate against the source language's, the worst
locale's gap judged against a parity tolerance, and how that gap changed after the work.

A multilingual benchmark arrives as one eval run per language (lm-evaluation-harness names its
tasks ``xnli_de``, ``xnli_fr``, …; each task is a run): those are the benchmark's slices. Runs of
one benchmark by the same model at the same time form a sweep; a sweep with the source language
(``en``) and at least one other locale can be compared.

- The worst locale's gap: every locale's pass rate less the source's, with Newcombe's hybrid
  score interval at a Bonferroni level over the locales, so that all of them (and so the worst,
  whichever it is) hold together at 95%. "One product N times" is only as good as its worst
  locale: that gap is judged against the parity tolerance by its interval.
- The change in that locale's gap between the first sweep and the latest, when they evaluated
  different models or prompts: a difference of two differences of proportions with its Wald
  interval (thousands of items per locale). The four rates are treated as independent; the
  items are the same translated set in both sweeps, so scores correlate and the interval is
  conservative.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import by_me, name, ref
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._query import pass_count, person_records
from perfpacket.claims.value import Constant
from perfpacket.slugs import slugify
from perfpacket.stats import (
    Direction,
    StatResult,
    diff_in_diff_wald,
    judged_against,
    newcombe_diff_interval,
)
from perfpacket.store.models import Claim, EvalRun
from perfpacket.vocab import Comparison

SOURCE = "en"
# A task named BENCHMARK_LOCALE: a language code, optionally with a script or region
# (xnli_de, belebele_deu_Latn, m_mmlu_pt-BR).
LOCALE = re.compile(r"^(?P<base>.+?)_(?P<locale>[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?)$")
LEVEL = 0.95


@dataclass(frozen=True)
class Rate:
    passed: int
    n: int
    run_id: int


@dataclass
class Sweep:
    """One benchmark's runs in several locales by one model at one time."""

    benchmark: str
    model: str | None
    prompt: str | None
    at: datetime
    rates: dict[str, Rate]

    @property
    def system(self) -> tuple[str | None, str | None]:
        return self.model, self.prompt


def locale_of(suite: str) -> tuple[str, str] | None:
    found = LOCALE.match(suite)
    return (found["base"], found["locale"]) if found else None


def sweeps(ctx: RecipeContext) -> dict[str, list[Sweep]]:
    """The person's multilingual sweeps by benchmark, oldest first; only sweeps with the
    source language and another locale."""
    grouped: dict[tuple[str, str | None, str | None, datetime], dict[str, Rate]] = defaultdict(dict)
    for run in person_records(ctx, EvalRun):
        parts = locale_of(run.suite)
        passed = pass_count(run)
        if parts is None or passed is None or run.n <= 0:
            continue
        benchmark, locale = parts
        key = (benchmark, run.model, run.prompt_version, run.run_at)
        grouped[key][locale] = Rate(passed, run.n, run.id)
    out: dict[str, list[Sweep]] = defaultdict(list)
    for (benchmark, model, prompt, at), rates in grouped.items():
        if SOURCE in rates and len(rates) >= 2:
            out[benchmark].append(Sweep(benchmark, model, prompt, at, rates))
    return {b: sorted(s, key=lambda w: w.at) for b, s in out.items()}


def _count_sweeps(ctx: RecipeContext) -> int:
    return max((len(s) for s in sweeps(ctx).values()), default=0)


def locale_gaps(sweep: Sweep) -> dict[str, StatResult]:
    """Each locale's pass rate less the source's, with Newcombe's interval at the Bonferroni
    level over every locale compared (so all hold together at 95%); locales whose rates give
    no interval are left out, but still count in the level."""
    source = sweep.rates[SOURCE]
    others = sorted(k for k in sweep.rates if k != SOURCE)
    each = 1 - (1 - LEVEL) / len(others)
    gaps = {}
    for locale in others:
        r = sweep.rates[locale]
        res = newcombe_diff_interval(r.passed, r.n, source.passed, source.n, level=each)
        if res.estimate is not None and res.ci_low is not None and res.ci_high is not None:
            gaps[locale] = replace(
                res,
                method=f"{res.method}, at {each:.2%} for each of {len(others)} locales "
                f"(Bonferroni), so that all hold together at {LEVEL:.0%}",
                ci_level=LEVEL,
            )
    return gaps


def _gap(result: StatResult) -> float:
    assert result.estimate is not None
    return result.estimate


class LocalizationParityRecipe:
    name = "localization-parity"
    title = "Localization parity: the worst locale against the source language"
    dimensions: tuple[str, ...] = ("applied-ml-evaluation", "experimentation-product")
    needs: tuple[Need, ...] = (
        Need(
            f"eval runs of one benchmark in several locales with the source language "
            f"(tasks named BENCHMARK_LOCALE, one of them _{SOURCE}), the most on any benchmark",
            "perfpacket import lm-eval (a multilingual task: xnli, belebele, m_mmlu …)",
            1,
            _count_sweeps,
        ),
    )

    def describe(self, claim: Claim) -> str:
        """The worst locale against the tolerance; the change in its gap across versions."""
        locale = name(str((claim.details or {}).get("locale", "the worst locale")))
        if claim.comparison is Comparison.TARGET:
            return (
                f"Of the locales the benchmark tests, {locale} trails the source language "
                f"most: its pass rate is {ref(claim, 'current')} from the source's, against a "
                f"parity tolerance of {ref(claim, 'baseline')} ({ref(claim, 'verdict')})."
            )
        work = by_me(claim, "the localization work")
        return (
            f"On the same evaluation items, {work} moved {locale}'s gap to the source language "
            f"from {ref(claim, 'baseline')} to {ref(claim, 'current')}, a change of "
            f"{ref(claim)}."
        )

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        by_benchmark = sweeps(ctx)
        if not by_benchmark:
            return []
        tolerance = ctx.value_model["locale_parity_tolerance"]
        claims = []
        for benchmark, found in by_benchmark.items():
            latest = found[-1]
            gaps = locale_gaps(latest)
            if not gaps:
                continue
            worst = min(gaps, key=lambda k: (_gap(gaps[k]), k))
            claims.append(self._worst(benchmark, latest, gaps, worst, tolerance))
            first = found[0]
            earlier = locale_gaps(first)
            if first.system != latest.system and earlier:
                was = min(earlier, key=lambda k: (_gap(earlier[k]), k))
                if was in latest.rates:
                    claims.append(self._change(benchmark, first, latest, was))
        return claims

    def _worst(
        self,
        benchmark: str,
        sweep: Sweep,
        gaps: dict[str, StatResult],
        worst: str,
        tolerance: Constant,
    ) -> ClaimDraft:
        raw = gaps[worst]
        result = judged_against(
            raw,
            -tolerance.value,
            Direction.HIGHER_IS_BETTER,
            f"the parity tolerance of {tolerance.value * 100:g} points",
        )
        return ClaimDraft(
            slug=slugify(benchmark, "worst-locale-gap"),
            title=f"Worst locale's gap to the source language on {benchmark}: {worst}",
            recipe=self.name,
            metric=f"pass-rate gap of the worst locale to {SOURCE}",
            unit="pp gap",
            direction=Direction.HIGHER_IS_BETTER,
            comparison=Comparison.TARGET,
            result=result,
            scale=100.0,
            baseline=-100 * tolerance.value,
            current=100 * _gap(raw),
            dimensions=self.dimensions,
            assumptions=(
                f"parity tolerance: {tolerance.source}",
                f"the benchmark's items stand for what users ask in each locale; the source "
                f"language is '{SOURCE}'",
                "the worst locale is picked after looking; the Bonferroni level over all "
                "locales keeps its interval honest",
            ),
            evidence_ids=tuple(r.run_id for r in sweep.rates.values()),
            details={
                "locale": worst,
                "locales": {
                    k: [round(v, 6) for v in (_gap(r), r.ci_low or 0.0, r.ci_high or 0.0)]
                    for k, r in sorted(gaps.items())
                },
                "model": sweep.model,
                "value_note": "parity is a bar a product meets, not a gain to price",
            },
            inputs={k: [r.passed, r.n] for k, r in sorted(sweep.rates.items())},
        )

    def _change(self, benchmark: str, first: Sweep, latest: Sweep, locale: str) -> ClaimDraft:
        a, b = latest.rates, first.rates
        result = diff_in_diff_wald(
            ((a[locale].passed, a[locale].n), (a[SOURCE].passed, a[SOURCE].n)),
            ((b[locale].passed, b[locale].n), (b[SOURCE].passed, b[SOURCE].n)),
        )

        def gap(rates: dict[str, Rate]) -> float:
            return 100 * (
                rates[locale].passed / rates[locale].n - rates[SOURCE].passed / rates[SOURCE].n
            )

        return ClaimDraft(
            slug=slugify(benchmark, "locale-gap-change"),
            title=f"{locale} gap to {SOURCE} on {benchmark}: {first.model} → {latest.model}",
            recipe=self.name,
            metric=f"{locale} pass-rate gap to {SOURCE}",
            unit="pp gap",
            direction=Direction.HIGHER_IS_BETTER,
            comparison=Comparison.PAIRED,
            result=result,
            scale=100.0,
            baseline=gap(b),
            current=gap(a),
            dimensions=self.dimensions,
            assumptions=(
                f"{locale} was the worst locale in the first sweep; its gap is followed, not "
                "the worst of the latest, so the comparison is not picked after looking",
                "the same benchmark items in both sweeps; the interval treats the four rates as "
                "independent, which is conservative when scores on the same items correlate",
                f"a gap also closes when the source language gets worse: {SOURCE} went from "
                f"{100 * b[SOURCE].passed / b[SOURCE].n:.1f}% to "
                f"{100 * a[SOURCE].passed / a[SOURCE].n:.1f}% passed",
            ),
            evidence_ids=(
                b[locale].run_id,
                b[SOURCE].run_id,
                a[locale].run_id,
                a[SOURCE].run_id,
            ),
            details={
                "locale": locale,
                "source_before": b[SOURCE].passed / b[SOURCE].n,
                "source_after": a[SOURCE].passed / a[SOURCE].n,
                "from": first.model,
                "to": latest.model,
                "value_note": "an offline metric: its effect on users is read in an A/B test",
            },
            inputs={
                "before": [[b[locale].passed, b[locale].n], [b[SOURCE].passed, b[SOURCE].n]],
                "after": [[a[locale].passed, a[locale].n], [a[SOURCE].passed, a[SOURCE].n]],
            },
        )
