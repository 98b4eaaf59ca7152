"""``feedback``: peer feedback as Markdown files with front matter, or YAML lists of entries.

Markdown: front matter with ``author``, ``function`` (product, sre, data science...), ``date``
and optional ``about`` (the person it is about, an email or handle), then the text. YAML: a list
of mappings with the same keys and ``text``. A folder imports every .md, .yaml and .yml in it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from perfpacket.errors import InputError
from perfpacket.evidence.importers._common import parse_time, read_text, sha256_file
from perfpacket.evidence.records import BaseImporter, ImportContext, ImportOptions, Record
from perfpacket.frontmatter import FRONT_MATTER

SUFFIXES = {".md", ".markdown", ".yaml", ".yml"}
REQUIRED = ("author", "function", "date")


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
    return [path]


class FeedbackImporter(BaseImporter):
    name = "feedback"
    description = (
        "peer feedback: Markdown with front matter (author, function, date, about) or YAML "
        "entries, or a folder of them"
    )
    version = "1"

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            return any(_files(path))
        text = head.decode("utf-8", errors="replace")
        return path.suffix.lower() in SUFFIXES and "author" in text and "function" in text

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        return sha256_file(path)

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        for file in _files(path):
            text = read_text(file)
            if file.suffix.lower() in {".md", ".markdown"}:
                match = FRONT_MATTER.match(text)
                if not match:
                    raise InputError(
                        f"'{file}' line 1: no front matter",
                        hint="start with ---, author, function and date, then --- and the text",
                    )
                meta = self._yaml(file, match.group(1))
                if not isinstance(meta, dict):
                    raise InputError(f"'{file}' line 2: front matter must be a mapping")
                yield self._record(file, {**meta, "text": text[match.end() :].strip()}, None)
            else:
                entries = self._yaml(file, text)
                if not isinstance(entries, list):
                    raise InputError(f"'{file}': expected a list of feedback entries")
                for i, entry in enumerate(entries):
                    yield self._record(file, entry, i)

    def _yaml(self, file: Path, text: str) -> Any:
        # Loaded here: every import command loads this module, and most read no YAML.
        import yaml

        from perfpacket._yaml import load_yaml

        try:
            return load_yaml(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f" line {mark.line + 1}" if mark is not None else ""
            raise InputError(f"'{file}'{line}: not valid YAML") from None

    def _record(self, file: Path, entry: Any, index: int | None) -> Record:
        place = f"'{file}' entry {index + 1}" if index is not None else f"'{file}'"
        if not isinstance(entry, dict):
            raise InputError(f"{place}: expected a mapping with author, function, date and text")
        for key in (*REQUIRED, "text"):
            if not entry.get(key):
                raise InputError(
                    f"{place} field {key}: missing",
                    hint="every entry needs " + ", ".join((*REQUIRED, "text")),
                )
        given = parse_time(str(entry["date"]), file, None, "date")
        about = str(entry.get("about") or "").strip().lower()
        text = str(entry["text"])
        digest = hashlib.sha256(text.encode()).hexdigest()[:12]
        return Record(
            kind="feedback",
            natural_key=f"{str(entry['author']).lower()}:{given.date().isoformat()}:{digest}",
            occurred_at=given,
            fields={
                "author_name": str(entry["author"]),
                "author_function": str(entry["function"]).lower(),
                "text": text,
                "given_at": given,
            },
            identities=[("email", about) if "@" in about else ("handle", about)] if about else [],
        )
