"""``perfpacket users``: accounts from the command line, read back from the store, and a
token that the server accepts."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from perfpacket.cli import build_app
from perfpacket.store import open_store
from perfpacket.store.team import User
from perfpacket.team.accounts import find_user, list_tokens
from perfpacket.web.app import create_app

PASSWORD = "a long enough password\n"


def test_users_add_list_and_token(runner: CliRunner, db_url: str) -> None:
    app = build_app()
    base = ["--db", db_url, "users", "add"]
    mia = runner.invoke(
        app,
        [*base, "mia@example.com", "--name", "Mia", "--role", "manager", "--password-stdin"],
        input=PASSWORD,
    )
    assert mia.exit_code == 0, mia.output + mia.stderr
    assert mia.stdout.strip() == "added mia@example.com (manager)"
    ana = runner.invoke(
        app,
        [
            *base,
            "Ana@Example.com",
            "--name",
            "Ana",
            "--role",
            "engineer",
            "--manager",
            "mia@example.com",
            "--password-stdin",
        ],
        input=PASSWORD,
    )
    assert ana.exit_code == 0, ana.stderr
    with open_store(db_url) as store, store.session() as s:
        user = find_user(s, "ana@example.com")
        assert (user.role, user.manager.email if user.manager else None) == (
            "engineer",
            "mia@example.com",
        )
        assert user.person.email == "ana@example.com"
    listed = runner.invoke(app, ["--db", db_url, "users", "list", "--json"])
    assert [u["email"] for u in json.loads(listed.stdout)] == [
        "ana@example.com",
        "mia@example.com",
    ]
    token = runner.invoke(app, ["--db", db_url, "users", "token", "ana@example.com"]).stdout.strip()
    assert token.startswith("pp_")
    with open_store(db_url) as store:
        client = TestClient(create_app(store))
        r = client.get("/api/packets", headers={"authorization": f"Bearer {token}"})
        assert (r.status_code, r.json()) == (200, [])
    # Tokens can be listed (hashes only) and revoked; a revoked token is refused at once.
    second = runner.invoke(app, ["--db", db_url, "users", "token", "ana@example.com"])
    listed = runner.invoke(app, ["--db", db_url, "users", "token", "ana@example.com", "--list"])
    assert listed.exit_code == 0 and token not in listed.stdout
    with open_store(db_url) as store, store.session() as s:
        ids = [t.id for t in list_tokens(s, "ana@example.com")]
    assert len(ids) == 2 and all(str(i) in listed.stdout for i in ids)
    first_id = str(ids[0])
    revoked = runner.invoke(
        app, ["--db", db_url, "users", "token", "ana@example.com", "--revoke", first_id]
    )
    assert revoked.exit_code == 0 and revoked.stdout.strip() == "Revoked 1 token of ana@example.com"
    missing = runner.invoke(
        app, ["--db", db_url, "users", "token", "ana@example.com", "--revoke", "999"]
    )
    assert missing.exit_code == 2 and "ana@example.com has no token 999" in missing.stderr
    with open_store(db_url) as store:
        client = TestClient(create_app(store))
        headers = {"authorization": f"Bearer {token}"}
        assert client.get("/api/packets", headers=headers).status_code == 401
        headers = {"authorization": f"Bearer {second.stdout.strip()}"}
        assert client.get("/api/packets", headers=headers).status_code == 200
    everything = runner.invoke(
        app, ["--db", db_url, "users", "token", "ana@example.com", "--revoke", "all"]
    )
    assert everything.stdout.strip() == "Revoked 1 token of ana@example.com"


def test_users_add_errors(runner: CliRunner, db_url: str) -> None:
    app = build_app()
    base = ["--db", db_url, "users", "add", "x@example.com", "--name", "X"]
    cases = [
        (
            ["--role", "engineer"],
            PASSWORD,
            [
                "Error: no password given",
                'Hint: pipe it in: echo "$PASSWORD" | perfpacket users add EMAIL --name NAME '
                "--role ROLE --password-stdin",
            ],
        ),
        (
            ["--role", "boss", "--password-stdin"],
            PASSWORD,
            [
                "Error: --role 'boss' is not a role",
                "Hint: use one of: engineer, manager, committee, admin",
            ],
        ),
        (
            ["--role", "engineer", "--password-stdin"],
            "short\n",
            [
                "Error: the password is 5 characters; at least 10 are needed",
                "Hint: pipe a longer password to --password-stdin",
            ],
        ),
        (
            ["--role", "engineer", "--manager", "who@example.com", "--password-stdin"],
            PASSWORD,
            [
                "Error: no user 'who@example.com'",
                "Hint: see `perfpacket users list`",
            ],
        ),
    ]
    for extra, stdin, lines in cases:
        result = runner.invoke(app, [*base, *extra], input=stdin)
        assert result.exit_code == 2, result.output
        assert result.stderr.splitlines() == lines
    with open_store(db_url) as store, store.session() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 0
