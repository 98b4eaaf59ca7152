"""What text the team server stores: valid Unicode without NUL, within a stated length.

PostgreSQL refuses NUL in text and every driver refuses a lone surrogate ("\\ud800" is valid
JSON but not valid Unicode); both used to surface as a 500. Each field is checked here,
before anything is written, and a bad one is a 4xx naming the field.
"""

from __future__ import annotations

from perfpacket.errors import InputError

MAX_NAME = 200  # a user's, cycle's or cohort's name
MAX_EMAIL = 320
MAX_REASON = 5_000
MAX_PASSWORD = 1_000  # argon2 hashes any length; a megabyte password is only a load probe


def check_text(value: str, field: str, limit: int) -> str:
    """``value`` if it can be stored; otherwise an error naming ``field`` and the fix."""
    if "\x00" in value:
        raise InputError(
            f"field '{field}' contains a NUL character", hint="remove the control character"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            f"field '{field}' is not valid Unicode (a lone surrogate)",
            hint="send UTF-8 text; pair each surrogate or remove it",
        ) from None
    if len(value) > limit:
        raise InputError(
            f"field '{field}' has {len(value)} characters; at most {limit} are allowed",
            hint=f"shorten the {field}",
        )
    return value
