"""MLflow tracking stores, the `mlruns/` file store and the SQLite database (`mlflow.db`) that
MLflow keeps by default: runs with their params, tags and metrics history.

Each becomes EvalRun records. Eval results carry no author: they belong to --person, or to
the workspace's person.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from perfpacket.errors import InputError
from perfpacket.evidence.importers._common import (
    Place,
    parse_time,
    read_text,
    sha256_file,
)
from perfpacket.evidence.importers._evals import eval_run, reported_finite
from perfpacket.evidence.records import BaseImporter, ImportContext, ImportOptions, Record

# Where MLflow users record the model a run evaluated, in the order they are trusted: a param
# (logged by the code that called the model), then a tag.
MODEL_KEYS = ("model", "model_name", "model_id", "llm_model", "llm", "openai_model")


def _model(params: dict[str, str], tags: dict[str, str]) -> str | None:
    """The model a run names in its params or tags; None when it names none, and the run's
    name stands in (a run name is not a model, so it is only the fallback)."""
    for source in (params, tags):
        for key in MODEL_KEYS:
            if source.get(key):
                return source[key]
    return None


SQLITE_MAGIC = b"SQLite format 3\x00"
STORE_TABLES = {"experiments", "runs", "params", "tags", "metrics", "latest_metrics"}
DELETED = "deleted"


def _tables(path: Path) -> set[str]:
    """The tables of a SQLite file, read only; none when it is not one."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError:
        return set()
    finally:
        con.close()


class _Run:
    """One MLflow run as either store holds it."""

    def __init__(self, experiment_id: str, experiment: str, run_id: str, name: str | None) -> None:
        self.experiment_id, self.experiment, self.run_id, self.name = (
            experiment_id,
            experiment,
            run_id,
            name,
        )
        self.start_ms: int = 0
        self.params: dict[str, str] = {}
        self.tags: dict[str, str] = {}
        self.latest: dict[str, float | None] = {}
        self.history: dict[str, list[list[float]]] = {}

    def record(self, ctx: ImportContext, place: Place) -> Record:
        metrics = reported_finite(
            ctx,
            {**self.latest, "params": self.params, "tags": self.tags, "history": self.history},
            "metrics",
        )
        return eval_run(
            suite=f"mlflow/{self.experiment}",
            model=_model(self.params, self.tags)
            or self.tags.get("mlflow.runName")
            or self.name
            or self.run_id,
            when=parse_time(self.start_ms / 1000, place, None, "start_time"),
            n=0,
            passed=None,
            metrics=metrics,
            items=None,
            # The same key in both stores: a file store migrated to a database is the same runs.
            key=f"mlflow:{self.experiment_id}:{self.run_id}",
        )


class MlflowImporter(BaseImporter):
    name = "mlflow"
    description = (
        "an MLflow tracking store: a file store (an mlruns/ folder of experiments and runs) or "
        "the SQLite database MLflow keeps by default (mlflow.db)"
    )
    version = "2"

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            return any(path.glob("*/meta.yaml"))
        return head.startswith(SQLITE_MAGIC) and _tables(path) >= STORE_TABLES

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        return sha256_file(path)

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        runs = self._database(path) if path.is_file() else self._folder(path)
        deleted = 0
        for run, place, stage in runs:
            if stage == DELETED:  # in MLflow's trash: not evidence of anything
                deleted += 1
                continue
            yield run.record(ctx, place)
        if deleted:
            ctx.note(f"{deleted} deleted runs left out")

    def _database(self, path: Path) -> Iterator[tuple[_Run, Path, str]]:
        import sqlite3

        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            experiments = {
                str(eid): (name, stage)
                for eid, name, stage in con.execute(
                    "SELECT experiment_id, name, lifecycle_stage FROM experiments"
                )
            }
            by_run: dict[str, _Run] = {}
            stages: dict[str, str] = {}
            for run_id, name, eid, start, stage in con.execute(
                "SELECT run_uuid, name, experiment_id, start_time, lifecycle_stage FROM runs "
                "ORDER BY start_time, run_uuid"
            ):
                exp_name, exp_stage = experiments.get(str(eid), (str(eid), None))
                run = _Run(str(eid), exp_name, run_id, name)
                if not isinstance(start, int):
                    raise InputError(
                        f"'{path}' table runs, run {run_id}: no start_time",
                        hint="milliseconds since the epoch",
                    )
                run.start_ms = start
                by_run[run_id] = run
                stages[run_id] = DELETED if DELETED in (stage, exp_stage) else str(stage)
            for key, value, run_id in con.execute("SELECT key, value, run_uuid FROM params"):
                if run_id in by_run:
                    by_run[run_id].params[key] = str(value)
            for key, value, run_id in con.execute("SELECT key, value, run_uuid FROM tags"):
                if run_id in by_run:
                    by_run[run_id].tags[key] = str(value)
            # MLflow's own latest value of each metric (highest step, then latest time).
            for key, value, is_nan, run_id in con.execute(
                "SELECT key, value, is_nan, run_uuid FROM latest_metrics"
            ):
                if run_id in by_run:
                    by_run[run_id].latest[key] = float("nan") if is_nan else value
            for key, value, ts, step, is_nan, run_id in con.execute(
                "SELECT key, value, timestamp, step, is_nan, run_uuid FROM metrics "
                "ORDER BY run_uuid, key, step, timestamp"
            ):
                if run_id in by_run:
                    point = [float(ts), float("nan") if is_nan else float(value), float(step)]
                    by_run[run_id].history.setdefault(key, []).append(point)
        finally:
            con.close()
        for run_id, run in by_run.items():
            yield run, path, stages[run_id]

    def _folder(self, path: Path) -> Iterator[tuple[_Run, Path, str]]:
        # Loaded here: every import command loads this module, and most read no YAML.
        from perfpacket._yaml import load_yaml

        for meta_file in sorted(path.glob("*/meta.yaml")):
            exp = load_yaml(read_text(meta_file)) or {}
            if not isinstance(exp, dict) or "name" not in exp:
                raise InputError(
                    f"'{meta_file}' field name: missing", hint="an experiment's meta.yaml names it"
                )
            for run_meta in sorted(meta_file.parent.glob("*/meta.yaml")):
                meta = load_yaml(read_text(run_meta)) or {}
                run_dir = run_meta.parent
                run = _Run(
                    str(exp.get("experiment_id", meta_file.parent.name)),
                    str(exp["name"]),
                    str(meta.get("run_id") or run_dir.name),
                    meta.get("run_name"),
                )
                start = meta.get("start_time")
                if not isinstance(start, int):
                    raise InputError(
                        f"'{run_meta}' field start_time: missing",
                        hint="milliseconds since the epoch",
                    )
                run.start_ms = start
                for metric_file in sorted((run_dir / "metrics").glob("**/*")):
                    if not metric_file.is_file():
                        continue
                    name = str(metric_file.relative_to(run_dir / "metrics"))
                    points = _points(metric_file)
                    run.history[name] = points
                    # MLflow's latest value: the highest step, then the latest time.
                    run.latest[name] = (
                        max(points, key=lambda p: (p[2], p[0]))[1] if points else None
                    )
                run.params = {
                    p.name: read_text(p).strip()
                    for p in sorted((run_dir / "params").glob("*"))
                    if p.is_file()
                }
                run.tags = {
                    t.name: read_text(t).strip()
                    for t in sorted((run_dir / "tags").glob("*"))
                    if t.is_file()
                }
                stages = {exp.get("lifecycle_stage"), meta.get("lifecycle_stage")}
                yield run, run_meta, DELETED if DELETED in stages else "active"


def _points(metric_file: Path) -> list[list[float]]:
    """A file store's metric history: one 'timestamp value [step]' line per point."""
    points = []
    for number, line in enumerate(read_text(metric_file).splitlines(), start=1):
        parts = line.split()
        if len(parts) < 2:
            raise InputError(f"'{metric_file}' line {number}: expected 'timestamp value [step]'")
        try:
            points.append(
                [float(parts[0]), float(parts[1]), float(parts[2]) if len(parts) > 2 else 0.0]
            )
        except ValueError:
            raise InputError(f"'{metric_file}' line {number}: not numbers") from None
    return points
