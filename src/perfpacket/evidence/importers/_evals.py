"""Shared by the eval-harness importers: one EvalRun record, and non-finite numbers reported."""

from __future__ import annotations

from typing import Any

from perfpacket.evidence.importers._common import (
    finite,
)
from perfpacket.evidence.records import ImportContext, Record


def eval_run(
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


def reported_finite(ctx: ImportContext, obj: Any, place: str) -> Any:
    """``obj`` with NaN and infinities as None, each one reported as an import warning."""
    warnings: list[str] = []
    clean = finite(obj, warnings, place)
    for warning in warnings:
        ctx.warn(warning)
    return clean
