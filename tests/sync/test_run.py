"""How a sync runs: batches are read ahead of storing (fetching and storing overlap) without
changing what a sync stores or when it stops, and the "updated since" cursor the connectors
share tells new items from stored ones."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import closing

import pytest

from perfpacket.evidence.sync.connector import Batch
from perfpacket.evidence.sync.run import AHEAD, prefetched


class Boom(Exception):
    pass


def _batches(read: list[int], fail_at: int | None = None, total: int = 50) -> Iterator[Batch]:
    try:
        for i in range(total):
            if i == fail_at:
                raise Boom(f"page {i}")
            read.append(i)
            yield Batch([], {"page": i})
    finally:
        read.append(-1)  # closed


def test_batches_arrive_in_order_and_the_reading_happens_in_another_thread() -> None:
    threads: set[str] = set()

    def source() -> Iterator[Batch]:
        for i in range(10):
            threads.add(threading.current_thread().name)
            yield Batch([], {"page": i})

    assert [b.state["page"] for b in prefetched(source())] == list(range(10))
    assert threads == {"sync-reader"}


def test_an_error_of_the_source_comes_after_the_batches_read_before_it() -> None:
    read: list[int] = []
    seen = []
    with pytest.raises(Boom, match="page 3"):
        for batch in prefetched(_batches(read, fail_at=3)):
            seen.append(batch.state["page"])
    assert seen == [0, 1, 2]


def test_a_caller_that_stops_stops_the_reading() -> None:
    """An error while storing batch 0: the reader, at most a few batches ahead, is stopped
    and its source closed, instead of reading the other 49 pages."""
    read: list[int] = []
    with pytest.raises(RuntimeError), closing(prefetched(_batches(read))) as batches:
        for _ in batches:
            raise RuntimeError("the store failed")
    assert read[-1] == -1  # the source was closed
    assert len(read) - 1 <= AHEAD + 2


def test_a_since_cursor_keeps_what_was_stored_at_its_instant_out_and_the_rest_in() -> None:
    """A listing asked "updated at or after T" returns the items stored at T again: they are
    not new. An item updated at T that was not stored (the page broke between two items of
    the same instant) is new, and so is anything later."""
    from perfpacket.evidence.sync.connector import SinceCursor

    t, later = "2026-01-01T00:00:00+00:00", "2026-01-02T00:00:00+00:00"
    cursor = SinceCursor.of(t, [1, 2])
    assert not cursor.is_new(t, 1) and not cursor.is_new("2025-12-31T00:00:00+00:00", 9)
    assert cursor.is_new(t, 3) and cursor.is_new(later, 1)
    cursor.saw(t, 3)
    assert cursor.state() == {"updated": t, "ids": [1, 2, 3]}
    cursor.saw(later, 1)
    cursor.saw(t, 4)  # an older item read after a newer one does not move the cursor back
    assert cursor.state() == {"updated": later, "ids": [1]}
    assert SinceCursor.of(None, None).state() == {} and SinceCursor.of(None, None).is_new(t, 1)
