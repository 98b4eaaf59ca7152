"""``[[sync]]`` tables: the sources ``perfpacket sync`` pulls from.

::

    [[sync]]
    name = "ai-platform-prs"         # how `perfpacket sync NAME` chooses it (default: the kind)
    kind = "github"
    url = "https://api.github.com"   # GitHub Enterprise: https://HOST/api/v3
    token_env = "GITHUB_TOKEN"       # the environment variable that holds the token
    repos = ["acme/ai-platform"]     # the kind's scope: see `perfpacket sync kinds`
    person = "ana@example.com"       # optional: only this person's records, as --person

A token is never written here: a key that holds one (``token``, ``password``, ...) or a value
that looks like one is refused, and the variable ``token_env`` names is read at sync time.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from perfpacket.errors import InputError

SYNC_FIELD = "sync"
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
# Keys that would hold a secret: refused whatever their value.
SECRET_KEYS = frozenset({"token", "password", "secret", "api_key", "apikey", "private_key"})
# Values that are tokens whatever their key: GitHub (ghp_, gho_, ghs_, github_pat_), GitLab
# (glpat-), Linear (lin_api_), Langfuse (sk-lf-), PagerDuty's are opaque (caught by key only).
TOKEN_VALUE = re.compile(r"^(gh[pousr]_|github_pat_|glpat-|lin_api_|sk-lf-|xox[bp]-)\S{8,}")
COMMON_KEYS = ("name", "kind", "url", "token_env", "person")


@dataclass(frozen=True)
class SyncSource:
    """One ``[[sync]]`` table, checked."""

    name: str
    kind: str
    url: str
    token_env: str | None = None
    person: str | None = None
    scope: dict[str, Any] = field(default_factory=dict)
    # Its index in the file, for error messages.
    index: int = 0

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc or self.url

    @property
    def place(self) -> str:
        return f"'perfpacket.toml' [[sync]] '{self.name}'"

    def items(self, key: str) -> list[str]:
        """A scope key's values as a list (a single string is a list of one)."""
        value = self.scope.get(key)
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def token(self) -> str | None:
        """The token from the environment; an error naming the variable when it is unset."""
        if not self.token_env:
            return None
        value = os.environ.get(self.token_env, "")
        if not value:
            raise InputError(
                f"{self.place}: the environment variable {self.token_env} is not set",
                hint=f"export {self.token_env}=... (the token is read from the environment "
                "and never stored)",
            )
        return value


def _refuse_secrets(entry: dict[str, Any], place: str) -> None:
    for key, value in entry.items():
        if key.lower() in SECRET_KEYS:
            raise InputError(
                f"{place}.{key}: a token in perfpacket.toml is refused",
                hint="remove it, put the token in an environment variable and name that "
                'variable: token_env = "GITHUB_TOKEN"',
            )
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and TOKEN_VALUE.match(v) for v in values):
            raise InputError(
                f"{place}.{key}: holds what looks like a token; a token in perfpacket.toml "
                "is refused",
                hint="remove it (and revoke it if the file was shared), then name an "
                'environment variable instead: token_env = "GITHUB_TOKEN"',
            )


def load_sources(config: dict[str, Any], where: str = "perfpacket.toml") -> list[SyncSource]:
    """The ``[[sync]]`` tables of a workspace's configuration, checked against the connector
    each names; a malformed one is refused by its place and key."""
    from perfpacket import plugins

    raw = config.get(SYNC_FIELD) or []
    if not isinstance(raw, list):
        raise InputError(
            f"'{where}' field {SYNC_FIELD}: expected [[sync]] tables",
            hint="write each source as a [[sync]] table; `perfpacket sync add KIND` writes one",
        )
    connectors = plugins.connectors()
    sources: list[SyncSource] = []
    for i, entry in enumerate(raw):
        place = f"'{where}' [[sync]] #{i + 1}"
        if not isinstance(entry, dict):
            raise InputError(f"{place}: expected a table of keys")
        _refuse_secrets(entry, place)
        kind = entry.get("kind")
        if not isinstance(kind, str) or kind not in connectors:
            raise InputError(
                f"{place}.kind: {'missing' if kind is None else repr(kind) + ' is not a kind'}",
                hint="kinds: " + ", ".join(connectors.names()),
            )
        connector = connectors.get(kind)
        name = entry.get("name", kind)
        if not isinstance(name, str) or not NAME.match(name):
            raise InputError(
                f"{place}.name: {name!r} is not a source name",
                hint="use lowercase letters, digits, '.', '_' and '-'",
            )
        if any(s.name == name for s in sources):
            raise InputError(
                f"{place}.name: '{name}' names two sources", hint="give each [[sync]] its own name"
            )
        allowed = set(COMMON_KEYS) | set(connector.scope_keys)
        unknown = sorted(set(entry) - allowed)
        if unknown:
            raise InputError(
                f"{place}.{unknown[0]}: not a key of a {kind} source",
                hint=f"{kind} sources take: " + ", ".join(sorted(allowed)),
            )
        url = entry.get("url", connector.default_url)
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            problem = "missing" if url is None else f"{url!r} is not an http(s) URL"
            raise InputError(
                f"{place}.url: {problem}",
                hint=f"give the {kind} server's address, e.g. url = "
                f'"{connector.default_url or "https://HOST"}"',
            )
        for key in ("token_env", "person"):
            if key in entry and not isinstance(entry[key], str):
                raise InputError(f"{place}.{key}: expected text")
        token_env = entry.get("token_env")
        if connector.needs_token and not token_env:
            raise InputError(
                f"{place}.token_env: missing",
                hint=f"name the environment variable that holds the {kind} token: "
                f'token_env = "{connector.token_env}"',
            )
        scope = {k: v for k, v in entry.items() if k in connector.scope_keys}
        for key in connector.required:
            if not scope.get(key):
                raise InputError(
                    f"{place}.{key}: missing",
                    hint=f"{key}: {connector.scope_keys[key]}",
                )
        for key, value in scope.items():
            ok = isinstance(value, str | int | float) and not isinstance(value, bool)
            ok = ok or (isinstance(value, list) and all(isinstance(v, str) for v in value))
            if not ok:
                raise InputError(f"{place}.{key}: expected text, a number or a list of text")
        sources.append(
            SyncSource(
                name=name,
                kind=kind,
                url=url.rstrip("/"),
                token_env=token_env,
                person=entry.get("person"),
                scope=scope,
                index=i,
            )
        )
    return sources


def _toml_value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def add_source(config_path: Path, config: dict[str, Any], entry: dict[str, Any]) -> SyncSource:
    """Append a ``[[sync]]`` table to perfpacket.toml after checking it with the others; the
    file is left as it was when the new table is refused."""
    entry = {k: v for k, v in entry.items() if v not in (None, [], "")}
    merged = {**config, SYNC_FIELD: [*(config.get(SYNC_FIELD) or []), entry]}
    added = load_sources(merged)[-1]
    lines = ["", "[[sync]]"] + [f"{key} = {_toml_value(value)}" for key, value in entry.items()]
    text = config_path.read_text(encoding="utf-8")
    config_path.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return added
