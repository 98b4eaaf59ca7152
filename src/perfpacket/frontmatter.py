"""The YAML front matter at the top of a Markdown file (packets, ladders, feedback notes)."""

from __future__ import annotations

import re

# '---' on the first line, the YAML, then '---' on a line of its own.
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.DOTALL)
