"""``perfpacket import git REPO``: the history, in one streaming pass over ``git log``.

One ``git log -z --numstat`` process for the whole history (no process or object walk per
commit); .mailmap applies through %aN/%aE; Co-authored-by trailers are read by git itself and
mapped through ``git check-mailmap`` once per distinct co-author; merges are flagged; renames
count under their new path; binary files count as changed with no lines.
"""

from __future__ import annotations

import hashlib
import queue
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from perfpacket.errors import InputError
from perfpacket.evidence.records import (
    BaseImporter,
    ImportContext,
    ImportOptions,
    Record,
    change_fields,
)

# Record separator, then sha, parents, mailmapped author name and email, author date,
# co-author trailers, subject: unit-separated.
FORMAT = (
    "%x1e%H%x1f%P%x1f%aN%x1f%aE%x1f%aI%x1f"
    "%(trailers:key=Co-authored-by,valueonly,separator=%x1d)%x1f%s"
)
CONTACT = re.compile(r"^\s*(.*?)\s*<([^>]+)>\s*$")
CHUNK = 1 << 20


def _git() -> str:
    git = shutil.which("git")
    if git is None:
        raise InputError("git is not installed", hint="install git to import repositories")
    return git


def _run(path: Path, *args: str) -> str:
    done = subprocess.run(
        [_git(), "-C", str(path), *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise InputError(
            f"'{path}': git {args[0]} failed: {done.stderr.strip() or done.returncode}",
            hint="check that the repository has commits and the options are valid",
        )
    return done.stdout


class GitImporter(BaseImporter):
    name = "git"
    description = "a git repository (a folder with .git, or a bare repository)"
    version = "1"

    def sniff(self, path: Path, head: bytes) -> bool:
        if not path.is_dir():
            return False
        return (path / ".git").exists() or (
            (path / "HEAD").is_file() and (path / "objects").is_dir()
        )

    def _revisions(self, options: ImportOptions) -> list[str]:
        args = ["--all"] if options.all_refs else ["HEAD"]
        if options.since:
            args.append(f"--since={options.since}")
        if options.until:
            args.append(f"--until={options.until}")
        return args

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        head = subprocess.run(
            [_git(), "-C", str(path), "rev-parse", "--verify", "-q", "HEAD"], capture_output=True
        )
        if head.returncode != 0:
            raise InputError(
                f"'{path}' has no commits yet", hint="commit something, or check the path"
            )
        refs = (
            _run(path, "for-each-ref", "--format=%(objectname) %(refname)")
            if options.all_refs
            else _run(path, "rev-parse", "HEAD")
        )
        mailmap = _run(path, "show", "HEAD:.mailmap") if _has_mailmap(path) else ""
        key = "\n".join(
            [self._repo_name(path, options), refs, mailmap, repr(self._revisions(options))]
        )
        return hashlib.sha256(key.encode()).hexdigest()

    def _repo_name(self, path: Path, options: ImportOptions) -> str:
        return options.name or path.resolve().name.removesuffix(".git")

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        repo = self._repo_name(path, options)
        revisions = self._revisions(options)
        total = int(_run(path, "rev-list", "--count", *revisions).strip() or 0)
        ctx.progress(0, total)
        mailmap = _CoAuthors(path)
        cmd = [_git(), "-C", str(path), "log", "-z", "--numstat", "-M", f"--format={FORMAT}"]
        with subprocess.Popen(
            [*cmd, *revisions], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        ) as proc:
            assert proc.stdout is not None
            for raw in _commits(proc.stdout):
                yield _record(repo, raw, mailmap)
                ctx.progress(1)
            stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.returncode != 0:
            raise InputError(f"'{path}': git log failed: {stderr.strip()}")


def _has_mailmap(path: Path) -> bool:
    done = subprocess.run(
        [_git(), "-C", str(path), "cat-file", "-e", "HEAD:.mailmap"], capture_output=True
    )
    return done.returncode == 0


def _chunks(stream: Any) -> Iterator[bytes]:
    """Chunks of ``stream`` read by a thread of their own, so that git keeps producing while
    the caller parses and writes to the database (a full pipe would otherwise stop git)."""
    chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=64)

    def pump() -> None:
        try:
            while chunk := stream.read(CHUNK):
                chunks.put(chunk)
        finally:
            chunks.put(None)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    while (chunk := chunks.get()) is not None:
        yield chunk
    reader.join()


def _commits(stream: Any) -> Iterator[bytes]:
    """The raw bytes of each commit."""
    buffer = b""
    for chunk in _chunks(stream):
        buffer += chunk
        parts = buffer.split(b"\x1e")
        buffer = parts.pop()
        for part in parts:
            if part:
                yield part
    if buffer:
        yield buffer


class _CoAuthors:
    """Co-author contacts through .mailmap, one ``git check-mailmap`` per distinct contact."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.cache: dict[str, str] = {}

    def __call__(self, contact: str) -> str:
        if contact not in self.cache:
            done = subprocess.run(
                [_git(), "-C", str(self.path), "check-mailmap", contact],
                capture_output=True,
                text=True,
            )
            self.cache[contact] = done.stdout.strip() if done.returncode == 0 else contact
        return self.cache[contact]


def _record(repo: str, raw: bytes, mailmap: _CoAuthors) -> Record:
    header, _, body = raw.partition(b"\0")
    sha, parents, name, email, when, trailers, subject = header.decode(
        "utf-8", errors="replace"
    ).split("\x1f", 6)
    additions = deletions = 0
    files: list[str] = []
    tokens = body.split(b"\0")
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        i += 1
        if not token:
            continue
        added, deleted, file_path = token.split(b"\t", 2)
        if not file_path:  # a rename: the old and new paths follow
            file_path = tokens[i + 1]
            i += 2
        if added != b"-":  # binary files show "-" for both counts
            additions += int(added)
            deletions += int(deleted)
        files.append(file_path.decode("utf-8", errors="replace"))
    co_authors = []
    for contact in filter(None, (t.strip() for t in trailers.split("\x1d"))):
        if CONTACT.match(contact):
            co_authors.append(mailmap(contact))
    authored = datetime.fromisoformat(when)
    return Record(
        kind="change",
        natural_key=f"{repo}@{sha}",
        occurred_at=authored,
        fields=change_fields(
            repo=repo,
            sha=sha,
            title=subject,
            author_email=email.lower(),
            author_name=name,
            authored_at=authored,
            is_merge=len(parents.split()) > 1,
            additions=additions,
            deletions=deletions,
            files_changed=len(files),
            files=files,
            co_authors=co_authors,
        ),
        identities=[("email", email.lower())],
        display_name=name,
    )
