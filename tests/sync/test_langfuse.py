"""The langfuse connector against a local Langfuse on 127.0.0.1 whose every answer is checked
against Langfuse's own published OpenAPI document (tests/data/real/langfuse/openapi.yml.gz, from
langfuse/langfuse, MIT; PROVENANCE.md): each body must validate against the response schema of
its path, and each query parameter the connector sends must be one that path declares. A field
the connector reads that Langfuse does not document, or a parameter Langfuse does not take,
fails here.

Langfuse publishes no recorded answers with a licence, so the project's data is written here:
an eval team's generations (three models, cached tokens, an ERROR-level call, one still
running) and two experiments on one dataset scored by a boolean judge, in the documented shapes.
The local Langfuse lists newest first, pages by an opaque cursor (four observations a page),
and honours ``fromStartTime`` and ``experimentId``.
"""

from __future__ import annotations

import base64
import copy
import gzip
import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30Validator

from perfpacket.store.models import TelemetrySource
from perfpacket.telemetry.metrics import error_counts_by_period, model_share
from perfpacket.telemetry.tables import located
from perfpacket.workspace import find_workspace
from tests.evidence.conftest import DATA, counts, run
from tests.sync.conftest import configure, cursor, stored, sync
from tests.sync.replay import Answer, Replay, serve

SPEC = DATA / "real" / "langfuse" / "openapi.yml.gz"
PUBLIC, SECRET = "pk-lf-1234567890", "sk-lf-test-secret-0123456789"
JSON = [("content-type", "application/json")]
PAGE = 4
PROJECT = "cm0project0000000000000"


@cache
def spec() -> dict[str, Any]:
    with gzip.open(SPEC, "rt", encoding="utf-8") as text:
        loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def problems(path: str, query: dict[str, str], body: Any) -> list[str]:
    """What in a request or an answer Langfuse's OpenAPI document does not allow."""
    operation = spec()["paths"][path]["get"]
    declared = {p["name"] for p in operation.get("parameters", [])}
    found = [
        f"{path}: parameter {name!r} is not Langfuse's" for name in query if name not in declared
    ]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    validator = OAS30Validator({**schema, "components": spec()["components"]})
    found += [f"{path}: {e.message}" for e in validator.iter_errors(body)]
    return found


def _obs(
    n: int,
    start: str,
    end: str | None,
    model: str,
    tokens: tuple[int, int, int],
    cost: float | None,
    level: str = "DEFAULT",
    prompt: tuple[str, int] | None = None,
) -> dict[str, Any]:
    usage = {"input": tokens[0], "output": tokens[1], "total": tokens[0] + tokens[1]}
    if tokens[2]:
        usage["input_cached_tokens"] = tokens[2]
    return {
        "id": f"obs-{n:04d}",
        "traceId": f"trace-{n:04d}",
        "startTime": start,
        "endTime": end,
        "projectId": PROJECT,
        "parentObservationId": None,
        "type": "GENERATION",
        "name": "answer",
        "level": level,
        "statusMessage": "upstream timeout" if level == "ERROR" else None,
        "environment": "production",
        "createdAt": start,
        "updatedAt": end or start,
        "providedModelName": model,
        "internalModelId": None,
        "modelParameters": {"temperature": 0},
        "usageDetails": usage,
        "costDetails": {"total": cost} if cost is not None else {},
        "totalCost": cost,
        "promptId": None,
        "promptName": prompt[0] if prompt else None,
        "promptVersion": prompt[1] if prompt else None,
        "modelId": None,
        "inputPrice": None,
        "outputPrice": None,
        "totalPrice": None,
    }


def generations() -> list[dict[str, Any]]:
    return [
        _obs(
            1,
            "2026-03-02T09:00:00.000Z",
            "2026-03-02T09:00:01.250Z",
            "gpt-4.1-mini",
            (900, 120, 0),
            0.00042,
            prompt=("support-answer", 3),
        ),
        _obs(
            2,
            "2026-03-02T09:05:00.000Z",
            "2026-03-02T09:05:02.000Z",
            "gpt-4.1-mini",
            (1100, 80, 512),
            0.00038,
            prompt=("support-answer", 3),
        ),
        _obs(
            3,
            "2026-03-02T10:00:00.000Z",
            "2026-03-02T10:00:30.000Z",
            "gpt-4.1",
            (2000, 400, 0),
            None,
            level="ERROR",
        ),
        _obs(
            4,
            "2026-03-03T08:00:00.000Z",
            "2026-03-03T08:00:00.800Z",
            "claude-haiku-4",
            (700, 90, 0),
            0.00021,
        ),
        _obs(
            5,
            "2026-03-03T08:30:00.000Z",
            "2026-03-03T08:30:01.100Z",
            "claude-haiku-4",
            (650, 60, 300),
            0.00017,
        ),
        _obs(
            6,
            "2026-03-04T12:00:00.000Z",
            "2026-03-04T12:00:02.000Z",
            "gpt-4.1-mini",
            (1000, 200, 0),
            0.00055,
            prompt=("support-answer", 4),
        ),
        _obs(
            7,
            "2026-03-04T12:10:00.000Z",
            "2026-03-04T12:10:01.500Z",
            "gpt-4.1-mini",
            (950, 150, 0),
            0.00049,
            prompt=("support-answer", 4),
        ),
        _obs(8, "2026-03-04T12:20:00.000Z", None, "gpt-4.1-mini", (800, 0, 0), None),
        _obs(
            9,
            "2026-03-05T07:00:00.000Z",
            "2026-03-05T07:00:00.900Z",
            "claude-haiku-4",
            (600, 70, 0),
            0.00016,
        ),
    ]


DATASET = {"id": "ds-support-qa", "name": "support-qa"}


def _score(item: int, name: str, value: Any, kind: str, at: str) -> dict[str, Any]:
    return {
        "id": f"score-{name}-{item}-{at[11:13]}",
        "projectId": PROJECT,
        "name": name,
        "value": value,
        "dataType": kind,
        "source": "EVAL",
        "timestamp": at,
        "environment": "default",
        "createdAt": at,
        "updatedAt": at,
    }


def _items(
    experiment: str, name: str, passes: list[bool], at: str, meta: dict[str, Any]
) -> list[dict[str, Any]]:
    out = []
    for i, ok in enumerate(passes, start=1):
        scores = [_score(i, "correct", ok, "BOOLEAN", at)]
        out.append(
            {
                "id": f"{experiment}-item-{i}",
                "traceId": f"{experiment}-trace-{i}",
                "startTime": at,
                "endTime": at,
                "level": "DEFAULT",
                "environment": "default",
                "experimentId": experiment,
                "experimentName": name,
                "experimentItemId": f"dsi-{i:02d}",
                "experimentDatasetId": DATASET["id"],
                "experimentMetadata": meta,
                "scores": scores,
            }
        )
    return out


def _v3(
    n: int,
    subject: dict[str, Any],
    value: Any,
    at: str,
    source: str = "EVAL",
    kind: str = "BOOLEAN",
) -> dict[str, Any]:
    """A score as ``GET /api/public/v3/scores?fields=subject`` gives it."""
    return {
        "id": f"sc-{n:03d}",
        "projectId": PROJECT,
        "name": "helpful",
        "value": value,
        "dataType": kind,
        "source": source,
        "timestamp": at,
        "environment": "production",
        "createdAt": at,
        "updatedAt": at,
        "subject": subject,
    }


def production_scores() -> list[dict[str, Any]]:
    """An LLM judge's 'helpful' on production traces, a person's on two of them, a re-score,
    an observation's score, one a person gave alone, and a session's."""
    trace = [{"kind": "trace", "id": f"trace-{n:04d}"} for n in range(9)]
    return [
        _v3(1, trace[1], True, "2026-03-02T09:10:00.000Z"),
        _v3(2, trace[2], False, "2026-03-02T09:15:00.000Z"),
        _v3(3, trace[3], False, "2026-03-02T10:05:00.000Z"),
        _v3(4, trace[4], True, "2026-03-03T08:05:00.000Z"),
        # The judge scored trace 2 again after a fix of its prompt: the latest counts.
        _v3(5, trace[2], True, "2026-03-03T12:00:00.000Z"),
        _v3(
            6,
            {"kind": "observation", "id": "obs-0005", "traceId": "trace-0005"},
            True,
            "2026-03-03T09:00:00.000Z",
        ),
        _v3(7, trace[1], True, "2026-03-04T10:00:00.000Z", source="ANNOTATION"),
        _v3(8, trace[3], True, "2026-03-04T10:05:00.000Z", source="ANNOTATION"),
        _v3(9, trace[6], False, "2026-03-04T10:10:00.000Z", source="ANNOTATION"),
        _v3(10, {"kind": "session", "id": "sess-1"}, True, "2026-03-04T11:00:00.000Z"),
    ]


class Langfuse:
    """A Langfuse project holding ``observations`` and two experiments on one dataset."""

    def __init__(self) -> None:
        self.observations = generations()
        baseline = [True, True, False, True, False, True, True, False, True, True]
        candidate = [True, True, True, True, False, True, True, True, True, True]
        self.items = {
            "exp-baseline": _items(
                "exp-baseline",
                "baseline gpt-4.1",
                baseline,
                "2026-03-01T10:00:00.000Z",
                {"model": "gpt-4.1", "prompt": "support-answer@3"},
            ),
            "exp-candidate": _items(
                "exp-candidate",
                "candidate gpt-4.1-mini",
                candidate,
                "2026-03-02T10:00:00.000Z",
                {"model": "gpt-4.1-mini", "prompt": "support-answer@3"},
            ),
        }
        self.scores = production_scores()
        self.broken_after: int | None = None  # observation pages after this offset answer 502
        self.invalid: list[str] = []

    def experiments(self) -> list[dict[str, Any]]:
        out = []
        for ident, items in self.items.items():
            out.append(
                {
                    "id": ident,
                    "name": items[0]["experimentName"],
                    "description": None,
                    "startTime": min(i["startTime"] for i in items),
                    "endTime": max(i["endTime"] for i in items),
                    "itemCount": len(items),
                    "datasetId": DATASET["id"],
                }
            )
        return sorted(out, key=lambda e: e["endTime"], reverse=True)

    def _answer(self, path: str, query: dict[str, str], body: dict[str, Any]) -> Answer:
        self.invalid += problems(path, query, body)
        return Answer(200, JSON, json.dumps(body))

    def _authorised(self, headers: dict[str, str]) -> bool:
        basic = base64.b64encode(f"{PUBLIC}:{SECRET}".encode()).decode()
        return headers.get("authorization") == f"Basic {basic}"

    def _refused(self) -> Answer:
        body = {"message": "Invalid credentials. Confirm that you've configured the correct host."}
        return Answer(401, JSON, json.dumps(body))

    def _cursor_page(
        self, rows: list[Any], query: dict[str, str], size: int
    ) -> tuple[list[Any], dict[str, Any], int]:
        start = int(base64.urlsafe_b64decode(query["cursor"]).decode()) if "cursor" in query else 0
        page = rows[start : start + min(int(query.get("limit", 50)), size)]
        meta: dict[str, Any] = {}
        if start + len(page) < len(rows):
            meta["cursor"] = base64.urlsafe_b64encode(str(start + len(page)).encode()).decode()
        return page, meta, start

    def observations_v2(self, headers: dict[str, str], query: dict[str, str]) -> Answer:
        if not self._authorised(headers):
            return self._refused()
        assert query["type"] == "GENERATION"
        rows = [o for o in self.observations if o["startTime"] >= query.get("fromStartTime", "")]
        rows.sort(key=lambda o: o["startTime"], reverse=True)
        page, meta, start = self._cursor_page(rows, query, PAGE)
        if self.broken_after is not None and start >= self.broken_after:
            return Answer(502, JSON, '{"message":"Bad Gateway"}')
        return self._answer("/api/public/v2/observations", query, {"data": page, "meta": meta})

    def experiments_list(self, headers: dict[str, str], query: dict[str, str]) -> Answer:
        if not self._authorised(headers):
            return self._refused()
        page, meta, _ = self._cursor_page(self.experiments(), query, 1)
        return self._answer("/api/public/experiments", query, {"data": page, "meta": meta})

    def experiment_items(self, headers: dict[str, str], query: dict[str, str]) -> Answer:
        if not self._authorised(headers):
            return self._refused()
        rows = copy.deepcopy(self.items[query["experimentId"]])
        page, meta, _ = self._cursor_page(rows, query, 4)
        return self._answer("/api/public/experiment-items", query, {"data": page, "meta": meta})

    def datasets(self, headers: dict[str, str], query: dict[str, str]) -> Answer:
        if not self._authorised(headers):
            return self._refused()
        dataset = {
            **DATASET,
            "description": None,
            "metadata": None,
            "inputSchema": None,
            "expectedOutputSchema": None,
            "projectId": PROJECT,
            "createdAt": "2026-02-01T00:00:00.000Z",
            "updatedAt": "2026-02-01T00:00:00.000Z",
        }
        meta = {"page": 1, "limit": 100, "totalItems": 1, "totalPages": 1}
        return self._answer("/api/public/v2/datasets", query, {"data": [dataset], "meta": meta})

    def scores_v3(self, headers: dict[str, str], query: dict[str, str]) -> Answer:
        if not self._authorised(headers):
            return self._refused()
        rows = [
            s
            for s in self.scores
            if s["name"] == query.get("name", s["name"])
            and s["timestamp"] >= query.get("fromTimestamp", "")
            and (
                "traceId" not in query
                or (
                    (s["subject"].get("traceId") or s["subject"]["id"])
                    in query["traceId"].split(",")
                    and s["subject"]["kind"] in ("trace", "observation")
                )
            )
        ]
        rows.sort(key=lambda r: r["timestamp"], reverse=True)
        page, meta, _ = self._cursor_page(rows, query, 3)
        meta["limit"] = int(query.get("limit", 50))
        return self._answer("/api/public/v3/scores", query, {"data": page, "meta": meta})

    def replay(self) -> Replay:
        replay = Replay()
        replay.add("/api/public/v3/scores", self.scores_v3)
        replay.add("/api/public/v2/observations", self.observations_v2)
        replay.add("/api/public/experiments", self.experiments_list)
        replay.add("/api/public/experiment-items", self.experiment_items)
        replay.add("/api/public/v2/datasets", self.datasets)
        return replay


def _setup(root: Path, base: str, monkeypatch: pytest.MonkeyPatch, **keys: Any) -> None:
    monkeypatch.setenv("LANGFUSE_SECRET_TEST", SECRET)
    assert run("people", "add", "ana@example.com", "--name", "Ana Okafor").exit_code == 0
    table = {
        "kind": "langfuse",
        "url": base,
        "token_env": "LANGFUSE_SECRET_TEST",
        "public_key": PUBLIC,
        "person": "ana@example.com",
        **keys,
    }
    configure(root, "".join(f"{k} = {json.dumps(v)}\n" for k, v in table.items()))


def _source(root: Path, name: str = "langfuse") -> TelemetrySource:
    with find_workspace(root).open_store() as store, store.session() as s:
        source = s.query(TelemetrySource).filter_by(name=name).one()
        s.expunge(source)
    return located(source, root)


def _rows(root: Path) -> dict[str, dict[str, Any]]:
    import pyarrow.parquet as pq

    source = _source(root)
    return {r["span_id"]: r for r in pq.read_table(source.uri).to_pylist()}


def test_a_sync_stores_generations_as_telemetry_and_experiments_as_eval_runs(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    langfuse = Langfuse()
    with serve(langfuse.replay()) as base:
        _setup(workspace, base, monkeypatch)
        report = sync()["sources"][0]
    assert langfuse.invalid == []
    assert report["telemetry_rows"] == 9 and report["imported"] == 2
    rows = _rows(workspace)
    assert len(rows) == 9
    cached = rows["obs-0002"]
    assert (cached["input_tokens"], cached["output_tokens"], cached["cached_tokens"]) == (
        1100,
        80,
        512,
    )
    assert cached["latency_ms"] == pytest.approx(2000.0) and cached["cost_usd"] == pytest.approx(
        0.00038
    )
    assert (cached["prompt_name"], cached["prompt_version"]) == ("support-answer", 3)
    assert rows["obs-0003"]["status"] == "error" and rows["obs-0003"]["cost_usd"] is None
    assert rows["obs-0008"]["latency_ms"] is None  # still running when read
    # Claims read the table: the error rate and the model mix come out of it.
    source = _source(workspace)
    assert source.row_count == 9 and source.columns == {"timestamp": "ts"}
    _, before, after = error_counts_by_period(source, datetime(2026, 3, 3, tzinfo=UTC))
    assert (before.matched, before.total, after.matched, after.total) == (1, 3, 0, 6)
    (share,) = model_share(source, "claude-haiku-4", [(datetime(2026, 3, 1, tzinfo=UTC), None)])
    assert (share.matched, share.total) == (3, 9)
    # The two experiments on one dataset, paired by dataset item.
    runs = {
        f["suite"] + " " + str(f["model"]): (f, person)
        for kind, _, f, person in stored(workspace)
        if kind == "eval_run"
    }
    base_run, person = runs["langfuse/support-qa gpt-4.1"]
    cand_run, _ = runs["langfuse/support-qa gpt-4.1-mini"]
    assert person is not None  # the [[sync]] table's person
    assert (base_run["n"], base_run["passed"], cand_run["passed"]) == (10, 7, 9)
    assert base_run["metrics"] == {"correct": pytest.approx(0.7)}
    assert base_run["prompt_version"] == "support-answer@3"
    assert (
        sorted(base_run["items"])
        == sorted(cand_run["items"])
        == [f"dsi-{i:02d}" for i in range(1, 11)]
    )
    assert cand_run["items"]["dsi-03"] == 1.0 and base_run["items"]["dsi-03"] == 0.0
    state = cursor(workspace, "langfuse")
    assert state is not None and state["generations"] == {"start": "2026-03-05T07:00:00+00:00"}
    assert set(state["experiments"]) == {"exp-baseline", "exp-candidate"}


def test_a_resync_changes_nothing_then_updates_what_changed(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    langfuse = Langfuse()
    replay = langfuse.replay()
    with serve(replay) as base:
        _setup(workspace, base, monkeypatch)
        sync()
        table = Path(_source(workspace).uri)
        written = table.stat().st_mtime_ns
        before = stored(workspace)
        again = sync()["sources"][0]
        assert again["unchanged"] is True and again["telemetry_rows"] == 0
        assert stored(workspace) == before and table.stat().st_mtime_ns == written
        # Asked from a day before the newest start stored.
        asked = [t for _, t, _ in replay.requests if t.startswith("/api/public/v2/observations")]
        assert "fromStartTime=2026-03-04T07%3A00%3A00Z" in asked[-1]
        # The running generation ends and is priced; a new one arrives; the candidate
        # experiment gets an eleventh item, which moves its end.
        running = next(o for o in langfuse.observations if o["id"] == "obs-0008")
        running.update(
            endTime="2026-03-04T12:20:03.000Z",
            totalCost=0.0006,
            updatedAt="2026-03-04T12:20:03.000Z",
        )
        running["usageDetails"]["output"] = 300
        langfuse.observations.append(
            _obs(
                10,
                "2026-03-06T09:00:00.000Z",
                "2026-03-06T09:00:01.000Z",
                "gpt-4.1-mini",
                (500, 50, 0),
                0.0002,
            )
        )
        extra = _items(
            "exp-candidate",
            "candidate gpt-4.1-mini",
            [False],
            "2026-03-03T10:00:00.000Z",
            {"model": "gpt-4.1-mini"},
        )[0]
        extra.update(id="exp-candidate-item-11", experimentItemId="dsi-11")
        langfuse.items["exp-candidate"].append(extra)
        third = sync()["sources"][0]
    assert langfuse.invalid == []
    assert (third["telemetry_rows"], third["imported"], third["updated"]) == (2, 0, 1)
    rows = _rows(workspace)
    assert len(rows) == 10 and rows["obs-0008"]["latency_ms"] == pytest.approx(3000.0)
    assert rows["obs-0008"]["output_tokens"] == 300
    candidate = next(
        f
        for kind, _, f, _ in stored(workspace)
        if kind == "eval_run" and f["model"] == "gpt-4.1-mini"
    )
    assert (candidate["n"], candidate["passed"]) == (11, 9)


def test_an_interrupted_sync_keeps_the_table_whole_and_resumes(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import perfpacket.evidence.sync.http as http_module

    monkeypatch.setattr(http_module, "BACKOFF_S", 0.0)
    langfuse = Langfuse()
    langfuse.broken_after = PAGE  # the second page of generations fails
    with serve(langfuse.replay()) as base:
        _setup(workspace, base, monkeypatch)
        result = run("sync", "--json")
        assert result.exit_code == 2
        assert "answered 502" in json.loads(result.stdout)["sources"][0]["error"]
        # The first page is in the table; the cursor did not move past pages not read.
        assert len(_rows(workspace)) == PAGE and cursor(workspace, "langfuse") is None
        assert counts(workspace) == {"sources": 0}
        langfuse.broken_after = None
        resumed = sync()["sources"][0]
    assert resumed["telemetry_rows"] == 9 - PAGE and len(_rows(workspace)) == 9
    assert _source(workspace).row_count == 9


def test_a_wrong_secret_names_the_variable_and_stores_nothing(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve(Langfuse().replay()) as base:
        _setup(workspace, base, monkeypatch)
        monkeypatch.setenv("LANGFUSE_SECRET_TEST", "sk-lf-revoked-000000000")
        result = run("sync", "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["sources"][0]["error"]
    assert "refused the token in $LANGFUSE_SECRET_TEST (401 Invalid credentials" in error
    assert (
        counts(workspace) == {"sources": 0}
        and not (workspace / ".perfpacket" / "telemetry").exists()
    )


def test_a_table_name_another_file_holds_is_refused(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = DATA / "real" / "otel_genai"
    trace = next(p for p in sorted(other.iterdir()) if p.suffix == ".json")
    assert run("import", "telemetry", str(trace), "--name", "gateway").exit_code == 0
    with serve(Langfuse().replay()) as base:
        _setup(workspace, base, monkeypatch, telemetry="gateway", include=["generations"])
        result = run("sync", "--json")
    assert result.exit_code == 2
    said = json.loads(result.stdout)["sources"][0]
    assert "telemetry source 'gateway' is already registered from" in said["error"]
    assert 'telemetry = "NAME"' in said["hint"]
    assert _source(workspace, "gateway").format == "parquet"


def test_include_telemetry_and_dry_run(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _setup(workspace, "https://cloud.langfuse.com", monkeypatch, include=["traces"])
    result = run("sync", "--dry-run")
    assert result.exit_code == 2
    assert "'traces' is not something Langfuse gives" in " ".join(result.output.split())
    path = workspace / "perfpacket.toml"
    path.write_text(path.read_text().replace('include = ["traces"]', 'telemetry = "../../x"'))
    result = run("sync", "--dry-run")
    assert result.exit_code == 2
    assert "telemetry: '../../x' is not a table name" in " ".join(result.output.split())
    path.write_text(path.read_text().replace('telemetry = "../../x"', 'include = ["generations"]'))
    result = run("sync", "--dry-run")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert (
        "cloud.langfuse.com" in said and "every generation, into telemetry table 'langfuse'" in said
    )
    assert "experiments" not in said


def test_experiments_alone_need_no_telemetry_folder(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    langfuse = Langfuse()
    with serve(langfuse.replay()) as base:
        _setup(workspace, base, monkeypatch, include=["experiments"])
        report = sync()["sources"][0]
        assert report["imported"] == 2 and report["telemetry_rows"] == 0
    assert counts(workspace) == {"eval_run": 2, "sources": 1}
    assert not (workspace / ".perfpacket" / "telemetry").exists()


def _grades(root: Path) -> dict[str, tuple[bool, bool | None]]:
    return {
        f["item"]: (f["judge_pass"], f["human_pass"])
        for kind, _, f, _ in stored(root)
        if kind == "grade"
    }


def test_scores_of_production_outputs_become_grades_the_slo_recipe_reads(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    langfuse = Langfuse()
    replay = langfuse.replay()
    with serve(replay) as base:
        _setup(workspace, base, monkeypatch, include=["scores"], grade_score="helpful")
        report = sync()["sources"][0]
    assert langfuse.invalid == []
    # Judged: traces 1-4 and observation 5; trace 2 by its re-score; people agreed on trace 1
    # and overruled the judge on trace 3; trace 6 only a person graded.
    assert _grades(workspace) == {
        "trace-0001": (True, True),
        "trace-0002": (True, None),
        "trace-0003": (False, True),
        "trace-0004": (True, None),
        "obs-0005": (True, None),
    }
    assert report["imported"] == 5
    said = " ".join(report["notes"])
    assert "1 outputs a person graded but no judge did" in said
    assert "1 scores not on a trace or an observation of one (sessions, experiments)" in said
    state = cursor(workspace, "langfuse")
    assert state is not None and state["scores"] == {"timestamp": "2026-03-04T11:00:00+00:00"}
    asked = [t for _, t, _ in replay.requests if t.startswith("/api/public/v3/scores")]
    assert all("name=helpful" in t for t in asked)
    # The graded-output SLO reads them: its sample is the five outputs the judge graded.
    done = run("claims", "suggest", "--person", "ana@example.com", "--json")
    assert done.exit_code == 0, done.output
    claims = {c["slug"]: c for c in json.loads(run("claims", "list", "--json").stdout)}
    burn = next(c for slug, c in claims.items() if slug.startswith("graded-error-budget-burn"))
    assert burn["sample_sizes"]["n"] == 5


def test_a_later_annotation_pairs_with_its_earlier_judge_score(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    langfuse = Langfuse()
    replay = langfuse.replay()
    with serve(replay) as base:
        _setup(workspace, base, monkeypatch, include=["scores"], grade_score="helpful")
        sync()
        again = sync()["sources"][0]
        assert again["unchanged"] is True
        # A week later a person grades trace 4, which the judge scored in the first sync.
        langfuse.scores.append(
            _v3(
                11,
                {"kind": "trace", "id": "trace-0004"},
                False,
                "2026-03-11T09:00:00.000Z",
                source="ANNOTATION",
            )
        )
        later = sync()["sources"][0]
    assert later["updated"] == 1 and later["imported"] == 0
    assert _grades(workspace)["trace-0004"] == (True, False)
    last = [t for _, t, _ in replay.requests if "fromTimestamp" in t][-1]
    assert "fromTimestamp=2026-03-04T11%3A00%3A00Z" in last


@pytest.mark.parametrize(
    ("keys", "says"),
    [
        ({}, "grade_score: missing"),
        ({"grade_score": "helpful", "judge_source": "USER"}, "judge_source: 'USER' is not"),
        ({"grade_score": "helpful", "grade_pass_at": "high"}, "grade_pass_at: 'high' is not a"),
    ],
)
def test_scores_without_a_usable_grading_are_refused_before_any_request(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, keys: dict[str, Any], says: str
) -> None:
    langfuse = Langfuse()
    replay = langfuse.replay()
    with serve(replay) as base:
        _setup(workspace, base, monkeypatch, include=["scores"], **keys)
        done = run("sync", "--dry-run")
    assert done.exit_code == 2 and says in " ".join(done.output.split())
    assert replay.requests == []


def test_a_numeric_score_grades_at_the_value_said_to_pass(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    langfuse = Langfuse()
    langfuse.scores = [
        _v3(
            n,
            {"kind": "trace", "id": f"trace-{n:04d}"},
            value,
            f"2026-03-0{n}T10:00:00.000Z",
            kind="NUMERIC",
        )
        for n, value in ((1, 0.9), (2, 0.5), (3, 0.2))
    ]
    with serve(langfuse.replay()) as base:
        _setup(workspace, base, monkeypatch, include=["scores"], grade_score="helpful")
        done = run("sync", "--json")
        assert done.exit_code == 2
        assert "grade_pass_at" in " ".join(done.output.split())
        assert counts(workspace) == {"sources": 0}
        path = workspace / "perfpacket.toml"
        path.write_text(path.read_text() + "grade_pass_at = 0.5\n", encoding="utf-8")
        sync()
    assert _grades(workspace) == {
        "trace-0001": (True, None),
        "trace-0002": (True, None),
        "trace-0003": (False, None),
    }
