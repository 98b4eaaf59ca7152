"""`perfpacket sync` of 5,000 pull requests with their reviews from a local GitHub API.

Goal (issue: connectors): parsing and storing adds at most 50% to the raw HTTP fetch of the same
pages, measured in the same run; report records per second and peak memory. The server runs in
a process of its own on 127.0.0.1 and serves GitHub's recorded answers (PyGithub's replay data:
pull request #538 and its five reviews), numbered 1..5,000, 100 per page with Link headers. The
baseline fetches exactly the pages the sync fetches, with the same HTTP client and as many
requests in flight at once, keeping only the bytes; the sync parses, builds records and stores
them in SQLite, page batch by page batch.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from _harness import Result

PULLS = 5_000
PER_PAGE = 100
REPO = "acme/ai-platform"
LATENCY_MS = 5.0
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _bodies(base: str) -> dict[str, bytes]:
    """Every page the sync asks for, by path and query, with its Link header folded in."""
    from tests.sync.replay import exchanges

    pr = exchanges("PullRequestReview.testDoesNotModifyPullRequest")[0].json()
    reviews = exchanges("PullRequestReview.testAttributes")[0].json()
    pr["base"]["repo"]["full_name"] = REPO
    out: dict[str, bytes] = {}
    pages = PULLS // PER_PAGE
    for page in range(1, pages + 1):
        items = []
        for i in range((page - 1) * PER_PAGE, page * PER_PAGE):
            number = PULLS - i
            item = dict(pr, number=number, id=number, updated_at=f"2026-01-01T00:00:{i % 60:02d}Z")
            items.append(item)
            revs = [
                dict(r, id=number * 10 + k, pull_request_url=f"{base}/repos/{REPO}/pulls/{number}")
                for k, r in enumerate(reviews)
            ]
            out[f"/repos/{REPO}/pulls/{number}/reviews?per_page={PER_PAGE}"] = json.dumps(
                revs
            ).encode()
        link = f'<{base}/repos/{REPO}/pulls?page={page + 1}>; rel="next"' if page < pages else ""
        out[f"/repos/{REPO}/pulls?page={page}"] = (link + "\n").encode() + json.dumps(
            items
        ).encode()
    return out


def serve(port_file: str, latency_ms: float = 0.0) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    bodies = _bodies(base)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body in one send: two small sends on a kept-alive connection wait out
        # the client's delayed ACK (40 ms a request), which would be the whole benchmark.
        disable_nagle_algorithm = True
        wbufsize = 1 << 20

        def do_GET(self) -> None:
            if latency_ms:
                time.sleep(latency_ms / 1000)  # a round trip to a real API, in part
            path, _, query = self.path.partition("?")
            params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
            if path.endswith("/pulls"):
                key = f"{path}?page={params.get('page', '1')}"
            else:
                key = f"{path}?per_page={params.get('per_page', '')}"
            body = bodies.get(key)
            if body is None:
                self.send_response(404)
                self.send_header("content-length", "0")
                self.end_headers()
                return
            link = b""
            if path.endswith("/pulls"):
                link, _, body = body.partition(b"\n")
            self.send_response(200)
            self.send_header("content-type", "application/json")
            if link:
                self.send_header("link", link.decode())
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server.RequestHandlerClass = Handler
    Path(port_file).write_text(base)
    server.serve_forever()


def _peak_mb() -> float:
    with open("/proc/self/status") as fh:
        kb = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM"))
    return kb / 1024


def fetch(base: str) -> None:
    """The baseline: the same pages with the same client, bytes only."""
    from perfpacket.evidence.sync.config import SyncSource
    from perfpacket.evidence.sync.connectors.github import CONCURRENCY
    from perfpacket.evidence.sync.http import Http

    source = SyncSource(name="bench", kind="github", url=base)
    http = Http(source)
    start = time.perf_counter()
    pulls = 0
    url: str | None = f"{base}/repos/{REPO}/pulls"
    params: dict[str, Any] | None = {
        "state": "all",
        "sort": "updated",
        "direction": "desc",
        "per_page": PER_PAGE,
    }
    while url:
        response = http.client.get(url, params=params)
        params = None
        numbers = [int(n) for n in _numbers(response.content)]
        pulls += len(numbers)
        with ThreadPoolExecutor(CONCURRENCY) as pool:  # as many at once as the sync asks
            list(
                pool.map(
                    lambda n: (
                        http.client.get(
                            f"{base}/repos/{REPO}/pulls/{n}/reviews", params={"per_page": PER_PAGE}
                        ).content
                    ),
                    numbers,
                )
            )
        url = response.links.get("next", {}).get("url")
    took = time.perf_counter() - start
    assert pulls == PULLS
    print(json.dumps({"seconds": took, "peak_mb": _peak_mb()}))


def _numbers(body: bytes) -> list[str]:
    """The pull request numbers of a page, found without parsing it (the baseline parses
    nothing): each item's top-level "number" field."""
    import re

    return [m.decode() for m in re.findall(rb'"number": (\d+), "state"', body)]


def sync(base: str, workspace: str) -> None:
    from perfpacket.evidence.sync.config import SyncSource
    from perfpacket.evidence.sync.run import sync_source
    from perfpacket.workspace import find_workspace, init_workspace

    init_workspace(Path(workspace))
    ws = find_workspace(Path(workspace))
    source = SyncSource(name="bench", kind="github", url=base, scope={"repos": [REPO]})
    with ws.open_store() as store:
        start = time.perf_counter()
        report = sync_source(store, source)
        took = time.perf_counter() - start
    assert report.imported == PULLS * 6, report
    print(json.dumps({"seconds": took, "peak_mb": _peak_mb(), "records": report.imported}))


def _child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _measure(tmp: Path, latency_ms: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """The raw fetch and the sync against one server answering after ``latency_ms``."""
    port_file = tmp / f"sync-bench-port-{latency_ms:g}"
    port_file.unlink(missing_ok=True)
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port_file), str(latency_ms)]
    )
    try:
        deadline = time.monotonic() + 120
        while not port_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        base = port_file.read_text()
        raw = _child("--fetch", base)
        synced = _child("--sync", base, str(tmp / f"sync-bench-ws-{latency_ms:g}"))
    finally:
        server.terminate()
        server.wait()
    return raw, synced


def run(tmp: Path) -> list[Result]:
    raw, synced = _measure(tmp, 0.0)
    # With a round trip per request, as every real API has (GitHub's are 100 ms and more;
    # 5 ms here keeps the run short): storing a page overlaps fetching the next.
    far_raw, far_synced = _measure(tmp, LATENCY_MS)
    rate = synced["records"] / synced["seconds"]
    print(
        f"  sync: {synced['records']:,} records ({PULLS:,} pull requests, their reviews) in "
        f"{synced['seconds']:.1f} s = {rate:,.0f} records/s; peak RSS {synced['peak_mb']:.0f} MB "
        f"(raw fetch: {raw['seconds']:.1f} s, {raw['peak_mb']:.0f} MB)"
    )
    return [
        Result(
            f"sync github, {PULLS:,} pull requests with reviews ({rate:,.0f} records/s)",
            synced["seconds"],
            "raw HTTP fetch of the same pages",
            raw["seconds"],
            "<= 1.5x",
            synced["seconds"] <= 1.5 * raw["seconds"],
        ),
        Result(
            f"sync github, {PULLS:,} pull requests, {LATENCY_MS:g} ms a round trip",
            far_synced["seconds"],
            "raw HTTP fetch of the same pages, same round trips",
            far_raw["seconds"],
            "<= 1.5x",
            far_synced["seconds"] <= 1.5 * far_raw["seconds"],
        ),
        Result(
            f"sync github, {PULLS:,} pull requests: peak memory",
            synced["peak_mb"],
            "raw HTTP fetch of the same pages",
            raw["peak_mb"],
            "report",
            True,
            unit="MB",
        ),
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if sys.argv[1] == "--serve":
        serve(sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 0.0)
    elif sys.argv[1] == "--fetch":
        fetch(sys.argv[2])
    elif sys.argv[1] == "--sync":
        sync(sys.argv[2], sys.argv[3])
