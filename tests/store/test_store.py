"""The store on SQLite and PostgreSQL: migrations, typed evidence, constraints, transactions."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from perfpacket.errors import StoreError
from perfpacket.store import open_store
from perfpacket.store.models import (
    Base,
    Change,
    Claim,
    ClaimEvidence,
    Evidence,
    GuardEvent,
    Identity,
    Incident,
    Person,
    Source,
)
from perfpacket.vocab import Comparison, Direction, Verdict

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _source(kind: str = "git", sha: str = "a" * 64) -> Source:
    return Source(
        kind=kind,
        location="repo",
        sha256=sha,
        importer="git",
        importer_version="1",
        imported_at=NOW,
    )


def _change(source: Source, person: Person | None, sha: str) -> Change:
    return Change(
        natural_key=f"repo@{sha}",
        source=source,
        person=person,
        occurred_at=NOW,
        repo="repo",
        sha=sha,
        title="eval gate: add tests",
        author_email="ana@example.com",
        authored_at=NOW,
        additions=10,
        deletions=2,
        files_changed=1,
        files=["ci/gate.py"],
        co_authors=["Marco <marco@example.com>"],
    )


def test_migrations_create_every_model_table_and_reach_head(db_url: str) -> None:
    store = open_store(db_url)
    try:
        tables = set(store.table_names())
        assert set(Base.metadata.tables) <= tables
        assert {"app_user", "web_session", "candidacy", "rating", "audit_event"} <= tables
        assert "alembic_version" in tables
        assert "login_attempt" not in tables  # replaced by the atomic login_limit counters
        assert store.current_revision() == "0015"
        store.upgrade()  # a second upgrade is a no-op
        assert store.current_revision() == "0015"
        # A cycle written without a quorum (as before 0007) needs two committee ratings.
        with store.session() as s:
            s.execute(
                text(
                    "INSERT INTO cycle (name, ladder, created_at) "
                    "VALUES ('old', 'ai-engineering', '2026-01-01 00:00:00')"
                )
            )
            assert s.execute(text("SELECT quorum FROM cycle WHERE name = 'old'")).scalar() == 2
    finally:
        store.close()


def test_typed_evidence_round_trips_through_the_common_table(db_url: str) -> None:
    store = open_store(db_url)
    try:
        with store.session() as s:
            ana = Person(display_name="Ana", email="ana@example.com")
            ana.identities = [Identity(kind="github", value="aokafor")]
            src = _source()
            s.add_all([ana, _change(src, ana, "abc123")])
            s.add(
                GuardEvent(
                    natural_key="budget:1",
                    source=src,
                    person=ana,
                    occurred_at=NOW,
                    guard="budget_block",
                    at=NOW,
                    amount_usd=1250.5,
                    service="gateway",
                )
            )
        with store.session() as s:
            records = s.scalars(select(Evidence).order_by(Evidence.id)).all()
            assert [type(r).__name__ for r in records] == ["Change", "GuardEvent"]
            change = records[0]
            assert isinstance(change, Change)
            assert change.co_authors == ["Marco <marco@example.com>"]
            assert change.kind == "change" and change.person is not None
            assert change.person.identities[0].value == "aokafor"
            assert change.occurred_at.astimezone(UTC) == NOW
            guard = records[1]
            assert isinstance(guard, GuardEvent) and guard.amount_usd == 1250.5
    finally:
        store.close()


def test_natural_key_is_unique_per_kind(db_url: str) -> None:
    store = open_store(db_url)
    try:
        with store.session() as s:
            src = _source()
            s.add(_change(src, None, "abc"))
        with pytest.raises(IntegrityError), store.session() as s:
            src = s.scalars(select(Source)).one()
            s.add(_change(src, None, "abc"))
    finally:
        store.close()


def test_a_failed_unit_of_work_writes_nothing(db_url: str) -> None:
    store = open_store(db_url)
    try:
        with pytest.raises(IntegrityError), store.session() as s:
            src = _source()
            s.add(_change(src, None, "one"))
            s.flush()
            s.add(_change(src, None, "one"))  # duplicate natural key inside one import
        with store.session() as s:
            assert s.scalars(select(Evidence)).all() == []
            assert s.scalars(select(Source)).all() == []
    finally:
        store.close()


def test_claim_links_to_its_evidence_and_stores_null_json_as_null(db_url: str) -> None:
    store = open_store(db_url)
    try:
        with store.session() as s:
            change = _change(_source(), None, "abc")
            claim = Claim(
                slug="eval-regression-rate",
                recipe="eval-gate",
                title="t",
                metric="m",
                unit="pp",
                direction="lower_is_better",
                comparison="before_after",
                estimate=-8.0,
                ci_low=-14.5,
                ci_high=-1.8,
                ci_level=0.95,
                method="Newcombe",
                verdict="improved",
                value=None,
                fingerprint="f" * 64,
                computed_at=NOW,
            )
            s.add_all([change, claim])
            s.flush()
            s.add(ClaimEvidence(claim_id=claim.id, evidence_id=change.id))
        with store.session() as s:
            loaded = s.scalars(select(Claim)).one()
            assert [e.id for e in loaded.evidence] == [s.scalars(select(Change.id)).one()]
            assert loaded.value is None
            assert loaded.sample_sizes == {}
            # Fixed vocabularies come back as their enum members, not as strings.
            assert loaded.verdict is Verdict.IMPROVED
            assert loaded.comparison is Comparison.BEFORE_AFTER
            assert loaded.direction is Direction.LOWER_IS_BETTER
    finally:
        store.close()


def test_a_word_outside_a_vocabulary_is_refused_before_it_is_stored(db_url: str) -> None:
    store = open_store(db_url)
    try:
        with pytest.raises(ValueError, match="'meets' is not a valid Verdict"):
            Claim(slug="s", verdict="meets")
        # Written behind the model's back, it is refused on the way out, never read as a word.
        with store.session() as s:
            s.execute(
                text(
                    "INSERT INTO claim (slug, recipe, title, metric, unit, direction, comparison,"
                    " method, sample_sizes, verdict, attribution, dimensions, assumptions,"
                    " details, fingerprint, computed_at) VALUES ('s', 'r', 't', 'm', 'u',"
                    " 'lower_is_better', 'sideways', 'x', '{}', 'improved', '{}', '[]', '[]',"
                    " '{}', 'f', CURRENT_TIMESTAMP)"
                )
            )
        with store.session() as s, pytest.raises(ValueError, match="'sideways'"):
            s.scalars(select(Claim)).one()
    finally:
        store.close()


def test_unknown_database_kind_is_refused() -> None:
    with pytest.raises(StoreError) as info:
        open_store("mysql://root@localhost/db")
    assert info.value.message == "unsupported database 'mysql' in 'mysql://root@localhost/db'"


def test_malformed_url_is_refused() -> None:
    with pytest.raises(StoreError) as info:
        open_store("not a url")
    assert info.value.message == "'not a url' is not a database URL"


def test_unreachable_postgres_names_the_url_without_its_password() -> None:
    with pytest.raises(StoreError) as info:
        open_store("postgresql://ana:s3cret@127.0.0.1:1/none")
    assert info.value.message.startswith(
        "cannot open the database 'postgresql+psycopg://ana:***@127.0.0.1:1/none'"
    )
    assert "s3cret" not in info.value.message
    assert info.value.hint is not None and "PERFPACKET_DATABASE_URL" in info.value.hint


def test_times_keep_their_instant_on_every_database(db_url: str) -> None:
    from datetime import timedelta, timezone

    from perfpacket.store.models import Change

    store = open_store(db_url)
    try:
        local = datetime(2026, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=2)))
        with store.session() as s:
            change = _change(_source(), None, "tz")
            change.authored_at = local
            change.occurred_at = local
            s.add(change)
        with store.session() as s:
            loaded = s.scalars(select(Change)).one()
            assert loaded.authored_at == datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
            assert loaded.authored_at.tzinfo is not None
    finally:
        store.close()


def test_migrations_match_the_models(db_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from perfpacket.store.db import MIGRATIONS

    store = open_store(db_url)
    try:
        # Not the default stream, bound when alembic was first imported (maybe in a CliRunner).
        cfg = Config(stdout=sys.stdout)
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["engine"] = store.engine
        command.check(cfg)  # raises when the models need a migration nobody wrote
    finally:
        store.close()


def test_upgrading_a_populated_first_revision(db_url: str) -> None:
    """Columns added later must accept the rows that already exist."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    from perfpacket.store import normalise_url
    from perfpacket.store.db import MIGRATIONS

    engine = create_engine(normalise_url(db_url))
    cfg = Config(stdout=sys.stdout)
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    command.upgrade(cfg, "0001")
    with engine.begin() as conn:
        conn.execute(
            sql(
                "INSERT INTO source (id, kind, location, sha256, importer, importer_version, "
                "imported_at) VALUES (1, 'x', 'x', 'h', 'x', '1', '2026-01-01T00:00:00+00:00')"
            )
        )
        conn.execute(
            sql(
                "INSERT INTO evidence (id, kind, natural_key, source_id, occurred_at) "
                "VALUES (1, 'incident', 'i1', 1, '2026-01-01T00:00:00+00:00')"
            )
        )
        conn.execute(
            sql(
                "INSERT INTO incident (id, external_id, severity, title, opened_at, responders) "
                "VALUES (1, 'I1', 'P1', '', '2026-01-01T00:00:00+00:00', '[]')"
            )
        )
    engine.dispose()
    store = open_store(db_url)  # upgrades to head
    try:
        with store.session() as s:
            incident = s.scalars(select(Incident)).one()
            assert incident.teams == [] and incident.release_version is None
    finally:
        store.close()


def test_a_failed_migration_on_sqlite_changes_nothing(tmp_path: Path) -> None:
    from sqlalchemy import text as sql

    store = open_store(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        with pytest.raises(Exception, match="no such table"), store.engine.begin() as conn:
            conn.execute(sql("ALTER TABLE person ADD COLUMN nickname TEXT"))
            conn.execute(sql("ALTER TABLE nowhere ADD COLUMN x TEXT"))
        columns = {c["name"] for c in inspect(store.engine).get_columns("person")}
        assert "nickname" not in columns  # the first ALTER was rolled back with the second
    finally:
        store.close()


def test_the_schema_head_read_from_file_names_is_alembic_s_head() -> None:
    # open_store skips Alembic when a store is at schema_head(); that shortcut is only right
    # while every migration file is named after its revision.
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from perfpacket.store.db import MIGRATIONS, schema_head

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_heads() == [schema_head()]


def test_an_old_store_is_still_upgraded_when_opened(tmp_path: Path) -> None:
    from alembic import command

    from perfpacket.store.db import _alembic_config, schema_head

    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = open_store(url, migrate=False)
    command.upgrade(_alembic_config(store.engine), "0005")
    store.close()
    store = open_store(url)
    try:
        assert store.current_revision() == schema_head()
    finally:
        store.close()


def _changes_at(
    db_url: str, revision: str, rows: list[tuple[int, int | None, str | None, int, str]]
) -> dict[int, Change]:
    """Changes written as a store at ``revision`` held them, read back after the upgrade to
    head. Each row: id, number, sha, one size for lines added, deleted and files changed, and
    the files as stored JSON."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    from perfpacket.store import normalise_url
    from perfpacket.store.db import MIGRATIONS

    engine = create_engine(normalise_url(db_url))
    cfg = Config(stdout=sys.stdout)
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    command.upgrade(cfg, revision)
    with engine.begin() as conn:
        conn.execute(
            sql(
                "INSERT INTO source (id, kind, location, sha256, importer, importer_version, "
                "imported_at) VALUES (1, 'x', 'x', 'h', 'x', '1', '2026-01-01T00:00:00+00:00')"
            )
        )
        for ident, number, sha, size, files in rows:
            conn.execute(
                sql(
                    "INSERT INTO evidence (id, kind, natural_key, source_id, occurred_at) "
                    "VALUES (:i, 'change', :k, 1, '2026-01-01T00:00:00+00:00')"
                ),
                {"i": ident, "k": f"c{ident}"},
            )
            conn.execute(
                sql(
                    "INSERT INTO change (id, repo, sha, number, title, authored_at, is_merge, "
                    "additions, deletions, files_changed, files, co_authors, reviewers, labels) "
                    "VALUES (:i, 'acme/x', :sha, :n, '', '2026-01-01T00:00:00+00:00', :m, :a, "
                    ":a, :a, :files, '[]', '[]', '[]')"
                ),
                {
                    "i": ident,
                    "sha": sha,
                    "n": number,
                    "m": sha is not None,
                    "a": size,
                    "files": files,
                },
            )
    engine.dispose()
    store = open_store(db_url)  # upgrades to head
    try:
        with store.session() as s:
            changes = {c.id: c for c in s.scalars(select(Change))}
            for c in changes.values():
                s.expunge(c)
            return changes
    finally:
        store.close()


def test_a_listed_requests_size_becomes_unknown_and_a_commits_stays(db_url: str) -> None:
    """0013: a pull request stored from a listing got 0 lines and 0 files for what the listing
    did not say; after the upgrade its size is unknown. A commit's 0 (a merge) is a count and
    stays, and so does a pull request whose size was read."""
    changes = _changes_at(
        db_url,
        "0012",
        [
            (1, 7, None, 0, "[]"),  # a pull request from a listing
            (2, 8, None, 3, "[]"),  # one read from its own page
            (3, None, "abc123", 0, "[]"),  # a merge commit
        ],
    )
    sizes = {i: (c.additions, c.deletions, c.files_changed) for i, c in changes.items()}
    assert sizes == {1: (None, None, None), 2: (3, 3, 3), 3: (0, 0, 0)}


def test_a_requests_unnamed_files_become_unknown_and_a_commits_list_stays(db_url: str) -> None:
    """0015: every pull or merge request was stored with an empty file list, which no forge
    page it was read from gave; after the upgrade it is unknown. A commit's list stays, empty
    for a merge, and so does a request stored with files named."""
    changes = _changes_at(
        db_url,
        "0014",
        [
            (1, 7, None, 3, "[]"),  # a pull request: its page counts 3 files, names none
            (2, 8, None, 1, '["gate.py"]'),  # a request whose files were named
            (3, None, "abc123", 0, "[]"),  # a merge commit
            (4, None, "def456", 1, '["eval.py"]'),  # a commit
        ],
    )
    assert {i: c.files for i, c in changes.items()} == {
        1: None,
        2: ["gate.py"],
        3: [],
        4: ["eval.py"],
    }
