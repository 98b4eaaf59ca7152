"""Accounts end, change and expire as an admin says, at once and on record.

Deactivating a user ends their browser sessions and API tokens on the very next request; a
role change and a password reset end their sessions; tokens expire and record when they were
last used; every change is in the audit log with the admin who made it, from the command line
and from the admin page alike.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from perfpacket.cli import build_app
from perfpacket.store.team import ApiToken, AuditEvent
from perfpacket.team import accounts
from perfpacket.team.clock import now
from tests.web.conftest import PASSWORD, World, csrf_of, login


def _token(world: World, email: str, days: int | None = 90) -> str:
    with world.store.session() as s:
        return accounts.issue_token(s, email, days)


def _bearer(world: World, token: str) -> int:
    client = world.client()
    return client.get("/api/packets", headers={"authorization": f"Bearer {token}"}).status_code


def test_deactivation_ends_sessions_and_tokens_at_once(world: World) -> None:
    ben = world.client("ben")
    assert ben.get("/").status_code == 200
    token = _token(world, "ben@example.com")
    assert _bearer(world, token) == 200

    admin = world.client("ada")
    page = admin.get("/admin/users")
    done = admin.post(
        "/admin/users/change",
        data={"email": "ben@example.com", "change": "deactivate", "csrf_token": csrf_of(page.text)},
    )
    assert done.status_code == 303

    assert ben.get("/").headers["location"].startswith("/login")  # signed out
    assert _bearer(world, token) == 401
    fresh = world.client()
    form = fresh.get("/login")
    again = fresh.post(
        "/login",
        data={"email": "ben@example.com", "password": PASSWORD, "csrf_token": csrf_of(form.text)},
    )
    assert again.status_code == 401  # the same answer as a wrong password
    with world.store.session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "deactivate_user")).one()
        assert event.actor_id == world.ids["ada"] and event.target == f"user:{world.ids['ben']}"
        with pytest.raises(accounts.InputError, match="deactivated"):
            accounts.issue_token(s, "ben@example.com")

    admin.post(
        "/admin/users/change",
        data={"email": "ben@example.com", "change": "activate", "csrf_token": csrf_of(page.text)},
    )
    login(world.client(), "ben@example.com")  # signs in again; the old token stays dead
    assert _bearer(world, token) == 401


def test_role_change_and_password_reset_end_sessions(world: World) -> None:
    mia = world.client("mia")
    admin = world.client("ada")
    csrf = csrf_of(admin.get("/admin/users").text)
    admin.post(
        "/admin/users/change",
        data={
            "email": "mia@example.com",
            "change": "role",
            "role": "committee",
            "csrf_token": csrf,
        },
    )
    assert mia.get("/").status_code == 303
    with world.store.session() as s:
        assert accounts.find_user(s, "mia@example.com").role == "committee"

    new = "a brand new password"
    login(mia, "mia@example.com")
    admin.post(
        "/admin/users/change",
        data={
            "email": "mia@example.com",
            "change": "password",
            "password": new,
            "csrf_token": csrf,
        },
    )
    assert mia.get("/").status_code == 303
    login(world.client(), "mia@example.com", new)
    short = admin.post(
        "/admin/users/change",
        data={
            "email": "mia@example.com",
            "change": "password",
            "password": "x",
            "csrf_token": csrf,
        },
    )
    assert short.status_code == 422 and "at least 10" in short.text
    odd = admin.post(
        "/admin/users/change",
        data={"email": "mia@example.com", "change": "promote", "csrf_token": csrf},
    )
    assert odd.status_code == 422
    own = admin.post(
        "/admin/users/change",
        data={"email": "ada@example.com", "change": "deactivate", "csrf_token": csrf},
    )
    assert own.status_code == 422 and "your own account" in own.text
    with world.store.session() as s:
        actions = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("set_role") == 1 and actions.count("set_password") == 1


def test_tokens_expire_and_record_their_last_use(world: World) -> None:
    token = _token(world, "ana@example.com", days=1)
    assert _bearer(world, token) == 200
    with world.store.session() as s:
        row = s.scalars(select(ApiToken).where(ApiToken.token_hash == accounts.digest(token))).one()
        assert row.last_used_at is not None
        row.expires_at = now() - timedelta(seconds=1)
    assert _bearer(world, token) == 401
    forever = _token(world, "ana@example.com", days=None)
    assert _bearer(world, forever) == 200
    with world.store.session() as s, pytest.raises(accounts.InputError, match="out of range"):
        accounts.issue_token(s, "ana@example.com", days=99999)


def test_lifecycle_from_the_command_line(world: World, db_url: str) -> None:
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None) -> str:
        result = runner.invoke(build_app(), ["--db", db_url, "users", *args], input=stdin)
        assert result.exit_code == 0, result.output
        return result.stdout

    assert run("token", "ben@example.com", "--days", "30").startswith("pp_")
    listed = run("token", "ben@example.com", "--list")
    assert "expires" in listed and "last used" in listed and "never" in listed
    assert "is now manager" in run("role", "ben@example.com", "manager")
    assert "new password" in run("password", "ben@example.com", "--password-stdin", stdin="p" * 12)
    assert "deactivated" in run("deactivate", "ben@example.com")
    assert '"active": false' in run("list", "--json")
    bad = runner.invoke(build_app(), ["--db", db_url, "users", "role", "ben@example.com", "boss"])
    assert bad.exit_code != 0 and "not a role" in bad.output
    with world.store.session() as s:
        actions = {e.action for e in s.scalars(select(AuditEvent))}
    assert {"set_role", "set_password", "deactivate_user"} <= actions
