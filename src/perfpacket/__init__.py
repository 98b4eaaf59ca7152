"""perfpacket: promotion packets for AI engineers, with every number traceable.

The public API is re-exported here; the command line is a thin layer over it.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("perfpacket")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"

from perfpacket.errors import (
    InputError,
    NotFoundError,
    PerfpacketError,
    StoreError,
    WorkspaceError,
)
from perfpacket.workspace import Workspace, find_workspace, init_workspace

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
