"""Shared by the tracker importers (jira-issues, linear-issues): reading a file's tickets,
each with the status history it holds, and saying which hold only part of it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from perfpacket.errors import InputError
from perfpacket.evidence.records import ImportContext, Record


def read_tickets(
    path: Path,
    issues: Iterable[Any],
    record_of: Callable[[Path, Any, str], Record],
    place: str,
    ctx: ImportContext,
    *,
    tracker: str,
    save: str,
    whole: str,
) -> Iterator[Record]:
    """The ticket records of ``issues`` (``place`` names each, with its index). A file with none
    is refused with how to ``save`` one; tickets whose history is partial are counted in one
    warning, with how to get it ``whole``."""
    found = partial = 0
    for i, issue in enumerate(issues):
        record = record_of(path, issue, place.format(i))
        found += 1
        partial += not record.fields["history_complete"]
        yield record
    if not found:
        raise InputError(f"'{path}': no {tracker} issues found", hint=save)
    if partial:
        ctx.warn(
            f"'{path}': {partial} of {found} issues hold only part of their status history "
            f"or none; their tickets are marked incomplete. {whole}"
        )
