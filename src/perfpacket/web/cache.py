"""Calibration views reused until their cohort changes.

The key includes the cohort's revision, which every submission, rating, decision and state
change bumps in the database, so each server process can keep its own copy and still never
show a stale view: the server stays stateless.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy.orm import Session

from perfpacket.store.team import Cohort
from perfpacket.team.calibration import calibration

MAX_ENTRIES = 128


class CalibrationCache:
    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[int, int, bool, str], Any] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple[int, int, bool, str], threading.Lock] = {}

    def get(self, kind: str, cohort: Cohort, blind: bool, build: Any) -> Any:
        key = (cohort.id, cohort.revision, blind, kind)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
            building = self._building.setdefault(key, threading.Lock())
        # One request builds a missing view; the others arriving meanwhile wait for it
        # instead of all building the same thing at once.
        with building:
            with self._lock:
                if key in self._entries:
                    return self._entries[key]
            value = build()
            with self._lock:
                self._entries[key] = value
                self._building.pop(key, None)
                while len(self._entries) > MAX_ENTRIES:
                    self._entries.popitem(last=False)
        return value

    def view(self, db: Session, cohort: Cohort, blind: bool) -> dict[str, Any]:
        result: dict[str, Any] = self.get(
            "view", cohort, blind, lambda: calibration(db, cohort, blind)
        )
        return result
