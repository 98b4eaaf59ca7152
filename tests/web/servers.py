"""Team servers in processes of their own, on loopback, for tests that need a real one."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def fresh(base: str) -> httpx.Client:
    """A client without cookies that opens a new connection for every request (a kept-alive one
    could point at a server that has since been killed)."""
    return httpx.Client(
        base_url=base,
        follow_redirects=False,
        limits=httpx.Limits(max_keepalive_connections=0),
        verify=False,  # loopback http only; skips building a certificate store per client
        timeout=60,
    )


@contextlib.contextmanager
def served(url: str, workers: int = 1) -> Iterator[str]:
    """``perfpacket serve`` as a user starts it, with ``workers`` processes; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "perfpacket",
            "--db",
            url,
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"the server stopped: {proc.stderr and proc.stderr.read()}"
            assert time.monotonic() < deadline, "the server did not start in 60 s"
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


class Killable:
    """The forkserver of tests/web/forkserver.py: start, kill -9, start again."""

    def __init__(self, url: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.web.forkserver", url, str(self.port)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.pid = 0

    def start(self) -> None:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write("start\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().strip()
        assert line.isdigit(), f"the server did not start: {line!r}"
        self.pid = int(line)

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)

    def close(self) -> None:
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                self.kill()
        self.proc.terminate()
        self.proc.wait(10)
