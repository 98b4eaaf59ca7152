"""Every demo claim recomputed independently from the raw evidence (the store's records and the
telemetry Parquet by its own LiteLLM column names, read with DuckDB SQL), with scipy and
statsmodels rather than perfpacket's statistics, to 1e-6: estimate, interval and value.

References: Newcombe (1998) "Interval estimation for the difference between independent
proportions", method 10, as statsmodels' ``confint_proportions_2indep(method="newcomb")``;
Newcombe (1998c) "Improved confidence intervals for the difference between binomial proportions
based on paired data", method 10, written out below from the paper; Welch's t as
``scipy.stats.ttest_ind_from_stats``; Wilson as ``proportion_confint(method="wilson")``; the
exact Poisson interval from chi-square quantiles (Garwood 1936); order-statistic quantile
intervals as ``scipy.stats.quantile_test``; Newey-West errors as statsmodels' OLS HAC.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from datetime import UTC
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats
from sqlalchemy import select
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from perfpacket.claims.value import load_value_model
from perfpacket.demo import build_demo
from perfpacket.store.models import (
    Claim,
    EvalRun,
    Experiment,
    GuardEvent,
    Incident,
    Person,
    Release,
    Review,
    TelemetrySource,
)
from perfpacket.workspace import find_workspace
from tests.claims.test_diagnosis_and_grades import fce_kappa
from tests.stats.test_paired_and_rates import score_interval

TOL = 1e-6
DAYS_PER_MONTH = 30.44


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("recompute") / "demo"
    build_demo(out)
    ws = find_workspace(out)
    with ws.open_store() as store, store.session() as s:
        person = s.scalars(select(Person).where(Person.email == "ana.okafor@example.com")).one()
        pid = person.id

        def mine(model: Any) -> list[Any]:
            stmt = select(model).where(model.person_id == pid)
            return list(s.scalars(stmt.order_by(model.occurred_at, model.id)))

        source = s.scalars(select(TelemetrySource)).one()
        data = {
            "root": out,
            "claims": {c.slug: c for c in s.scalars(select(Claim).where(Claim.person_id == pid))},
            "releases": mine(Release),
            "guards": mine(GuardEvent),
            "experiments": mine(Experiment),
            "runs": mine(EvalRun),
            "reviews": mine(Review),
            "all_releases": list(s.scalars(select(Release))),
            "incidents": list(s.scalars(select(Incident).order_by(Incident.opened_at))),
            "email": person.email,
            "identities": {person.email, *(i.value.lower() for i in person.identities)},
            # stored relative to the workspace, so a copied workspace reads its own file
            "parquet": str(out / source.uri),
        }
        for claim in data["claims"].values():
            s.expunge(claim)
    data["constants"] = {k: c.value for k, c in load_value_model(out).constants.items()}
    return data


def close(a: float | None, b: float, tol: float = TOL) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def assert_claim(claim: Claim, estimate: float, low: float, high: float) -> None:
    assert close(claim.estimate, estimate), (claim.slug, claim.estimate, estimate)
    assert close(claim.ci_low, low), (claim.slug, claim.ci_low, low)
    assert close(claim.ci_high, high), (claim.slug, claim.ci_high, high)


def assert_value(claim: Claim, amount: float, low: float, high: float, digits: int = 2) -> None:
    value = claim.value
    assert value is not None
    tol = 10**-digits
    assert abs(value["amount"] - amount) <= tol, (claim.slug, value["amount"], amount)
    assert abs(value["low"] - low) <= tol, (claim.slug, value["low"], low)
    assert abs(value["high"] - high) <= tol, (claim.slug, value["high"], high)


def months(releases: list[Release]) -> float:
    return max((releases[-1].released_at - releases[0].released_at).days / DAYS_PER_MONTH, 1.0)


def test_eval_gate_escape_rate_and_its_value(demo: dict[str, Any]) -> None:
    swaps = [r for r in demo["releases"] if r.artifact == "model"]
    before, after = [r for r in swaps if not r.gated], [r for r in swaps if r.gated]
    xb, xa = sum(r.rolled_back for r in before), sum(r.rolled_back for r in after)
    low, high = confint_proportions_2indep(
        xa, len(after), xb, len(before), method="newcomb", compare="diff"
    )
    est = xa / len(after) - xb / len(before)
    claim = demo["claims"]["eval-regression-rate"]
    assert_claim(claim, 100 * est, 100 * low, 100 * high)
    per_year = len(after) * 12 / months(after)
    cost = demo["constants"]["escaped_regression_cost_usd"]
    assert_value(claim, -est * per_year * cost, -high * per_year * cost, -low * per_year * cost)


def test_qa_cycle_time_and_the_measured_hours_it_saves(demo: dict[str, Any]) -> None:
    swaps = [r for r in demo["releases"] if r.artifact == "model"]
    before = [r.qa_hours for r in swaps if not r.gated and r.qa_hours is not None]
    after = [r.qa_hours for r in swaps if r.gated and r.qa_hours is not None]
    test = stats.ttest_ind(after, before, equal_var=False)
    ci = test.confidence_interval(0.95)
    est = float(np.mean(after) - np.mean(before))
    claim = demo["claims"]["qa-cycle-time"]
    assert_claim(claim, est, ci.low, ci.high)
    gated = [r for r in swaps if r.gated]
    k = demo["constants"]
    factor = k["qa_effort_share"] * len(gated) * 12 / months(gated) * k["engineer_hour_cost_usd"]
    assert_value(claim, -est * factor, -ci.high * factor, -ci.low * factor)


def test_retrieval_lift_paired_newcombe(demo: dict[str, Any]) -> None:
    runs = defaultdict(list)
    for run in demo["runs"]:
        if run.items:
            runs[run.suite].append(run)
    base, new = runs["lm-eval/retrieval_offline"][0], runs["lm-eval/retrieval_offline"][-1]
    keys = sorted(set(base.items) & set(new.items))
    b = np.array([base.items[k] for k in keys])
    a = np.array([new.items[k] for k in keys])
    claim = demo["claims"]["lm-eval-retrieval-offline-lift"]
    assert claim.value is None
    if not set(np.unique(np.concatenate([a, b]))) <= {0.0, 1.0}:
        # graded items: the paired t interval of the per-item differences
        ci = stats.ttest_rel(a, b).confidence_interval(0.95)
        assert "paired" in claim.method
        assert_claim(claim, 100 * float(np.mean(a - b)), 100 * ci.low, 100 * ci.high)
        return
    n = len(keys)
    e, f, g, h = (
        int(((a == 1) & (b == 1)).sum()),
        int(((a == 1) & (b == 0)).sum()),
        int(((a == 0) & (b == 1)).sum()),
        int(((a == 0) & (b == 0)).sum()),
    )
    # Newcombe (1998c) method 10: Wilson limits of each margin, combined with the phi correction.
    l1, u1 = proportion_confint(e + f, n, method="wilson")
    l2, u2 = proportion_confint(e + g, n, method="wilson")
    p1, p2 = (e + f) / n, (e + g) / n
    prod = (e + f) * (g + h) * (e + g) * (f + h)
    num = e * h - f * g
    phi = (num - n / 2) / math.sqrt(prod) if num > n / 2 else num / math.sqrt(prod)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2)
    assert_claim(claim, 100 * d, 100 * low, 100 * high)


def test_ab_lift_and_its_value(demo: dict[str, Any]) -> None:
    exp = next(e for e in demo["experiments"] if e.name == "support-answer-prompt-v2")
    c, t = exp.variants[0], exp.variants[1]
    pc, pt = c["conversions"] / c["n"], t["conversions"] / t["n"]
    vc, vt = pc * (1 - pc), pt * (1 - pt)  # GrowthBook's variance for a proportion
    test = stats.ttest_ind_from_stats(
        pt, math.sqrt(vt), t["n"], pc, math.sqrt(vc), c["n"], equal_var=False
    )
    se = math.sqrt(vt / t["n"] + vc / c["n"])
    df = (vt / t["n"] + vc / c["n"]) ** 2 / (
        (vt / t["n"]) ** 2 / (t["n"] - 1) + (vc / c["n"]) ** 2 / (c["n"] - 1)
    )
    half = stats.t.ppf(0.975, df) * se
    est = pt - pc
    claim = demo["claims"]["support-answer-prompt-v2-lift"]
    assert_claim(claim, 100 * est, 100 * (est - half), 100 * (est + half))
    assert close(claim.p_value, float(test.pvalue))
    factor = 100 * demo["constants"]["revenue_per_conversion_point_usd_month"] * 12
    assert_value(claim, est * factor, (est - half) * factor, (est + half) * factor)


def test_budget_guard_run_rate_and_observed_total(demo: dict[str, Any]) -> None:
    daily: dict[Any, float] = defaultdict(float)
    for e in demo["guards"]:
        if e.guard == "budget_block" and e.amount_usd is not None:
            daily[e.at.date()] += e.amount_usd
    x = np.array([daily[d] for d in sorted(daily)])
    low, high = stats.t.interval(0.95, x.size - 1, loc=x.mean(), scale=stats.sem(x))
    claim = demo["claims"]["budget-guard-blocked-spend"]
    assert_claim(claim, x.mean() * DAYS_PER_MONTH, low * DAYS_PER_MONTH, high * DAYS_PER_MONTH)
    m = demo["constants"]["spike_months_until_detected"]
    f = DAYS_PER_MONTH * m
    assert_value(claim, x.mean() * f, low * f, high * f)
    assert claim.value is not None
    assert abs(claim.value["observed"]["amount"] - x.sum()) <= 0.01
    assert claim.value["observed"]["period"] == f"{x.size} days observed"


def _periods(demo: dict[str, Any], expr: str) -> list[tuple[float, float, int]]:
    """(mean, sample variance, n) of an expression before and after the gateway change."""
    change = [r for r in demo["releases"] if r.artifact == "gateway"][-1].released_at
    at = change.astimezone(UTC).isoformat()
    rows = duckdb.sql(
        f"select \"startTime\" >= '{at}'::timestamptz as after, avg({expr}), var_samp({expr}), "
        f"count(*) "
        f"from '{demo['parquet']}' group by 1 order by 1"
    ).fetchall()
    return [(float(m), float(v), int(n)) for _after, m, v, n in rows]


@pytest.mark.parametrize(
    ("slug", "expr", "scale"),
    [
        ("cost-per-1k-requests", "spend", 1000.0),
        ("tokens-per-request", "prompt_tokens + completion_tokens", 1.0),
        ("energy-per-request", "energy_wh", 1.0),
    ],
)
def test_telemetry_means_by_welch(demo: dict[str, Any], slug: str, expr: str, scale: float) -> None:
    (mb, vb, nb), (ma, va, na) = _periods(demo, expr)
    se = math.sqrt(va / na + vb / nb)
    df = (va / na + vb / nb) ** 2 / ((va / na) ** 2 / (na - 1) + (vb / nb) ** 2 / (nb - 1))
    half = stats.t.ppf(0.975, df) * se
    est = ma - mb
    claim = demo["claims"][slug]
    assert_claim(claim, scale * est, scale * (est - half), scale * (est + half))
    k = demo["constants"]
    if slug == "cost-per-1k-requests":
        f = k["monthly_llm_requests"] * 12
        assert_value(claim, -est * f, -(est + half) * f, -(est - half) * f)
    if slug == "energy-per-request":
        f = k["monthly_llm_requests"] * 12 / 1000 * k["carbon_intensity_kg_per_kwh"]
        assert_value(claim, -est * f, -(est + half) * f, -(est - half) * f, digits=1)


def test_cache_hit_rate_newcombe(demo: dict[str, Any]) -> None:
    (hb, _v, nb), (ha, _w, na) = _periods(demo, "(cached_tokens > 0)::int")
    xb, xa = round(hb * nb), round(ha * na)
    low, high = confint_proportions_2indep(xa, na, xb, nb, method="newcomb", compare="diff")
    claim = demo["claims"]["prefix-cache-hit-rate"]
    assert_claim(claim, 100 * (xa / na - xb / nb), 100 * low, 100 * high)


def test_p95_latency_exact_with_order_statistic_intervals(demo: dict[str, Any]) -> None:
    change = [r for r in demo["releases"] if r.artifact == "gateway"][-1].released_at
    at = change.astimezone(UTC).isoformat()
    parts = []
    for op in ("<", ">="):
        (vals,) = duckdb.sql(
            f"select list(latency_ms order by latency_ms) from '{demo['parquet']}' "
            f"where \"startTime\" {op} '{at}'::timestamptz"
        ).fetchall()[0]
        x = np.array(vals)
        joint = 1 - (1 - 0.95) / 2  # Bonferroni: both periods' intervals hold together
        ci = stats.quantile_test(x, q=np.quantile(x, 0.95), p=0.95).confidence_interval(joint)
        parts.append((float(np.quantile(x, 0.95)), float(ci.low), float(ci.high), x.size))
    (eb, lb, hb, nb), (ea, la, ha, na) = parts
    claim = demo["claims"]["p95-latency"]
    assert_claim(claim, ea - eb, la - hb, ha - lb)
    assert claim.sample_sizes == {"n1": na, "n2": nb}


def test_gateway_error_rate_wilson(demo: dict[str, Any]) -> None:
    change = [r for r in demo["releases"] if r.artifact == "gateway"][-1].released_at
    at = change.astimezone(UTC).isoformat()
    errors, total = duckdb.sql(
        f"select count(*) filter (where status = 'failure'), count(*) from '{demo['parquet']}' "
        f"where \"startTime\" >= '{at}'::timestamptz"
    ).fetchall()[0]
    low, high = proportion_confint(errors, total, method="wilson")
    claim = demo["claims"]["gateway-error-rate"]
    assert_claim(claim, 100 * errors / total, 100 * low, 100 * high)
    assert claim.verdict == "meets_target"  # the whole interval is under the 0.5% SLO
    assert 100 * high < 100 * demo["constants"]["slo_error_rate"]


def _responder_ids(responders: list[str]) -> set[str]:
    """An email as it is, and a PagerDuty assignee ("Name <USER_ID>") by the id in brackets."""
    return {(r.rsplit("<", 1)[1].rstrip(">") if "<" in r else r).lower() for r in responders}


def test_incident_mttr_bca(demo: dict[str, Any]) -> None:
    hours = np.array(
        [
            (i.resolved_at - i.opened_at).total_seconds() / 3600
            for i in demo["incidents"]
            if i.resolved_at is not None and demo["identities"] & _responder_ids(i.responders)
        ]
    )
    # The PagerDuty page's incidents count as well as the tracker CSV's.
    paged = [i for i in demo["incidents"] if any("<" in r for r in i.responders)]
    assert paged and all(demo["identities"] & _responder_ids(i.responders) for i in paged)
    claim = demo["claims"]["incident-mttr"]
    # scipy's BCa with the resample count and seed the method states
    found = re.search(r"BCa bootstrap \((\d+) resamples, seed (\d+)\)", claim.method)
    assert found, claim.method
    res = stats.bootstrap(
        (hours,),
        np.mean,
        n_resamples=int(found.group(1)),
        confidence_level=0.95,
        method="BCa",
        random_state=np.random.default_rng(int(found.group(2))),
    )
    assert_claim(claim, hours.mean(), res.confidence_interval.low, res.confidence_interval.high)
    # skewed durations: the interval reaches further above the mean than below it
    assert claim.ci_high - claim.estimate > claim.estimate - claim.ci_low


def test_kill_switch_base_rate_and_value(demo: dict[str, Any]) -> None:
    trips = [e for e in demo["guards"] if e.guard in {"kill_switch", "fallback"}]
    first = trips[0].at
    bad = [r for r in demo["all_releases"] if r.rolled_back and r.released_at < first]
    tripped = {e.version_from for e in trips}
    kinds = {r.artifact for r in demo["all_releases"] if r.version in tripped}
    matching = [r for r in bad if r.artifact in kinds]
    base = matching or bad
    caused = {i.release_version for i in demo["incidents"] if i.opened_at < first}
    x = sum(r.version in caused for r in base)
    low, high = proportion_confint(x, len(base), method="wilson")
    claim = demo["claims"]["kill-switch-incidents-averted"]
    t = len(trips)
    assert_claim(claim, t * x / len(base), t * low, t * high)
    cost = demo["constants"]["incident_cost_usd_p1"]
    assert_value(claim, t * x / len(base) * cost, t * low * cost, t * high * cost)
    # The demo has no rolled-back prompt release: the claim says its base rate does not match.
    assert not matching
    assert any("weak match" in a for a in claim.assumptions)


def _release(demo: dict[str, Any], artifact: str) -> Release:
    return [r for r in demo["releases"] if r.artifact == artifact][-1]


@pytest.mark.parametrize(
    ("slug", "artifact", "matched", "applies"),
    [
        (
            "stale-cache-answers",
            "cache",
            "cache_age_s > cache_ttl_s",
            "cache_age_s is not null and cache_ttl_s is not null",
        ),
        ("invalid-output-rate", "schema", "not output_valid", "output_valid is not null"),
    ],
)
def test_shares_before_and_after_newcombe(
    demo: dict[str, Any], slug: str, artifact: str, matched: str, applies: str
) -> None:
    at = _release(demo, artifact).released_at.astimezone(UTC).isoformat()
    rows = duckdb.sql(
        f"select \"startTime\" >= '{at}'::timestamptz as after, "
        f"count(*) filter (where {matched}), count(*) filter (where {applies}) "
        f"from '{demo['parquet']}' group by 1 order by 1"
    ).fetchall()
    (_b, xb, nb), (_a, xa, na) = rows
    low, high = confint_proportions_2indep(xa, na, xb, nb, method="newcomb", compare="diff")
    claim = demo["claims"][slug]
    assert_claim(claim, 100 * (xa / na - xb / nb), 100 * low, 100 * high)
    assert claim.verdict == "improved"


@pytest.mark.parametrize(
    ("slug", "artifact", "cause"),
    [
        ("stale-data-incidents-averted", "cache", "stale-data"),
        ("malformed-output-incidents-averted", "schema", "malformed-output"),
    ],
)
def test_incidents_averted_at_the_base_rate_score_interval(
    demo: dict[str, Any], slug: str, artifact: str, cause: str
) -> None:
    change = _release(demo, artifact).released_at
    opened = [i.opened_at for i in demo["incidents"]]
    kind = [i.opened_at for i in demo["incidents"] if i.cause == cause]
    x0, x1 = sum(o < change for o in kind), sum(o >= change for o in kind)
    t0 = round((change - min(opened)).total_seconds() / 86400 / DAYS_PER_MONTH, 6)
    t1 = round((max(opened) - change).total_seconds() / 86400 / DAYS_PER_MONTH, 6)
    low, high = score_interval(x0, t0, x1, t1)
    claim = demo["claims"][slug]
    assert_claim(claim, t1 * (x0 / t0 - x1 / t1), t1 * low, t1 * high)
    assert claim.verdict == ("improved" if low > 0 else "no_detectable_change")


def test_time_to_diagnose_medians_order_statistics(demo: dict[str, Any]) -> None:
    groups: dict[bool, list[float]] = {True: [], False: []}
    for i in demo["incidents"]:
        if i.traced is not None and i.diagnosed_at is not None:
            groups[i.traced].append((i.diagnosed_at - i.opened_at).total_seconds() / 60)
    parts = []
    for traced in (True, False):
        x = np.array(groups[traced])
        ci = stats.quantile_test(x, q=np.median(x), p=0.5).confidence_interval(0.975)
        parts.append((float(np.median(x)), float(ci.low), float(ci.high)))
    (ea, la, ha), (eb, lb, hb) = parts
    claim = demo["claims"]["time-to-diagnose-with-traces"]
    assert_claim(claim, ea - eb, la - hb, ha - lb)
    assert claim.sample_sizes == {"n1": len(groups[True]), "n2": len(groups[False])}


def test_graded_budget_burn_wilson_and_kappa(demo: dict[str, Any]) -> None:
    path = demo["root"] / "evidence" / "graded" / "support-answer.csv"
    rows = duckdb.sql(f"select judge, human from read_csv('{path}', all_varchar=true)").fetchall()
    failed = sum(judge == "fail" for judge, _human in rows)
    budget = 1 - demo["constants"]["graded_pass_slo"]
    low, high = proportion_confint(failed, len(rows), method="wilson")
    burn = demo["claims"]["graded-error-budget-burn"]
    assert_claim(burn, 100 * failed / len(rows) / budget, 100 * low / budget, 100 * high / budget)
    both = [(j, h) for j, h in rows if h]
    table = [[sum(p == (j, h) for p in both) for h in ("pass", "fail")] for j in ("pass", "fail")]
    k, se = fce_kappa(table)
    z = stats.norm.isf(0.025)
    assert_claim(demo["claims"]["judge-human-agreement"], k, k - z * se, k + z * se)


def test_reviews_given_exact_poisson(demo: dict[str, Any]) -> None:
    reviews = demo["reviews"]
    span = max((reviews[-1].submitted_at - reviews[0].submitted_at).days, 30) / DAYS_PER_MONTH
    k = len(reviews)
    low = stats.chi2.ppf(0.025, 2 * k) / 2 / span
    high = stats.chi2.ppf(0.975, 2 * k + 2) / 2 / span
    claim = demo["claims"]["reviews-given"]
    assert_claim(claim, k / span, low, high)
    assert claim.verdict == "no_verdict"


def test_decay_trend_and_points_preserved(demo: dict[str, Any]) -> None:
    work = next(r for r in demo["releases"] if r.artifact == "sustain")
    runs = [r for r in demo["runs"] if r.suite == "promptfoo/support-answer health" and r.n]
    start = runs[0].run_at
    week = 7 * 24 * 3600
    t = np.array([(r.run_at - start).total_seconds() / week for r in runs])
    y = np.array([100 * r.passed / r.n for r in runs])
    brk = (work.released_at - start).total_seconds() / week
    after = (t >= brk).astype(float)
    X = np.column_stack([np.ones_like(t), t, after, (t - brk) * after])
    lags = math.floor(4 * (len(y) / 100) ** (2 / 9))
    fit = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    ci = fit.conf_int(0.05)
    claim = demo["claims"]["promptfoo-support-answer-health-decay"]
    assert_claim(claim, fit.params[3], ci[3][0], ci[3][1])
    since = t[-1] - brk
    gap = fit.t_test(np.array([[0, 0, 1, since]]))
    g_low, g_high = gap.conf_int(0.05)[0]
    assert_value(claim, float(gap.effect[0]), float(g_low), float(g_high))


def test_every_demo_claim_is_recomputed_here(demo: dict[str, Any]) -> None:
    tested = {
        "eval-regression-rate",
        "qa-cycle-time",
        "lm-eval-retrieval-offline-lift",
        "support-answer-prompt-v2-lift",
        "budget-guard-blocked-spend",
        "cost-per-1k-requests",
        "tokens-per-request",
        "energy-per-request",
        "prefix-cache-hit-rate",
        "p95-latency",
        "gateway-error-rate",
        "incident-mttr",
        "kill-switch-incidents-averted",
        "reviews-given",
        "promptfoo-support-answer-health-decay",
        "stale-cache-answers",
        "stale-data-incidents-averted",
        "invalid-output-rate",
        "malformed-output-incidents-averted",
        "time-to-diagnose-with-traces",
        "graded-error-budget-burn",
        "judge-human-agreement",
    }
    assert set(demo["claims"]) == tested
    assert Path(demo["parquet"]).is_file()
