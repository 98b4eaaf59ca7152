"""Every real file of the corpus (tests/data/real, provenance in PROVENANCE.md) imports, or is
refused for a true reason. What each import stored is checked against the raw file, read
independently here with the standard library: task and span counts, sample sizes, incident
counts. Nobody on this project wrote these files."""

from __future__ import annotations

import json
import math
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from perfpacket.evidence.importers.telemetry import GENAI_MARKERS
from tests.conftest import stored_records
from tests.evidence.conftest import run

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
PERSON = "corpus@example.com"
# What makes a span a GenAI operation is the importer's definition; the counting below is the
# test's own, over the raw file.
GENAI = GENAI_MARKERS


def _raw(path: Path) -> Any:
    # lm-eval writes bare NaN and Infinity, which Python's json reads as floats.
    return json.loads(path.read_text(encoding="utf-8"))


def _evidence() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(run("evidence", "list", "--json").stdout)
    return records


# --- what the raw file says, per format ------------------------------------------------------


def lm_eval_runs(path: Path) -> dict[str, int]:
    """Suite -> n: n-samples for a task, its subtasks' n summed for a group."""
    data = _raw(path)
    effective = {t: v["effective"] for t, v in data["n-samples"].items()}
    groups = {g: subs for g, subs in (data.get("group_subtasks") or {}).items() if subs}

    def n(task: str) -> int:
        return sum(n(s) for s in groups[task]) if task in groups else effective[task]

    return {f"lm-eval/{task}": n(task) for task in data["results"]}


def lm_eval_legacy_runs(path: Path) -> dict[str, int]:
    """A pre-0.4 file: n from the accuracy and its standard error, se² = p(1 − p)/(n − 1)."""
    runs = {}
    for task, values in _raw(path)["results"].items():
        name = "acc" if "acc" in values else "pct_stereotype"
        p, se = values[name], values[f"{name}_stderr"]
        runs[f"lm-eval/{task}"] = round(p * (1 - p) / se**2 + 1)
    return runs


def inspect_runs(path: Path) -> dict[str, int]:
    if path.suffix == ".eval":
        with zipfile.ZipFile(path) as z:
            header = json.loads(z.read("header.json"))
            samples = [n for n in z.namelist() if n.startswith("samples/")]
    else:
        header = _raw(path)
        samples = header.get("samples") or []
    results = header.get("results") or {}
    n = results.get("completed_samples") or results.get("total_samples") or len(samples)
    return {f"inspect/{header['eval']['task']}": n}


def genai_spans(path: Path) -> int:
    """Spans that are GenAI operations, in an OTLP, Tempo or Jaeger export."""
    doc = _raw(path)
    if "data" in doc:  # Jaeger
        spans = [{t["key"] for t in s.get("tags", [])} for tr in doc["data"] for s in tr["spans"]]
    else:
        batches = doc.get("resourceSpans") or doc.get("batches")
        spans = [
            {a["key"] for a in s.get("attributes", [])}
            for b in batches
            for sc in b.get("scopeSpans") or b.get("instrumentationLibrarySpans") or []
            for s in sc.get("spans", [])
        ]
    return sum(1 for keys in spans if keys & set(GENAI))


def openai_evals_runs(path: Path) -> dict[str, int]:
    """An oaieval record log: the spec line names the eval; n is its distinct samples."""
    events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    spec = next(e["spec"] for e in events if "spec" in e)
    samples = {e["sample_id"] for e in events if e.get("type") == "match"}
    return {f"openai-evals/{spec['eval_name']}": len(samples)}


Expect = Callable[[Path], Any]
IMPORTS: list[tuple[str, str, Expect]] = [
    ("lm_eval_harness/results_2025-06-30T19-40-09.461247.json", "lm-eval", lm_eval_runs),
    ("lm_eval_harness/results_2025-01-21T00-40-03.356274.json", "lm-eval", lm_eval_runs),
    ("lm_eval_harness/groups/cpu_group_regression_expected.json", "lm-eval", lm_eval_runs),
    ("lm_eval_harness/groups/cpu_regression_expected.json", "lm-eval", lm_eval_runs),
    ("lm_eval_harness/old_res/arc_easy-v0-res.json", "lm-eval", lm_eval_legacy_runs),
    ("lm_eval_harness/old_res/boolq-v1-res.json", "lm-eval", lm_eval_legacy_runs),
    ("lm_eval_harness/old_res/crows_pairs_english-v0-res.json", "lm-eval", lm_eval_legacy_runs),
    (
        "openai_evals/230417220821DPM75QNS_auto_gpt_completion_fn_test-match.jsonl",
        "openai-evals",
        openai_evals_runs,
    ),
    *(
        (str(p.relative_to(REAL)), "inspect", inspect_runs)
        for p in sorted((REAL / "inspect_ai").rglob("*"))
        if p.is_file() and p.name != "log_invalid.txt"
    ),
]
TELEMETRY = [
    "otel_genai/tempo_export_with_batches.json",
    "otel_genai/adk_py/v2_default/S1.json",
    "otel_genai/jaeger/helm_2.json",
    "otel_genai/jaeger/k8s.json",
]
REFUSED = [
    # (file, kind, what the refusal must say)
    ("lm_eval_harness/old_res/coqa-v1-res.json", "lm-eval", "field results.coqa: no sample count"),
    (
        "lm_eval_harness/old_res/gsm8k-v0-res.json",
        "lm-eval",
        "field results.gsm8k: no sample count",
    ),
    ("inspect_ai/eval_log/log_invalid.txt", "inspect", "is not an Inspect eval log"),
    ("gitlab/merge_request_note.json", "gitlab-mrs", "no GitLab merge requests found"),
    *(
        (f"octokit_fixtures/{name}/normalized-fixture.json", "github-prs", "is not GitHub pull")
        for name in ("errors", "paginate-issues", "search-issues")
    ),
]


def _by_source(path: Path) -> list[dict[str, Any]]:
    return [e for e in _evidence() if e["source"] == str(path)]


@pytest.mark.parametrize(("name", "kind", "expect"), IMPORTS, ids=[i[0] for i in IMPORTS])
def test_an_eval_file_imports_whole(workspace: Path, name: str, kind: str, expect: Expect) -> None:
    assert run("people", "add", PERSON, "--name", "Corpus").exit_code == 0
    path = REAL / name
    done = run("import", kind, str(path), "--person", PERSON, "--json")
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    expected = expect(path)
    # Every task of the file is stored once; none is dropped, none counted twice.
    assert report["imported"] + report["duplicates"] == len(expected)
    stored = {e["suite"]: e["n"] for e in _by_source(path)}
    assert stored == expected


def test_an_oaieval_record_log_keeps_each_sample_and_the_final_report(workspace: Path) -> None:
    """The one real oaieval record log found (a README's pasted run, transcribed): each match
    event is an item scored 1 or 0 by its `correct`, and the run's pass count agrees with the
    log's own final_report."""
    assert run("people", "add", PERSON, "--name", "Corpus").exit_code == 0
    path = REAL / "openai_evals/230417220821DPM75QNS_auto_gpt_completion_fn_test-match.jsonl"
    assert run("import", "openai-evals", str(path), "--person", PERSON).exit_code == 0
    events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    matches = {e["sample_id"]: e["data"]["correct"] for e in events if e.get("type") == "match"}
    report = next(e["final_report"] for e in events if "final_report" in e)
    spec = next(e["spec"] for e in events if "spec" in e)
    (stored,) = _by_source(path)
    assert stored["model"] == spec["completion_fns"][0]
    assert stored["items"] == {k: float(v) for k, v in matches.items()}
    assert stored["passed"] == sum(matches.values())
    assert stored["passed"] / stored["n"] == pytest.approx(report["accuracy"])
    assert stored["run_at"].startswith(spec["created_at"].replace(" ", "T")[:19])


def test_the_two_formats_of_one_inspect_run_are_one_record(workspace: Path) -> None:
    assert run("people", "add", PERSON, "--name", "Corpus").exit_code == 0
    for name in ("log_formats.eval", "log_formats.json"):
        path = REAL / "inspect_ai" / name
        assert run("import", "inspect", str(path), "--person", PERSON).exit_code == 0
    runs = [e for e in _evidence() if e["kind"] == "eval_run"]
    assert len(runs) == 1


def test_a_group_task_is_an_aggregate_of_its_subtasks(workspace: Path) -> None:
    assert run("people", "add", PERSON, "--name", "Corpus").exit_code == 0
    path = REAL / "lm_eval_harness/groups/cpu_group_regression_expected.json"
    assert run("import", "lm-eval", str(path), "--person", PERSON).exit_code == 0
    group = next(e for e in _evidence() if e["suite"] == "lm-eval/regression_arc")
    assert group["metrics"]["aggregate_of"] == ["arc_challenge", "arc_easy"]
    assert group["metrics"]["acc,none"] == _raw(path)["groups"]["regression_arc"]["acc,none"]


def test_a_legacy_result_derives_n_and_says_so(workspace: Path) -> None:
    """The derived n equals the published size of each benchmark's split: ARC-Easy test,
    2,376 questions (Clark et al. 2018, arXiv:1803.05457, table 1); BoolQ dev, 3,270
    questions (Clark et al. 2019, arXiv:1905.10044, section 3)."""
    assert run("people", "add", PERSON, "--name", "Corpus").exit_code == 0
    for name in ("arc_easy-v0-res.json", "boolq-v1-res.json"):
        path = REAL / "lm_eval_harness/old_res" / name
        done = run("import", "lm-eval", str(path), "--person", PERSON, "--json")
        assert done.exit_code == 0, done.output
        # The file holds no date: the import says where the runs' date comes from.
        assert "date" not in _raw(path)
        assert f"'{name}' records no date: its runs are dated by the file's modification" in (
            " ".join(json.loads(done.stdout)["warnings"])
        )
    runs = {e["suite"]: e for e in _evidence()}
    assert runs["lm-eval/arc_easy"]["n"] == 2376
    assert runs["lm-eval/boolq"]["n"] == 3270
    assert runs["lm-eval/boolq"]["metrics"]["provenance"]["n_from"].startswith(
        "derived from acc and acc_stderr"
    )


def test_a_run_date_given_dates_the_runs_of_a_file_that_records_none(workspace: Path) -> None:
    """`--date` says when the runs of a file without a date were; a file that records its own
    date keeps it; given again with another date, the runs take that one."""
    assert run("people", "add", PERSON, "--name", "Corpus").exit_code == 0
    legacy = REAL / "lm_eval_harness/old_res/arc_easy-v0-res.json"
    done = run("import", "lm-eval", str(legacy), "--person", PERSON, "--date", "2021-05-03")
    assert done.exit_code == 0, done.output
    assert "records no date" not in done.output
    (arc,) = [e for e in _evidence() if e["suite"] == "lm-eval/arc_easy"]
    assert arc["run_at"] == arc["occurred_at"] == "2021-05-03T00:00:00+00:00"

    again = run(
        "import", "lm-eval", str(legacy), "--person", PERSON, "--date", "2021-05-04T10:30", "--json"
    )
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["updated"] == 1
    (arc,) = [e for e in _evidence() if e["suite"] == "lm-eval/arc_easy"]
    assert arc["run_at"] == "2021-05-04T10:30:00+00:00"

    dated = REAL / "lm_eval_harness/results_2025-01-21T00-40-03.356274.json"
    recorded = _raw(dated)["date"]
    args = ["--person", PERSON, "--date", "2021-05-03", "--json"]
    done = run("import", "lm-eval", str(dated), *args)
    assert done.exit_code == 0, done.output
    assert any(
        w.startswith(f"'{dated.name}' records its own date") and "--date is for files" in w
        for w in json.loads(done.stdout)["warnings"]
    )
    mine = [e for e in _evidence() if e["source"].endswith(dated.name)]
    assert mine and {e["run_at"][:10] for e in mine} != {"2021-05-03"}
    assert all(abs(datetime.fromisoformat(e["run_at"]).timestamp() - recorded) < 1 for e in mine)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("last tuesday", "Error: --date 'last tuesday' is not a date"),
        ("2999-01-01", "Error: --date '2999-01-01' is in the future"),
    ],
)
def test_a_bad_run_date_is_refused_and_nothing_is_stored(
    workspace: Path, given: str, message: str
) -> None:
    legacy = REAL / "lm_eval_harness/old_res/arc_easy-v0-res.json"
    done = run("import", "lm-eval", str(legacy), "--date", given)
    assert done.exit_code == 2
    assert done.stderr.splitlines()[0] == message
    assert _evidence() == []


@pytest.mark.parametrize("name", TELEMETRY)
def test_a_trace_export_registers_every_genai_span(workspace: Path, name: str) -> None:
    import duckdb

    path = REAL / name
    done = run("import", "telemetry", str(path), "--json")
    assert done.exit_code == 0, done.output
    flat = next((workspace / ".perfpacket" / "telemetry").glob(f"{path.stem}-*.parquet"))
    rows = duckdb.sql(f"SELECT count(*) FROM '{flat}'").fetchall()[0][0]
    assert rows == genai_spans(path) > 0


@pytest.mark.parametrize(
    ("name", "cost"),
    [
        ("litellm/spend_logs_payload.json", "spend"),  # a spend-log row, one object
        ("litellm/standard_logging_payload.json", "response_cost"),  # a bucket logger's payload
    ],
)
def test_a_litellm_request_log_registers_under_its_own_names(
    workspace: Path, name: str, cost: str
) -> None:
    """Each LiteLLM shape is read by its own column names: the cost, tokens and start time the
    raw file holds are what a claim's query reads from the registered source."""
    from perfpacket.store.models import TelemetrySource
    from perfpacket.telemetry import open_table
    from perfpacket.telemetry.tables import column

    path = REAL / name
    raw = _raw(path)
    done = run("import", "telemetry", str(path), "--json")
    assert done.exit_code == 0, done.output
    (source,) = stored_records(workspace, TelemetrySource)
    assert source.columns["cost_usd"] == cost and source.row_count == 1
    table = open_table(source)
    row = (
        table.select(
            when=column(table, source, "timestamp"),
            cost=column(table, source, "cost_usd"),
            tokens_in=column(table, source, "input_tokens"),
            tokens_out=column(table, source, "output_tokens"),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    assert row["cost"] == raw[cost]
    assert (row["tokens_in"], row["tokens_out"]) == (raw["prompt_tokens"], raw["completion_tokens"])
    assert row["when"].isoformat(sep=" ") == raw["startTime"]


def test_pagerduty_pages_of_two_versions_are_one_set_of_incidents(workspace: Path) -> None:
    newer = REAL / "pagerduty/incidents_raw.json"
    older = REAL / "pagerduty/older/incidents_raw_658a4c5.json"
    for path in (newer, older):
        assert run("import", "pagerduty", str(path)).exit_code == 0
    incidents = [e for e in _evidence() if e["kind"] == "incident"]
    raw = {(i["id"], i["created_at"]) for p in (newer, older) for i in _raw(p)}
    assert len(incidents) == len(raw)


def test_a_pagerduty_responder_is_matched_by_the_linked_user_id_not_the_name(
    workspace: Path, tmp_path: Path
) -> None:
    """The real page, as a later export of it reads once incident 789 is resolved: its
    assignee is a PagerDuty user id and a name. The person who links that id responded;
    a person who merely has the same name did not."""
    page = json.loads((REAL / "pagerduty/incidents_raw.json").read_text())
    incident = next(i for i in page if i["id"] == "789")
    incident.update(status="resolved", resolved_at="2025-02-18T02:24:36Z")
    later = tmp_path / "incidents.json"
    later.write_text(json.dumps(page))
    assert run("import", "pagerduty", str(later)).exit_code == 0
    stored = next(e for e in _evidence() if e.get("external_id") == "789")
    assert stored["responders"] == ["User 789 <789>"]
    # A namesake with no link is not a responder; the recipe says it found nothing.
    assert run("people", "add", "user789@example.com", "--name", "User 789").exit_code == 0

    def responded() -> int:
        done = run("claims", "suggest", "--explain", "--json", "--person", "user789@example.com")
        assert done.exit_code == 0, done.output
        recipes = {r["recipe"]: r for r in json.loads(done.stdout)["recipes"]}
        needs = recipes["incident-response"]["needs"] or [{"found": 1}]
        return int(needs[0]["found"])

    assert responded() == 0
    assert run("people", "link", "user789@example.com", "pagerduty:789").exit_code == 0
    assert responded() == 1


@pytest.mark.parametrize(("name", "kind", "reason"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_file_is_refused_only_for_a_true_reason(
    workspace: Path, name: str, kind: str, reason: str
) -> None:
    done = run("import", kind, str(REAL / name))
    assert done.exit_code == 2
    assert reason in " ".join(done.stderr.split())
    assert _evidence() == []


def test_the_corpus_is_documented_and_large_enough() -> None:
    files = [p for p in REAL.rglob("*") if p.is_file() and p.suffix != ".md"]
    provenance = (REAL / "PROVENANCE.md").read_text(encoding="utf-8")
    undocumented = [str(p.relative_to(REAL)) for p in files if p.name not in provenance]
    assert undocumented == []
    assert len(files) >= 40


def test_a_folder_imports_every_file_of_its_kind_and_lists_the_refused(workspace: Path) -> None:
    """lm-eval over the corpus folder: each results file once (the samples file comes along
    with its results file), the two pre-0.4 files with no sample count refused by name, and
    everything else stored."""
    assert run("people", "add", PERSON, "--name", "Corpus").exit_code == 0
    folder = REAL / "lm_eval_harness"
    done = run("import", "lm-eval", str(folder), "--person", PERSON, "--json")
    assert done.exit_code == 2  # something was refused
    out = json.loads(done.stdout)
    refused = {Path(r["source"]).name for r in out if "error" in r}
    assert refused == {"coqa-v1-res.json", "gsm8k-v0-res.json"}
    landed = [r for r in out if "error" not in r]
    results = [p for p in folder.rglob("*.json")]
    assert len(landed) == len(results) - len(refused)
    with_samples = next(r for r in landed if r["source"].endswith("19-40-09.461247.json"))
    samples = folder / "samples_polymer_tg_prediction_2025-06-30T19-40-09.461247.jsonl"
    rows = [json.loads(line) for line in samples.read_text().splitlines() if line.strip()]
    finite = sum(1 for r in rows if math.isfinite(r[r["metrics"][0]]))
    assert (finite, len(rows)) == (7, 24)
    assert with_samples["notes"] == [
        f"'{samples.name}': {finite} samples imported as items of polymer_tg_prediction"
    ]
    suites = {e["suite"] for e in _evidence()}
    assert "lm-eval/regression_arc" in suites and "lm-eval/boolq" in suites
    # Again: every file is already there, and the refused ones are refused again.
    again = json.loads(run("import", "lm-eval", str(folder), "--person", PERSON, "--json").stdout)
    assert sum(r.get("imported", 0) for r in again) == 0


def test_a_partial_multi_path_import_says_which_paths_landed(workspace: Path) -> None:
    assert run("people", "add", PERSON, "--name", "Corpus").exit_code == 0
    good = REAL / "inspect_ai/log_formats.eval"
    wrong = REAL / "promptfoo/sample-export.json"
    done = run("import", "inspect", str(good), str(wrong), "--person", PERSON)
    assert done.exit_code == 2
    lines = done.stdout.splitlines()
    assert lines[0] == f"{good}: 1 imported, 0 updated, 0 already present, 0 skipped"
    assert lines[-2].startswith(f"{wrong}: refused: '{wrong}' is not an Inspect eval log")
    assert "it looks like promptfoo" in lines[-2]
    assert lines[-1] == "1 of 2 files read (1 new records); 1 refused"
    assert [e["kind"] for e in _evidence()] == ["eval_run"]


def test_a_folder_with_nothing_of_the_kind_names_what_it_holds(workspace: Path) -> None:
    done = run("import", "lm-eval", str(REAL / "inspect_ai"))
    assert done.exit_code == 2
    message = " ".join(done.stderr.split())
    assert "holds no lm-evaluation-harness output" in message
    assert "it holds files of: inspect" in message


def test_an_mlflow_store_handed_to_another_kind_names_mlflow(
    workspace: Path, tmp_path: Path
) -> None:
    from tests.evidence.test_formats import mlflow_store

    store = mlflow_store(tmp_path)
    done = run("import", "inspect", str(store))
    assert done.exit_code == 2
    message = " ".join(done.stderr.split())
    assert f"it looks like mlflow: perfpacket import mlflow {store}" in message


def test_a_csv_missing_a_column_names_it_and_the_kind_it_fits(
    workspace: Path, tmp_path: Path
) -> None:
    lacking = tmp_path / "releases.csv"
    lacking.write_text("version,artifact\nv1,model\n")
    done = run("import", "releases-csv", str(lacking))
    assert done.exit_code == 2
    assert f"'{lacking}' line 1: no column released_at" in " ".join(done.stderr.split())
    incidents = Path(__file__).resolve().parents[1] / "data" / "made" / "incidents.csv"
    done = run("import", "releases-csv", str(incidents))
    message = " ".join(done.stderr.split())
    assert "no column version, released_at" in message
    assert f"it looks like incidents-csv: perfpacket import incidents-csv {incidents}" in message


def test_jira_issues_import_with_their_status_history(workspace: Path, tmp_path: Path) -> None:
    """Each issue of the recorded Jira search is one ticket whose status, category, dates and
    status changes are what the raw answer says, read here on its own. The issues have no
    assignee, so no ticket is anyone's: a reporter did not do the work."""
    path = REAL / "jira/search_expand_changelog.json"
    assert run("people", "add", "daniel@actionableagile.com", "--name", "Daniel").exit_code == 0
    # First a search page that holds only the latest of one long changelog: stored, marked
    # incomplete, and warned about.
    page = _raw(path)
    page["issues"][0]["changelog"].update(total=9, maxResults=4)
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps(page), encoding="utf-8")
    done = run("import", "jira-issues", str(cut), "--json")
    assert done.exit_code == 0, done.output
    warned = " ".join(json.loads(done.stdout)["warnings"])
    assert "1 of 25 issues hold only part of their status history" in warned
    first = next(e for e in _by_source(cut) if e["key"] == page["issues"][0]["key"])
    assert first["history_complete"] is False
    # Then the whole answer: the same 25 tickets, now each with its whole history.
    done = run("import", "jira-issues", str(path), "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["imported"] == 0
    tickets = {e["key"]: e for e in _evidence() if e["kind"] == "ticket"}
    assert len(tickets) == 25
    categories = {"new": "todo", "indeterminate": "in_progress", "done": "done"}
    for issue in _raw(path)["issues"]:
        fields, ticket = issue["fields"], tickets[issue["key"]]
        assert ticket["status"] == fields["status"]["name"]
        assert ticket["state"] == categories[fields["status"]["statusCategory"]["key"]]
        assert ticket["issue_type"] == fields["issuetype"]["name"]
        assert ticket["components"] == [c["name"] for c in fields["components"]]
        moves = [
            (item["fromString"], item["toString"])
            for h in issue["changelog"]["histories"]
            for item in h["items"]
            if item["field"] == "status"
        ]
        assert [(m["from"], m["to"]) for m in ticket["history"]] == moves
        assert ticket["history_complete"] is True
        assert (ticket["resolved_at"] is None) == (fields["resolutiondate"] is None)
        assert ticket["person"] is None and ticket["reporter"] == "Daniel Vacanti [Administrator]"
