"""Running an importer: one transaction per import, de-duplication, attribution to people."""

from __future__ import annotations

import gc
import hashlib
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Dialect, Table, func, insert, select
from sqlalchemy.orm import Session

from perfpacket import plugins
from perfpacket.errors import InputError, NotFoundError
from perfpacket.evidence.importers._common import csv_header
from perfpacket.evidence.people import find_person, is_placeholder_email
from perfpacket.evidence.records import Importer, ImportOptions, ImportReport, Record, batched
from perfpacket.evidence.rules import RULES_FIELD, AttributionRule, rule_for
from perfpacket.store import Store
from perfpacket.store.models import (
    EVIDENCE_KINDS,
    Change,
    Evidence,
    Identity,
    Person,
    Source,
)

BATCH = 2000
HEAD_BYTES = 8192


class ReportContext:
    """What an importer or a connector reports through: warnings, notes and progress."""

    def __init__(self, report: ImportReport, progress: Callable[[int, int | None], None] | None):
        self.report = report
        self._progress = progress

    def warn(self, message: str) -> None:
        self.report.warnings.append(message)

    def note(self, message: str) -> None:
        self.report.notes.append(message)

    def progress(self, advance: int = 1, total: int | None = None) -> None:
        if self._progress:
            self._progress(advance, total)


def _head(path: Path) -> bytes:
    if not path.is_file():
        return b""
    with path.open("rb") as fh:
        return fh.read(HEAD_BYTES)


def choose_importer(kind: str, path: Path) -> Importer:
    """The importer for ``kind``, after checking that ``path`` looks like its format."""
    registry = plugins.importers()
    if kind not in registry:
        raise InputError(
            f"unknown import kind '{kind}'", hint="kinds: " + ", ".join(registry.names())
        )
    if not path.exists():
        raise InputError(f"'{path}' does not exist", hint="check the path")
    importer = registry.get(kind)
    head = _head(path)
    if path.is_file() and not head.strip():
        raise InputError(f"'{path}' is empty", hint=f"give a {kind} file with content")
    if not importer.sniff(path, head):
        others = [i.name for i in registry if i.name != kind and i.sniff(path, head)]
        # Telemetry reads any table: it is the suggestion of last resort.
        others.sort(key=lambda name: name == "telemetry")
        hint = (
            f"it looks like {others[0]}: perfpacket import {others[0]} {path}"
            if others
            else "see `perfpacket import --help` for the kinds and their formats"
        )
        required = getattr(importer, "required", ())
        if required and path.suffix.lower() == ".csv":
            columns = set(csv_header(head))
            missing = [c for c in required if c not in columns]
            raise InputError(
                f"'{path}' line 1: no column {', '.join(missing)}; {importer.description}",
                hint=hint if others and others[0] != "telemetry" else "add the column",
            )
        raise InputError(f"'{path}' is not {importer.description}", hint=hint)
    return importer


def expand(kind: str, path: Path) -> list[Path]:
    """What importing ``path`` covers: the path itself when the kind reads it whole (a file, a
    git repository, an MLflow store, a folder of feedback), else every file of the kind inside
    the folder and its subfolders (hidden ones left out), in name order."""
    registry = plugins.importers()
    if kind not in registry:
        raise InputError(
            f"unknown import kind '{kind}'", hint="kinds: " + ", ".join(registry.names())
        )
    if not path.is_dir():
        return [path]
    importer = registry.get(kind)
    if importer.sniff(path, b""):
        return [path]
    whole = [i.name for i in registry if i.name != kind and i.sniff(path, b"")]
    if whole and whole[0] != "feedback":  # any folder of Markdown looks like feedback
        raise InputError(
            f"'{path}' is not {importer.description}",
            hint=f"it looks like {whole[0]}: perfpacket import {whole[0]} {path}",
        )
    files = [
        p
        for p in sorted(path.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
    ]
    heads = {p: _head(p) for p in files}
    found = importer.members([p for p in files if importer.sniff(p, heads[p])])
    if not found:
        others = sorted(
            {i.name for i in registry if i.name != kind for p in files if i.sniff(p, heads[p])}
        )
        if not others:
            choose_importer(kind, path)  # "is not a git repository", with its hints
        raise InputError(
            f"'{path}' holds no {importer.description} ({len(files)} files looked at)",
            hint="it holds files of: " + ", ".join(others),
        )
    return found


class _People:
    """Identity -> person, loaded once per import; new people are created from email."""

    def __init__(self, session: Session, placeholders: dict[str, int] | None = None) -> None:
        self.session = session
        self.index: dict[tuple[str, str], int] = {
            (i.kind, i.value.lower()): i.person_id for i in session.scalars(select(Identity))
        }
        for person in session.scalars(select(Person)):
            self.index.setdefault(("email", person.email.lower()), person.id)
        # Counted across every batch of one import or sync, to be reported once.
        self.placeholders: dict[str, int] = {} if placeholders is None else placeholders

    def prepare(self, records: Sequence[Record]) -> None:
        """Create the people a batch names for the first time, all in one flush: one person
        per usable email, holding every identity the record that introduced them gives."""
        pending: dict[tuple[str, str], Person] = {}
        for record in records:
            keys = [(k, v.lower()) for k, v in record.identities]
            if not keys or any(key in self.index or key in pending for key in keys):
                continue
            usable = [v for k, v in keys if k == "email" and not is_placeholder_email(v)]
            if not usable:
                continue
            person = Person(display_name=record.display_name or usable[0], email=usable[0])
            person.identities = [
                Identity(kind=k, value=v)
                for k, v in dict.fromkeys(keys)
                if not (k == "email" and is_placeholder_email(v))
            ]
            for identity in person.identities:
                pending[(identity.kind, identity.value)] = person
        if not pending:
            return
        self.session.add_all(dict.fromkeys(pending.values()))  # in order: ids are stable
        self.session.flush()
        for key, person in pending.items():
            self.index[key] = person.id

    def attribute(self, record: Record) -> int | None:
        """The person a record's identities name (see :meth:`prepare`), or None."""
        for kind, value in record.identities:
            found = self.index.get((kind, value.lower()))
            if found is not None:
                return found
        emails = [v for k, v in record.identities if k == "email"]
        if emails and all(is_placeholder_email(e) for e in emails):
            # "root@localhost", "user@host.(none)": shared by everyone whose git was never
            # set up. One person made of them would hold strangers' work.
            self.placeholders[emails[0].lower()] = self.placeholders.get(emails[0].lower(), 0) + 1
        return None

    def find(self, who: str) -> int:
        try:
            return find_person(self.session, who).id
        except NotFoundError as exc:
            raise InputError(
                f"--person '{who}' is not a known person or identity",
                hint="add them first: perfpacket people add EMAIL --name NAME; " + (exc.hint or ""),
            ) from None


def _actor(record: Record) -> str | None:
    return (
        f"{record.identities[0][0]}:{record.identities[0][1].lower()}"
        if record.identities
        else None
    )


_collecting = threading.Lock()
_within: list[tuple[int, int, int]] = []  # the thresholds before, once per import under way


@contextmanager
def few_collections() -> Iterator[None]:
    """Within it, CPython's cycle collector runs after 50,000 allocations instead of 700. An
    import allocates millions of short-lived objects (every parsed page, every record) that
    reference counting frees; the collections they set off find nothing and cost a tenth of
    a sync of pull requests. The thresholds are restored when the last import under way (the
    server runs them in threads) ends."""
    with _collecting:
        before = gc.get_threshold()
        _within.append(before)
        if len(_within) == 1:
            gc.set_threshold(max(before[0], 50_000), *before[1:])
    try:
        yield
    finally:
        with _collecting:
            first = _within[0]
            _within.pop()
            if not _within:
                gc.set_threshold(*first)


@few_collections()
def import_path(
    store: Store,
    kind: str,
    path: Path,
    options: ImportOptions | None = None,
    person: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    rules: Sequence[AttributionRule] = (),
) -> ImportReport:
    """Import one file, folder or repository. Everything it writes commits together, or
    nothing does; the same content imported again changes nothing.

    ``person`` scopes the import: records of anyone else are skipped, and records with no
    identity (eval results, telemetry) are theirs. Without it, a record with no identity is
    attributed by the first of ``rules`` (``[attribution]`` in perfpacket.toml) that matches
    it, and otherwise stays nobody's, with a warning that says how to attribute it.
    """
    options = options or ImportOptions()
    importer = choose_importer(kind, path)
    report = ImportReport(source=str(path), kind=kind)
    # The same content imported under another --person scope is a different import: records
    # the first one skipped must still be importable.
    # Changed rules re-read the file too: records they now attribute must get their person.
    # So does a run's date the user gives (--date): given again with another date, the file is
    # read again and its runs take the new date.
    given = f":{options.run_date.isoformat()}" if options.run_date else ""
    digest = hashlib.sha256(
        f"{importer.content_hash(path, options)}:{(person or '').lower()}:{rules!r}{given}".encode()
    ).hexdigest()
    with store.session() as session:
        seen = session.scalars(
            select(Source).where(Source.kind == kind, Source.sha256 == digest)
        ).first()
        if seen is not None:
            report.duplicates = (
                session.scalar(
                    select(func.count()).select_from(Evidence).where(Evidence.source_id == seen.id)
                )
                or 0
            )
            return report
        source = Source(
            kind=kind,
            location=str(path.resolve()),
            sha256=digest,
            importer=importer.name,
            importer_version=importer.version,
            imported_at=datetime.now(UTC),
        )
        session.add(source)
        session.flush()
        writer = RecordWriter(person, rules)
        ctx = ReportContext(report, progress)
        try:
            writer.write(session, source, importer.read(path, options, ctx), report)
            importer.finish(session, source, path, options, report)
        except InputError as exc:
            # Every refusal says what the format should be, when the importer gave no hint.
            exc.hint = exc.hint or f"{kind} expects {importer.description}"
            raise
    writer.report(report)
    return report


class RecordWriter:
    """Stores records the way every import does (de-duplicated by natural key, the later
    version winning, attributed by identity, ``person`` scope or rule), for a file import and
    for each page batch of a sync alike. Attribution warnings are counted across every
    :meth:`write` and reported once by :meth:`report`."""

    def __init__(self, person: str | None = None, rules: Sequence[AttributionRule] = ()) -> None:
        self.person, self.rules = person, rules
        self.unattributed = 0
        self.placeholders: dict[str, int] = {}

    def write(
        self, session: Session, source: Source, records: Iterable[Record], report: ImportReport
    ) -> None:
        people = _People(session, self.placeholders)
        scope = people.find(self.person) if self.person else None
        owners = _Owners(people, self.rules, scope)
        for batch in batched(records, BATCH):
            _store_batch(session, batch, source, people, scope, owners, report)
        self.unattributed += owners.unattributed

    def report(self, report: ImportReport) -> None:
        if self.unattributed:
            report.warnings.append(
                f"{self.unattributed} records name no author and are nobody's yet: import "
                "with --person EMAIL, or add an [[attribution.rules]] entry to perfpacket.toml "
                "and import again"
            )
        for email, n in sorted(self.placeholders.items()):
            report.warnings.append(
                f"{n} records carry the placeholder email '{email}' and are left unattributed: "
                f"link it to the person it stands for (perfpacket people link EMAIL "
                f"email:{email}) only if it is one person's"
            )


class _Owners:
    """Whose a record with no identity is: the --person scope, else the first matching rule,
    else nobody (counted, so the import can say so)."""

    def __init__(
        self, people: _People, rules: Sequence[AttributionRule], scope: int | None
    ) -> None:
        self.rules, self.scope, self.unattributed = rules, scope, 0
        self.ids: dict[str, int] = {}
        for i, rule in enumerate(rules):
            try:
                self.ids[rule.person] = people.find(rule.person)
            except InputError:
                raise InputError(
                    f"'perfpacket.toml' field {RULES_FIELD}[{i}].person: "
                    f"'{rule.person}' is not a known person",
                    hint=f"add them first: perfpacket people add {rule.person} --name NAME",
                ) from None

    def of(self, record: Record) -> int | None:
        if self.scope is not None:
            return self.scope
        rule = rule_for(self.rules, record)
        if rule is None:
            self.unattributed += 1
            return None
        return self.ids[rule.person]


def _store_batch(
    session: Session,
    batch: list[Record],
    source: Source,
    people: _People,
    scope: int | None,
    owners: _Owners,
    report: ImportReport,
) -> None:
    by_kind: dict[str, list[Record]] = {}
    for record in batch:
        by_kind.setdefault(record.kind, []).append(record)
    people.prepare(batch)
    for kind, records in by_kind.items():
        model = EVIDENCE_KINDS[kind]
        keys = [r.natural_key for r in records]
        existing = {
            e.natural_key: e
            for e in session.scalars(
                select(model).where(model.kind == kind, model.natural_key.in_(keys))
            )
        }
        # A commit is its SHA, whatever the repository was called when it was imported: the
        # same history under a second name (a fork, a rename, a mirror) adds nothing.
        shas = {str(r.fields["sha"]): r.natural_key for r in records if r.fields.get("sha")}
        if model is Change and shas:
            for other in session.scalars(select(Change).where(Change.sha.in_(list(shas)))):
                existing.setdefault(shas[str(other.sha)], other)
        fresh: dict[str, dict[str, Any]] = {}
        for record in records:
            person_id = people.attribute(record) if record.identities else owners.of(record)
            if scope is not None and person_id != scope:
                report.skipped += 1
                continue
            old = existing.get(record.natural_key)
            if old is not None and old.natural_key != record.natural_key:
                report.duplicates += 1  # the same commit, imported under another name
                continue
            if old is not None and _says_less(old, record):
                report.duplicates += 1  # the stored version says more of the same state
                continue
            if old is not None:
                newer = _newer(record.version, old.source_version)
                before = old.person_id
                if newer and _actor(record) != old.actor:
                    # A later version names someone else (a ticket reassigned, or unassigned):
                    # the record follows whom it names now.
                    old.actor = _actor(record)
                    old.person_id = person_id
                elif old.person_id is None and person_id is not None:
                    # A rule or --person now says whose it is: the record becomes theirs.
                    old.person_id = person_id
                merged = newer and _merge(old, record)
                if merged or old.person_id != before:
                    report.updated += 1
                else:
                    report.duplicates += 1
                continue
            if record.natural_key in fresh:
                # The same record twice in one file: keep the later version.
                row = fresh[record.natural_key]
                if _newer(record.version, row["source_version"]):
                    row.update(
                        _said(record, row["source_version"]),
                        occurred_at=record.occurred_at,
                        source_version=record.version,
                    )
                report.duplicates += 1
                continue
            fresh[record.natural_key] = {
                **record.fields,
                "kind": kind,
                "natural_key": record.natural_key,
                "source_id": source.id,
                "person_id": person_id,
                "occurred_at": record.occurred_at,
                "actor": _actor(record),
                "source_version": record.version,
            }
        rows = list(fresh.values())
        if rows:
            _insert(session, model, rows)
            report.imported += len(rows)
    session.flush()


def _insert(session: Session, model: type[Evidence], rows: list[dict[str, Any]]) -> None:
    """Insert typed records: the common rows first, then the typed rows with the same ids. The
    ORM's bulk path for joined inheritance is several times slower, and Core's per-row
    parameter processing is most of an import's time, so the rows go straight to the driver
    (:func:`_bulk`)."""
    base = cast(Table, Evidence.__table__)
    typed = cast(Table, model.__table__)
    base_keys = [c.key for c in base.columns if c.key != "id"]
    typed_keys = [c.key for c in typed.columns if c.key != "id"]
    if session.get_bind().dialect.name == "sqlite":
        # This transaction already holds SQLite's only write lock, so the next ids are ours;
        # RETURNING would cost one statement per row there.
        first = (session.scalar(select(func.max(Evidence.id))) or 0) + 1
        ids = list(range(first, first + len(rows)))
        _bulk(
            session,
            base,
            ["id", *base_keys],
            [[i, *map(r.get, base_keys)] for i, r in zip(ids, rows, strict=True)],
        )
    else:
        result = session.execute(
            insert(base).returning(base.c.id, sort_by_parameter_order=True),
            [{k: row.get(k) for k in base_keys} for row in rows],
        )
        ids = [r[0] for r in result]
    _bulk(
        session,
        typed,
        ["id", *typed_keys],
        [[i, *map(row.get, typed_keys)] for i, row in zip(ids, rows, strict=True)],
    )


def _bulk(session: Session, table: Table, keys: list[str], rows: list[list[Any]]) -> None:
    """``INSERT INTO table (keys) VALUES ...`` for every row, straight to the driver. Each value
    goes through its column type's bind processor for this dialect (how SQLAlchemy would store
    it: a datetime as SQLite's text, JSON as text, an enum as its value), once per column
    rather than per row and parameter as Core does.

    SQLite gets a few hundred rows a statement: its driver lets go of the interpreter lock at
    every statement it steps, and a sync's reading thread then holds the lock for a while, so
    a statement a row made a 5,000-pull-request sync half as slow again. Other drivers get
    executemany."""
    connection = session.connection()
    dialect = connection.dialect
    processors = [(i, p) for i, k in enumerate(keys) if (p := _processor(table, k, dialect))]
    for row in rows:
        for i, process in processors:
            row[i] = process(row[i])
    if dialect.name == "sqlite":
        quote = dialect.identifier_preparer.quote
        head = f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, keys))}) VALUES "
        one = "(" + ",".join("?" * len(keys)) + ")"
        driver = cast(sqlite3.Connection, connection.connection.dbapi_connection)
        step = max(1, min(500, driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(keys)))
        for first in range(0, len(rows), step):
            chunk = rows[first : first + step]
            sql = head + ",".join([one] * len(chunk))
            connection.exec_driver_sql(sql, tuple(chain.from_iterable(chunk)))
        return
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    order = compiled.positiontup
    if order is not None:  # format style: the values in the statement's order
        places = [keys.index(k) for k in order]
        params: list[Any] = [tuple(row[i] for i in places) for row in rows]
    else:  # pyformat: by name
        params = [dict(zip(keys, row, strict=True)) for row in rows]
    connection.exec_driver_sql(str(compiled), params)


def _processor(table: Table, key: str, dialect: Dialect) -> Callable[[Any], Any] | None:
    column_type = table.c[key].type
    return cast(
        Callable[[Any], Any] | None, column_type.dialect_impl(dialect).bind_processor(dialect)
    )


def _says_less(old: Evidence, record: Record) -> bool:
    """Whether ``record`` is the version already stored, told with less: a ticket from a search
    page that holds only the latest part of its status history, when the whole history of the
    same update is stored (a sync read it; an export then cut it)."""
    return (
        record.version is not None
        and record.version == old.source_version
        and record.fields.get("history_complete") is False
        and getattr(old, "history_complete", None) is True
    )


def _newer(candidate: str | None, current: str | None) -> bool:
    return candidate is None or current is None or candidate >= current


def _said(record: Record, stored_version: str | None) -> dict[str, Any]:
    """The fields a record replaces a stored version's with: all of them, except that at the
    same version a field its source cannot say (``Record.unknown``, None) keeps the value
    another source stored."""
    if not record.unknown or record.version is None or record.version != stored_version:
        return record.fields
    return {k: v for k, v in record.fields.items() if not (v is None and k in record.unknown)}


def _merge(old: Evidence, record: Record) -> bool:
    """Whether the stored record took fields of this later version (none differed: no)."""
    changed = {k: v for k, v in _said(record, old.source_version).items() if getattr(old, k) != v}
    if not changed:
        return False
    for key, value in changed.items():
        setattr(old, key, value)
    old.occurred_at = record.occurred_at
    old.source_version = record.version
    return True
