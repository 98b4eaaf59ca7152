"""What importers produce: typed records not yet in the store, and what an import reports."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from perfpacket.store.models import Source


@dataclass
class Record:
    """One evidence record: its kind, natural key, time, who it belongs to, and its fields.

    ``identities`` are (kind, value) pairs such as ("email", "ana@example.com") or
    ("github", "aokafor"); the first that matches a person attributes the record.
    """

    kind: str
    natural_key: str
    occurred_at: datetime
    fields: dict[str, Any]
    identities: list[tuple[str, str]] = field(default_factory=list)
    display_name: str | None = None
    # When the same natural key arrives again, the record with the later version wins.
    version: str | None = None
    # Fields this source cannot say (stored as None): at the same version they never replace
    # what another source said, as a listing's missing sizes must not erase a page's counts.
    unknown: frozenset[str] = frozenset()


@dataclass
class ImportReport:
    source: str
    kind: str
    imported: int = 0
    updated: int = 0
    duplicates: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "kind": self.kind,
            "imported": self.imported,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "skipped": self.skipped,
            "warnings": self.warnings,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class ImportOptions:
    """What ``perfpacket import`` tells an importer besides the path (the flags it was given
    and where the workspace keeps its files). An importer reads the options it knows."""

    all_refs: bool = False  # git: every ref, not only HEAD
    since: str | None = None  # git: commits after this date
    until: str | None = None
    name: str | None = None  # the repository's or telemetry source's name
    columns: Mapping[str, str] = field(default_factory=dict)  # telemetry: --map NAME=COLUMN
    preset: str | None = None  # telemetry: --preset, a platform's table layout
    artifact: str | None = None  # releases: what they put into production (--artifact)
    # lm-eval, openai-evals: when the runs were (--date), for a file that records no date
    run_date: datetime | None = None
    telemetry_dir: Path | None = None  # where converted telemetry is written
    workspace_root: Path | None = None


class ImportContext(Protocol):
    def warn(self, message: str) -> None: ...

    def note(self, message: str) -> None:
        """Something the user should see that is not a problem ("817 samples imported")."""
        ...

    def progress(self, advance: int = 1, total: int | None = None) -> None: ...


class Importer(Protocol):
    """A format perfpacket reads. ``name`` is the KIND of ``perfpacket import KIND PATH``."""

    name: str
    description: str
    version: str

    def sniff(self, path: Path, head: bytes) -> bool:
        """Whether ``path`` (whose first bytes are ``head``) looks like this format."""
        ...

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        """A hash of what would be imported: the same hash means nothing new to import."""
        ...

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterable[Record]:
        """The records in ``path``; raises InputError naming the file, line or field."""
        ...

    def finish(
        self,
        session: Session,
        source: Source,
        path: Path,
        options: ImportOptions,
        report: ImportReport,
    ) -> None:
        """Anything else the import writes, in the same transaction, after the records."""
        ...

    def members(self, files: list[Path]) -> list[Path]:
        """Of the files of this format found in a folder, the ones to import one by one (a
        results file's samples files come along with it, so they are not listed again)."""
        ...


class BaseImporter:
    """Defaults for an importer: version 1, nothing written besides its records, and every
    file of the format in a folder imported on its own."""

    version = "1"
    # A table's columns it cannot do without, named when a file lacks them; empty for others.
    required: tuple[str, ...] = ()

    def members(self, files: list[Path]) -> list[Path]:
        return files

    def finish(
        self,
        session: Session,
        source: Source,
        path: Path,
        options: ImportOptions,
        report: ImportReport,
    ) -> None:
        return None


CHANGE_DEFAULTS: dict[str, Any] = {
    "sha": None,
    "number": None,
    "title": "",
    "author_email": None,
    "author_name": None,
    "merged_at": None,
    "closed_at": None,
    "is_merge": False,
    "additions": None,
    "deletions": None,
    "files_changed": None,
    "files": None,  # unknown unless the source lists them (git does)
    "co_authors": [],
    "reviewers": [],
    "labels": [],
    "comments": None,
}


def change_fields(**given: Any) -> dict[str, Any]:
    """A commit's or pull request's fields: what the format gives, defaults for the rest."""
    unknown = set(given) - set(CHANGE_DEFAULTS) - {"repo", "authored_at"}
    if unknown:
        raise TypeError(f"not fields of a change: {sorted(unknown)}")
    fresh = {k: list(v) if isinstance(v, list) else v for k, v in CHANGE_DEFAULTS.items()}
    return {**fresh, **given}


def batched(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
