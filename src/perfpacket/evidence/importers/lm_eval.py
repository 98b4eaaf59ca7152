"""lm-evaluation-harness results files (and the samples files beside them).

Each becomes EvalRun records. Eval results carry no author: they belong to --person, or to
the workspace's person.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

from perfpacket.errors import InputError
from perfpacket.evidence.importers._common import (
    as_dict,
    load_json,
    parse_time,
    read_jsonl,
    require,
    sha256_file,
)
from perfpacket.evidence.importers._evals import eval_run, reported_finite
from perfpacket.evidence.records import BaseImporter, ImportContext, ImportOptions, Record


class LmEvalImporter(BaseImporter):
    name = "lm-eval"
    description = (
        "lm-evaluation-harness output: results_*.json, optionally with samples_*.jsonl beside it"
    )
    version = "1"

    def sniff(self, path: Path, head: bytes) -> bool:
        return path.is_file() and (
            b'"n-samples"' in head
            or b'"lm_eval_version"' in head
            or (b'"results"' in head and b'"configs"' in head)
            or (path.name.startswith("samples_") and b'"doc_id"' in head)
        )

    def _samples(self, path: Path) -> list[Path]:
        if path.name.startswith("samples_"):
            return [path]
        stamp = path.stem.removeprefix("results_")
        return sorted(path.parent.glob(f"samples_*_{stamp}.jsonl"))

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        extra = "".join(sha256_file(p) for p in self._samples(path) if p != path)
        return sha256_file(path, extra)

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        if path.name.startswith("samples_"):
            raise InputError(
                f"'{path}' is a samples file",
                hint="import the results_*.json beside it; its samples come along",
            )
        data = load_json(path)
        results = require(data, "results", path, None, dict)
        samples_by_task = self._read_samples(path, ctx)
        config = as_dict(data.get("config"))
        model = str(data.get("model_name") or config.get("model_args") or config.get("model") or "")
        when = parse_time(data.get("date") or path.stat().st_mtime, path, None, "date")
        n_samples = as_dict(data.get("n-samples"))
        for task, values in results.items():
            if not isinstance(values, dict):
                raise InputError(f"'{path}' field results.{task}: expected an object")
            metrics = {k: v for k, v in values.items() if k != "alias"}
            metrics["provenance"] = {
                "model": config.get("model"),
                "model_args": config.get("model_args"),
                "lm_eval_version": data.get("lm_eval_version"),
                "git_hash": data.get("git_hash"),
                "n_shot": (data.get("n-shot") or {}).get(task),
                "task_version": (data.get("versions") or {}).get(task),
            }
            n = (n_samples.get(task) or {}).get("effective")
            if not isinstance(n, int):
                raise InputError(
                    f"'{path}' field n-samples.{task}.effective: missing",
                    hint="export results with lm-evaluation-harness 0.4 or later",
                )
            yield eval_run(
                suite=f"lm-eval/{task}",
                model=model or None,
                when=when,
                n=n,
                passed=None,
                metrics=reported_finite(ctx, metrics, f"results.{task}"),
                items=samples_by_task.get(task),
                key=f"lm-eval:{path.name}:{task}",
            )

    def _read_samples(self, path: Path, ctx: ImportContext) -> dict[str, dict[str, float]]:
        found: dict[str, dict[str, float]] = {}
        stamp = path.stem.removeprefix("results_")
        for sample_file in self._samples(path):
            task = sample_file.stem.removeprefix("samples_").removesuffix(f"_{stamp}")
            items: dict[str, float] = {}
            left_out: list[int] = []
            for line, obj in read_jsonl(sample_file):
                metric_names = obj.get("metrics") or []
                if "doc_id" not in obj or not metric_names:
                    raise InputError(f"'{sample_file}' line {line} / field doc_id: missing")
                value = obj.get(metric_names[0])
                if isinstance(value, int | float) and math.isfinite(value):
                    items[str(obj["doc_id"])] = float(value)
                else:
                    left_out.append(line)
            if left_out:
                ctx.warn(
                    f"'{sample_file}': {len(left_out)} items without a finite score left out "
                    f"(lines {', '.join(map(str, left_out))})"
                )
            found[task] = items
        return found
