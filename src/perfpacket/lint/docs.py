"""Generates docs/lint/: one page per rule with a bad and a good example, and an index.

``python -m perfpacket.lint.docs docs/lint``; a test fails when the pages are stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from perfpacket.lint.engine import all_rules


def pages() -> dict[str, str]:
    """File name -> Markdown, for every rule and the index."""
    rules = sorted(all_rules().values(), key=lambda r: r.code)
    out = {}
    index = [
        "# Lint rules\n",
        "`perfpacket lint PACKET.md` reads a packet the way a calibration committee does. "
        "Select or skip rules with `--select`/`--ignore` (names or codes), in `perfpacket.toml` "
        "under `[lint]` (`select`, `ignore`, and `[lint.severity]` to change a severity), or "
        "inline with `<!-- perfpacket: ignore RULE -->` (on its own line: the next block; at the "
        "end of a line: that line; `ignore-file`: the whole file).\n",
        "| code | rule | severity | what it catches |",
        "|---|---|---|---|",
    ]
    for r in rules:
        index.append(f"| {r.code} | [{r.name}]({r.name}.md) | {r.severity} | {r.summary} |")
        needs = (
            "\nIt needs a workspace (claims); on a bare file it is skipped, and says so.\n"
            if r.needs_claims
            else ""
        )
        out[f"{r.name}.md"] = (
            f"# {r.name} ({r.code})\n\n{r.summary}\n\nSeverity: {r.severity}.{needs}\n\n"
            f"## Fix\n\n{r.hint[0].upper() + r.hint[1:]}.\n\n"
            f"## Flagged\n\n```markdown\n{r.bad}\n```\n\n"
            f"## Reads well\n\n```markdown\n{r.good}\n```\n"
        )
    out["index.md"] = "\n".join(index) + "\n"
    return out


def write(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (folder / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/lint"))
