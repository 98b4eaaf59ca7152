"""Opening the store: one engine per URL, migrations applied through Alembic on open."""

from __future__ import annotations

import contextlib
import importlib.util
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from perfpacket.errors import StoreError

MIGRATIONS = Path(__file__).parent / "migrations"
_SQLITE_WRITERS = threading.Lock()
# A transaction begun with this execution option is a write transaction from its first
# statement (BEGIN IMMEDIATE on SQLite).
_WRITE = "perfpacket_write"
# How long a SQLite writer waits for another process's write to finish before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` as the psycopg 3 driver; check the extra."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            f"'{url}' is not a database URL",
            hint="use sqlite:///path/to/file.db or postgresql://user@host:5432/dbname",
        ) from exc
    backend = parsed.get_backend_name()
    if backend in {"postgres", "postgresql"}:
        if importlib.util.find_spec("psycopg") is None:
            raise StoreError(
                "PostgreSQL support is not installed",
                hint="pip install 'perfpacket[postgres]'",
            )
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise StoreError(
            f"unsupported database '{backend}' in '{url}'",
            hint="perfpacket stores its data in SQLite (default) or PostgreSQL",
        )
    return parsed.render_as_string(hide_password=False)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling skips DDL, so a failed migration could leave a
    # column added and the revision unrecorded. SQLAlchemy's documented recipe: autocommit in
    # the driver, and BEGIN emitted by us on every transaction (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL never corrupts the file and skips an fsync per commit (a commit may be
    # lost at power failure, never half-applied): the team server commits on every audited read.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A write transaction takes the write lock at BEGIN, waiting (busy_timeout) if another
    # connection holds it. Begun deferred, a transaction that read first and writes later
    # fails at once with "database is locked" when another write committed in between: its
    # snapshot is stale, and SQLite cannot wait that out.
    write = connection.get_execution_options().get(_WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def begin_write(session: Session) -> None:
    """Commit what ``session`` has done so far and begin a write transaction: on SQLite it
    holds the write lock from its first statement, so no read in it can be too old to write.
    Call it before a unit of work that reads and then writes."""
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={_WRITE: True})


def schema_head() -> str:
    """The newest migration's revision, read from the migration files' names (each is named
    after its revision, a test holds them to Alembic's own head) without loading them."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def _stored_revision(engine: Engine) -> str | None:
    """The schema revision a database is at, read from Alembic's version table directly (the
    same row ``current_revision`` reads, without loading Alembic)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        revisions = list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    return revisions[0] if len(revisions) == 1 else None


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


@dataclass
class Store:
    """An open database: use :meth:`session` for a unit of work (one transaction)."""

    url: str
    engine: Engine
    _factory: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work commits together at the end, or not at all."""
        with self._factory() as session, session.begin():
            yield session

    @property
    def sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def write_now(self, session: Session) -> Iterator[None]:
        """A brief write committed at once, inside a unit of work that otherwise only reads
        (an audited read, an anonymous session): what it read so far is committed first.
        SQLite has one write lock per file and makes a waiting writer sleep in growing steps,
        so such writers of one process queue on a lock of ours instead."""
        # A write transaction (a write request's) is begun again afterwards, as it was.
        resume = session.in_transaction() and bool(
            session.connection().get_execution_options().get(_WRITE, False)
        )
        session.commit()
        lock = _SQLITE_WRITERS if self.sqlite else contextlib.nullcontext()
        with lock:
            begin_write(session)
            yield
            session.commit()
        if resume:
            begin_write(session)

    def new_session(self) -> Session:
        """A session whose transactions the caller commits (the web server: one per request)."""
        return self._factory()

    def upgrade(self) -> None:
        """Bring the schema to the newest migration."""
        from alembic import command

        command.upgrade(_alembic_config(self.engine), "head")

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            rev: str | None = MigrationContext.configure(conn).get_current_revision()
            return rev

    def table_names(self) -> list[str]:
        return sorted(inspect(self.engine).get_table_names())

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_store(url: str, migrate: bool = True) -> Store:
    """Connect to ``url`` and, unless told not to, apply pending migrations."""
    url = normalise_url(url)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    store = Store(url, engine, sessionmaker(engine, expire_on_commit=False))
    if migrate:
        try:
            # Alembic's command machinery loads every migration; a store already at the head
            # (every command after the first) only reads its version row.
            if _stored_revision(engine) != schema_head():
                store.upgrade()
        except OperationalError as exc:
            engine.dispose()
            shown = make_url(url).render_as_string(hide_password=True)
            raise StoreError(
                f"cannot open the database '{shown}': {exc.orig}",
                hint="check that the server is running and the URL (--db or "
                "PERFPACKET_DATABASE_URL) is right",
            ) from exc
    return store
