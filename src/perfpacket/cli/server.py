"""``perfpacket users`` and ``perfpacket serve``: accounts and the team server."""

from __future__ import annotations

import os
import sys
from datetime import datetime

import typer
from rich.table import Table

from perfpacket.cli._io import console, err_console, print_json, say, shown_url, workspace_from
from perfpacket.errors import InputError
from perfpacket.workspace import DATABASE_ENV


def _database_url(ctx: typer.Context) -> str:
    """A team server needs no workspace folder: ``--db`` or the environment are enough."""
    root = ctx.find_root()
    db = root.obj.get("db") if isinstance(root.obj, dict) else None
    return db or os.environ.get(DATABASE_ENV) or workspace_from(ctx).database_url


def _stdin_password(given: bool, usage: str) -> str:
    """The password piped to standard input; never taken from an argument."""
    if not given:
        raise InputError(
            "no password given",
            hint=f'pipe it in: echo "$PASSWORD" | perfpacket users {usage} --password-stdin',
        )
    return sys.stdin.readline().rstrip("\r\n")


def _when(at: datetime | None, missing: str = "") -> str:
    return at.isoformat(timespec="seconds") if at else missing


def register(app: typer.Typer) -> None:
    users_app = typer.Typer(help="Team-server accounts.", no_args_is_help=True)
    app.add_typer(users_app, name="users")

    @users_app.command("add")
    def users_add(
        ctx: typer.Context,
        email: str = typer.Argument(..., help="The user's email; links them to that person."),
        name: str = typer.Option(..., "--name", help="Display name."),
        role: str = typer.Option(..., "--role", help="engineer, manager, committee or admin."),
        manager: str | None = typer.Option(None, "--manager", metavar="EMAIL"),
        password_stdin: bool = typer.Option(
            False, "--password-stdin", help="Read the password from standard input."
        ),
    ) -> None:
        """Add an account (the password is read from standard input, never from an argument)."""
        from perfpacket.store import open_store
        from perfpacket.team.accounts import add_user

        password = _stdin_password(password_stdin, "add EMAIL --name NAME --role ROLE")
        with open_store(_database_url(ctx)) as store, store.session() as session:
            user = add_user(session, email, name, role, password, manager)
            say(f"added {user.email} ({user.role})")

    @users_app.command("token")
    def users_token(
        ctx: typer.Context,
        email: str = typer.Argument(..., help="Whose token."),
        list_: bool = typer.Option(False, "--list", help="List their tokens instead."),
        revoke: str | None = typer.Option(
            None, "--revoke", metavar="ID|all", help="Revoke one token by id, or all of them."
        ),
        days: int = typer.Option(
            90, "--days", help="Days a new token is valid; 0 for one that never expires."
        ),
    ) -> None:
        """Print a new API token for ``Authorization: Bearer`` (shown once; only a hash is
        kept); or list or revoke a user's tokens."""
        from perfpacket.store import open_store
        from perfpacket.team.accounts import issue_token, list_tokens, revoke_token

        if revoke is not None and not (revoke == "all" or revoke.isdigit()):
            raise InputError(f"--revoke '{revoke}' is not a token id", hint="give an id or all")
        with open_store(_database_url(ctx)) as store, store.session() as session:
            if list_:
                rows = [
                    (
                        str(t.id),
                        _when(t.created_at),
                        _when(t.expires_at, "never"),
                        _when(t.last_used_at, "never"),
                        t.token_hash[:12],
                    )
                    for t in list_tokens(session, email)
                ]
                table = Table("id", "created", "expires", "last used", "hash (first 12)")
                for row in rows:
                    table.add_row(*row)
                console.print(table)
                return
            if revoke is not None:
                n = revoke_token(session, email, None if revoke == "all" else int(revoke))
                say(f"Revoked {n} token{'s' if n != 1 else ''} of {email}")
                return
            token = issue_token(session, email, days or None)
        say(token)

    @users_app.command("deactivate")
    def users_deactivate(
        ctx: typer.Context, email: str = typer.Argument(..., help="Whose account.")
    ) -> None:
        """Deactivate an account: it cannot sign in, and its sessions and tokens end at once.
        Its packets, ratings and history stay."""
        from perfpacket.store import open_store
        from perfpacket.team.accounts import deactivate_user

        with open_store(_database_url(ctx)) as store, store.session() as session:
            user = deactivate_user(session, email)
            say(f"deactivated {user.email}; their sessions and tokens have ended")

    @users_app.command("activate")
    def users_activate(
        ctx: typer.Context, email: str = typer.Argument(..., help="Whose account.")
    ) -> None:
        """Let a deactivated account sign in again."""
        from perfpacket.store import open_store
        from perfpacket.team.accounts import activate_user

        with open_store(_database_url(ctx)) as store, store.session() as session:
            user = activate_user(session, email)
            say(f"activated {user.email}")

    @users_app.command("role")
    def users_role(
        ctx: typer.Context,
        email: str = typer.Argument(..., help="Whose account."),
        role: str = typer.Argument(..., help="engineer, manager, committee or admin."),
    ) -> None:
        """Change an account's role (its open sessions end, so the next page shows the new one)."""
        from perfpacket.store import open_store
        from perfpacket.team.accounts import set_role

        with open_store(_database_url(ctx)) as store, store.session() as session:
            user = set_role(session, email, role)
            say(f"{user.email} is now {user.role}")

    @users_app.command("password")
    def users_password(
        ctx: typer.Context,
        email: str = typer.Argument(..., help="Whose account."),
        password_stdin: bool = typer.Option(
            False, "--password-stdin", help="Read the new password from standard input."
        ),
    ) -> None:
        """Set a new password for an account (an admin's reset); its open sessions end."""
        from perfpacket.store import open_store
        from perfpacket.team.accounts import set_password

        password = _stdin_password(password_stdin, "password EMAIL")
        with open_store(_database_url(ctx)) as store, store.session() as session:
            user = set_password(session, email, password)
            say(f"set a new password for {user.email}; their sessions have ended")

    @users_app.command("list")
    def users_list(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """List accounts."""
        from perfpacket.store import open_store
        from perfpacket.team.accounts import list_users

        with open_store(_database_url(ctx)) as store, store.session() as session:
            rows: list[dict[str, str | bool | None]] = [
                {
                    "email": u.email,
                    "name": u.name,
                    "role": u.role,
                    "manager": u.manager.email if u.manager else None,
                    "active": u.deactivated_at is None,
                }
                for u in list_users(session)
            ]
        if as_json:
            print_json(rows)
            return
        table = Table("email", "name", "role", "manager", "active")
        for r in rows:
            email, name, role, manager = (
                str(r[k] or "") for k in ("email", "name", "role", "manager")
            )
            table.add_row(email, name, role, manager, "yes" if r["active"] else "no")
        console.print(table)

    @app.command("serve")
    def serve(
        ctx: typer.Context,
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", help="Port to listen on."),
        workers: int = typer.Option(
            1, "--workers", min=1, help="Server processes (the server keeps no state of its own)."
        ),
        draft_model: str | None = typer.Option(
            None,
            "--draft-model",
            metavar="MODEL",
            help="Let 'Draft from my evidence' polish with this model (an llm library model "
            "id), under the guard; packet text is sent to it. Default: deterministic drafts.",
        ),
    ) -> None:
        """Run the team server: review cycles, manager reviews and committee calibration."""
        import uvicorn

        from perfpacket.store import open_store

        url = _database_url(ctx)
        open_store(url).close()  # migrate once, before any worker starts
        os.environ["PERFPACKET_SERVE_DATABASE_URL"] = url
        if draft_model:
            from perfpacket.draft.polish import find_model, provider

            described = provider(find_model(draft_model)).describe()
            err_console.print(f"Drafts are polished by {described}", markup=False, highlight=False)
            os.environ["PERFPACKET_SERVE_DRAFT_MODEL"] = draft_model
        err_console.print(
            f"perfpacket team server on http://{host}:{port} over {shown_url(url)}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        uvicorn.run(
            "perfpacket.web.app:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            proxy_headers=True,
            log_level="warning",
        )
