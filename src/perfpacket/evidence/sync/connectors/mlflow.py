"""``mlflow``: runs of a tracking server's experiments (params, tags, the latest value and the
whole history of each metric), through MLflow's own client, as the ``mlflow`` importer reads
them from a store on disk.

Each sync asks for the runs that finished since the newest end time it stored; runs still
running are left for a later sync (their metrics are not final), and said so.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

from perfpacket.evidence.importers.mlflow_runs import _Run
from perfpacket.evidence.records import Record
from perfpacket.evidence.sync.config import SyncSource
from perfpacket.evidence.sync.connector import BaseConnector, Batch, Plan, SyncContext
from perfpacket.evidence.sync.http import Http, SyncError

if TYPE_CHECKING:
    from mlflow.tracking import MlflowClient

PAGE = 500
TOKEN_VARIABLE = "MLFLOW_TRACKING_TOKEN"


class MlflowConnector(BaseConnector):
    name = "mlflow"
    description = "MLflow runs (params, tags, metrics and their history) from a tracking server"
    scope_keys: ClassVar[Mapping[str, str]] = {"experiments": "the experiments' names"}
    required = ("experiments",)
    default_url = None
    needs_token = False
    token_env = TOKEN_VARIABLE
    token_scopes = "read access to the experiments (a server without auth needs no token)"
    writes = ("eval_run",)

    def plan(self, source: SyncSource, state: Mapping[str, Any]) -> Plan:
        fetch = []
        for name in source.items("experiments"):
            after = (state.get("experiments") or {}).get(name)
            fetch.append(
                f"runs of experiment '{name}' that finished after {after} (ms since the epoch)"
                if after
                else f"every finished run of experiment '{name}' (first sync)"
            )
        return Plan(hosts=[source.host], fetch=fetch)

    def pull(
        self, source: SyncSource, http: Http, state: Mapping[str, Any], ctx: SyncContext
    ) -> Iterator[Batch]:
        done: dict[str, int] = dict(state.get("experiments") or {})
        with _client(source) as client:
            for name in source.items("experiments"):
                experiment = _call(source, client.get_experiment_by_name, name)
                if experiment is None:
                    raise SyncError(
                        f"{source.place}.experiments: '{name}' is not an experiment on "
                        f"{source.host}",
                        hint="check the name in the MLflow UI (names are case-sensitive)",
                    )
                yield from self._experiment(source, client, experiment, done, ctx)

    def _experiment(
        self,
        source: SyncSource,
        client: MlflowClient,
        experiment: Any,
        done: dict[str, int],
        ctx: SyncContext,
    ) -> Iterator[Batch]:
        name = str(experiment.name)
        after = int(done.get(name, 0))
        query = f"attributes.end_time > {after}"
        token: str | None = None
        while True:
            page = _call(
                source,
                client.search_runs,
                [experiment.experiment_id],
                filter_string=query,
                max_results=PAGE,
                order_by=["attributes.end_time ASC"],
                page_token=token,
            )
            records: list[Record] = []
            for found in page:
                info = found.info
                if info.status != "FINISHED" or info.end_time is None:
                    continue  # failed or killed runs are no result; running ones are counted
                run = _Run(str(experiment.experiment_id), name, info.run_id, info.run_name)
                run.start_ms = int(info.start_time)
                run.params = dict(found.data.params)
                run.tags = dict(found.data.tags)
                run.latest = dict(found.data.metrics)
                for key in sorted(found.data.metrics):
                    history = _call(source, client.get_metric_history, info.run_id, key)
                    run.history[key] = [
                        [float(m.timestamp), float(m.value), float(m.step)]
                        for m in sorted(history, key=lambda m: (m.step, m.timestamp))
                    ]
                records.append(run.record(ctx, f"{source.url} run {info.run_id}"))
                after = max(after, int(info.end_time))
            done = {**done, name: after}
            yield Batch(records, {"experiments": dict(done)})
            token = page.token
            if not token:
                break
        # Runs still going have no end time, so the query above never lists them: counted here.
        running = len(
            _call(
                source,
                client.search_runs,
                [experiment.experiment_id],
                filter_string="attributes.status = 'RUNNING'",
                max_results=PAGE,
            )
        )
        if running:
            ctx.note(f"{name}: {running} runs still running are left for a later sync")


@contextmanager
def _client(source: SyncSource) -> Iterator[MlflowClient]:
    try:
        from mlflow.tracking import MlflowClient
    except ImportError:
        raise SyncError(
            f"{source.place}: syncing MLflow needs MLflow's client",
            hint="pip install 'perfpacket[mlflow]'",
        ) from None
    # MLflow's client reads its token from MLFLOW_TRACKING_TOKEN: the variable the config
    # names is handed to it for this sync only.
    token = source.token()
    saved = os.environ.get(TOKEN_VARIABLE)
    if token is not None:
        os.environ[TOKEN_VARIABLE] = token
    try:
        yield MlflowClient(tracking_uri=source.url)
    finally:
        if token is not None:
            if saved is None:
                os.environ.pop(TOKEN_VARIABLE, None)
            else:
                os.environ[TOKEN_VARIABLE] = saved


def _call(source: SyncSource, request: Any, *args: Any, **kwargs: Any) -> Any:
    """One client call; MLflow's errors as a sync error naming the source."""
    from mlflow.exceptions import MlflowException

    try:
        return request(*args, **kwargs)
    except MlflowException as exc:
        status = getattr(exc, "get_http_status_code", lambda: None)()
        hint = {
            401: "the server wants a token: set token_env to the variable that holds it",
            403: "the token cannot read these experiments",
        }.get(status or 0, f"check the url ({source.url}) and that the server is running")
        raise SyncError(f"{source.place}: {source.host}: {exc.message}", hint=hint) from None
