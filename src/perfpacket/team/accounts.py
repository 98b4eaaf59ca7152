"""Accounts: users with Argon2 password hashes, API tokens, sessions and login rate limits."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from perfpacket.errors import InputError, NotFoundError
from perfpacket.evidence.people import person_by_email
from perfpacket.store.db import begin_write
from perfpacket.store.models import Person
from perfpacket.store.team import ROLES, ApiToken, LoginLimit, User, WebSession
from perfpacket.team import audit
from perfpacket.team.clock import now
from perfpacket.team.text import MAX_EMAIL, MAX_NAME, MAX_PASSWORD, check_text

MIN_PASSWORD = 10
SESSION_LIFETIME = timedelta(hours=12)
# Failed logins allowed per window, for one account and for one client address.
LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_FAILURES_PER_ACCOUNT = 5
LOGIN_FAILURES_PER_CLIENT = 20
TOKEN_PREFIX = "pp_"
TOKEN_DAYS = 90  # how long a new API token is valid unless told otherwise
MAX_TOKEN_DAYS = 3650
# A token's last use is written at most this often (a write on every API read would be waste).
TOKEN_USE_RESOLUTION = timedelta(minutes=10)

_hasher = PasswordHasher()
# Verifying against this when the email is unknown keeps the answer time the same either way.
_DUMMY_HASH = _hasher.hash("not a password anyone has")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def add_user(
    session: Session,
    email: str,
    name: str,
    role: str,
    password: str,
    manager_email: str | None = None,
) -> User:
    """A new account, linked to the person with that email (created if needed)."""
    email = check_text(email, "email", MAX_EMAIL).strip().lower()
    check_text(name, "name", MAX_NAME)
    if "@" not in email:
        raise InputError(f"'{email}' is not an email address", hint="give the user's work email")
    if role not in ROLES:
        raise InputError(f"--role '{role}' is not a role", hint="use one of: " + ", ".join(ROLES))
    if len(password) < MIN_PASSWORD:
        raise InputError(
            f"the password is {len(password)} characters; at least {MIN_PASSWORD} are needed",
            hint="pipe a longer password to --password-stdin",
        )
    if session.scalars(select(User).where(User.email == email)).first():
        raise InputError(f"a user '{email}' exists already", hint="see `perfpacket users list`")
    manager = None
    if manager_email:
        manager = find_user(session, manager_email)
    person = person_by_email(session, email)
    if person is None:
        person = Person(display_name=name, email=email)
        session.add(person)
        session.flush()
    user = User(
        email=email,
        name=name,
        role=role,
        person_id=person.id,
        manager_id=manager.id if manager else None,
        password_hash=_hasher.hash(password),
        created_at=now(),
    )
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, email: str) -> User:
    user = session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise NotFoundError(f"no user '{email}'", hint="see `perfpacket users list`")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def issue_token(session: Session, email: str, days: int | None = TOKEN_DAYS) -> str:
    """A new API token for ``Authorization: Bearer``, valid for ``days`` (None: until revoked);
    shown once, stored as a hash."""
    user = find_user(session, email)
    if user.deactivated_at is not None:
        raise InputError(
            f"{user.email} is deactivated", hint=f"`perfpacket users activate {email}`"
        )
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        raise InputError(
            f"--days {days} is out of range",
            hint=f"give 1 to {MAX_TOKEN_DAYS} days, or --days 0 for a token that never expires",
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    at = now()
    expires = at + timedelta(days=days) if days is not None else None
    session.add(
        ApiToken(user_id=user.id, token_hash=digest(token), created_at=at, expires_at=expires)
    )
    return token


def list_tokens(session: Session, email: str) -> list[ApiToken]:
    """A user's API tokens (only their hashes are kept), oldest first."""
    user = find_user(session, email)
    stmt = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    return list(session.scalars(stmt))


def revoke_token(session: Session, email: str, token_id: int | None) -> int:
    """Revoke one of a user's tokens by id, or all of them (``token_id`` None); audited. The
    next request with a revoked token is refused. Returns how many were revoked."""
    user = find_user(session, email)
    tokens = [t for t in list_tokens(session, email) if token_id is None or t.id == token_id]
    if token_id is not None and not tokens:
        known = ", ".join(str(t.id) for t in list_tokens(session, email)) or "none"
        raise NotFoundError(
            f"{email} has no token {token_id}", hint=f"their tokens: {known} (`users token --list`)"
        )
    for t in tokens:
        session.delete(t)
    audit.record(
        session,
        None,
        "revoke_tokens",
        f"user:{user.id}",
        "admin",
        {"tokens": [t.id for t in tokens]},
    )
    session.flush()
    return len(tokens)


def token_user(session: Session, token: str) -> tuple[ApiToken | None, User | None]:
    """The live token (not expired) and its active user, or (None, None)."""
    stmt = (
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == digest(token), User.deactivated_at.is_(None))
    )
    found = session.execute(stmt).first()
    if found is None:
        return None, None
    row, user = found
    if row.expires_at is not None and row.expires_at <= now():
        return None, None
    return row, user


def token_used_long_ago(row: ApiToken) -> bool:
    """Whether the token's last use is stale enough to write down again."""
    return row.last_used_at is None or now() - row.last_used_at >= TOKEN_USE_RESOLUTION


def _audited(session: Session, actor: User | None, action: str, user: User, **detail: Any) -> None:
    audit.record(session, actor, action, f"user:{user.id}", "admin", detail or None)


def _end_everything(session: Session, user: User) -> None:
    """Every session and token of ``user`` ends now."""
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))


def deactivate_user(session: Session, email: str, actor: User | None = None) -> User:
    """The account can no longer sign in; its sessions and API tokens end at once. Its
    packets, ratings and audit history stay."""
    user = find_user(session, email)
    if actor is not None and actor.id == user.id:
        raise InputError("you cannot deactivate your own account", hint="ask another admin")
    if user.deactivated_at is None:
        user.deactivated_at = now()
    _end_everything(session, user)
    _audited(session, actor, "deactivate_user", user)
    session.flush()
    return user


def activate_user(session: Session, email: str, actor: User | None = None) -> User:
    """Let a deactivated account sign in again (with a new password or token)."""
    user = find_user(session, email)
    user.deactivated_at = None
    _audited(session, actor, "activate_user", user)
    session.flush()
    return user


def set_role(session: Session, email: str, role: str, actor: User | None = None) -> User:
    """Change the account's role; its sessions end, so the next page is seen in the new role."""
    user = find_user(session, email)
    if role not in ROLES:
        raise InputError(f"role '{role}' is not a role", hint="use one of: " + ", ".join(ROLES))
    if actor is not None and actor.id == user.id and role != "admin":
        raise InputError("you cannot take away your own admin role", hint="ask another admin")
    before = user.role
    user.role = role
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    _audited(session, actor, "set_role", user, before=before, after=role)
    session.flush()
    return user


def set_password(session: Session, email: str, password: str, actor: User | None = None) -> User:
    """An admin sets a new password: the account's sessions end (tokens stay: revoke them with
    ``users token --revoke all`` if the account was compromised)."""
    check_text(password, "password", MAX_PASSWORD)
    if len(password) < MIN_PASSWORD:
        raise InputError(
            f"the password is {len(password)} characters; at least {MIN_PASSWORD} are needed",
            hint="pipe a longer password to --password-stdin",
        )
    user = find_user(session, email)
    user.password_hash = _hasher.hash(password)
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.execute(delete(LoginLimit).where(LoginLimit.key == f"account:{user.email}"))
    _audited(session, actor, "set_password", user)
    session.flush()
    return user


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    limited: bool = False
    retry_after: int = 0


def _count_attempt(session: Session, key: str, at: datetime) -> tuple[int, datetime]:
    """Add this attempt to ``key``'s window in one atomic statement (an upsert that starts a new
    window once the old one is over); returns the attempts so far, this one included, and
    when the window started. Parallel requests each get their own count, on any backend."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    expired = LoginLimit.window_start < at - LOGIN_WINDOW
    stmt = (
        insert(LoginLimit)
        .values(key=key, window_start=at, attempts=1)
        .on_conflict_do_update(
            index_elements=[LoginLimit.key],
            set_={
                # Both read the row as it was before this statement.
                "attempts": case((expired, 1), else_=LoginLimit.attempts + 1),
                "window_start": case((expired, at), else_=LoginLimit.window_start),
            },
        )
        .returning(LoginLimit.attempts, LoginLimit.window_start)
    )
    attempts, started = session.execute(stmt).one()
    return int(attempts), started


def _take_back(session: Session, keys: list[str]) -> None:
    """Undo one counted attempt on each of ``keys`` (a refused or a successful one)."""
    session.execute(
        update(LoginLimit)
        .where(LoginLimit.key.in_(keys), LoginLimit.attempts > 0)
        .values(attempts=LoginLimit.attempts - 1)
    )


def authenticate(session: Session, email: str, password: str, client: str) -> LoginResult:
    """Check a password, unless too many attempts have failed in the window.

    The attempt is counted and committed *before* the password is checked, so however many
    guesses arrive at once, no more than the limit are ever checked. An attempt refused for
    being over a limit takes its count back at once, as does a correct password (which also
    clears the account's count): what remains counted are the failed checks, and a guessing
    burst at one account does not lock its address out of the others. Commits the session."""
    email = check_text(email, "email", MAX_EMAIL).strip().lower()
    check_text(password, "password", MAX_PASSWORD)
    at = now()
    account, address = f"account:{email}", f"client:{client}"
    counted: list[str] = []
    for key, limit in ((account, LOGIN_FAILURES_PER_ACCOUNT), (address, LOGIN_FAILURES_PER_CLIENT)):
        attempts, started = _count_attempt(session, key, at)
        counted.append(key)
        if attempts > limit:
            _take_back(session, counted)
            session.commit()
            retry = int((started + LOGIN_WINDOW - at).total_seconds())
            return LoginResult(None, limited=True, retry_after=max(1, retry))
    begin_write(session)  # the counts are on record before the password is checked
    user = session.scalars(
        select(User).where(User.email == email, User.deactivated_at.is_(None))
    ).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return LoginResult(None)
    if user is None:  # the dummy hash's own phrase: still no account
        return LoginResult(None)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    session.execute(delete(LoginLimit).where(LoginLimit.key == account))
    _take_back(session, [address])
    return LoginResult(user)


def start_session(session: Session, user: User | None) -> tuple[str, WebSession]:
    """A new session with a new id and CSRF token; returns the cookie value and the row."""
    cookie = secrets.token_urlsafe(32)
    row = WebSession(
        id=digest(cookie),
        user_id=user.id if user else None,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now(),
        expires_at=now() + SESSION_LIFETIME,
    )
    session.add(row)
    return cookie, row


def find_session(session: Session, cookie: str) -> tuple[WebSession | None, User | None]:
    """The live session a cookie names and its user (None for an anonymous one), in one query."""
    stmt = (
        select(WebSession, User)
        .outerjoin(User, User.id == WebSession.user_id)
        .where(
            WebSession.id == digest(cookie),
            WebSession.expires_at > now(),
            User.deactivated_at.is_(None),
        )
    )
    found = session.execute(stmt).first()
    return (found[0], found[1]) if found else (None, None)


def end_session(session: Session, cookie: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id == digest(cookie)))


def purge_expired(session: Session) -> None:
    session.execute(delete(WebSession).where(WebSession.expires_at <= now()))
    session.execute(delete(LoginLimit).where(LoginLimit.window_start < now() - LOGIN_WINDOW))
