"""OpenAI evals record logs (JSONL).

Each becomes EvalRun records. Eval results carry no author: they belong to --person, or to
the workspace's person.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from perfpacket.errors import InputError
from perfpacket.evidence.importers._common import (
    read_jsonl,
    run_time,
    sha256_file,
)
from perfpacket.evidence.importers._evals import eval_run, reported_finite
from perfpacket.evidence.records import BaseImporter, ImportContext, ImportOptions, Record


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
        graded: dict[str, float] = {}  # model-graded evals: a "metrics" event per sample
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
            elif obj.get("type") == "metrics":
                # ModelBasedClassify records {choice, score}; score is None for a choice the
                # grader's answer did not parse to, which is no score at all.
                score = (obj.get("data") or {}).get("score")
                if isinstance(score, int | float) and not isinstance(score, bool):
                    graded[str(obj.get("sample_id"))] = float(score)
        if spec is None:
            raise InputError(
                f"'{path}' line 1 / field spec: missing", hint="pass the full record log of oaieval"
            )
        when = run_time(spec.get("created_at"), path, "spec.created_at", options, ctx)
        completion = spec.get("completion_fns") or [None]
        metrics = dict(report)
        passed: int | None = int(sum(items.values()))
        if not items and graded:
            # A model-graded eval: its n is the samples the grader scored; "passed" only when
            # the scores are pass/fail.
            items = graded
            binary = set(graded.values()) <= {0.0, 1.0}
            passed = int(sum(graded.values())) if binary else None
            metrics["graded_by"] = "model"
            ctx.note(f"{len(graded)} samples scored by the grading model")
        yield eval_run(
            suite=f"openai-evals/{spec.get('eval_name')}",
            model=completion[0],
            when=when,
            n=len(items),
            passed=passed,
            metrics=reported_finite(ctx, metrics, "final_report"),
            items=items or None,
            key=f"openai-evals:{spec.get('run_id')}",
        )
