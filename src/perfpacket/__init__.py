"""perfpacket: promotion packets for AI engineers, with every number traceable.

The public API is re-exported here; the command line is a thin layer over it.
"""

from typing import TYPE_CHECKING, Any

from perfpacket.errors import (
    InputError,
    NotFoundError,
    PerfpacketError,
    StoreError,
    WorkspaceError,
)

if TYPE_CHECKING:
    from perfpacket.workspace import Workspace, find_workspace, init_workspace

# Loaded on first use: the workspace brings SQLAlchemy, and the command line sets up its
# process (see perfpacket.cli.main) before it loads anything of that size.
_WORKSPACE = ("Workspace", "find_workspace", "init_workspace")


def __getattr__(name: str) -> Any:
    """The workspace API and ``__version__``, loaded on first use. Reading the version loads
    ``importlib.metadata``, which a command needs only to stamp an output with it."""
    if name in _WORKSPACE:
        from perfpacket import workspace

        return getattr(workspace, name)
    if name != "__version__":
        raise AttributeError(f"module 'perfpacket' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("perfpacket")
    except PackageNotFoundError:  # running from a source tree without an install
        value = "0.0.0"
    globals()["__version__"] = value
    return value


__all__ = [
    "InputError",
    "NotFoundError",
    "PerfpacketError",
    "StoreError",
    "Workspace",
    "WorkspaceError",
    "__version__",
    "find_workspace",
    "init_workspace",
]
