"""promptfoo eval exports (`promptfoo export`, JSON with results version 3).

Each becomes EvalRun records. Eval results carry no author: they belong to --person, or to
the workspace's person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from perfpacket.errors import InputError
from perfpacket.evidence.importers._common import (
    head_is_json,
    load_json,
    parse_time,
    require,
    sha256_file,
)
from perfpacket.evidence.importers._evals import eval_run, reported_finite
from perfpacket.evidence.records import BaseImporter, ImportContext, ImportOptions, Record


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
                "primary_metric": "pass_rate",  # what its items are: each test passed or not
            }
            yield eval_run(
                suite=f"promptfoo/{prompt.get('label') or prompt.get('raw', '')[:60]}",
                model=provider,
                when=when,
                n=n,
                passed=passed,
                metrics=reported_finite(ctx, metrics, "metrics"),
                items=per_prompt.get(idx) or None,
                key=f"promptfoo:{eval_id}:{idx}:{provider}",
                prompt=str(prompt.get("id") or "") or None,
            )
