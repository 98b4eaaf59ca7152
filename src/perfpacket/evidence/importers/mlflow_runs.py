"""MLflow file stores (`mlruns/`): runs with their params, tags and metrics.

Each becomes EvalRun records. Eval results carry no author: they belong to --person, or to
the workspace's person.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from perfpacket.errors import InputError
from perfpacket.evidence.importers._common import (
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


class MlflowImporter(BaseImporter):
    name = "mlflow"
    description = "an MLflow file store (an mlruns/ folder of experiments and runs)"
    version = "1"

    def sniff(self, path: Path, head: bytes) -> bool:
        return path.is_dir() and any(path.glob("*/meta.yaml"))

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        return sha256_file(path)

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        import yaml

        for meta_file in sorted(path.glob("*/meta.yaml")):
            exp = yaml.safe_load(read_text(meta_file)) or {}
            if not isinstance(exp, dict) or "name" not in exp:
                raise InputError(
                    f"'{meta_file}' field name: missing", hint="an experiment's meta.yaml names it"
                )
            for run_meta in sorted(meta_file.parent.glob("*/meta.yaml")):
                run = yaml.safe_load(read_text(run_meta)) or {}
                run_dir = run_meta.parent
                run_id = str(run.get("run_id") or run_dir.name)
                start = run.get("start_time")
                if not isinstance(start, int):
                    raise InputError(
                        f"'{run_meta}' field start_time: missing",
                        hint="milliseconds since the epoch",
                    )
                metrics: dict[str, Any] = {}
                history: dict[str, list[list[float]]] = {}
                for metric_file in sorted((run_dir / "metrics").glob("**/*")):
                    if not metric_file.is_file():
                        continue
                    name = str(metric_file.relative_to(run_dir / "metrics"))
                    points = []
                    for number, line in enumerate(read_text(metric_file).splitlines(), start=1):
                        parts = line.split()
                        if len(parts) < 2:
                            raise InputError(
                                f"'{metric_file}' line {number}: expected 'timestamp value [step]'"
                            )
                        try:
                            points.append(
                                [
                                    float(parts[0]),
                                    float(parts[1]),
                                    float(parts[2]) if len(parts) > 2 else 0.0,
                                ]
                            )
                        except ValueError:
                            raise InputError(
                                f"'{metric_file}' line {number}: not numbers"
                            ) from None
                    history[name] = points
                    metrics[name] = points[-1][1] if points else None
                params = {
                    p.name: read_text(p).strip()
                    for p in sorted((run_dir / "params").glob("*"))
                    if p.is_file()
                }
                tags = {
                    t.name: read_text(t).strip()
                    for t in sorted((run_dir / "tags").glob("*"))
                    if t.is_file()
                }
                metrics = reported_finite(
                    ctx, {**metrics, "params": params, "tags": tags, "history": history}, "metrics"
                )
                yield eval_run(
                    suite=f"mlflow/{exp['name']}",
                    model=_model(params, tags)
                    or tags.get("mlflow.runName")
                    or run.get("run_name")
                    or run_id,
                    when=parse_time(start / 1000, run_meta, None, "start_time"),
                    n=0,
                    passed=None,
                    metrics=metrics,
                    items=None,
                    key=f"mlflow:{exp.get('experiment_id', meta_file.parent.name)}:{run_id}",
                )
