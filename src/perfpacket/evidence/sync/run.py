"""Running a sync: each batch a connector yields is stored in one transaction with the
source's cursor, through the writer every file import uses."""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy.orm import Session

from perfpacket import plugins
from perfpacket.evidence.load import RecordWriter, ReportContext, few_collections
from perfpacket.evidence.records import ImportOptions, ImportReport
from perfpacket.evidence.rules import AttributionRule
from perfpacket.evidence.sync.config import SyncSource
from perfpacket.evidence.sync.connector import Batch, Connector, Plan, TelemetryRows
from perfpacket.evidence.sync.http import Http, SyncError
from perfpacket.store import Store
from perfpacket.store.models import Source, SyncCursor


@dataclass
class SyncReport(ImportReport):
    pages: int = 0
    requests: int = 0
    waited_s: float = 0.0
    first: bool = False
    unchanged: bool = False
    # Telemetry rows added or changed (a connector that pulls request-level rows).
    rows: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            **super().to_dict(),
            "telemetry_rows": self.rows,
            "pages": self.pages,
            "requests": self.requests,
            "waited_s": round(self.waited_s, 1),
            "first": self.first,
            "unchanged": self.unchanged,
        }


def connector_for(source: SyncSource) -> Connector:
    return plugins.connectors().get(source.kind)


def cursor_state(store: Store, name: str) -> dict[str, Any] | None:
    """The stored cursor of a source; None before its first sync."""
    with store.session() as session:
        cursor = session.get(SyncCursor, name)
        return dict(cursor.state) if cursor is not None else None


def plan(store: Store, source: SyncSource) -> tuple[Plan, bool]:
    """What syncing ``source`` would fetch, and whether it would be its first sync."""
    state = cursor_state(store, source.name)
    return connector_for(source).plan(source, state or {}), state is None


def _source_row(session: Session, source: SyncSource, connector: Connector) -> Source:
    """The provenance row every record of one [[sync]] source points to."""
    digest = hashlib.sha256(f"sync:{source.name}:{source.url}".encode()).hexdigest()
    row = session.query(Source).filter_by(kind=f"sync:{source.kind}", sha256=digest).first()
    if row is None:
        row = Source(
            kind=f"sync:{source.kind}",
            location=f"{source.url} ([[sync]] {source.name})",
            sha256=digest,
            importer=f"sync:{connector.name}",
            importer_version="1",
            imported_at=datetime.now(UTC),
        )
        session.add(row)
        session.flush()
    return row


# Batches read ahead while the one before is stored: enough to keep the network busy, few
# enough that memory stays a page or two.
AHEAD = 2
_END = object()


def prefetched(batches: Iterator[Batch]) -> Generator[Batch]:
    """``batches``, read in a thread of their own while the caller stores the one before:
    fetching and storing overlap instead of taking turns. Order is kept, and an error of the
    source surfaces after the batches read before it, which are stored. When the caller stops
    (an error storing, an interrupt), the reading stops at the next batch."""
    ready: queue.Queue[object] = queue.Queue(maxsize=AHEAD)
    stop = threading.Event()

    def hand_over(item: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for batch in batches:
                if not hand_over(batch):
                    return
            hand_over(_END)
        except BaseException as exc:  # handed to the caller, raised there
            hand_over(exc)
        finally:
            close = getattr(batches, "close", None)
            if close is not None:
                close()

    reader = threading.Thread(target=read, name="sync-reader", daemon=True)
    reader.start()
    try:
        while True:
            item = ready.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield cast(Batch, item)
    finally:
        stop.set()
        reader.join(timeout=5)


@few_collections()
def sync_source(
    store: Store,
    source: SyncSource,
    rules: Sequence[AttributionRule] = (),
    http: Http | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    options: ImportOptions | None = None,
) -> SyncReport:
    """Pull what changed in ``source`` since its cursor and store it, batch by batch.
    ``options`` says where telemetry tables go (the workspace's telemetry folder)."""
    connector = connector_for(source)
    state = cursor_state(store, source.name)
    report = SyncReport(source=source.name, kind=source.kind, first=state is None)
    client = http or connector.http(source)
    writer = RecordWriter(source.person, rules)
    ctx = ReportContext(report, progress)
    current: dict[str, Any] = dict(state or {})
    try:
        with closing(prefetched(connector.pull(source, client, current, ctx))) as batches:
            for batch in batches:
                report.pages += batch.pages
                moved = batch.state != current
                if not batch.records and not moved and not batch.telemetry:
                    continue  # nothing to write: the store is not touched
                with store.session() as session:
                    if batch.telemetry is not None:
                        report.rows += _store_telemetry(session, batch.telemetry, options)
                    if batch.records:
                        before = (report.imported, report.updated)
                        row = _source_row(session, source, connector)
                        writer.write(session, row, batch.records, report)
                        if (report.imported, report.updated) != before:
                            row.imported_at = datetime.now(UTC)
                    if moved:
                        cursor = session.get(SyncCursor, source.name)
                        if cursor is None:
                            cursor = SyncCursor(name=source.name, kind=source.kind)
                            session.add(cursor)
                        cursor.state = dict(batch.state)
                        cursor.synced_at = datetime.now(UTC)
                current = dict(batch.state)
                done = len(batch.records) + (len(batch.telemetry.rows) if batch.telemetry else 0)
                if progress and done:
                    progress(done, None)
    finally:
        report.requests, report.waited_s = client.requests, client.waited_s
        if http is None:
            client.close()
    writer.report(report)
    report.unchanged = not (report.imported or report.updated or report.rows)
    return report


def _store_telemetry(session: Session, rows: TelemetryRows, options: ImportOptions | None) -> int:
    from perfpacket.telemetry.synced import store_rows

    if options is None or options.telemetry_dir is None:
        raise SyncError(
            f"telemetry table '{rows.name}': no workspace folder to keep it in",
            hint="run `perfpacket sync` inside a workspace",
        )
    return store_rows(session, rows, options.telemetry_dir, options.workspace_root)
