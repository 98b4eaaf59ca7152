"""Bad input is a 4xx naming the field, never a 500: ids no row can have, NUL characters,
lone surrogates and over-long text, on SQLite and PostgreSQL, with the security headers kept."""

from __future__ import annotations

import pytest

from tests.web.conftest import World, csrf_of

IDS = [0, -1, 2**31, 2**63, 2**64]


@pytest.mark.parametrize("pid", IDS)
def test_ids_out_of_range_are_not_found(world: World, pid: int) -> None:
    ana = world.session_client("ana")
    for path in (f"/api/packets/{pid}", f"/packets/{pid}", f"/candidacies/{pid}"):
        r = ana.get(path)
        assert r.status_code == 404, path
        assert r.headers["x-content-type-options"] == "nosniff"
    r = ana.post(f"/api/packets/{world.ids['ana_packet']}/submit", json={"cohort_id": 2**40})
    assert r.status_code in {404, 422}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"title": "a\\u0000b", "markdown": "x"}', "field 'title' contains a NUL character"),
        ('{"title": "ok", "markdown": "x\\u0000"}', "field 'markdown' contains a NUL character"),
        (
            '{"title": "a\\ud800b", "markdown": "x"}',
            "field 'title' is not valid Unicode (a lone surrogate)",
        ),
        (
            '{"title": "' + "t" * 400 + '", "markdown": "x"}',
            "field 'title' has 400 characters; at most 300 are allowed",
        ),
    ],
)
def test_text_that_cannot_be_stored_is_refused_by_field(
    world: World, content: str, message: str
) -> None:
    ana = world.session_client("ana")
    before = len(ana.get("/api/packets").json())
    r = ana.post("/api/packets", content=content, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["error"] == message
    assert r.headers["x-content-type-options"] == "nosniff"
    assert len(ana.get("/api/packets").json()) == before  # nothing was written


def test_login_with_bad_text_is_refused_not_a_500(world: World) -> None:
    client = world.client(None)
    token = csrf_of(client.get("/login").text)
    form = {"content-type": "application/x-www-form-urlencoded"}
    nul = client.post(
        "/login", content=f"email=ana%40example.com%00&password=x&csrf_token={token}", headers=form
    )
    assert nul.status_code == 422
    surrogate = client.post(
        "/login",
        content=f"email=ana%40example.com&password=%ED%A0%80&csrf_token={token}",
        headers=form,
    )
    assert surrogate.status_code in {401, 422}
