"""Slugs: the names users type in ``{{ claim.SLUG }}`` and on the command line, made by one
function so they are safe by construction (lowercase ``[a-z0-9-]``, never empty, never longer
than the store keeps) and stable: the same parts give the same slug on every run."""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_SLUG = 100  # the claim table's slug column
_UNSAFE = re.compile(r"[^a-z0-9]+")
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")


def slugify(*parts: str) -> str:
    """``parts`` joined as one slug: accents folded to ASCII, every other run of characters
    outside ``[a-z0-9]`` a single hyphen. A slug too long for the store keeps its start and
    ends in a short hash of the whole, so two long names stay apart; text with nothing to keep
    becomes a hash of itself, never an empty slug."""
    text = "-".join(parts)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = _UNSAFE.sub("-", folded).strip("-")
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    if not slug:
        return f"x-{digest}"
    if len(slug) > MAX_SLUG:
        slug = f"{slug[: MAX_SLUG - 9].rstrip('-')}-{digest}"
    return slug


def unique_slugs(slugs: list[str]) -> list[str]:
    """The slugs in order, a repeat given ``-2``, ``-3``… so each names one claim; the same
    list gives the same names on every run."""
    used: set[str] = set()
    out = []
    for slug in slugs:
        name, n = slug, 1
        while name in used:
            n += 1
            name = f"{slug[: MAX_SLUG - 4]}-{n}"
        used.add(name)
        out.append(name)
    return out


__all__ = ["MAX_SLUG", "SLUG", "slugify", "unique_slugs"]
