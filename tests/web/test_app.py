"""The app as a whole: every route needs a policy to start, the OpenAPI description, and
`perfpacket serve` answering on a real socket."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from perfpacket.web import authz
from perfpacket.web.app import create_app
from tests.web.conftest import World


def test_a_route_without_a_policy_stops_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    routes = dict(authz.ROUTES)
    del routes["calibration_page"]
    monkeypatch.setattr("perfpacket.web.app.ROUTES", routes)
    with pytest.raises(
        RuntimeError, match="routes without an authorization policy: calibration_page"
    ):
        create_app("sqlite://")


def test_openapi_describes_the_json_api() -> None:
    spec = TestClient(create_app("sqlite://")).get("/api/openapi.json").json()
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/api/packets"])
    assert {"get", "put"} <= set(paths["/api/packets/{packet_id}"])
    assert "get" in paths["/api/cycles"] and "get" in paths["/api/calibration/{cohort_id}"]
    body = paths["/api/packets"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert spec["components"]["schemas"][body["$ref"].split("/")[-1]]["required"] == [
        "title",
        "markdown",
    ]
    assert not any(p.startswith(("/login", "/admin", "/packets")) for p in paths)


def test_serve_answers_on_a_socket(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = f"sqlite:///{tmp_path / 'team.db'}"
    server = subprocess.Popen(
        [sys.executable, "-m", "perfpacket", "--db", db, "serve", "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as r:
                    assert r.status == 200
                    assert r.headers["x-frame-options"] == "DENY"
                    break
            except OSError:
                assert time.monotonic() < deadline, "perfpacket serve did not start"
                time.sleep(0.2)
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=15)
    assert f"perfpacket team server on http://127.0.0.1:{port} over {db}" in err


def test_admin_settings_show_ladders_and_value_constants(world: World) -> None:
    from bs4 import BeautifulSoup

    from perfpacket.claims.value import default_value_model

    page = BeautifulSoup(world.session_client("ada").get("/admin/settings").text, "html.parser")
    names = [c.text for c in page.select("table.constants tbody code")]
    assert names == sorted(default_value_model().constants)
    assert "Staff Applied AI Engineer" in [c.text for c in page.select("caption")]
