"""Accounts: users with Argon2 password hashes, API tokens, sessions and login rate limits."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from perfpacket.errors import InputError, NotFoundError
from perfpacket.store.models import Person
from perfpacket.store.team import ROLES, ApiToken, LoginAttempt, User, WebSession
from perfpacket.team.text import MAX_EMAIL, MAX_NAME, MAX_PASSWORD, check_text

MIN_PASSWORD = 10
SESSION_LIFETIME = timedelta(hours=12)
# Failed logins allowed per window, for one account and for one client address.
LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_FAILURES_PER_ACCOUNT = 5
LOGIN_FAILURES_PER_CLIENT = 20
TOKEN_PREFIX = "pp_"

_hasher = PasswordHasher()
# Verifying against this when the email is unknown keeps the answer time the same either way.
_DUMMY_HASH = _hasher.hash("not a password anyone has")


def now() -> datetime:
    return datetime.now(UTC)


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
    person = session.scalars(select(Person).where(Person.email == email)).first()
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


def issue_token(session: Session, email: str) -> str:
    """A new API token for ``Authorization: Bearer``; shown once, stored as a hash."""
    user = find_user(session, email)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=digest(token), created_at=now()))
    return token


def list_tokens(session: Session, email: str) -> list[ApiToken]:
    """A user's API tokens (only their hashes are kept), oldest first."""
    user = find_user(session, email)
    stmt = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    return list(session.scalars(stmt))


def revoke_token(session: Session, email: str, token_id: int | None) -> int:
    """Revoke one of a user's tokens by id, or all of them (``token_id`` None); audited. The
    next request with a revoked token is refused. Returns how many were revoked."""
    from perfpacket.team import audit

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


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest(token))).first()
    return session.get(User, row.user_id) if row else None


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    limited: bool = False
    retry_after: int = 0


def _recent_failures(session: Session, key: str, since: datetime) -> int:
    stmt = select(func.count()).where(LoginAttempt.key == key, LoginAttempt.at >= since)
    return int(session.scalar(stmt) or 0)


def authenticate(session: Session, email: str, password: str, client: str) -> LoginResult:
    """Check a password, refusing to check at all once too many attempts have failed."""
    email = check_text(email, "email", MAX_EMAIL).strip().lower()
    check_text(password, "password", MAX_PASSWORD)
    keys = (f"account:{email}", f"client:{client}")
    since = now() - LOGIN_WINDOW
    if (
        _recent_failures(session, keys[0], since) >= LOGIN_FAILURES_PER_ACCOUNT
        or _recent_failures(session, keys[1], since) >= LOGIN_FAILURES_PER_CLIENT
    ):
        return LoginResult(None, limited=True, retry_after=int(LOGIN_WINDOW.total_seconds()))
    user = session.scalars(select(User).where(User.email == email)).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None:
        session.add_all(LoginAttempt(key=k, at=now()) for k in keys)
        return LoginResult(None)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == keys[0]))
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
        .where(WebSession.id == digest(cookie), WebSession.expires_at > now())
    )
    found = session.execute(stmt).first()
    return (found[0], found[1]) if found else (None, None)


def end_session(session: Session, cookie: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id == digest(cookie)))


def purge_expired(session: Session) -> None:
    session.execute(delete(WebSession).where(WebSession.expires_at <= now()))
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now() - LOGIN_WINDOW))
