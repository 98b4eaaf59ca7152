"""The demo dataset written as the files teams actually have, in the formats the importers read.

``perfpacket demo`` then imports them with the importers, so every demo run travels the import
path a user's own files take: a git repository, a releases CSV, lm-evaluation-harness results
with their samples, promptfoo exports, Inspect logs, a PagerDuty incidents page and an incidents
CSV, guard events as JSONL, GitHub review pages, an experiments CSV, peer feedback in Markdown,
an artifacts CSV, a graded sample of support answers, and the gateway's LiteLLM spend logs as
Parquet (with its tool-cache and output-validation columns).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from perfpacket.demo import dataset as ds

# The demo organisation's GitHub owner, and Ana's PagerDuty user id and team.
GITHUB_OWNER = "example-co"
ANA_PAGERDUTY_ID = "PANA0K1"
PAGERDUTY_TEAM = ("PTPLAT1", "AI Platform")
HEALTH_LABEL = "support-answer health"
GATE_TASK = "regression_gate"
RERANK_TASK = "retrieval_offline"


@dataclass(frozen=True)
class Step:
    """One import, as a user would run it: ``perfpacket import KIND PATH [--person P]``."""

    kind: str
    path: Path
    person: str | None = None
    name: str | None = None


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _write_csv(path: Path, columns: list[str], rows: Iterable[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _write_json(path: Path, obj: Any, indent: int | None = 1) -> None:
    _write_text(path, json.dumps(obj, indent=indent))


def _releases(data: ds.DemoDataset, path: Path) -> None:
    columns = [
        "artifact",
        "version",
        "previous_version",
        "released_at",
        "rolled_back",
        "gated",
        "qa_hours",
        "owner",
    ]
    _write_csv(
        path,
        columns,
        (
            {
                **{k: r[k] for k in columns if k not in {"released_at", "owner"}},
                "rolled_back": str(r["rolled_back"]).lower(),
                "gated": str(r["gated"]).lower(),
                "released_at": _iso(r["released_at"]),
                "owner": r["owner"].email,
            }
            for r in data.releases
        ),
    )


def _lm_eval(run: dict[str, Any], folder: Path) -> None:
    """One lm-evaluation-harness 0.4 output: results_<time>.json and the samples beside it."""
    stamp = run["run_at"].strftime("%Y-%m-%dT%H-%M-%S.%f")
    metric = "ndcg_at_10"
    scores = np.array(list(run["items"].values()))
    n = len(scores)
    results = {
        "results": {
            RERANK_TASK: {
                "alias": RERANK_TASK,
                f"{metric},none": float(scores.mean()),
                f"{metric}_stderr,none": float(scores.std(ddof=1) / np.sqrt(n)),
            }
        },
        "group_subtasks": {RERANK_TASK: []},
        "configs": {
            RERANK_TASK: {
                "task": RERANK_TASK,
                "dataset_path": "json",
                "test_split": "test",
                "output_type": "generate_until",
                "metric_list": [{"metric": metric, "aggregation": "mean"}],
            }
        },
        "versions": {RERANK_TASK: 1.0},
        "n-shot": {RERANK_TASK: 0},
        "higher_is_better": {RERANK_TASK: {metric: True}},
        "n-samples": {RERANK_TASK: {"original": n, "effective": n}},
        "config": {"model": "local-completions", "model_args": f"model={run['model']}"},
        "git_hash": "3f2a9c1",
        "date": run["run_at"].timestamp(),
        "lm_eval_version": "0.4.8",
        "model_name": run["model"],
    }
    _write_json(folder / f"results_{stamp}.json", results)
    lines = []
    for doc_id, (query, score) in enumerate(run["items"].items()):
        lines.append(
            json.dumps(
                {
                    "doc_id": doc_id,
                    "doc": {"query_id": query},
                    "target": query,
                    "filter": "none",
                    "metrics": [metric],
                    "doc_hash": hashlib.sha256(query.encode()).hexdigest(),
                    metric: score,
                }
            )
        )
    _write_text(folder / f"samples_{RERANK_TASK}_{stamp}.jsonl", "\n".join(lines) + "\n")


def _promptfoo(run: dict[str, Any], index: int, rng: np.random.Generator, folder: Path) -> None:
    """One weekly health eval as ``promptfoo export`` writes it (results version 3): which of
    the fixed 600 conversations passed is drawn, their count is the dataset's."""
    n, passed = run["n"], run["passed"]
    passing = set(rng.choice(n, passed, replace=False).tolist())
    prompt_id = hashlib.sha256(HEALTH_LABEL.encode()).hexdigest()
    rows = [
        {
            "promptIdx": 0,
            "testIdx": i,
            "promptId": prompt_id,
            "provider": {"id": run["model"], "label": ""},
            "success": i in passing,
            "score": 1.0 if i in passing else 0.0,
            "namedScores": {},
            "testCase": {"vars": {"conversation": f"conv-{i:04d}"}},
        }
        for i in range(n)
    ]
    when = _iso(run["run_at"])
    export = {
        "evalId": f"eval-health-{index:03d}-{run['run_at']:%Y%m%d}",
        "results": {
            "version": 3,
            "timestamp": when,
            "prompts": [
                {
                    "raw": "{{conversation}}",
                    "label": HEALTH_LABEL,
                    "id": prompt_id,
                    "provider": run["model"],
                    "metrics": {
                        "score": float(passed),
                        "testPassCount": passed,
                        "testFailCount": n - passed,
                        "testErrorCount": 0,
                        "totalLatencyMs": 0,
                        "tokenUsage": {},
                        "namedScores": {},
                        "cost": 0,
                    },
                }
            ],
            "results": rows,
            "stats": {"successes": passed, "failures": n - passed, "errors": 0},
        },
        "config": {"description": "Weekly health eval of the support-answer feature"},
    }
    name = f"support-answer-health-{run['run_at']:%Y-%m-%d}.json"
    _write_json(folder / name, export, indent=None)  # 600 rows a week: one line, as exported


def _inspect(run: dict[str, Any], index: int, folder: Path) -> None:
    """One CI gate run as an Inspect log written without samples (results only)."""
    created = run["run_at"]
    accuracy = run["passed"] / run["n"]
    log = {
        "version": 2,
        "status": "success",
        "eval": {
            "run_id": f"gate-run-{index:04d}",
            "created": created.isoformat(),
            "task": GATE_TASK,
            "task_id": f"gate-task-{index:04d}",
            "task_version": 0,
            "dataset": {"name": "regression", "samples": run["n"]},
            "model": run["model"],
            "config": {},
        },
        "plan": {"name": "plan", "steps": [{"solver": "generate", "params": {}}]},
        "results": {
            "total_samples": run["n"],
            "completed_samples": run["n"],
            "scores": [
                {
                    "name": "match",
                    "scorer": "match",
                    "metrics": {"accuracy": {"name": "accuracy", "value": accuracy}},
                }
            ],
        },
        "stats": {
            "started_at": created.isoformat(),
            "completed_at": (created + timedelta(minutes=40)).isoformat(),
            "model_usage": {},
        },
    }
    name = f"{created:%Y-%m-%dT%H-%M-%S}+00-00_{GATE_TASK}_{index:04d}.json"
    _write_json(folder / name, log)


def _pagerduty(incidents: list[dict[str, Any]], path: Path) -> None:
    """Incidents as the PagerDuty REST API pages them (``GET /incidents``)."""

    ana = {"id": ANA_PAGERDUTY_ID, "type": "user_reference", "summary": ds.ANA.name}
    team_id, team = PAGERDUTY_TEAM
    page = []
    for n, inc in enumerate(incidents):
        ident = f"Q{hashlib.sha256(inc['external_id'].encode()).hexdigest()[:12].upper()}"
        page.append(
            {
                "id": ident,
                "type": "incident",
                "summary": f"[#{1100 + n}] {inc['title']}",
                "incident_number": 1100 + n,
                "title": inc["title"],
                "status": "resolved",
                "urgency": "high",
                "created_at": _iso(inc["opened_at"]),
                "updated_at": _iso(inc["resolved_at"]),
                "last_status_change_at": _iso(inc["resolved_at"]),
                "resolved_at": _iso(inc["resolved_at"]),
                "service": {"id": "PGWAY01", "type": "service_reference", "summary": "gateway"},
                "priority": {"id": "PPRI2", "type": "priority", "summary": inc["severity"]},
                "assignments": [{"at": _iso(inc["opened_at"]), "assignee": ana}],
                "acknowledgements": [{"at": _iso(inc["acknowledged_at"]), "acknowledger": ana}],
                "teams": [{"id": team_id, "type": "team_reference", "summary": team}],
            }
        )
    _write_json(path, {"incidents": page, "limit": 25, "offset": 0, "more": False, "total": None})


def _incidents_csv(incidents: list[dict[str, Any]], path: Path) -> None:
    columns = [
        "id",
        "severity",
        "service",
        "title",
        "opened_at",
        "acknowledged_at",
        "resolved_at",
        "responders",
        "teams",
        "cause",
        "release_version",
        "diagnosed_at",
        "traced",
    ]
    _write_csv(
        path,
        columns,
        (
            {
                "id": i["external_id"],
                "severity": i["severity"],
                "service": i["service"],
                "title": i["title"],
                "opened_at": _iso(i["opened_at"]),
                "acknowledged_at": _iso(i["acknowledged_at"]),
                "resolved_at": _iso(i["resolved_at"]),
                "responders": ";".join(i["responders"]),
                "teams": ";".join(i["teams"]),
                "cause": i["cause"],
                "release_version": i["release_version"],
                "diagnosed_at": _iso(i["diagnosed_at"]),
                "traced": str(i["traced"]).lower(),
            }
            for i in incidents
        ),
    )


def _guard_events(data: ds.DemoDataset, path: Path) -> None:
    lines = [
        json.dumps(
            {
                "time": _iso(e["at"]),
                "kind": e["guard"],
                "amount_usd": e["amount_usd"],
                "requests_affected": e["requests_affected"],
                "service": e["service"],
                "version_from": e["version_from"],
                "version_to": e["version_to"],
                "owner": ds.ANA.email,
            }
        )
        for e in data.guard_events
    ]
    _write_text(path, "\n".join(lines) + "\n")


def _reviews(data: ds.DemoDataset, path: Path) -> None:
    """Reviews as ``gh api --paginate repos/OWNER/REPO/pulls/N/reviews`` concatenates them."""
    pages = []
    for i, rv in enumerate(data.reviews):
        repo = f"{GITHUB_OWNER}/{rv['repo']}"
        pages.append(
            [
                {
                    "id": 2_100_000_000 + i,
                    "user": {"login": ds.ANA.handle, "type": "User"},
                    "body": "",
                    "state": rv["state"].upper(),
                    "html_url": f"https://github.com/{repo}/pull/{rv['number']}",
                    "pull_request_url": f"https://api.github.com/repos/{repo}/pulls/{rv['number']}",
                    "author_association": "MEMBER",
                    "submitted_at": _iso(rv["submitted_at"]),
                }
            ]
        )
    _write_text(path, "\n".join(json.dumps(p) for p in pages) + "\n")


def _experiments(data: ds.DemoDataset, path: Path) -> None:
    columns = [
        "experiment",
        "metric",
        "variant",
        "users",
        "conversions",
        "started_at",
        "ended_at",
        "owner",
    ]
    _write_csv(
        path,
        columns,
        (
            {
                "experiment": e["name"],
                "metric": e["metric"],
                "variant": v["name"],
                "users": v["n"],
                "conversions": v["conversions"],
                "started_at": _iso(e["started_at"]),
                "ended_at": _iso(e["ended_at"]),
                "owner": ds.ANA.email,
            }
            for e in data.experiments
            for v in e["variants"]
        ),
    )


def _feedback(data: ds.DemoDataset, folder: Path) -> None:
    for fb in data.feedback:
        author = fb["author"]
        front = (
            f"author: {author.name}\nfunction: {author.function}\n"
            f"date: {fb['given_at']:%Y-%m-%d}\nabout: {fb['about'].email}\n"
        )
        path = folder / f"{fb['given_at']:%Y-%m-%d}-{author.key}.md"
        _write_text(path, f"---\n{front}---\n{fb['text']}\n")


def _artifacts(data: ds.DemoDataset, path: Path) -> None:
    _write_csv(
        path,
        ["kind", "title", "date", "url", "adopters", "owner"],
        (
            {
                "kind": a["artifact_kind"],
                "title": a["title"],
                "date": f"{a['at']:%Y-%m-%d}",
                "url": a["url"],
                "adopters": ";".join(a["adopters"]),
                "owner": ds.ANA.email,
            }
            for a in data.artifacts
        ),
    )


def _graded(data: ds.DemoDataset, path: Path) -> None:
    """The sampled support answers with the judge's grade and, on a subsample, a person's."""

    def grade(ok: bool | None) -> str:
        return "" if ok is None else ("pass" if ok else "fail")

    _write_csv(
        path,
        ["id", "graded_at", "judge", "human", "service"],
        (
            {
                "id": g["id"],
                "graded_at": _iso(g["graded_at"]),
                "judge": grade(g["judge"]),
                "human": grade(g["human"]),
                "service": "support-answer",
            }
            for g in data.grades
        ),
    )


def _spend_logs(columns: dict[str, Any], path: Path) -> None:
    """The gateway's LiteLLM spend logs exported to Parquet: LiteLLM's own column names
    (``startTime``, ``spend``, ``prompt_tokens``, ``completion_tokens``, ``status``
    success/failure), with the gateway's latency, cache and energy columns beside them."""
    import duckdb
    import pandas as pd

    ts = pd.to_datetime(columns["ts"], unit="s", utc=True)
    latency = pd.to_timedelta(columns["latency_ms"], unit="ms")
    frame = pd.DataFrame(
        {
            "request_id": columns["request_id"],
            "call_type": "acompletion",
            "startTime": ts,
            "endTime": ts + latency,
            "model": columns["model"],
            "spend": columns["cost_usd"],
            "prompt_tokens": columns["input_tokens"],
            "completion_tokens": columns["output_tokens"],
            "total_tokens": columns["input_tokens"] + columns["output_tokens"],
            "cached_tokens": columns["cached_tokens"],
            "cache_hit": columns["cached_tokens"] > 0,
            "team_id": columns["service"],
            "status": np.where(columns["status"] == "error", "failure", "success"),
            "latency_ms": columns["latency_ms"],
            "energy_wh": columns["energy_wh"],
            "cache_age_s": columns["cache_age_s"],
            "cache_ttl_s": columns["cache_ttl_s"],
            "output_valid": pd.array(
                [None if np.isnan(v) else bool(v) for v in columns["output_valid"]],
                dtype="boolean",
            ),
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.register("spend_logs", frame)
        con.execute(
            f"COPY (SELECT * FROM spend_logs ORDER BY startTime) TO '{path}' (FORMAT parquet)"
        )


def write_evidence(data: ds.DemoDataset, root: Path, repo: Path) -> list[Step]:
    """Write every file under ``root/evidence`` (the telemetry under ``root/data``) and return
    the imports, in the order a user would run them."""
    ev = root / "evidence"
    ana = ds.ANA.email
    steps = [Step("git", repo)]

    _releases(data, ev / "releases.csv")
    steps.append(Step("releases-csv", ev / "releases.csv"))

    rerank = [r for r in data.eval_runs if r["suite"] == "retrieval-offline"]
    health = [r for r in data.eval_runs if r["suite"].startswith("feature-health/")]
    gate = [r for r in data.eval_runs if r["suite"] == "regression-gate"]
    for run in rerank:
        _lm_eval(run, ev / "evals" / "lm-eval" / run["model"])
    # Which conversations pass each week is drawn from a stream of its own.
    rng = np.random.default_rng(np.random.SeedSequence(ds.SEED).spawn(9)[8])
    for i, run in enumerate(health):
        _promptfoo(run, i, rng, ev / "evals" / "promptfoo")
    for i, run in enumerate(gate):
        _inspect(run, i, ev / "evals" / "inspect")
    # Eval results name no author: they are imported as Ana's, with --person.
    steps += [
        Step("lm-eval", ev / "evals" / "lm-eval", person=ana),
        Step("promptfoo", ev / "evals" / "promptfoo", person=ana),
        Step("inspect", ev / "evals" / "inspect", person=ana),
    ]

    paged = [i for i in data.incidents if i["via"] == "pagerduty"]
    tracked = [i for i in data.incidents if i["via"] == "incidents-csv"]
    _pagerduty(paged, ev / "pagerduty" / "incidents.json")
    _incidents_csv(tracked, ev / "incidents.csv")
    steps += [
        Step("pagerduty", ev / "pagerduty" / "incidents.json"),
        Step("incidents-csv", ev / "incidents.csv"),
    ]

    _guard_events(data, ev / "guard_events.jsonl")
    _reviews(data, ev / "github" / "reviews.json")
    _experiments(data, ev / "experiments.csv")
    _feedback(data, ev / "feedback")
    _artifacts(data, ev / "artifacts.csv")
    _graded(data, ev / "graded" / "support-answer.csv")
    steps += [
        Step("guard-events", ev / "guard_events.jsonl"),
        Step("github-prs", ev / "github" / "reviews.json"),
        Step("experiments-csv", ev / "experiments.csv"),
        Step("feedback", ev / "feedback"),
        Step("artifacts-csv", ev / "artifacts.csv"),
        # Graded answers name no author either: the quality SLO is Ana's.
        Step("graded-csv", ev / "graded" / "support-answer.csv", person=ana),
    ]

    spend = root / "data" / "gateway_requests.parquet"
    _spend_logs(data.telemetry, spend)
    steps.append(Step("telemetry", spend, name="gateway_requests"))
    return steps
