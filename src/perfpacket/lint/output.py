"""Lint results as text for people, JSON for scripts, SARIF 2.1.0 for code-review tools."""

from __future__ import annotations

from typing import Any

from perfpacket import __version__
from perfpacket.lint.engine import LintResult, all_rules

DOCS_URL = "docs/lint/{name}.md"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def as_text(result: LintResult) -> str:
    lines = []
    if result.skipped and result.workspace is None:
        lines.append(
            "note: no workspace found (the current folder, the packet's folder and the folders "
            "above them): claim references are not checked; run lint inside the workspace"
        )
    for d in result.diagnostics:
        lines.append(
            f"{result.path}:{d.line}:{d.col}: {d.code} {d.rule} ({d.severity}): {d.message}"
        )
        lines.append(f"    fix: {d.hint}")
    for rule, why in sorted(result.skipped.items()):
        lines.append(f"note: {rule} skipped ({why})")
    s = result.summary()
    if s["total"]:
        noun = "problem" if s["total"] == 1 else "problems"
        lines.append(
            f"{s['total']} {noun}: {s['error']} errors, {s['warning']} warnings, {s['info']} notes"
        )
    else:
        lines.append("No problems found.")
    return "\n".join(lines)


def as_json(result: LintResult) -> dict[str, Any]:
    return {
        "workspace": result.workspace,
        "diagnostics": [d.to_dict() for d in result.diagnostics],
        "summary": result.summary(),
    }


def as_sarif(result: LintResult) -> dict[str, Any]:
    rules = sorted(all_rules().values(), key=lambda r: r.code)
    index = {r.name: i for i, r in enumerate(rules)}
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "perfpacket",
                        "version": __version__,
                        "informationUri": "https://perfpacket.invalid/docs/lint",
                        "rules": [
                            {
                                "id": r.code,
                                "name": r.name,
                                "shortDescription": {"text": r.summary},
                                "help": {"text": r.hint},
                                "helpUri": DOCS_URL.format(name=r.name),
                                "defaultConfiguration": {"level": SARIF_LEVEL[r.severity]},
                            }
                            for r in rules
                        ],
                    }
                },
                "results": [
                    {
                        "ruleId": d.code,
                        "ruleIndex": index[d.rule],
                        "level": SARIF_LEVEL[d.severity],
                        "message": {"text": f"{d.message}. Fix: {d.hint}"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": result.path},
                                    "region": {
                                        "startLine": d.line,
                                        "startColumn": d.col,
                                        "endLine": d.end_line,
                                        "endColumn": d.end_col,
                                    },
                                }
                            }
                        ],
                    }
                    for d in result.diagnostics
                ],
            }
        ],
    }
