"""The demo dataset: twelve months of an infra-shaped AI engineer's work, generated from a seed.

The story (DOMAIN.md §1): Ana's eval gate cuts the regression escape rate on model swaps from
about 12% to about 4% and a two-week QA cycle to about an hour; her budget guard blocks a spend
spike of about $40k/month; her kill switch reroutes traffic to the previous prompt version; her
reranker lifts retrieval quality about 8 points offline; a prompt change lifts conversion about
2 points in an A/B test. Ben, a colleague, ships visible features. Everything is derived from
``SEED`` so the demo is the same on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

SEED = 20261121
PERIOD_START = datetime(2025, 11, 1, tzinfo=UTC)
PERIOD_END = datetime(2026, 10, 31, 23, 59, tzinfo=UTC)
GATE_LIVE = datetime(2026, 5, 1, tzinfo=UTC)
ROUTING_LIVE = datetime(2026, 3, 16, tzinfo=UTC)
KILL_SWITCH_LIVE = datetime(2026, 6, 20, tzinfo=UTC)
SPIKE_START = datetime(2026, 6, 8, tzinfo=UTC)
SPIKE_DAYS = 21
SUSTAIN_START = datetime(2026, 5, 4, tzinfo=UTC)  # drift fixes for the support-answer feature
RECORDER_LIVE = datetime(2026, 2, 9, tzinfo=UTC)  # traces of failing requests kept for a week
SCHEMA_LIVE = datetime(2026, 4, 13, tzinfo=UTC)  # typed output boundary with validated retries
CACHE_FIX = datetime(2026, 7, 6, tzinfo=UTC)  # per-tool TTLs, invalidation on source update
GRADING_START = datetime(2026, 6, 1, tzinfo=UTC)  # sampled answers graded for the quality SLO
SWAPS_EACH_SIDE = 150
REGRESSIONS_BEFORE, REGRESSIONS_AFTER = 18, 6  # 12% and 4% of 150
HISTORICAL_INCIDENTS = 7  # of the 18 ungated regressions, how many became incidents
TELEMETRY_ROWS = 120_000


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    email: str
    team: str
    function: str
    level: str
    handle: str


ANA = DemoPerson(
    "ana",
    "Ana Okafor",
    "ana.okafor@example.com",
    "AI Platform",
    "engineering",
    "Senior AI Engineer",
    "aokafor",
)
BEN = DemoPerson(
    "ben",
    "Ben Carter",
    "ben.carter@example.com",
    "Growth",
    "engineering",
    "Senior Software Engineer",
    "bcarter",
)
PEERS = (
    DemoPerson(
        "priya",
        "Priya Raman",
        "priya.raman@example.com",
        "Assistant",
        "product",
        "Group Product Manager",
        "praman",
    ),
    DemoPerson(
        "marco", "Marco Silva", "marco.silva@example.com", "SRE", "sre", "Staff SRE", "msilva"
    ),
    DemoPerson(
        "dana",
        "Dana Lee",
        "dana.lee@example.com",
        "Data Science",
        "data science",
        "Senior Data Scientist",
        "dlee",
    ),
)


@dataclass
class DemoDataset:
    """Everything the demo imports. Times are timezone-aware UTC."""

    commits: list[dict[str, Any]] = field(default_factory=list)
    releases: list[dict[str, Any]] = field(default_factory=list)
    eval_runs: list[dict[str, Any]] = field(default_factory=list)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    guard_events: list[dict[str, Any]] = field(default_factory=list)
    experiments: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    feedback: list[dict[str, Any]] = field(default_factory=list)
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    telemetry: dict[str, np.ndarray] = field(default_factory=dict)
    grades: list[dict[str, Any]] = field(default_factory=list)


def _spread(rng: np.random.Generator, start: datetime, end: datetime, n: int) -> list[datetime]:
    """n sorted times between start and end, on working hours."""
    span = (end - start).total_seconds()
    offsets = np.sort(rng.uniform(0, span, n))
    times = []
    for off in offsets:
        t = start + timedelta(seconds=float(off))
        times.append(t.replace(hour=int(rng.integers(9, 18)), microsecond=0))
    return sorted(times)


def _commits(rng: np.random.Generator) -> list[dict[str, Any]]:
    topics = {
        "ana": [
            ("evals", "eval gate: {}", ["ci/eval_gate.py", "evals/suites/regression.yaml"]),
            ("gateway", "gateway budget guard: {}", ["gateway/budget.py", "gateway/limits.yaml"]),
            ("gateway", "routing: {}", ["gateway/router.py", "gateway/cache.py"]),
            ("prompts", "kill switch: {}", ["prompts/killswitch.py", "prompts/registry.py"]),
            ("retrieval", "reranker: {}", ["retrieval/rerank.py", "retrieval/features.py"]),
            ("evals", "slice metrics: {}", ["evals/slices.py", "evals/report.py"]),
        ],
        "ben": [
            ("web", "checkout: {}", ["web/checkout/page.tsx", "web/checkout/api.ts"]),
            ("web", "onboarding: {}", ["web/onboarding/flow.tsx"]),
            ("web", "launch banner: {}", ["web/home/banner.tsx"]),
        ],
    }
    verbs = [
        "add tests",
        "handle timeouts",
        "tidy config",
        "add metrics",
        "fix edge case",
        "document behaviour",
        "speed up",
        "refactor",
        "add flag",
        "review fixes",
    ]
    commits: list[dict[str, Any]] = []
    for person, count in ((ANA, 640), (BEN, 420), (PEERS[1], 60)):
        key = person.key if person.key in topics else "ana"
        for when in _spread(rng, PERIOD_START, PERIOD_END, count):
            _area, template, files = topics[key][int(rng.integers(len(topics[key])))]
            co = []
            if person is ANA and rng.random() < 0.12:
                co = [f"{PEERS[1].name} <{PEERS[1].email}>"]
            commits.append(
                {
                    "author": person,
                    "when": when,
                    "message": template.format(verbs[int(rng.integers(len(verbs)))]),
                    "files": {
                        f: (int(rng.integers(1, 80)), int(rng.integers(0, 72)))
                        for f in files[: int(rng.integers(1, len(files) + 1))]
                    },
                    "co_authors": co,
                }
            )
    commits.sort(key=lambda c: c["when"])
    return commits


def _releases(rng: np.random.Generator) -> list[dict[str, Any]]:
    releases: list[dict[str, Any]] = []
    before = _spread(rng, PERIOD_START, GATE_LIVE - timedelta(days=1), SWAPS_EACH_SIDE)
    after = _spread(rng, GATE_LIVE, PERIOD_END, SWAPS_EACH_SIDE)
    bad_before = set(rng.choice(SWAPS_EACH_SIDE, REGRESSIONS_BEFORE, replace=False).tolist())
    bad_after = set(rng.choice(SWAPS_EACH_SIDE, REGRESSIONS_AFTER, replace=False).tolist())
    features = ["support-answer", "search-summary", "ticket-triage", "doc-qa", "code-assist"]
    for gated, times, bad in ((False, before, bad_before), (True, after, bad_after)):
        for i, when in enumerate(times):
            feature = features[i % len(features)]
            # Manual QA took about two weeks; the CI gate takes about an hour.
            qa = (
                float(rng.lognormal(np.log(1.0), 0.3))
                if gated
                else float(rng.lognormal(np.log(330.0), 0.25))
            )
            releases.append(
                {
                    "artifact": "model",
                    "version": f"{feature}/model-{'g' if gated else 'm'}{i:03d}",
                    "previous_version": None,
                    "released_at": when,
                    "rolled_back": i in bad,
                    "gated": gated,
                    "qa_hours": round(qa, 2),
                    "owner": ANA,
                }
            )
    releases.append(
        {
            "artifact": "gateway",
            "version": "gateway routing v2 with prefix cache",
            "previous_version": "gateway routing v1",
            "released_at": ROUTING_LIVE,
            "rolled_back": False,
            "gated": True,
            "qa_hours": None,
            "owner": ANA,
        }
    )
    for artifact, version, when in (
        ("tracing", "flight recorder: traces of failing requests kept for a week", RECORDER_LIVE),
        ("schema", "typed output boundary: JSON schemas with validated retries", SCHEMA_LIVE),
        ("cache", "tool-result cache: per-tool TTLs and invalidation on source update", CACHE_FIX),
    ):
        releases.append(
            {
                "artifact": artifact,
                "version": version,
                "previous_version": None,
                "released_at": when,
                "rolled_back": False,
                "gated": when >= GATE_LIVE,
                "qa_hours": None,
                "owner": ANA,
            }
        )
    releases.append(
        {
            "artifact": "sustain",
            "version": "support-answer drift fixes: eval set refresh, pinned model versions",
            "previous_version": None,
            "released_at": SUSTAIN_START,
            "rolled_back": False,
            "gated": True,
            "qa_hours": None,
            "owner": ANA,
        }
    )
    for i, when in enumerate(_spread(rng, PERIOD_START, PERIOD_END, 14)):
        releases.append(
            {
                "artifact": "prompt",
                "version": f"support-answer/prompt-v{12 + i}",
                "previous_version": f"support-answer/prompt-v{11 + i}",
                "released_at": when,
                "rolled_back": False,
                "gated": when >= GATE_LIVE,
                "qa_hours": None,
                "owner": ANA,
            }
        )
    for i, when in enumerate(_spread(rng, PERIOD_START, PERIOD_END, 9)):
        releases.append(
            {
                "artifact": "feature",
                "version": f"web/{['checkout-v2', 'onboarding', 'launch-banner'][i % 3]}-{i}",
                "previous_version": None,
                "released_at": when,
                "rolled_back": False,
                "gated": False,
                "qa_hours": None,
                "owner": BEN,
            }
        )
    releases.sort(key=lambda r: r["released_at"])
    return releases


def _incidents(rng: np.random.Generator, releases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    incidents: list[dict[str, Any]] = []
    ungated_bad = [r for r in releases if r["rolled_back"] and not r["gated"]]
    picked = rng.choice(len(ungated_bad), HISTORICAL_INCIDENTS, replace=False)
    for n, idx in enumerate(sorted(picked.tolist())):
        rel = ungated_bad[idx]
        opened = rel["released_at"] + timedelta(hours=float(rng.uniform(1, 20)))
        incidents.append(
            {
                "external_id": f"INC-{1040 + n}",
                "severity": "P1" if n % 3 else "P0",
                "service": "assistant",
                "title": f"Quality regression after {rel['version']}",
                "opened_at": opened,
                "acknowledged_at": opened + timedelta(minutes=float(rng.uniform(3, 15))),
                "resolved_at": opened + timedelta(hours=float(rng.uniform(1.5, 9))),
                "responders": [ANA.email, PEERS[1].email],
                "teams": ["AI Platform", "SRE"],
                "cause": f"bad release {rel['version']}",
                "release_version": rel["version"],
                "via": "incidents-csv",
            }
        )
    for n, when in enumerate(_spread(rng, PERIOD_START, PERIOD_END, 6)):
        incidents.append(
            {
                "external_id": f"INC-{1100 + n}",
                "severity": "P2",
                "service": "gateway",
                "title": "Upstream provider timeouts",
                "opened_at": when,
                "acknowledged_at": when + timedelta(minutes=float(rng.uniform(2, 10))),
                "resolved_at": when + timedelta(hours=float(rng.uniform(0.3, 2.5))),
                "responders": [ANA.email],
                "teams": ["AI Platform"],
                "cause": "provider outage",
                "release_version": None,
                "via": "pagerduty",
            }
        )
    incidents.sort(key=lambda i: i["opened_at"])
    return incidents


# The AI incidents the gateway team's records hold besides bad releases: (cause tag, title,
# how many before and after the change that should make them rarer, that change).
AI_INCIDENTS = (
    ("stale-data", "Assistant answered from a stale tool result", 6, 1, CACHE_FIX),
    ("malformed-output", "Ticket triage choked on malformed model output", 7, 1, SCHEMA_LIVE),
)
OTHER_AI_INCIDENTS = (
    ("retrieval-lag", "Search index lagged behind the document store"),
    ("tool-errors", "Tool call errors spiked in the assistant"),
)


def _ai_incidents(rng: np.random.Generator, incidents: list[dict[str, Any]]) -> None:
    """Stale-data and malformed-output incidents (fewer after the fixes), other AI incidents
    through the year, and for every incident in the incidents CSV when its cause was known and
    whether a trace of the failing requests existed (most did once the flight recorder was
    live). The SRE on-call responded to these; Ana is not among the responders."""
    added: list[dict[str, Any]] = []

    def incident(cause: str, title: str, opened: datetime) -> dict[str, Any]:
        n = len(added)
        return {
            "external_id": f"INC-{1200 + n}",
            "severity": "P1" if n % 4 == 0 else "P2",
            "service": "assistant" if n % 3 else "search-summary",
            "title": title,
            "opened_at": opened,
            "acknowledged_at": opened + timedelta(minutes=float(rng.uniform(3, 15))),
            "resolved_at": opened + timedelta(hours=float(rng.uniform(3, 12))),
            "responders": [PEERS[1].email],
            "teams": ["AI Platform"],
            "cause": cause,
            "release_version": None,
            "via": "incidents-csv",
        }

    for cause, title, before, after, change in AI_INCIDENTS:
        for when in _spread(rng, PERIOD_START, change - timedelta(days=1), before):
            added.append(incident(cause, title, when))
        for when in _spread(rng, change + timedelta(days=1), PERIOD_END, after):
            added.append(incident(cause, title, when))
    for cause, title in OTHER_AI_INCIDENTS:
        for when in _spread(rng, PERIOD_START, PERIOD_END, 5):
            added.append(incident(cause, title, when))
    incidents.extend(added)
    incidents.sort(key=lambda i: i["opened_at"])
    for inc in incidents:
        if inc["via"] != "incidents-csv":
            continue
        traced = inc["opened_at"] >= RECORDER_LIVE and rng.random() < 0.85
        minutes = float(rng.lognormal(np.log(30 if traced else 110), 0.5))
        resolve = (inc["resolved_at"] - inc["opened_at"]).total_seconds() / 60
        inc["traced"] = bool(traced)
        inc["diagnosed_at"] = inc["opened_at"] + timedelta(minutes=min(minutes, 0.9 * resolve))


def _guard_events(rng: np.random.Generator, releases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    # A runaway agent loop in one integration: the guard blocked about $1.3k of spend a day.
    for day in range(SPIKE_DAYS):
        start = SPIKE_START + timedelta(days=day)
        for _ in range(int(rng.integers(5, 9))):
            at = start + timedelta(minutes=float(rng.uniform(0, 24 * 60)))
            events.append(
                {
                    "guard": "budget_block",
                    "at": at.replace(microsecond=0),
                    "amount_usd": 0.0,
                    "requests_affected": int(rng.integers(800, 2600)),
                    "service": "gateway",
                    "version_from": None,
                    "version_to": None,
                }
            )
    by_day: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        by_day.setdefault(e["at"].date().isoformat(), []).append(e)
    for day_events in by_day.values():
        daily = float(rng.normal(1330.0, 230.0))
        shares = rng.dirichlet(np.ones(len(day_events)))
        for e, share in zip(day_events, shares, strict=True):
            e["amount_usd"] = round(daily * float(share), 2)
    prompts = [
        r for r in releases if r["artifact"] == "prompt" and r["released_at"] >= KILL_SWITCH_LIVE
    ]
    for rel in prompts[:3]:
        events.append(
            {
                "guard": "kill_switch",
                "at": rel["released_at"] + timedelta(minutes=float(rng.uniform(4, 25))),
                "amount_usd": None,
                "requests_affected": int(rng.integers(20_000, 60_000)),
                "service": "assistant",
                "version_from": rel["version"],
                "version_to": rel["previous_version"],
            }
        )
    events.sort(key=lambda e: e["at"])
    return events


def _eval_runs(rng: np.random.Generator, releases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    # The reranker: 500 fixed retrieval queries scored by nDCG@10 under both versions.
    items = 500
    base = np.clip(rng.beta(6.2, 3.8, items), 0, 1)
    lifted = np.clip(base + rng.normal(0.085, 0.11, items), 0, 1)
    for model, scores, when in (
        ("reranker-v1", base, datetime(2026, 1, 12, 14, tzinfo=UTC)),
        ("reranker-v2", lifted, datetime(2026, 2, 23, 15, tzinfo=UTC)),
    ):
        runs.append(
            {
                "suite": "retrieval-offline",
                "model": model,
                "prompt_version": None,
                "run_at": when,
                "n": items,
                "passed": int((scores >= 0.5).sum()),
                "metrics": {"primary_metric": "nDCG@10", "ndcg_at_10": float(scores.mean())},
                "slices": {},
                "items": {f"q{i:04d}": round(float(s), 4) for i, s in enumerate(scores)},
            }
        )
    # Weekly health eval of the support-answer feature: launched at 92% and drifting towards
    # 78% over the year (model deprecations, input drift) until the sustain work, then held.
    week = timedelta(days=7)
    for i in range(52):
        when = PERIOD_START + i * week + timedelta(hours=6)
        if when < SUSTAIN_START:
            rate = 0.92 - 0.0027 * i
        else:
            rate = 0.915 - 0.0002 * ((when - SUSTAIN_START) / week)
        passed = int(rng.binomial(600, rate))
        runs.append(
            {
                "suite": "feature-health/support-answer",
                "model": "support-answer (production)",
                "prompt_version": None,
                "run_at": when,
                "n": 600,
                "passed": passed,
                "metrics": {"pass_rate": passed / 600},
                "slices": {},
                "items": None,
            }
        )
    # One gate run per gated swap: the regression suite, 400 cases.
    for rel in releases:
        if rel["artifact"] != "model" or not rel["gated"]:
            continue
        rate = 0.9 if rel["rolled_back"] else 0.97
        passed = int(rng.binomial(400, rate))
        runs.append(
            {
                "suite": "regression-gate",
                "model": rel["version"],
                "prompt_version": None,
                "run_at": rel["released_at"] - timedelta(hours=1),
                "n": 400,
                "passed": passed,
                "metrics": {"pass_rate": passed / 400},
                "slices": {},
                "items": None,
            }
        )
    return runs


def _experiments(rng: np.random.Generator) -> list[dict[str, Any]]:
    n_c, n_t = 20_000, 20_000
    return [
        {
            "name": "support-answer-prompt-v2",
            "metric": "assistant-to-purchase conversion",
            "started_at": datetime(2026, 8, 3, tzinfo=UTC),
            "ended_at": datetime(2026, 8, 31, tzinfo=UTC),
            "variants": [
                {"name": "control", "n": n_c, "conversions": int(rng.binomial(n_c, 0.100))},
                {"name": "prompt-v2", "n": n_t, "conversions": int(rng.binomial(n_t, 0.120))},
            ],
        }
    ]


FEEDBACK = (
    (
        PEERS[0],
        datetime(2026, 9, 14, tzinfo=UTC),
        "Ana's eval gate changed how we plan launches: the assistant team now ships a prompt "
        "change the day it is ready instead of waiting two weeks for QA. She negotiated the pass "
        "threshold with us and wrote down what we gave up.",
    ),
    (
        PEERS[1],
        datetime(2026, 9, 20, tzinfo=UTC),
        "The kill switch Ana built with us rerouted traffic to the previous prompt three times "
        "this summer; none of those became a page. She ran the game day, wrote the playbook and "
        "is on the rotation.",
    ),
    (
        PEERS[2],
        datetime(2026, 10, 2, tzinfo=UTC),
        "Ana designed the prompt A/B with us, insisted on a pre-registered metric and read the "
        "result with its interval. Her offline reranker suite is now what we check before any "
        "retrieval experiment.",
    ),
    (
        BEN,
        datetime(2026, 10, 9, tzinfo=UTC),
        "The budget guard caught a runaway integration loop in June before finance noticed; Ana "
        "paired with us on the fix and added per-tenant limits the Growth team now relies on.",
    ),
)


def _reviews(rng: np.random.Generator, commits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ana reviewing other people's pull requests across teams."""
    reviews = []
    repos = ["growth-web", "search-service", "ticket-triage", "ai-platform"]
    for number, when in enumerate(_spread(rng, PERIOD_START, PERIOD_END, 96), start=300):
        reviews.append(
            {
                "repo": repos[number % len(repos)],
                "number": number,
                "reviewer": ANA.email,
                "state": "approved" if rng.random() < 0.7 else "changes_requested",
                "submitted_at": when,
            }
        )
    # Ana pairs on other people's work too: she co-authors some of Ben's commits.
    bens = [c for c in commits if c["author"] is BEN]
    for idx in rng.choice(len(bens), 18, replace=False):
        bens[int(idx)]["co_authors"] = [f"{ANA.name} <{ANA.email}>"]
    return reviews


def _telemetry(rng: np.random.Generator) -> dict[str, np.ndarray]:
    n = TELEMETRY_ROWS
    start = PERIOD_START.timestamp()
    span = PERIOD_END.timestamp() - start
    ts = np.sort(rng.uniform(0, span, n)) + start
    after = ts >= ROUTING_LIVE.timestamp()
    models = np.where(
        after & (rng.random(n) < 0.55),
        "small-fast-2",
        np.where(rng.random(n) < 0.5, "large-1", "large-2"),
    )
    input_tokens = rng.lognormal(np.log(1800), 0.5, n).astype(np.int64)
    output_tokens = rng.lognormal(np.log(350), 0.6, n).astype(np.int64)
    cache_hit = after & (rng.random(n) < 0.42)
    cached_tokens = np.where(cache_hit, (input_tokens * 0.7).astype(np.int64), 0)
    large = models != "small-fast-2"
    price_in = np.where(large, 2.5e-6, 0.4e-6)
    price_out = np.where(large, 10e-6, 1.6e-6)
    cost = (input_tokens - cached_tokens) * price_in + cached_tokens * price_in * 0.1
    cost = cost + output_tokens * price_out
    latency = rng.lognormal(np.log(np.where(large, 1400, 600)), 0.35, n)
    # Energy: a large model spends several times the Wh per token of a small one, and a
    # prefix-cache hit skips most of the prefill.
    wh_per_1k = np.where(large, 0.9, 0.15)
    energy = ((input_tokens - cached_tokens * 0.9) + output_tokens * 3) / 1000 * wh_per_1k
    status = np.where(rng.random(n) < 0.004, "error", "ok")
    # Drawn after everything above, so the columns before them keep their numbers.
    # Tool results served from the gateway's cache, each with its tool's TTL: before the
    # per-tool TTLs and invalidation, about one cached answer in eleven was past its TTL.
    tool_cached = rng.random(n) < 0.3
    ttl = rng.choice(np.array([300.0, 900.0, 3600.0]), n)
    stale = rng.random(n) < np.where(ts >= CACHE_FIX.timestamp(), 0.012, 0.09)
    age = ttl * np.where(stale, rng.uniform(1.05, 4.0, n), rng.uniform(0.0, 1.0, n))
    # Calls with a declared output schema, and whether the output parsed and validated.
    checked = rng.random(n) < 0.5
    invalid = rng.random(n) < np.where(ts >= SCHEMA_LIVE.timestamp(), 0.006, 0.045)
    return {
        "ts": ts,
        "request_id": np.array([f"req-{i:07d}" for i in range(n)]),
        "service": np.where(rng.random(n) < 0.7, "assistant", "search-summary"),
        "model": models,
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cached_tokens": cached_tokens,
        "cost_usd": np.round(cost, 7),
        "latency_ms": np.round(latency, 1),
        "energy_wh": np.round(energy, 5),
        "status": status,
        "cache_age_s": np.where(tool_cached, np.round(age, 1), np.nan),
        "cache_ttl_s": np.where(tool_cached, ttl, np.nan),
        # 1 valid, 0 invalid, NaN: no schema declared for the call
        "output_valid": np.where(checked, np.where(invalid, 0.0, 1.0), np.nan),
    }


def _grades(rng: np.random.Generator) -> list[dict[str, Any]]:
    """Support answers sampled and graded from June: every sampled answer by the judge, one
    in four by a person too. The judge fails about 3%; people mostly agree with it."""
    grades = []
    for n, when in enumerate(_spread(rng, GRADING_START, PERIOD_END, 1500)):
        judge = bool(rng.random() >= 0.03)
        human = None
        if n % 4 == 0:
            human = judge if rng.random() < (0.98 if judge else 0.8) else not judge
        grades.append({"id": f"answer-{n:05d}", "graded_at": when, "judge": judge, "human": human})
    return grades


def generate(seed: int = SEED) -> DemoDataset:
    """The whole demo dataset, identical for identical seeds.

    Each part draws from its own stream, so adding to one part never changes another's numbers.
    """
    # Streams 0-7 in order below, 8 for the promptfoo samples (demo.files), 9 and 10 for the
    # AI incidents and the graded sample.
    seeds = np.random.SeedSequence(seed).spawn(11)
    streams = iter(np.random.default_rng(s) for s in seeds[:8])
    data = DemoDataset()
    data.commits = _commits(next(streams))
    data.releases = _releases(next(streams))
    data.incidents = _incidents(next(streams), data.releases)
    data.guard_events = _guard_events(next(streams), data.releases)
    data.eval_runs = _eval_runs(next(streams), data.releases)
    data.experiments = _experiments(next(streams))
    data.reviews = _reviews(next(streams), data.commits)
    data.feedback = [
        {"author": p, "given_at": when, "text": text, "about": ANA} for p, when, text in FEEDBACK
    ]
    data.artifacts = [
        {
            "artifact_kind": "rfc",
            "title": "RFC-112: Eval gates for every model and prompt swap",
            "url": None,
            "adopters": ["Assistant", "Search", "Ticket triage", "Code assist"],
            "at": datetime(2026, 4, 2, tzinfo=UTC),
        }
    ]
    data.telemetry = _telemetry(next(streams))
    _ai_incidents(np.random.default_rng(seeds[9]), data.incidents)
    data.grades = _grades(np.random.default_rng(seeds[10]))
    return data
