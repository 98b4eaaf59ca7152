"""User-facing errors: a message saying what failed, and a hint saying how to fix it."""

from __future__ import annotations


class PerfpacketError(Exception):
    """An error the user can fix. The CLI prints it as ``Error: ...`` without a traceback."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class WorkspaceError(PerfpacketError):
    """No workspace, or a workspace that cannot be created or read."""


class StoreError(PerfpacketError):
    """The database cannot be reached, or its schema is not what this version expects."""


class InputError(PerfpacketError):
    """A file or argument given by the user is malformed."""


class UnboundNumbersError(InputError):
    """A packet states numbers that no claim computes; a check failed, so exit 1 as lint does."""

    exit_code = 1


class NotFoundError(PerfpacketError):
    """A named thing (claim, person, packet) does not exist."""


class ConflictError(PerfpacketError):
    """The request is valid but the record's state does not allow it (a decided candidacy...)."""
