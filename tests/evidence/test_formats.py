"""Every import kind on its real fixture (or a documented hand-written file), with counts and
fields asserted, re-import changing nothing, and bad input refused with nothing written.

Real files: tests/data/real/ (provenance in PROVENANCE.md there). Hand-written ones:
tests/data/made/ (README there).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import select

from perfpacket.store.models import (
    Change,
    EvalRun,
    Feedback,
    Incident,
    Person,
    Review,
    TelemetrySource,
)
from perfpacket.workspace import find_workspace
from tests.conftest import stored_records
from tests.evidence.conftest import DATA, counts, import_json, run

REAL, MADE = DATA / "real", DATA / "made"
LM = REAL / "lm_eval_harness"
INSPECT = REAL / "inspect_ai"
HOOKS = REAL / "github_webhooks"


def mlflow_store(root: Path) -> Path:
    """An MLflow file store written in its documented layout: experiments, runs, metrics."""
    exp = root / "mlruns" / "1"
    exp.mkdir(parents=True)
    (exp / "meta.yaml").write_text("experiment_id: '1'\nname: reranker\nlifecycle_stage: active\n")
    for run_id, start, ndcg in (
        ("aaa111", 1767225600000, "0.62"),
        ("bbb222", 1769904000000, "0.70"),
    ):
        run_dir = exp / run_id
        (run_dir / "metrics").mkdir(parents=True)
        (run_dir / "params").mkdir()
        (run_dir / "tags").mkdir()
        (run_dir / "meta.yaml").write_text(
            f"run_id: {run_id}\nexperiment_id: '1'\nstart_time: {start}\nstatus: 3\n"
        )
        (run_dir / "metrics" / "ndcg_at_10").write_text(f"{start} 0.5 0\n{start + 1000} {ndcg} 1\n")
        (run_dir / "params" / "model").write_text(f"reranker-{run_id[:3]}")
        (run_dir / "tags" / "mlflow.runName").write_text(f"run-{run_id[:3]}")
    return root / "mlruns"


CASES: list[tuple[str, list[Path], dict[str, int]]] = [
    ("pagerduty", [REAL / "pagerduty/incidents_raw.json"], {"incident": 3}),
    (
        "github-prs",
        [
            HOOKS / "pull_request/opened.payload.json",
            HOOKS / "pull_request/closed.payload.json",
            HOOKS / "pull_request_review/submitted.payload.json",
        ],
        {"change": 1, "review": 1},
    ),
    ("promptfoo", [REAL / "promptfoo/sample-export.json"], {"eval_run": 2}),
    (
        "lm-eval",
        [
            LM / "results_2025-06-30T19-40-09.461247.json",
            LM / "results_2025-01-21T00-40-03.356274.json",
        ],
        {"eval_run": 2},
    ),
    (
        "inspect",
        [
            INSPECT / "2024-11-05T13-31-45-05-00_input-task_8zXjbRzCWrL9GXiXo2vus9.json",
            INSPECT / "2024-11-05T13-32-37-05-00_input-task_hxs4q9azL3ySGkjJirypKZ.eval",
            INSPECT / "log_formats.eval",
            INSPECT / "log_formats.json",  # the same run as log_formats.eval
        ],
        {"eval_run": 3},
    ),
    ("releases-csv", [MADE / "releases.csv"], {"release": 4}),
    ("guard-events", [MADE / "guard_events.csv", MADE / "guard_events.jsonl"], {"guard_event": 5}),
    ("experiments-csv", [MADE / "experiments.csv"], {"experiment": 2}),
    ("incidents-csv", [MADE / "incidents.csv"], {"incident": 2}),
    ("artifacts-csv", [MADE / "artifacts.csv"], {"artifact": 2}),
    ("feedback", [MADE / "feedback"], {"feedback": 3}),
    ("openai-evals", [MADE / "oaieval_record.jsonl"], {"eval_run": 1}),
]


def _evidence_only(c: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in c.items() if k != "sources"}


@pytest.mark.parametrize(("kind", "paths", "expected"), CASES, ids=[c[0] for c in CASES])
def test_imports_and_reimport_changes_nothing(
    workspace: Path, kind: str, paths: list[Path], expected: dict[str, int]
) -> None:
    import_json(kind, *paths)
    after_first = counts(workspace)
    assert _evidence_only(after_first) == expected
    again = import_json(kind, *paths)
    reports = again if isinstance(again, list) else [again]
    assert all(r["imported"] == 0 and r["updated"] == 0 for r in reports)
    assert counts(workspace) == after_first


def test_mlflow_file_store(workspace: Path, tmp_path: Path) -> None:
    store = mlflow_store(tmp_path)
    # A run that logged no model param: its name stands in, as nothing better is recorded.
    (store / "1" / "aaa111" / "params" / "model").unlink()
    assert import_json("mlflow", store)["imported"] == 2
    runs = stored_records(workspace, EvalRun)
    # The model comes from the run's params, not from the run's name.
    assert {r.model for r in runs} == {"run-aaa", "reranker-bbb"}
    latest = max(runs, key=lambda r: r.run_at)
    assert latest.metrics["ndcg_at_10"] == 0.70  # the last point of the metric history
    assert latest.metrics["params"] == {"model": "reranker-bbb"}
    assert latest.suite == "mlflow/reranker"
    assert import_json("mlflow", store)["duplicates"] == 2


def test_pagerduty_fields(workspace: Path) -> None:
    raw = json.loads((REAL / "pagerduty/incidents_raw.json").read_text())
    import_json("pagerduty", REAL / "pagerduty/incidents_raw.json")
    incidents = stored_records(workspace, Incident)
    assert sorted((i.service, i.severity) for i in incidents) == sorted(
        (r["service"]["summary"], r["urgency"]) for r in raw
    )
    assert sum(i.resolved_at is not None for i in incidents) == sum(
        r["status"] == "resolved" for r in raw
    )
    resolved = next(i for i in incidents if i.resolved_at)
    assert resolved.resolved_at.isoformat() == "2025-02-17T23:27:00+00:00"


def test_the_same_pull_request_is_one_record_at_its_latest_state(workspace: Path) -> None:
    report = import_json("github-prs", HOOKS / "pull_request/opened.payload.json")
    assert report["imported"] == 1
    closed = import_json("github-prs", HOOKS / "pull_request/closed.payload.json")
    assert (closed["imported"], closed["updated"]) == (0, 1)
    (pr,) = stored_records(workspace, Change)
    assert (pr.repo, pr.number, pr.author_name) == ("Codertocat/Hello-World", 2, "Codertocat")
    assert pr.closed_at is not None and pr.merged_at is None  # closed without merge
    import_json("github-prs", HOOKS / "pull_request_review/submitted.payload.json")
    (review,) = stored_records(workspace, Review)
    assert (review.reviewer, review.state, review.number) == ("Codertocat", "commented", 2)
    # Reading the opened payload again cannot take the pull request back to its older state.
    assert (
        run("import", "github-prs", str(HOOKS / "pull_request/opened.payload.json")).exit_code == 0
    )
    assert stored_records(workspace, Change)[0].closed_at is not None


def test_paginated_arrays_are_read(workspace: Path, tmp_path: Path) -> None:
    pr = json.loads((HOOKS / "pull_request/opened.payload.json").read_text())["pull_request"]
    second = {**pr, "number": 3, "id": 3}
    paginated = tmp_path / "pulls.json"
    paginated.write_text(json.dumps([pr]) + "\n" + json.dumps([second]))  # as gh --paginate writes
    assert import_json("github-prs", paginated)["imported"] == 2


def test_promptfoo_fields(workspace: Path) -> None:
    import_json("promptfoo", REAL / "promptfoo/sample-export.json")
    runs = {r.model: r for r in stored_records(workspace, EvalRun)}
    assert set(runs) == {"openai:gpt-5", "openai:gpt-5-mini"}
    mini = runs["openai:gpt-5-mini"]
    assert (mini.n, mini.passed) == (2, 0)  # every test failed its latency assertion
    assert mini.items == {"test-0": 0.0, "test-1": 0.0}


def test_lm_eval_fields_and_non_finite_values(workspace: Path) -> None:
    report = import_json("lm-eval", LM / "results_2025-06-30T19-40-09.461247.json")
    assert "results.polymer_tg_prediction.mae,none: inf stored as null" in report["warnings"]
    assert any("17 items without a finite score left out" in w for w in report["warnings"])
    (run_,) = stored_records(workspace, EvalRun)
    assert (run_.suite, run_.model, run_.n) == ("lm-eval/polymer_tg_prediction", "gpt-4o-mini", 24)
    assert run_.metrics["mae,none"] is None
    assert run_.items is not None and len(run_.items) == 24 - 17
    import_json("lm-eval", LM / "results_2025-01-21T00-40-03.356274.json")
    mmlu = next(
        r for r in stored_records(workspace, EvalRun) if r.suite.endswith("abstract_algebra")
    )
    assert (mmlu.n, mmlu.metrics["acc,none"]) == (100, 0.34)


def test_inspect_fields(workspace: Path) -> None:
    import_json(
        "inspect", INSPECT / "2024-11-05T13-31-45-05-00_input-task_8zXjbRzCWrL9GXiXo2vus9.json"
    )
    import_json("inspect", INSPECT / "log_formats.eval")
    runs = {r.suite: r for r in stored_records(workspace, EvalRun)}
    graded = runs["inspect/input_task"]
    assert (graded.model, graded.n, graded.passed) == ("openai/gpt-4o-mini", 1, 1)
    assert graded.metrics["model_graded_fact/accuracy"] == 1.0
    assert graded.metrics["tokens/openai/gpt-4o-mini"] == 463
    popularity = runs["inspect/popularity"]
    assert (popularity.model, popularity.passed, popularity.metrics["match/accuracy"]) == (
        "ollama/llama3.1",
        0,
        0.0,
    )


def test_openai_evals_fields(workspace: Path) -> None:
    import_json("openai-evals", MADE / "oaieval_record.jsonl")
    (r,) = stored_records(workspace, EvalRun)
    assert (r.suite, r.model, r.n, r.passed) == (
        "openai-evals/test-match.s1.simple-v0",
        "gpt-4o-mini",
        3,
        1,
    )
    assert r.metrics["accuracy"] == pytest.approx(1 / 3)


def test_a_model_graded_openai_eval_gets_its_n_from_the_grader(
    workspace: Path, tmp_path: Path
) -> None:
    """ModelBasedClassify (openai/evals, evals/elsuite/modelgraded/classify.py) records one
    "metrics" event per sample with the grader's choice and score; a choice it could not
    parse has score null and is no score."""
    spec = {
        "completion_fns": ["gpt-4o-mini"],
        "eval_name": "coqa-closedqa-correct.dev.v0",
        "run_id": "240101000000ABCDEFGH",
        "created_at": "2024-01-01 00:00:00.000000",
    }
    lines = [{"spec": spec}, {"final_report": {"counts/Y": 2, "counts/N": 1, "score": 2 / 3}}]
    for i, (choice, score) in enumerate(
        [("Y", 1.0), ("N", 0.0), ("Y", 1.0), ("__invalid__", None)]
    ):
        data = {"choice": choice, "score": score}
        lines.append({"sample_id": f"coqa.dev.{i}", "type": "metrics", "data": data})
    path = tmp_path / "modelgraded.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    report = import_json("openai-evals", path)
    assert report["notes"] == ["3 samples scored by the grading model"]
    (r,) = stored_records(workspace, EvalRun)
    assert (r.n, r.passed, r.metrics["graded_by"]) == (3, 2, "model")


def test_feedback_is_attributed_to_the_person_it_is_about(workspace: Path) -> None:
    import_json("feedback", MADE / "feedback")
    with find_workspace(workspace).open_store() as store, store.session() as s:
        rows = s.execute(select(Feedback.author_function, Person.email).join(Person)).all()
    assert sorted(f for f, _ in rows) == ["data science", "product", "sre"]
    assert {e for _, e in rows} == {"ana@example.com"}


def test_csv_owner_and_workspace_person(workspace: Path) -> None:
    report = import_json("experiments-csv", MADE / "experiments.csv")
    assert report["imported"] == 2
    result = run("evidence", "list", "--kind", "experiment", "--json")
    experiments = {e["name"]: e for e in json.loads(result.stdout)}
    assert experiments["prompt-v2"]["variants"][1] == {
        "name": "prompt-v2",
        "n": 20000,
        "conversions": 2400,
    }
    assert experiments["session-length"]["variants"][0]["sum_squares"] == 52377.9767
    assert experiments["prompt-v2"]["person"] == "ana@example.com"


def test_telemetry_from_otlp_json_both_forms(workspace: Path) -> None:
    import_json("telemetry", REAL / "otel_genai/adk_py/v2_default/S1.json", extra=("--name", "adk"))
    import_json(
        "telemetry", REAL / "otel_genai/tempo_export_with_batches.json", extra=("--name", "tempo")
    )
    sources = {t.name: t for t in stored_records(workspace, TelemetrySource)}
    assert (sources["adk"].row_count, sources["tempo"].row_count) == (4, 9)  # GenAI spans only
    assert _evidence_only(counts(workspace)) == {}  # registered, not copied into the app database
    from datetime import UTC, datetime

    from perfpacket.telemetry.metrics import moments_by_period

    before, after = moments_by_period(
        sources["adk"], "input_tokens", datetime(2000, 1, 1, tzinfo=UTC)
    )
    assert (before.n, after.n, after.sum) == (0, 2, 24.0)  # two LLM spans of 12 input tokens


def test_telemetry_litellm_and_mapped_tables(workspace: Path, tmp_path: Path) -> None:
    import_json("telemetry", MADE / "litellm_spend_logs.csv", extra=("--name", "litellm"))
    (source,) = stored_records(workspace, TelemetrySource)
    assert source.columns["cost_usd"] == "spend" and source.row_count == 3
    # The same spend log exported to Parquet is known by its columns, not by its text.
    parquet = tmp_path / "spend.parquet"
    duckdb.sql(f"COPY (FROM '{MADE / 'litellm_spend_logs.csv'}') TO '{parquet}' (FORMAT parquet)")
    import_json("telemetry", parquet, extra=("--name", "litellm-parquet"))
    by_name = {s.name: s for s in stored_records(workspace, TelemetrySource)}
    assert by_name["litellm-parquet"].columns == by_name["litellm"].columns
    assert by_name["litellm-parquet"].columns["timestamp"] == "startTime"
    table = tmp_path / "gateway.csv"
    table.write_text("when,usd\n2026-01-01T00:00:00Z,0.01\n2026-02-01T00:00:00Z,0.02\n")
    result = run(
        "import", "telemetry", str(table), "--map", "timestamp=when", "--map", "cost_usd=usd"
    )
    assert result.exit_code == 0, result.stderr
    missing = run("import", "telemetry", str(table), "--name", "x", "--map", "cost_usd=spend")
    assert missing.exit_code == 2
    assert missing.stderr.splitlines()[0] == f"Error: '{table}' has no column 'ts' for timestamp"


def test_telemetry_with_an_unknown_status_vocabulary_is_refused_whole(
    workspace: Path, tmp_path: Path
) -> None:
    table = tmp_path / "gateway.csv"
    table.write_text("ts,status\n2026-01-01T00:00:00Z,done\n2026-02-01T00:00:00Z,timeout\n")
    before = counts(workspace)
    refused = run("import", "telemetry", str(table))
    assert refused.exit_code == 2
    assert refused.stderr.splitlines()[0] == (
        f"Error: '{table}' column 'status': status values 'done', 'timeout' are not a "
        "vocabulary perfpacket knows (ok/error, success/failure, HTTP codes)"
    )
    assert counts(workspace) == before and not stored_records(workspace, TelemetrySource)
    mapped = run("import", "telemetry", str(table), "--map", "error_status=timeout")
    assert mapped.exit_code == 0, mapped.stderr
    (source,) = stored_records(workspace, TelemetrySource)
    assert source.columns == {"error_status": "timeout"}


BAD: list[tuple[str, str, bytes, str]] = [
    (
        "pagerduty",
        "incidents.json",
        b'[{"id": "1", "incident_number": 1, "created_at": "2026',
        "line 1: not valid JSON (Unterminated string starting at)",
    ),
    (
        "pagerduty",
        "incidents.json",
        b'[{"id": "1", "incident_number": 1, "created_at": 5}]',
        "field created_at: expected str, got int",
    ),
    (
        "pagerduty",
        "incidents.json",
        b'[{"incident_number": 1, "created_at": "2026-01-01T00:00:00Z"}]',
        "field id: missing",
    ),
    (
        "releases-csv",
        "releases.csv",
        b"version,released_at\nv1,yesterday\n",
        "line 2 / field released_at: 'yesterday' is not a date-time",
    ),
    (
        "releases-csv",
        "releases.csv",
        b"version,released_at\nv1,2026-01-01\nv2\xff,2026-01-02\n",
        "line 3: not UTF-8 text (byte 36)",
    ),
    (
        "releases-csv",
        "releases.csv",
        b"version,released_at,rolled_back\nv1,2026-01-01,maybe\n",
        "line 2 / field rolled_back: 'maybe' is not true or false",
    ),
    (
        "artifacts-csv",
        "artifacts.csv",
        b"kind,title,date\nwhitepaper,Eval gates,2026-04-02\n",
        "line 2 / field kind: 'whitepaper' is not a kind of artifact",
    ),
    (
        "artifacts-csv",
        "artifacts.csv",
        b"kind,title,date\nrfc,Eval gates,April\n",
        "line 2 / field date: 'April' is not a date-time",
    ),
    (
        "artifacts-csv",
        "artifacts.csv",
        b"kind,title\nrfc,Eval gates\n",
        "line 1: no column date; an artifacts CSV: RFCs, design docs and libraries others "
        "adopted, and ownership changes (kind rfc|design_doc|library|ownership, title, date; "
        "optional url, adopters separated by ';', owner)",
    ),
    (
        "guard-events",
        "guards.csv",
        b"time,kind\n2026-01-01T00:00:00Z,panic\n",
        "line 2 / field kind: 'panic' is not a guard kind",
    ),
    (
        "experiments-csv",
        "exp.csv",
        b"experiment,metric,variant,users,conversions\ne,m,a,10,12\n",
        "line 2 / field conversions: 12 is more than 10 users",
    ),
    (
        "experiments-csv",
        "exp.csv",
        b"experiment,metric,variant,n,sum,sum_squares\ne,m,a,5,10,1\n",
        "line 2 / field sum_squares: 1 is below sum\u00b2/n = 20, which no data can give "
        "(a negative variance)",
    ),
    (
        "experiments-csv",
        "exp.csv",
        b"experiment,metric,variant,users,conversions,better\ne,m,a,10,2,up\n",
        "line 2 / field better: 'up' is neither higher nor lower",
    ),
    (
        "experiments-csv",
        "exp.csv",
        b"experiment,metric,variant,n,sum,sum_squares,denominator_sum\ne,m,a,5,10,30,9\n",
        "line 2 / field denominator_sum_squares: missing",
    ),
    (
        "incidents-csv",
        "inc.csv",
        b"id,severity,opened_at,resolved_at\nI1,P1,2026-01-02T00:00:00Z,2026-01-01T00:00:00Z\n",
        "line 2 / field resolved_at: before opened_at",
    ),
    ("feedback", "fb.md", b"---\nauthor: A\nfunction: product\n---\ntext\n", "field date: missing"),
    (
        "promptfoo",
        "export.json",
        b'{"evalId": "e", "results": {"version": 2}}',
        "field results.version: 2, expected 3",
    ),
    (
        "openai-evals",
        "log.jsonl",
        b'{"spec": {"eval_name": "x", "run_id": "r"}}\n{"type": "match", "data": {}}\n',
        "line 2 / field data.correct: missing",
    ),
]


@pytest.mark.parametrize(
    ("kind", "name", "content", "message"), BAD, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_input_is_refused_and_nothing_is_written(
    workspace: Path, tmp_path: Path, kind: str, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = run("import", kind, str(path))
    assert result.exit_code == 2, result.stdout
    first = result.stderr.splitlines()[0]
    assert first == f"Error: '{path}' {message}"
    assert "Traceback" not in result.stderr
    assert counts(workspace) == {"sources": 0}


def test_truncated_eval_zip(workspace: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.eval"
    cut.write_bytes((INSPECT / "log_formats.eval").read_bytes()[:1500])
    result = run("import", "inspect", str(cut))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(f"Error: '{cut}': not a complete .eval log")


def test_samples_file_points_at_its_results(workspace: Path) -> None:
    samples = LM / "samples_polymer_tg_prediction_2025-06-30T19-40-09.461247.jsonl"
    result = run("import", "lm-eval", str(samples))
    assert result.stderr.splitlines() == [
        f"Error: '{samples}' is a samples file",
        "Hint: import the results_*.json beside it; its samples come along",
    ]


def test_wrong_kind_names_the_right_one(workspace: Path) -> None:
    path = REAL / "pagerduty/incidents_raw.json"
    result = run("import", "promptfoo", str(path))
    assert result.stderr.splitlines() == [
        f"Error: '{path}' is not a promptfoo eval export (JSON with results.version 3)",
        f"Hint: it looks like pagerduty: perfpacket import pagerduty {path}",
    ]


def test_evidence_list_filters(workspace: Path) -> None:
    import_json("releases-csv", MADE / "releases.csv")
    import_json("incidents-csv", MADE / "incidents.csv")
    everything = json.loads(run("evidence", "list", "--json").stdout)
    assert {e["kind"] for e in everything} == {"release", "incident"}
    assert all({"id", "kind", "source", "occurred_at"} <= set(e) for e in everything)
    later = json.loads(run("evidence", "list", "--since", "2026-03-01", "--json").stdout)
    assert [e["version"] if e["kind"] == "release" else e["external_id"] for e in later] == [
        "INC-1101",
        "support-answer/model-g001",
        "support-answer/prompt-v14",
    ]
    ana = json.loads(run("evidence", "list", "--person", "ana@example.com", "--json").stdout)
    assert {e["kind"] for e in ana} == {"release", "incident"}
    bad = run("evidence", "list", "--kind", "commit")
    assert bad.stderr.splitlines()[0] == "Error: unknown evidence kind 'commit'"


def test_pagerduty_teams_and_lm_eval_provenance(workspace: Path) -> None:
    raw = json.loads((REAL / "pagerduty/incidents_raw.json").read_text())
    import_json("pagerduty", REAL / "pagerduty/incidents_raw.json")
    assert sorted(t for i in stored_records(workspace, Incident) for t in i.teams) == sorted(
        t["summary"] for r in raw for t in r["teams"]
    )
    import_json("lm-eval", LM / "results_2025-01-21T00-40-03.356274.json")
    (r,) = stored_records(workspace, EvalRun)
    provenance = r.metrics["provenance"]
    assert provenance["model"] == "sae_steered_beta"
    assert provenance["git_hash"] == "e16afa2f"
    assert provenance["model_args"].startswith("base_name=google/gemma-2-2b,")
    assert (provenance["n_shot"], provenance["task_version"]) == (0, 1.0)


def test_an_error_without_its_own_hint_names_the_format(workspace: Path, tmp_path: Path) -> None:
    path = tmp_path / "guards.csv"
    path.write_bytes(b"time,kind\nnot-a-time,budget_block\n")
    result = run("import", "guard-events", str(path))
    assert result.stderr.splitlines() == [
        f"Error: '{path}' line 2 / field time: 'not-a-time' is not a date-time",
        "Hint: use ISO 8601, e.g. 2026-03-16T09:00:00Z",
    ]
    bad_type = tmp_path / "incidents.json"
    bad_type.write_bytes(b'[{"id": "1", "incident_number": 1, "created_at": 5}]')
    result = run("import", "pagerduty", str(bad_type))
    assert result.stderr.splitlines()[1] == (
        "Hint: pagerduty expects PagerDuty incidents JSON (a list of incidents, or an object "
        'with "incidents")'
    )
