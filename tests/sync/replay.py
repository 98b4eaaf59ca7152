"""A local HTTP server on 127.0.0.1 that answers with recorded responses.

PyGithub records the real exchanges its tests make with api.github.com in a plain text format
(``tests/ReplayData/*.txt``): per exchange, the scheme, verb, host, port, path, request headers
and body, then the status, the response headers (a Python list of pairs) and the body. The files
are kept as they are in ``tests/data/real/pygithub_replay`` (see PROVENANCE.md); this module
reads them and serves chosen exchanges at chosen paths, so connectors meet the headers, bodies,
errors and rate limits GitHub really sent. The recorded host in bodies and ``Link`` headers is
rewritten to the local server, as a client would meet it behind a GitHub Enterprise URL.
"""

from __future__ import annotations

import ast
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

REPLAY = Path(__file__).resolve().parents[1] / "data" / "real" / "pygithub_replay"
RECORDED_HOST = "https://api.github.com"


@dataclass
class Exchange:
    method: str
    path: str
    status: int
    headers: list[tuple[str, str]]
    body: str

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def json(self) -> Any:
        return json.loads(self.body)


def exchanges(name: str) -> list[Exchange]:
    """The recorded exchanges of one replay file, in order."""
    lines = (REPLAY / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    out, i = [], 0
    while i + 9 < len(lines) + 1 and i < len(lines) and lines[i].strip():
        block = lines[i : i + 10]
        out.append(
            Exchange(
                method=block[1],
                path=block[4],
                status=int(block[7]),
                headers=[(str(k), str(v)) for k, v in ast.literal_eval(block[8])],
                body=block[9] if len(block) > 9 else "",
            )
        )
        i += 11
    return out


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: str

    @classmethod
    def of(cls, exchange: Exchange, **changes: Any) -> Answer:
        answer = cls(exchange.status, list(exchange.headers), exchange.body)
        for key, value in changes.items():
            setattr(answer, key, value)
        return answer


# Hop-by-hop and length headers of the recording are not replayed: the body may be rewritten.
DROPPED = {"content-length", "transfer-encoding", "connection", "status", "content-encoding"}


@dataclass
class Replay:
    """Routes from (method, path, page) to a queue of answers: each request takes the next, the
    last one stays. ``requests`` holds every request received (method, path with query,
    headers), to assert on what a client sent."""

    routes: dict[
        tuple[str, str, str], list[Answer | Callable[[dict[str, str], dict[str, str]], Answer]]
    ] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    base: str = ""

    def add(
        self,
        path: str,
        *answers: Answer | Callable[[dict[str, str], dict[str, str]], Answer],
        page: str = "1",
        method: str = "GET",
    ) -> None:
        self.routes[(method, path, page)] = list(answers)

    def answer(self, method: str, target: str, headers: dict[str, str]) -> Answer:
        self.requests.append((method, target, headers))
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query))
        page = query.get("page", "1")
        queue = self.routes.get((method, parts.path, page))
        if not queue:
            return Answer(404, [("content-type", "application/json")], '{"message":"Not Found"}')
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        answer = item(headers, query) if callable(item) else item
        etag = next((v for k, v in answer.headers if k.lower() == "etag"), None)
        if etag and headers.get("if-none-match") == etag:
            # GitHub's conditional request: the recorded 304's headers, no body.
            not_modified = exchanges("ConditionalRequestUpdate.testDidNotUpdate")[0]
            return Answer(304, [*not_modified.headers[:0], ("etag", etag)], "")
        return answer


@contextmanager
def serve(replay: Replay) -> Iterator[str]:
    """Serve ``replay`` on 127.0.0.1; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def _reply(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            if length:
                self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            answer = replay.answer(self.command, self.path, headers)
            body = answer.body.replace(RECORDED_HOST, replay.base).encode()
            self.send_response(answer.status)
            for key, value in answer.headers:
                if key.lower() in DROPPED:
                    continue
                self.send_header(key, value.replace(RECORDED_HOST, replay.base))
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            if answer.status != 304:
                self.wfile.write(body)

        do_GET = _reply
        do_POST = _reply

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    replay.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield replay.base
    finally:
        server.shutdown()
        server.server_close()
