"""``langfuse``: LLM generations from Langfuse as a telemetry table, and Langfuse experiments
with their scores as eval runs, through Langfuse's public API (v4: ``/api/public/v2/observations``,
``/api/public/experiments``, ``/api/public/experiment-items``).

**Generations** (observations of type ``GENERATION``) become rows of a Parquet table in the
workspace, registered as a telemetry source like an OTLP import: start time, trace and
observation ids, model, environment, prompt name and version, input, output and cached
tokens, cost in USD, latency, and status (``error`` for Langfuse's ERROR level). Rows are
upserted by observation id, so a generation that ended or was priced after a sync read it is
updated by the next. A re-sync asks from a day before the newest start time stored, because a
generation is listed by its start but may end, and be priced, later.

**Experiments** (dataset runs) become ``eval_run`` records: the suite is the dataset's name
(``langfuse/NAME``), ``n`` the experiment's items, a metric per numeric or boolean item score
(its mean over the items that have it), ``passed`` the items a lone boolean score passed when
every item has it, and the per-item values (keyed by dataset item, so that two experiments on
one dataset pair up) when the experiment has one score. ``model`` and ``prompt`` in the
experiment's metadata become the run's model and prompt version. An experiment is read again
when its end moves (a new item), and at each sync for a week after it ended, since judges and
annotators score items after the run. Langfuse does not say who ran
an experiment: it is attributed by the [[sync]] table's ``person`` or the attribution rules.

**Scores** of production outputs (with ``"scores"`` in ``include``) become ``grade`` records,
the evidence of the graded-output SLO: ``grade_score`` names the score that grades an output
(a BOOLEAN one, or a NUMERIC one that passes at ``grade_pass_at``); the judge's score of a trace
or an observation (source ``EVAL``, Langfuse's evaluators, or ``API`` with ``judge_source``)
is its judge grade, and a person's score of the same name on it (source ``ANNOTATION``) its
human grade. Scores are listed from the newest score time stored; each trace a new score
touched is read again whole (``traceId``), so an annotation added weeks after its judge score
still pairs with it, and a re-score replaces the grade it changes. An annotation with no judge
score is not a grade (the SLO is the judge's) and is counted, not stored.

The order of the pages is not promised, so each stream's cursor moves only when its last page
is stored; an experiment is stored with its own entry of the cursor.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from perfpacket.errors import InputError
from perfpacket.evidence.importers._common import as_dict, parse_time
from perfpacket.evidence.importers._evals import eval_run
from perfpacket.evidence.records import Record
from perfpacket.evidence.sync.config import NAME, SyncSource
from perfpacket.evidence.sync.connector import (
    BaseConnector,
    Batch,
    Plan,
    SyncContext,
    TelemetryRows,
)
from perfpacket.evidence.sync.http import Http, Page, SyncError

if TYPE_CHECKING:
    import pyarrow as pa

GENERATIONS = "generations"
EXPERIMENTS = "experiments"
SCORES = "scores"
STREAMS = (GENERATIONS, EXPERIMENTS, SCORES)
DEFAULT_STREAMS = (GENERATIONS, EXPERIMENTS)
SCORES_PAGE = 100  # the API's maximum
# Traces read again at once (one request, their ids comma-separated).
TRACES_AT_ONCE = 50
JUDGE_SOURCES = ("EVAL", "API")
HUMAN_SOURCE = "ANNOTATION"
UNREADABLE = "~"  # sorts after every ISO time
OBSERVATIONS_PAGE = 1000  # the API's maximum
EXPERIMENTS_PAGE = 100
# A generation is listed by its start; it may end (and be priced) later.
MARGIN = timedelta(days=1)
# Judges and annotators score an experiment's items after it ends, which does not move its end:
# an experiment that ended this recently is read again at each sync.
RESCORE = timedelta(days=7)
OBSERVATION_FIELDS = "core,basic,time,model,usage,prompt"
CACHED = ("input_cached_tokens", "cache_read_input_tokens", "input_cache_read")


def generation_schema() -> pa.Schema:
    """The telemetry table's columns: the logical names claims read (ts, cost_usd, latency_ms,
    status, input_tokens, output_tokens, cached_tokens, model) and Langfuse's own ids."""
    import pyarrow as pa

    when = pa.timestamp("us", tz="UTC")
    return pa.schema(
        [
            ("span_id", pa.string()),
            ("trace_id", pa.string()),
            ("ts", when),
            ("name", pa.string()),
            ("model", pa.string()),
            ("environment", pa.string()),
            ("prompt_name", pa.string()),
            ("prompt_version", pa.int64()),
            ("input_tokens", pa.int64()),
            ("output_tokens", pa.int64()),
            ("cached_tokens", pa.int64()),
            ("cost_usd", pa.float64()),
            ("latency_ms", pa.float64()),
            ("status", pa.string()),
            ("level", pa.string()),
            ("updated_at", when),
        ]
    )


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def generation_row(obs: Any, place: str) -> dict[str, Any]:
    """One telemetry row from an observation of ``/api/public/v2/observations``."""
    if not isinstance(obs, dict) or not obs.get("id"):
        raise InputError(f"{place}: expected an observation with an id")
    start = parse_time(obs.get("startTime"), place, None, "startTime")
    end_text = obs.get("endTime")
    end = parse_time(end_text, place, None, "endTime") if end_text else None
    usage = as_dict(obs.get("usageDetails"))
    cost = obs.get("totalCost")
    if cost is None:
        cost = as_dict(obs.get("costDetails")).get("total")
    latency = (end - start).total_seconds() * 1000 if end else None
    if latency is None and isinstance(obs.get("latency"), int | float):
        latency = float(obs["latency"]) * 1000  # seconds, in the metrics field group
    level = str(obs.get("level") or "DEFAULT")
    updated = obs.get("updatedAt")
    return {
        "span_id": str(obs["id"]),
        "trace_id": obs.get("traceId"),
        "ts": start.astimezone(UTC),
        "name": obs.get("name"),
        "model": obs.get("providedModelName") or obs.get("model"),
        "environment": obs.get("environment"),
        "prompt_name": obs.get("promptName"),
        "prompt_version": _int(obs.get("promptVersion")),
        "input_tokens": _int(usage.get("input")),
        "output_tokens": _int(usage.get("output")),
        "cached_tokens": next((_int(usage[k]) for k in CACHED if k in usage), None),
        "cost_usd": float(cost) if isinstance(cost, int | float) else None,
        "latency_ms": latency,
        "status": "error" if level == "ERROR" else "ok",
        "level": level,
        "updated_at": parse_time(updated, place, None, "updatedAt").astimezone(UTC)
        if updated
        else None,
    }


def _score_value(score: dict[str, Any]) -> float | None:
    """A numeric score's value, a boolean's as 1 or 0; None for categorical and text."""
    kind, value = score.get("dataType"), score.get("value")
    if kind == "NUMERIC" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind == "BOOLEAN":
        if isinstance(value, bool):
            return 1.0 if value else 0.0
        if isinstance(value, int | float):  # older answers give booleans as 1 and 0
            return float(value)
    return None


def experiment_record(
    host: str, experiment: dict[str, Any], items: list[Any], dataset: str | None
) -> Record:
    """One eval run from an experiment and its items with their scores."""
    place = f"experiment {experiment.get('id')}"
    started = parse_time(experiment.get("startTime"), place, None, "startTime")
    ended = experiment.get("endTime") or experiment.get("startTime")
    version = parse_time(ended, place, None, "endTime").astimezone(UTC).isoformat()
    per_item: dict[str, dict[str, tuple[str, float]]] = {}
    kinds: dict[str, set[str]] = {}
    meta: dict[str, Any] = {}
    for item in items:
        item = as_dict(item)
        meta = meta or as_dict(item.get("experimentMetadata"))
        scores = per_item.setdefault(str(item.get("experimentItemId") or item.get("id")), {})
        for score in item.get("scores") or []:
            score = as_dict(score)
            value = _score_value(score)
            if value is None or not score.get("name"):
                continue
            name, at = str(score["name"]), str(score.get("timestamp") or "")
            kinds.setdefault(name, set()).add(str(score.get("dataType")))
            if name not in scores or at >= scores[name][0]:  # a re-score: the latest counts
                scores[name] = (at, value)
            updated = str(score.get("updatedAt") or "")
            if updated:
                stamp = parse_time(updated, place, None, "scores.updatedAt").astimezone(UTC)
                version = max(version, stamp.isoformat())
    names = sorted(kinds)
    metrics: dict[str, Any] = {}
    for name in names:
        values = [s[name][1] for s in per_item.values() if name in s]
        metrics[name] = sum(values) / len(values)
    booleans = [n for n in names if kinds[n] == {"BOOLEAN"}]
    passed = None
    if len(booleans) == 1 and all(booleans[0] in s for s in per_item.values()) and per_item:
        passed = int(sum(s[booleans[0]][1] for s in per_item.values()))
    values_of = None
    if len(names) == 1 and len(per_item) == len(items):
        values_of = {k: s[names[0]][1] for k, s in per_item.items() if names[0] in s}
    suite = f"langfuse/{dataset or experiment.get('name')}"
    model, prompt = meta.get("model"), meta.get("prompt")
    record = eval_run(
        suite,
        str(model) if model else None,
        started,
        len(items),
        passed,
        metrics,
        values_of,
        f"langfuse:{host}:{experiment['id']}",
        prompt=str(prompt) if prompt else None,
    )
    record.version = version
    return record


@dataclass(frozen=True)
class Grading:
    """How a source's scores grade outputs: the score's name, whose scores are the judge's,
    and for a numeric score the value at or above which an output passes."""

    name: str
    judge: str = "EVAL"
    pass_at: float | None = None

    def passes(self, score: dict[str, Any], place: str) -> bool:
        kind = score.get("dataType")
        value = _score_value(score)
        if kind == "BOOLEAN" and value is not None:
            return value == 1.0
        if kind == "NUMERIC" and value is not None:
            if self.pass_at is None:
                raise SyncError(
                    f"{place}: the score '{self.name}' is NUMERIC, and no value is said to pass",
                    hint="set grade_pass_at in the [[sync]] table (e.g. grade_pass_at = 0.5)",
                )
            return value >= self.pass_at
        raise SyncError(
            f"{place}: the score '{self.name}' is {kind}, not pass or fail",
            hint="grade with a BOOLEAN score, or a NUMERIC one and grade_pass_at",
        )


def grade_records(
    host: str, grading: Grading, scores: list[Any], place: str
) -> tuple[list[Record], int]:
    """A grade per output the judge scored, with a person's grade where one scored it too; and
    how many outputs only a person graded."""
    judged: dict[tuple[str, str], dict[str, Any]] = {}
    human: dict[tuple[str, str], dict[str, Any]] = {}
    for score in scores:
        score = as_dict(score)
        subject = as_dict(score.get("subject"))
        if score.get("name") != grading.name or subject.get("kind") not in ("trace", "observation"):
            continue
        key = (str(subject["kind"]), str(subject.get("id")))
        source = str(score.get("source") or "").upper()
        into = judged if source == grading.judge else human if source == HUMAN_SOURCE else None
        if into is None:
            continue
        # A re-score replaces the earlier one: the latest time counts.
        if key not in into or _utc(str(score.get("timestamp"))) >= _utc(
            str(into[key].get("timestamp"))
        ):
            into[key] = score
    records = []
    for key, judge in sorted(judged.items()):
        where = f"{place} score {judge.get('id')}"
        person = human.get(key)
        at = parse_time(judge.get("timestamp"), where, None, "timestamp").astimezone(UTC)
        stamps = [str(s.get("updatedAt") or s.get("timestamp")) for s in (judge, person) if s]
        records.append(
            Record(
                kind="grade",
                natural_key=f"langfuse:{host}:{grading.name}:{key[0]}:{key[1]}",
                occurred_at=at,
                fields={
                    "item": key[1],
                    "service": None,
                    "graded_at": at,
                    "judge_pass": grading.passes(judge, where),
                    "human_pass": grading.passes(person, f"{place} score {person.get('id')}")
                    if person
                    else None,
                },
                version=max(_utc(s) for s in stamps),
            )
        )
    return records, sum(1 for key in human if key not in judged)


class LangfuseConnector(BaseConnector):
    name = "langfuse"
    description = (
        "Langfuse generations (usage, cost, latency) as a telemetry table, and experiments "
        "with their scores as eval runs"
    )
    scope_keys: ClassVar[Mapping[str, str]] = {
        "public_key": "the project's public key (pk-lf-...); the secret key is read from the "
        "variable token_env names",
        "include": 'what to pull: "generations", "experiments" and "scores" (default: '
        '["generations", "experiments"])',
        "grade_score": "with scores: the name of the score that grades production outputs "
        "pass or fail (BOOLEAN, or NUMERIC with grade_pass_at)",
        "grade_pass_at": "with a NUMERIC grade_score: the value at or above which an output passes",
        "judge_source": "with scores: whose scores are the judge's: \"EVAL\" (Langfuse's "
        'evaluators, the default) or "API" (scores your code sends); a person\'s are '
        "ANNOTATION scores",
        "telemetry": "the name of the telemetry table the generations go to (default: the "
        "source's name)",
        "environments": "only these Langfuse environments (default: all)",
    }
    required = ("public_key",)
    default_url = "https://cloud.langfuse.com"
    token_env = "LANGFUSE_SECRET_KEY"
    token_scopes = (
        "a Langfuse project API key: the public key in public_key, the secret key in the variable"
    )
    scope_hint = (
        "check url (the region: cloud.langfuse.com, us.cloud.langfuse.com, or your host) and "
        "public_key in [[sync]] '{name}'"
    )
    writes = ("eval_run", "grade", "a telemetry table")

    def streams(self, source: SyncSource) -> list[str]:
        chosen = source.items("include") or list(DEFAULT_STREAMS)
        unknown = [s for s in chosen if s not in STREAMS]
        if unknown:
            raise InputError(
                f"{source.place}.include: {unknown[0]!r} is not something Langfuse gives",
                hint='include any of "generations", "experiments" and "scores"',
            )
        if SCORES in chosen:
            self.grading(source)
        return chosen

    def grading(self, source: SyncSource) -> Grading:
        """How scores grade outputs, from the scope; an error naming the key that is wrong."""
        name = source.scope.get("grade_score")
        if not isinstance(name, str) or not name:
            raise InputError(
                f"{source.place}.grade_score: missing",
                hint="name the Langfuse score that grades production outputs pass or fail, "
                'e.g. grade_score = "correctness"',
            )
        judge = str(source.scope.get("judge_source") or "EVAL").upper()
        if judge not in JUDGE_SOURCES:
            raise InputError(
                f"{source.place}.judge_source: {judge!r} is not a source of judge scores",
                hint='write "EVAL" (Langfuse\'s evaluators) or "API" (scores your code sends)',
            )
        at = source.scope.get("grade_pass_at")
        try:
            # `sync add --scope grade_pass_at=0.5` writes it as text.
            pass_at = None if at is None else float(at)
        except ValueError:
            raise InputError(
                f"{source.place}.grade_pass_at: {at!r} is not a number",
                hint="the score value at or above which an output passes, e.g. 0.5",
            ) from None
        return Grading(name, judge, pass_at)

    def table(self, source: SyncSource) -> str:
        """The telemetry table's name, which is also its file's name in the workspace."""
        name = str(source.scope.get("telemetry") or source.name)
        if not NAME.match(name):
            raise InputError(
                f"{source.place}.telemetry: {name!r} is not a table name",
                hint="use lowercase letters, digits, '.', '_' and '-'",
            )
        return name

    def http(self, source: SyncSource) -> Http:
        secret = source.token() or ""
        basic = base64.b64encode(f"{source.scope['public_key']}:{secret}".encode()).decode()
        return Http(
            source,
            auth={"Authorization": f"Basic {basic}"},
            scope_hint=self.scope_hint.format(name=source.name),
            token_scopes=self.token_scopes,
        )

    def plan(self, source: SyncSource, state: Mapping[str, Any]) -> Plan:
        fetch = []
        streams = self.streams(source)
        if GENERATIONS in streams:
            since = as_dict(state.get(GENERATIONS)).get("start")
            table = self.table(source)
            fetch.append(
                f"generations that started from a day before {since}, into telemetry table "
                f"'{table}'"
                if since
                else f"every generation, into telemetry table '{table}' (first sync)"
            )
        if EXPERIMENTS in streams:
            known = len(as_dict(state.get(EXPERIMENTS)))
            fetch.append(
                f"the list of experiments, and the items and scores of those new or changed "
                f"since the last sync ({known} known)"
            )
        if SCORES in streams:
            grading = self.grading(source)
            since = as_dict(state.get(SCORES)).get("timestamp")
            fetch.append(
                f"'{grading.name}' scores from {since}, and every '{grading.name}' score of "
                "the traces they are on, as grades"
                if since
                else f"every '{grading.name}' score, as grades (first sync)"
            )
        return Plan(hosts=[source.host], fetch=fetch)

    def pull(
        self, source: SyncSource, http: Http, state: Mapping[str, Any], ctx: SyncContext
    ) -> Iterator[Batch]:
        current = dict(state)
        streams = self.streams(source)
        if GENERATIONS in streams:
            for batch in self._generations(source, http, current):
                current = dict(batch.state)
                yield batch
        if EXPERIMENTS in streams:
            for batch in self._experiments(source, http, current):
                current = dict(batch.state)
                yield batch
        if SCORES in streams:
            yield from self._scores(source, http, current, ctx)

    def _generations(
        self, source: SyncSource, http: Http, state: dict[str, Any]
    ) -> Iterator[Batch]:
        since = as_dict(state.get(GENERATIONS)).get("start")
        params: dict[str, Any] = {
            "type": "GENERATION",
            "fields": OBSERVATION_FIELDS,
            "limit": OBSERVATIONS_PAGE,
        }
        if since:
            start = datetime.fromisoformat(since) - MARGIN
            params["fromStartTime"] = start.isoformat().replace("+00:00", "Z")
        environments = source.items("environments")
        if environments:
            params["environment"] = environments
        newest = since
        url = f"{source.url}/api/public/v2/observations"
        schema = generation_schema()
        while True:
            page = http.get(url, params)
            data = _data(page, source)
            rows = [generation_row(o, f"{page.url} data[{i}]") for i, o in enumerate(data)]
            for row in rows:
                stamp = row["ts"].isoformat()
                newest = stamp if newest is None or stamp > newest else newest
            cursor = as_dict(page.data.get("meta")).get("cursor")
            last = not cursor or not data
            after = {**state, GENERATIONS: {"start": newest}} if last and newest else state
            table = TelemetryRows(self.table(source), rows, "span_id", schema, {"timestamp": "ts"})
            yield Batch([], dict(after), telemetry=table if rows else None)
            if last:
                return
            params = {**params, "cursor": cursor}

    def _experiments(
        self, source: SyncSource, http: Http, state: dict[str, Any]
    ) -> Iterator[Batch]:
        known: dict[str, str] = dict(as_dict(state.get(EXPERIMENTS)))
        datasets: dict[str, str] | None = None
        recent = (datetime.now(UTC) - RESCORE).isoformat()
        for experiment in self._list(source, http):
            ident, ended = str(experiment["id"]), str(experiment.get("endTime") or "")
            if known.get(ident) == ended and _utc(ended) < recent:
                continue  # stored by an earlier sync, no item or score since
            if experiment.get("datasetId") and datasets is None:
                datasets = self._datasets(source, http)
            items = self._items(source, http, ident)
            dataset = (datasets or {}).get(str(experiment.get("datasetId") or ""))
            record = experiment_record(source.host, experiment, items, dataset)
            known[ident] = ended
            yield Batch([record], {**state, EXPERIMENTS: dict(known)})

    def _scores(
        self, source: SyncSource, http: Http, state: dict[str, Any], ctx: SyncContext
    ) -> Iterator[Batch]:
        grading = self.grading(source)
        since = as_dict(state.get(SCORES)).get("timestamp")
        url = f"{source.url}/api/public/v3/scores"
        params: dict[str, Any] = {"name": grading.name, "fields": "subject", "limit": SCORES_PAGE}
        if since:
            # Inclusive: the boundary is read again, and changes nothing.
            params["fromTimestamp"] = since.replace("+00:00", "Z")
        traces: dict[str, None] = {}
        newest, elsewhere = since, 0
        for _, score in _paged(source, http, url, params):
            stamp = _utc(str(as_dict(score).get("timestamp") or ""))
            if stamp != UNREADABLE:  # the cursor is a time Langfuse can be asked from
                newest = stamp if newest is None or stamp > newest else newest
            trace = _trace_of(score)
            if trace is None:
                elsewhere += 1  # a session's or an experiment's score grades no output
                continue
            traces[trace] = None
        if elsewhere:
            ctx.note(
                f"'{grading.name}': {elsewhere} scores not on a trace or an observation of one "
                "(sessions, experiments) left out"
            )
        ids, unjudged = list(traces), 0
        after = {**state, SCORES: {"timestamp": newest}} if newest else state
        if not ids:
            yield Batch([], dict(after), pages=0)
            return
        for start in range(0, len(ids), TRACES_AT_ONCE):
            chunk = ids[start : start + TRACES_AT_ONCE]
            query = {**params, "traceId": ",".join(chunk)}
            query.pop("fromTimestamp", None)
            scores = [s for _, s in _paged(source, http, url, query)]
            records, passed = grade_records(source.host, grading, scores, str(url))
            unjudged += passed
            last = start + TRACES_AT_ONCE >= len(ids)
            yield Batch(records, dict(after if last else state))
        if unjudged:
            ctx.note(
                f"'{grading.name}': {unjudged} outputs a person graded but no judge did, "
                "left out (the SLO is the judge's grades)"
            )

    def _list(self, source: SyncSource, http: Http) -> Iterator[dict[str, Any]]:
        url = f"{source.url}/api/public/experiments"
        params: dict[str, Any] = {"limit": EXPERIMENTS_PAGE, "fields": "core"}
        for where, experiment in _paged(source, http, url, params):
            if not isinstance(experiment, dict) or not experiment.get("id"):
                raise SyncError(
                    f"{source.place}: the page {where} lists an experiment without an id",
                    hint=f"the url should be the Langfuse host ({source.url})",
                )
            yield experiment

    def _items(self, source: SyncSource, http: Http, experiment: str) -> list[Any]:
        url = f"{source.url}/api/public/experiment-items"
        params: dict[str, Any] = {
            "experimentId": experiment,
            "fields": "core,dataset,experimentMetadata,scores",
            "limit": EXPERIMENTS_PAGE,
        }
        return [item for _, item in _paged(source, http, url, params)]

    def _datasets(self, source: SyncSource, http: Http) -> dict[str, str]:
        """Dataset names by id (experiments name only the id)."""
        names: dict[str, str] = {}
        page_number = 1
        while True:
            page = http.get(
                f"{source.url}/api/public/v2/datasets", {"page": page_number, "limit": 100}
            )
            for dataset in _data(page, source):
                dataset = as_dict(dataset)
                if dataset.get("id") and dataset.get("name"):
                    names[str(dataset["id"])] = str(dataset["name"])
            total = as_dict(page.data.get("meta")).get("totalPages")
            if not isinstance(total, int) or page_number >= total:
                return names
            page_number += 1


def _paged(
    source: SyncSource, http: Http, url: str, params: dict[str, Any]
) -> Iterator[tuple[str, Any]]:
    """Every object of a listing paged by an opaque cursor (``meta.cursor``), with the page's
    address."""
    while True:
        page = http.get(url, params)
        data = _data(page, source)
        for obj in data:
            yield page.url, obj
        cursor = as_dict(page.data.get("meta")).get("cursor")
        if not cursor or not data:
            return
        params = {**params, "cursor": cursor}


def _trace_of(score: Any) -> str | None:
    """The trace a score of an output is on (its own id for a trace's score); None for a
    session's or an experiment's."""
    subject = as_dict(as_dict(score).get("subject"))
    if subject.get("kind") == "trace":
        return str(subject["id"]) if subject.get("id") else None
    if subject.get("kind") == "observation":
        return str(subject["traceId"]) if subject.get("traceId") else None
    return None


def _utc(stamp: str) -> str:
    """An ISO time as UTC text, comparable as text; an unreadable one sorts last."""
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC).isoformat()
    except ValueError:
        return UNREADABLE


def _data(page: Page, source: SyncSource) -> list[Any]:
    data = page.data.get("data") if isinstance(page.data, dict) else None
    if not isinstance(data, list):
        raise SyncError(
            f"{source.place}: the page {page.url} has no data list",
            hint=f"the url should be the Langfuse host, e.g. {LangfuseConnector.default_url}",
        )
    return data
