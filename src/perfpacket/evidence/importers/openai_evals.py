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
    parse_time,
    read_jsonl,
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
        yield eval_run(
            suite=f"openai-evals/{spec.get('eval_name')}",
            model=completion[0],
            when=when,
            n=len(items),
            passed=int(sum(items.values())),
            metrics=reported_finite(ctx, dict(report), "final_report"),
            items=items or None,
            key=f"openai-evals:{spec.get('run_id')}",
        )
