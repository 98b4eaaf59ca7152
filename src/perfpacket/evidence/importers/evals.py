"""Eval harness results: promptfoo, lm-evaluation-harness, Inspect, OpenAI evals, MLflow.

Each becomes EvalRun records (suite, model, time, n, passed, metrics, per-item results where
the format has them). Eval results carry no author: they belong to --person, or to the
workspace's person.
"""

from __future__ import annotations

import json
import math
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from perfpacket.errors import InputError
from perfpacket.evidence.importers._common import (
    as_dict,
    finite,
    head_is_json,
    load_json,
    parse_time,
    read_jsonl,
    read_text,
    require,
    sha256_file,
)
from perfpacket.evidence.records import BaseImporter, ImportContext, ImportOptions, Record


def _run(
    suite: str,
    model: str | None,
    when: Any,
    n: int,
    passed: int | None,
    metrics: dict[str, Any],
    items: dict[str, float] | None,
    key: str,
    prompt: str | None = None,
) -> Record:
    return Record(
        kind="eval_run",
        natural_key=key,
        occurred_at=when,
        fields={
            "suite": suite,
            "model": model,
            "prompt_version": prompt,
            "run_at": when,
            "n": n,
            "passed": passed,
            "metrics": metrics,
            "slices": {},
            "items": items,
        },
    )


class PromptfooImporter(BaseImporter):
    name = "promptfoo"
    description = "a promptfoo eval export (JSON with results.version 3)"
    version = "1"

    def sniff(self, path: Path, head: bytes) -> bool:
        return (path.is_file() and head_is_json(head) and b'"evalId"' in head) or (
            path.is_file() and b'"promptIdx"' in head
        )

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        return sha256_file(path)

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        data = load_json(path)
        results = require(data, "results", path, None, dict)
        if results.get("version") != 3:
            raise InputError(
                f"'{path}' field results.version: {results.get('version')!r}, expected 3",
                hint="export with a promptfoo version that writes results version 3",
            )
        eval_id = str(data.get("evalId") or path.stem)
        when = parse_time(
            require(results, "timestamp", path, None, str), path, None, "results.timestamp"
        )
        prompts = require(results, "prompts", path, None, list)
        rows = require(results, "results", path, None, list)
        per_prompt: dict[int, dict[str, float]] = defaultdict(dict)
        for i, row in enumerate(rows):
            if not isinstance(row, dict) or not isinstance(row.get("promptIdx"), int):
                raise InputError(f"'{path}' field results.results[{i}].promptIdx: missing")
            test = row.get("testIdx", i)
            per_prompt[row["promptIdx"]][f"test-{test}"] = 1.0 if row.get("success") else 0.0
        for idx, prompt in enumerate(prompts):
            if not isinstance(prompt, dict):
                raise InputError(f"'{path}' field results.prompts[{idx}]: expected an object")
            m = prompt.get("metrics") or {}
            passed = int(m.get("testPassCount", 0))
            n = passed + int(m.get("testFailCount", 0)) + int(m.get("testErrorCount", 0))
            provider = str(prompt.get("provider") or f"prompt-{idx}")
            tokens = m.get("tokenUsage") or {}
            metrics = {
                "score": m.get("score"),
                "pass_rate": passed / n if n else None,
                "cost_usd": m.get("cost"),
                "total_latency_ms": m.get("totalLatencyMs"),
                "tokens": tokens.get("total"),
                "errors": m.get("testErrorCount"),
            }
            yield _run(
                suite=f"promptfoo/{prompt.get('label') or prompt.get('raw', '')[:60]}",
                model=provider,
                when=when,
                n=n,
                passed=passed,
                metrics=_finite(ctx, metrics, "metrics"),
                items=per_prompt.get(idx) or None,
                key=f"promptfoo:{eval_id}:{idx}:{provider}",
                prompt=str(prompt.get("id") or "") or None,
            )


def _finite(ctx: ImportContext, obj: Any, place: str) -> Any:
    """``obj`` with NaN and infinities as None, each one reported as an import warning."""
    warnings: list[str] = []
    clean = finite(obj, warnings, place)
    for warning in warnings:
        ctx.warn(warning)
    return clean


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
            yield _run(
                suite=f"lm-eval/{task}",
                model=model or None,
                when=when,
                n=n,
                passed=None,
                metrics=_finite(ctx, metrics, f"results.{task}"),
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


class InspectImporter(BaseImporter):
    name = "inspect"
    description = "an Inspect eval log (.json, or .eval zip)"
    version = "1"

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.suffix == ".eval":
            return head.startswith(b"PK")
        return path.is_file() and head_is_json(head) and b'"eval"' in head and b'"plan"' in head

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        return sha256_file(path)

    def _load(self, path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        if path.suffix == ".eval":
            try:
                with zipfile.ZipFile(path) as z:
                    header = json.loads(z.read("header.json"))
                    samples = [
                        json.loads(z.read(n))
                        for n in sorted(z.namelist())
                        if n.startswith("samples/")
                    ]
            except (zipfile.BadZipFile, KeyError) as exc:
                raise InputError(
                    f"'{path}': not a complete .eval log ({exc})", hint="the file may be truncated"
                ) from None
            return header, samples
        data = load_json(path)
        return data, list(data.get("samples") or [])

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        header, samples = self._load(path)
        ev = require(header, "eval", path, None, dict)
        results = as_dict(header.get("results"))
        if header.get("status") not in (None, "success"):
            ctx.warn(f"'{path}': eval status is {header.get('status')}")
        metrics: dict[str, Any] = {}
        for score in results.get("scores") or []:
            for name, m in (score.get("metrics") or {}).items():
                metrics[f"{score.get('name')}/{name}"] = m.get("value")
        stats = as_dict(header.get("stats"))
        for model_name, usage in (stats.get("model_usage") or {}).items():
            metrics[f"tokens/{model_name}"] = usage.get("total_tokens")
        items: dict[str, float] = {}
        passed = 0
        for sample in samples:
            for score in (sample.get("scores") or {}).values():
                value = score.get("value")
                numeric = (
                    {"C": 1.0, "I": 0.0}.get(value, value) if isinstance(value, str) else value
                )
                if isinstance(numeric, int | float):
                    items[f"{sample.get('id')}:{sample.get('epoch', 1)}"] = float(numeric)
                    passed += numeric == 1.0
                break
        n = int(results.get("completed_samples") or results.get("total_samples") or len(samples))
        when = parse_time(require(ev, "created", path, None, str), path, None, "eval.created")
        yield _run(
            suite=f"inspect/{require(ev, 'task', path, None, str)}",
            model=str(ev.get("model") or "") or None,
            when=when,
            n=n,
            passed=passed if items else None,
            metrics=_finite(ctx, metrics, "results"),
            items=items or None,
            key=f"inspect:{ev.get('run_id') or ev.get('task_id') or path.name}:{ev.get('task')}",
        )


class OpenAIEvalsImporter(BaseImporter):
    name = "openai-evals"
    description = "an oaieval record log (JSONL: spec, final_report, sampling and match events)"
    version = "1"

    def sniff(self, path: Path, head: bytes) -> bool:
        return (
            path.is_file()
            and head.lstrip().startswith(b"{")
            and b'"spec"' in head.split(b"\n", 1)[0]
        )

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        return sha256_file(path)

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        spec: dict[str, Any] | None = None
        report: dict[str, Any] = {}
        items: dict[str, float] = {}
        for line, obj in read_jsonl(path):
            if "spec" in obj:
                spec = obj["spec"]
            elif "final_report" in obj:
                report = obj["final_report"] or {}
            elif obj.get("type") == "match":
                data = obj.get("data") or {}
                if "correct" not in data:
                    raise InputError(f"'{path}' line {line} / field data.correct: missing")
                items[str(obj.get("sample_id"))] = 1.0 if data["correct"] else 0.0
        if spec is None:
            raise InputError(
                f"'{path}' line 1 / field spec: missing", hint="pass the full record log of oaieval"
            )
        when = parse_time(
            spec.get("created_at") or path.stat().st_mtime, path, None, "spec.created_at"
        )
        completion = spec.get("completion_fns") or [None]
        yield _run(
            suite=f"openai-evals/{spec.get('eval_name')}",
            model=completion[0],
            when=when,
            n=len(items),
            passed=int(sum(items.values())),
            metrics=_finite(ctx, dict(report), "final_report"),
            items=items or None,
            key=f"openai-evals:{spec.get('run_id')}",
        )


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
                metrics = _finite(
                    ctx, {**metrics, "params": params, "tags": tags, "history": history}, "metrics"
                )
                yield _run(
                    suite=f"mlflow/{exp['name']}",
                    model=tags.get("mlflow.runName") or run.get("run_name") or run_id,
                    when=parse_time(start / 1000, run_meta, None, "start_time"),
                    n=0,
                    passed=None,
                    metrics=metrics,
                    items=None,
                    key=f"mlflow:{exp.get('experiment_id', meta_file.parent.name)}:{run_id}",
                )
