"""A workspace: a folder with ``perfpacket.toml``, the packet Markdown and ``.perfpacket/``."""

from __future__ import annotations

import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfpacket.errors import WorkspaceError
from perfpacket.store import Store, open_store

if TYPE_CHECKING:
    from perfpacket.evidence.records import ImportOptions

CONFIG_NAME = "perfpacket.toml"
STATE_DIR = ".perfpacket"
DB_NAME = "perfpacket.db"
DATABASE_ENV = "PERFPACKET_DATABASE_URL"

CONFIG_TEMPLATE = """\
# perfpacket workspace. See `perfpacket --help`.
[workspace]
name = "{name}"
# Whose packet this is (an email or handle); commands take --person to override.
person = "{person}"

[database]
# Empty: SQLite in .perfpacket/{db}. A team server sets a PostgreSQL URL here, or in
# PERFPACKET_DATABASE_URL, e.g. postgresql://perfpacket@db.internal:5432/perfpacket
url = "{url}"
"""


@dataclass
class Workspace:
    """An initialised workspace folder and the database it uses."""

    root: Path
    config: dict[str, Any] = field(default_factory=dict)
    db_override: str | None = None

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    @property
    def database_url(self) -> str:
        """``--db`` wins, then PERFPACKET_DATABASE_URL, then the config, then local SQLite."""
        if self.db_override:
            return self.db_override
        if os.environ.get(DATABASE_ENV):
            return os.environ[DATABASE_ENV]
        configured = str(self.config.get("database", {}).get("url") or "")
        if configured:
            return configured
        return f"sqlite:///{self.state_dir / DB_NAME}"

    @property
    def person(self) -> str | None:
        value = self.config.get("workspace", {}).get("person")
        return str(value) if value else None

    def open_store(self) -> Store:
        return open_store(self.database_url)

    def import_options(self, **given: Any) -> ImportOptions:
        """Options for an import into this workspace: where converted telemetry goes and the
        root that stored paths are relative to, with the flags ``given``."""
        from perfpacket.evidence.records import ImportOptions

        return ImportOptions(
            telemetry_dir=self.state_dir / "telemetry", workspace_root=self.root, **given
        )


def _read_config(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise WorkspaceError(
            f"'{path}' is not valid TOML: {exc}",
            hint="fix the file, or move it away and run `perfpacket init` again",
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkspaceError(f"cannot read '{path}': {exc}") from exc


def find_workspace(start: Path | None = None, db_override: str | None = None) -> Workspace:
    """The workspace containing ``start`` (default: the current directory), searching upward."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return Workspace(folder, _read_config(candidate), db_override)
    raise WorkspaceError(
        f"no perfpacket workspace in '{here}' or any folder above it",
        hint="run `perfpacket init` here, or cd into a workspace",
    )


def find_packet_workspace(packet: Path, db_override: str | None = None) -> Workspace:
    """The workspace a packet is read against, the same for every command that reads one
    (build, lint): the one around the current directory, else the one around the packet's
    own folder."""
    try:
        return find_workspace(None, db_override)
    except WorkspaceError:
        pass
    folder = packet.resolve().parent
    try:
        return find_workspace(folder, db_override)
    except WorkspaceError:
        raise WorkspaceError(
            f"no perfpacket workspace in '{Path.cwd()}' or above it, nor in '{folder}' or above it",
            hint="run the command inside the workspace the packet's claims live in, or "
            "`perfpacket init` one",
        ) from None


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise WorkspaceError(
            f"cannot create a workspace in '{folder}': {exc.strerror or exc}",
            hint="choose a folder you can write to, e.g. `perfpacket init ~/packets`",
        ) from exc


def init_workspace(path: Path, db_url: str | None = None, person: str | None = None) -> Workspace:
    """Create a workspace in ``path`` and its database; refuse to overwrite an existing one."""
    root = path.expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise WorkspaceError(
            f"'{root}' is a file, not a folder", hint="give a folder path to `perfpacket init`"
        )
    config_path = root / CONFIG_NAME
    if config_path.exists() or (root / STATE_DIR).exists():
        raise WorkspaceError(
            f"'{root}' is already a perfpacket workspace",
            hint="use it as it is, or choose an empty folder: `perfpacket init NEW_DIR`",
        )
    _check_writable(root)
    (root / STATE_DIR).mkdir()
    # Only a URL given on the command line is written to the config; the environment
    # variable stays an override so that secrets in it are not copied to disk.
    config_path.write_text(
        CONFIG_TEMPLATE.format(name=root.name, db=DB_NAME, url=db_url or "", person=person or ""),
        encoding="utf-8",
    )
    workspace = Workspace(root, _read_config(config_path), db_url)
    try:
        workspace.open_store().close()
    except BaseException:
        # Nothing half-made: a workspace whose database cannot be created is not left behind.
        config_path.unlink(missing_ok=True)
        shutil.rmtree(root / STATE_DIR, ignore_errors=True)
        raise
    return workspace
