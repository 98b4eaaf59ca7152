"""What a connector is: a kind of source ``perfpacket sync`` reads, as a plugin."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    import pyarrow as pa

    from perfpacket.evidence.records import Record
    from perfpacket.evidence.sync.config import SyncSource
    from perfpacket.evidence.sync.http import Http


@dataclass
class TelemetryRows:
    """Request-level rows a connector pulled (LLM generations with their usage, cost and
    latency), for the workspace's telemetry table ``name``: upserted by ``key``, with
    ``schema``'s columns, and registered as a telemetry source read through ``columns`` (the
    logical names claims use, as ``perfpacket import telemetry --map`` gives them)."""

    name: str
    rows: list[dict[str, Any]]
    key: str
    schema: pa.Schema
    columns: dict[str, str] = field(default_factory=dict)


@dataclass
class Batch:
    """Records read from one or more pages, and the cursor state that holds once they are
    stored. A batch is stored in one transaction with its state: a sync interrupted before a
    batch is stored leaves the store and the cursor as the previous batch left them."""

    records: list[Record]
    state: dict[str, Any]
    # Pages read for it, for the report.
    pages: int = 1
    # Rows for a telemetry table, stored with the batch (see perfpacket.telemetry.synced).
    telemetry: TelemetryRows | None = None


@dataclass
class Plan:
    """What a sync of one source would fetch, said before anything is fetched."""

    hosts: list[str]
    fetch: list[str] = field(default_factory=list)


class SyncContext(Protocol):
    def note(self, message: str) -> None: ...

    def warn(self, message: str) -> None: ...

    def progress(self, advance: int = 1, total: int | None = None) -> None: ...


class Connector(Protocol):
    """A kind of ``[[sync]]`` source. ``name`` is its ``kind``. The attributes are read only
    (plain class attributes in an implementation, as :class:`BaseConnector` has them)."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def scope_keys(self) -> Mapping[str, str]:
        """The scope keys a [[sync]] table of this kind takes, each with what it means."""
        ...

    @property
    def required(self) -> tuple[str, ...]: ...

    @property
    def default_url(self) -> str | None: ...

    @property
    def needs_token(self) -> bool: ...

    @property
    def token_env(self) -> str:
        """The environment variable suggested for its token."""
        ...

    @property
    def token_scopes(self) -> str:
        """What the token must be allowed to read."""
        ...

    @property
    def writes(self) -> tuple[str, ...]:
        """The evidence kinds it writes, as the file importers of the same data do."""
        ...

    def http(self, source: SyncSource) -> Http:
        """The client for ``source``, carrying its token the way this API wants it."""
        ...

    def plan(self, source: SyncSource, state: Mapping[str, Any]) -> Plan:
        """What :meth:`pull` would fetch from ``state`` on; no request is made."""
        ...

    def pull(
        self, source: SyncSource, http: Http, state: Mapping[str, Any], ctx: SyncContext
    ) -> Iterator[Batch]:
        """The records changed since ``state``, in batches with the state after each."""
        ...


class BaseConnector:
    """Defaults: a token in a header, no required scope key."""

    scope_keys: ClassVar[Mapping[str, str]] = {}
    required: tuple[str, ...] = ()
    default_url: str | None = None
    needs_token: bool = True
    token_env: str = ""
    token_scopes: str = ""
    scope_hint: str = ""
    writes: tuple[str, ...] = ()

    def auth(self, token: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"} if token else {}

    def http(self, source: SyncSource) -> Http:
        from perfpacket.evidence.sync.http import Http

        return Http(
            source,
            auth=self.auth(source.token()),
            scope_hint=self.scope_hint.format(name=source.name),
            token_scopes=self.token_scopes,
        )


@dataclass
class SinceCursor:
    """An "updated since" cursor: the newest update time stored (UTC ISO text, as records carry
    their version) and the ids of the items updated at that very instant.

    A listing asked "updated at or after" the stored time returns those items again: they are
    not new unless their time moved. Items read are new when updated after the stored time, or
    at it but not among its ids; ``saw`` moves the cursor, so that its :meth:`state` is the one
    to store with the page that held them."""

    stored: str | None = None
    stored_ids: frozenset[Any] = frozenset()
    newest: str | None = None
    ids: set[Any] = field(default_factory=set)

    @classmethod
    def of(cls, updated: str | None, ids: Any) -> SinceCursor:
        known = frozenset(ids or ())
        return cls(updated, known, updated, set(known))

    def is_new(self, updated: str, ident: Any) -> bool:
        if self.stored is None:
            return True
        return updated > self.stored or (updated == self.stored and ident not in self.stored_ids)

    def saw(self, updated: str, ident: Any) -> None:
        if self.newest is None or updated > self.newest:
            self.newest, self.ids = updated, {ident}
        elif updated == self.newest:
            self.ids.add(ident)

    def state(self) -> dict[str, Any]:
        """``{"updated": ..., "ids": [...]}``, or nothing before anything was seen."""
        return {"updated": self.newest, "ids": sorted(self.ids)} if self.newest else {}
