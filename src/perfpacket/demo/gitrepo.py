"""Writes the demo's commits as a real git repository in one ``git fast-import`` stream."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from perfpacket.errors import PerfpacketError


def _data(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"data %d\n" % len(raw) + raw + b"\n"


def write_repository(path: Path, commits: list[dict[str, Any]]) -> None:
    """Create the repository; ``perfpacket import git`` then reads it like any other.

    Each commit's file changes remove lines from the end of a file and append new, unique ones,
    so git's numstat equals the generator's numbers.
    """
    git = shutil.which("git")
    if git is None:
        raise PerfpacketError("the demo needs git to write its repository", hint="install git")
    path.mkdir(parents=True, exist_ok=True)
    # Ignore the user's git config (signing, hooks, templates): the demo must be the same anywhere.
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run([git, "init", "-q", "-b", "main", str(path)], check=True, env=env)
    bodies: dict[str, list[str]] = {}
    stream = bytearray()
    counter = 0
    for mark, commit in enumerate(commits, start=1):
        author = commit["author"]
        stamp = f"{author.name} <{author.email}> {int(commit['when'].timestamp())} +0000"
        message = commit["message"] + "\n"
        if commit["co_authors"]:
            message += "\n" + "".join(f"Co-authored-by: {c}\n" for c in commit["co_authors"])
        stream += f"commit refs/heads/main\nmark :{mark}\n".encode()
        stream += f"author {stamp}\ncommitter {stamp}\n".encode()
        stream += _data(message)
        if mark > 1:
            stream += f"from :{mark - 1}\n".encode()
        for file, (added, deleted) in commit["files"].items():
            body = bodies.setdefault(file, [])
            if deleted:
                del body[-deleted:]
            for _ in range(added):
                counter += 1
                body.append(f"# change {counter}: {commit['message']}")
            content = f"# {file}\n" + "".join(line + "\n" for line in body)
            stream += f"M 100644 inline {file}\n".encode() + _data(content)
        stream += b"\n"
    subprocess.run(
        [git, "fast-import", "--quiet"], input=bytes(stream), cwd=path, check=True, env=env
    )
    subprocess.run([git, "checkout", "-q", "main"], cwd=path, check=True, env=env)
