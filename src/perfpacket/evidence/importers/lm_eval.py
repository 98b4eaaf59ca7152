"""lm-evaluation-harness results files (and the samples files beside them).

Each task becomes an EvalRun record. Eval results carry no author: they belong to --person,
or to the workspace's person.

- A group task (MMLU, or any entry of ``group_subtasks`` with subtasks) is kept as its own
  aggregate record, with the n of its subtasks summed and the subtasks it aggregates named, so
  it is neither dropped nor counted again as a task of its own.
- Results from before lm-evaluation-harness 0.4 (``*-res.json`` with ``results`` and
  ``versions`` only, or a results file that adds the run's ``config``, as 0.3 wrote them) record
  no sample count. For a proportion (accuracy) the harness reported the standard
  error of the mean with the n − 1 denominator, se² = p(1 − p)/(n − 1), so n = p(1 − p)/se² + 1;
  that n is used only when it comes out a whole number, and the record says it was derived.
  A task with no such proportion is refused with that reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from perfpacket.errors import InputError
from perfpacket.evidence.importers._common import (
    as_dict,
    load_json,
    read_jsonl,
    require,
    run_time,
    sha256_file,
)
from perfpacket.evidence.importers._evals import eval_run, reported_finite
from perfpacket.evidence.records import BaseImporter, ImportContext, ImportOptions, Record

# How far a derived n may sit from a whole number: the file's rounding, not a guess.
WHOLE = 1e-3


def _derived_n(path: Path, task: str, values: dict[str, Any]) -> tuple[int, str]:
    """n of a pre-0.4 result from a proportion and its standard error (see the module doc)."""
    for name in sorted(values):
        p, se = values.get(name), values.get(f"{name}_stderr")
        if not (isinstance(p, int | float) and isinstance(se, int | float)):
            continue
        if not 0 < p < 1 or se <= 0 or not math.isfinite(se):
            continue
        n = p * (1 - p) / se**2 + 1
        if abs(n - round(n)) <= WHOLE and round(n) >= 2:
            return round(n), f"derived from {name} and {name}_stderr: n = p(1 − p)/se² + 1"
    raise InputError(
        f"'{path}' field results.{task}: no sample count",
        hint="results written before lm-evaluation-harness 0.4 record none, and this task has "
        "no proportion with a non-zero standard error to derive it from; re-run it with 0.4 "
        "or later, which writes n-samples",
    )


def _group_n(
    path: Path,
    task: str,
    values: dict[str, Any],
    subtasks: dict[str, list[str]],
    n_samples: dict[str, Any],
) -> tuple[int, str]:
    """n of a group task: its subtasks' n summed (groups of groups followed down), else the
    sample count the harness wrote on the group itself."""

    def leaves(name: str, seen: frozenset[str]) -> list[str]:
        if name in seen:
            return []
        if name not in subtasks:
            return [name]
        return [leaf for sub in subtasks[name] for leaf in leaves(sub, seen | {name})]

    found = [(n_samples.get(leaf) or {}).get("effective") for leaf in leaves(task, frozenset())]
    counts = [c for c in found if isinstance(c, int)]
    if counts and len(counts) == len(found):
        return sum(counts), "sum of its subtasks' n-samples.effective"
    if isinstance(values.get("sample_len"), int):
        return int(values["sample_len"]), "results.sample_len of the group"
    raise InputError(
        f"'{path}' field n-samples: no sample count for the subtasks of group '{task}'",
        hint="export results with lm-evaluation-harness 0.4 or later",
    )


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
            or (b'"results"' in head and (b'"configs"' in head or b'"versions"' in head))
            or (path.name.startswith("samples_") and b'"doc_id"' in head)
        )

    def members(self, files: list[Path]) -> list[Path]:
        """A samples file comes along with the results file beside it; one without a results
        file stays listed, so the import says why it was not read."""
        covered = {s for f in files if not f.name.startswith("samples_") for s in self._samples(f)}
        return [f for f in files if f not in covered]

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
        samples_by_task, scored_by = self._read_samples(path, ctx)
        config = as_dict(data.get("config"))
        model = str(data.get("model_name") or config.get("model_args") or config.get("model") or "")
        # Older harness versions write no date.
        when = run_time(data.get("date"), path, "date", options, ctx)
        n_samples = as_dict(data.get("n-samples"))
        subtasks = {
            group: [str(t) for t in members]
            for group, members in as_dict(data.get("group_subtasks")).items()
            if isinstance(members, list) and members
        }
        # Before 0.4 the harness wrote results, versions and (later) one "config" of the run;
        # 0.4 and later write per-task "configs" and "n-samples".
        legacy = "n-samples" not in data and "configs" not in data
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
            if legacy:
                n, how = _derived_n(path, task, values)
            elif task in subtasks:
                n, how = _group_n(path, task, values, subtasks, n_samples)
                metrics["aggregate_of"] = subtasks[task]
            else:
                effective = (n_samples.get(task) or {}).get("effective")
                if not isinstance(effective, int):
                    raise InputError(
                        f"'{path}' field n-samples.{task}.effective: missing",
                        hint="export results with lm-evaluation-harness 0.4 or later",
                    )
                n, how = effective, "n-samples.effective"
            metrics["provenance"]["n_from"] = how
            if task in scored_by:  # the metric the per-item scores are of
                metrics["primary_metric"] = scored_by[task]
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

    def _read_samples(
        self, path: Path, ctx: ImportContext
    ) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
        """Per task, its items (doc_id → score) and the metric those scores are of."""
        found: dict[str, dict[str, float]] = {}
        scored: dict[str, str] = {}
        stamp = path.stem.removeprefix("results_")
        for sample_file in self._samples(path):
            task = sample_file.stem.removeprefix("samples_").removesuffix(f"_{stamp}")
            items: dict[str, float] = {}
            left_out: list[int] = []
            for line, obj in read_jsonl(sample_file):
                metric_names = obj.get("metrics") or []
                if "doc_id" not in obj or not metric_names:
                    raise InputError(f"'{sample_file}' line {line} / field doc_id: missing")
                scored[task] = str(metric_names[0])
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
            ctx.note(f"'{sample_file.name}': {len(items)} samples imported as items of {task}")
        return found, scored
