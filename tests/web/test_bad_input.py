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


def test_a_packet_that_would_not_build_cannot_be_submitted(world: World) -> None:
    ben = world.session_client("ben")
    pid = world.ids["ben_packet"]
    text = "---\nperson: Ben Ito\n---\n# Summary\n\nI cut latency by 40% for four teams.\n"
    assert (
        ben.put(f"/api/packets/{pid}", json={"title": "Ben", "markdown": text}).status_code == 200
    )
    r = ben.post(f"/api/packets/{pid}/submit", json={"cohort_id": world.ids["senior"]})
    assert r.status_code == 422
    assert "'packet.md' line 6: '40%' is not bound to a claim" in r.json()["error"]
    text = "---\nperson: Ben Ito\n---\n# Summary\n\nLatency changed by {{ claim.nope }}.\n"
    assert (
        ben.put(f"/api/packets/{pid}", json={"title": "Ben", "markdown": text}).status_code == 200
    )
    r = ben.post(f"/api/packets/{pid}/submit", json={"cohort_id": world.ids["senior"]})
    assert r.status_code == 422 and "line 6: unknown claim 'nope'" in r.json()["error"]


def test_one_version_goes_before_one_cohort_of_a_cycle(world: World) -> None:
    ana = world.session_client("ana")
    # Version 1 of Ana's packet is before the Staff cohort of this cycle already.
    r = ana.post(
        f"/api/packets/{world.ids['ana_packet']}/submit", json={"cohort_id": world.ids["senior"]}
    )
    assert r.status_code == 409
    assert "this version is already before cohort 'Staff' of this cycle" in r.json()["error"]


def test_the_preview_keeps_rendering_with_an_unknown_reference_marked(world: World) -> None:
    ana = world.client("ana")
    pid = world.ids["ana_packet"]
    edit = ana.get(f"/packets/{pid}/edit")
    text = "# Summary\n\nThe gate changed escapes by {{ claim.nope }}, and the text goes on.\n"
    r = ana.post(
        f"/packets/{pid}/preview", data={"markdown": text, "csrf_token": csrf_of(edit.text)}
    )
    assert r.status_code == 200
    assert '<mark class="problem" title="names no claim">{{ claim.nope }}</mark>' in r.text
    assert "and the text goes on" in r.text
