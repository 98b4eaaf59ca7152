"""A team server that can be killed and started again quickly: for the durability tests.

    python -m tests.web.forkserver DATABASE_URL PORT

The parent imports the server once, then for every line ``start`` on its standard input forks a
child that opens the store and serves on PORT, and answers with the child's pid once it listens.
The test kills the child with SIGKILL, as a crash or an out-of-memory kill would, and asks for
the next one. A child is the real app under uvicorn, as ``perfpacket serve`` runs it; only the
import time (a second a start) is saved.
"""

from __future__ import annotations

import os
import socket
import sys
import time

import uvicorn

from perfpacket.web.app import create_app


def _child(url: str, port: int) -> None:
    app = create_app(url)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
    os._exit(0)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def main() -> None:
    url, port = sys.argv[1], int(sys.argv[2])
    current = 0
    for line in sys.stdin:
        if line.strip() != "start":
            continue
        if current:  # the test has killed it: wait until it is gone and its port is free
            os.waitpid(current, 0)
        pid = current = os.fork()
        if pid == 0:
            _child(url, port)
        deadline = time.monotonic() + 20
        while not _listening(port):
            if time.monotonic() > deadline:
                print("error: the server did not start", flush=True)
                break
            time.sleep(0.01)
        else:
            print(pid, flush=True)


if __name__ == "__main__":
    main()
