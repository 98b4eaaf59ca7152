"""Inspect eval logs, in the JSON and the `.eval` (zip) formats.

Each becomes EvalRun records. Eval results carry no author: they belong to --person, or to
the workspace's person.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from perfpacket.errors import InputError
from perfpacket.evidence.importers._common import (
    as_dict,
    head_is_json,
    load_json,
    parse_time,
    require,
    sha256_file,
)
from perfpacket.evidence.importers._evals import eval_run, reported_finite
from perfpacket.evidence.records import BaseImporter, ImportContext, ImportOptions, Record


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
            for scorer, score in (sample.get("scores") or {}).items():
                value = score.get("value")
                numeric = (
                    {"C": 1.0, "I": 0.0}.get(value, value) if isinstance(value, str) else value
                )
                if isinstance(numeric, int | float):
                    metrics.setdefault("primary_metric", scorer)  # what the items are scored by
                    items[f"{sample.get('id')}:{sample.get('epoch', 1)}"] = float(numeric)
                    passed += numeric == 1.0
                break
        n = int(results.get("completed_samples") or results.get("total_samples") or len(samples))
        if items:
            ctx.note(f"{len(items)} scored samples imported as items, of {n} completed")
        else:
            ctx.note(
                f"no scored samples in the log: the results ({n} samples) are kept, "
                "with no per-sample items"
            )
        when = parse_time(require(ev, "created", path, None, str), path, None, "eval.created")
        yield eval_run(
            suite=f"inspect/{require(ev, 'task', path, None, str)}",
            model=str(ev.get("model") or "") or None,
            when=when,
            n=n,
            passed=passed if items else None,
            metrics=reported_finite(ctx, metrics, "results"),
            items=items or None,
            key=f"inspect:{ev.get('run_id') or ev.get('task_id') or path.name}:{ev.get('task')}",
        )
