"""The authorization matrix: every route of the app against every relation a user can have.

The routes come from the app itself, so a route added without an entry in EXPECTED (and a
policy in ``authz.ROUTES``) fails here. For each route, the people who may use it get past
authorization; everyone else gets 404, except that a refused write gets 403 from someone who
may read the record it names (or when it names none): a write cannot probe which ids exist.
Anonymous callers are sent to the login form (pages) or get 401 (API).
"""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from perfpacket.web.app import all_routes, create_app, route_names
from perfpacket.web.authz import ROUTES
from tests.web.conftest import PACKET, World

EVERYONE = {"ana", "ben", "mia", "max", "cal", "cora", "ada"}
PUBLIC = EVERYONE | {None}
# Ana's packet is read by Ana, her manager Mia, and Cal who sits on the cohort it went to.
PACKET_READERS = {"ana", "mia", "cal"}

# route name -> who may use it (None is an anonymous caller)
EXPECTED: dict[str, set[str | None]] = {
    "login_form": PUBLIC,
    "login": PUBLIC,
    "healthz": PUBLIC,
    "openapi": PUBLIC,
    "static": PUBLIC,
    "logout": EVERYONE,
    "home": EVERYONE,
    "evidence_page": EVERYONE,
    "packet_create": EVERYONE,
    "packet_page": PACKET_READERS,
    "packet_edit": {"ana"},
    "packet_save": {"ana"},
    "packet_draft": {"ana"},
    "packet_preview": {"ana"},
    "packet_submit": {"ana"},
    "candidacy_page": PACKET_READERS,
    "candidacy_packet": PACKET_READERS,
    "review_save": {"mia"},
    "candidacy_withdraw": {"ana"},
    "rating_save": {"cal"},
    "placement_save": {"cal"},
    "decision_save": {"cal"},
    "calibration_page": {"cal"},
    "calibration_compare": {"cal"},
    "admin_users": {"ada"},
    "admin_user_add": {"ada"},
    "admin_user_change": {"ada"},
    "admin_cycles": {"ada"},
    "admin_cycle_add": {"ada"},
    "admin_cohort_step": {"ada"},
    "admin_audit": {"ada"},
    "review_hints": EVERYONE,
    "admin_audit_csv": {"ada"},
    "admin_decisions_csv": {"ada"},
    "api_audit": {"ada"},
    "admin_settings": {"ada"},
    "api_packets": EVERYONE,
    "api_packet_create": EVERYONE,
    "api_packet": PACKET_READERS,
    "api_packet_update": {"ana"},
    "api_packet_submit": {"ana"},
    "api_cycles": EVERYONE,
    "api_cycle_create": {"ada"},
    "api_cohort_step": {"ada"},
    "api_calibration": {"cal"},
    "api_rating": {"cal"},
    "api_withdraw": {"ana"},
    "api_decision": {"cal"},
}

REASON = "The eval gate evidence shows a supported drop in escapes."
# What an allowed caller sends, so that getting past authorization also means succeeding.
PAYLOADS: dict[str, dict[str, object]] = {
    "login": {"data": {"email": "nobody@example.com", "password": "x"}},
    "packet_create": {"data": {"title": "Another packet"}},
    "packet_save": {"data": {"title": "Ana: Staff", "markdown": PACKET}},
    "packet_preview": {"data": {"markdown": PACKET}},
    "review_save": {"data": {"rating": "exceeds", "reason": REASON}},
    "rating_save": {"data": {"rating": "exceeds", "reason": REASON}},
    "placement_save": {"data": {"box": "high/ready", "reason": REASON}},
    "decision_save": {"data": {"decision": "promote", "reason": REASON}},
    "admin_user_add": {
        "data": {
            "email": "new@example.com",
            "name": "New",
            "role": "engineer",
            "password": "a long enough password",
        }
    },
    "admin_user_change": {
        "data": {"email": "ben@example.com", "change": "role", "role": "engineer"}
    },
    "admin_cycle_add": {"data": {"name": "2027 H1", "cohort": "Staff"}},
    "admin_cohort_step": {"data": {"step": "start_calibration"}},
    "api_packet_create": {"json": {"title": "API packet", "markdown": PACKET}},
    "api_packet_update": {"json": {"title": "Ana: Staff", "markdown": PACKET}},
    "api_cycle_create": {"json": {"name": "2027 H1", "cohorts": [{"name": "Staff"}]}},
    "api_cohort_step": {"json": {"step": "start_calibration"}},
    "api_rating": {"json": {"rating": "meets", "reason": REASON}},
    "api_decision": {"json": {"decision": "promote", "reason": REASON}},
}
# Actions an allowed caller can only take once the world is in the right state.
CONFLICT_OK = {
    "packet_submit",
    "api_packet_submit",
    "admin_cohort_step",
    "api_cohort_step",
    "candidacy_withdraw",  # Ana's candidacy is in calibration: too late to withdraw
    "packet_draft",  # Ana's packet has text: drafting fills only an empty one
    "decision_save",  # no committee rating yet: below the cycle's quorum
    "api_decision",
    "api_withdraw",
}


def _routes() -> list[tuple[str, str, str]]:
    """(name, method, path) for every route of the app, from the app itself."""
    app = create_app("sqlite://")
    out = []
    for r in all_routes(app):
        if isinstance(r, APIRoute):
            for method in sorted(r.methods):
                out.append((r.name, method, r.path))
        elif isinstance(r, Route):
            out.append((r.name, "GET", r.path))
        elif isinstance(r, Mount):
            out.append((r.name, "GET", r.path + "/app.css"))
    return out


ROUTE_TABLE = _routes()


def test_every_route_has_a_policy_and_an_expectation() -> None:
    names = set(route_names(create_app("sqlite://")))
    assert names == set(ROUTES), "authz.ROUTES and the app's routes differ"
    assert names == set(EXPECTED), "a route has no row in this test's matrix"


def _path(path: str, world: World) -> str:
    return (
        path.replace("{packet_id}", str(world.ids["ana_packet"]))
        .replace("{candidacy_id}", str(world.ids["candidacy"]))
        .replace("{cohort_id}", str(world.ids["staff"]))
    )


# Who may read the record a path names: their refused writes get 403, everyone else's 404.
READERS = {
    "{packet_id}": PACKET_READERS,
    "{candidacy_id}": {"ana", "mia", "cal"},  # the candidate, her manager, the committee
    "{cohort_id}": {"cal", "ada"},  # the committee and the admins
}


def _refused_write(path: str, who: str) -> int:
    for param, readers in READERS.items():
        if param in path:
            return 403 if who in readers else 404
    return 403


@pytest.mark.parametrize(("name", "method", "path"), ROUTE_TABLE, ids=[r[0] for r in ROUTE_TABLE])
def test_authorization_matrix(world: World, name: str, method: str, path: str) -> None:
    allowed = EXPECTED[name]
    write = method not in {"GET", "HEAD"}
    url = _path(path, world)
    payload = dict(PAYLOADS.get(name, {}))
    if name in {"api_packet_submit", "packet_submit"}:
        key = "json" if name.startswith("api") else "data"
        payload = {key: {"cohort_id": world.ids["senior"]}}
    wrong = []
    # Those who are refused go first: an allowed write may change what the next caller sees.
    callers = sorted(PUBLIC, key=lambda who: (who in allowed, who or ""))
    for who in callers:
        client = world.session_client(who)
        response = client.request(method, url, **payload)  # type: ignore[arg-type]
        status = response.status_code
        location = response.headers.get("location", "")
        if who in allowed:
            # A wrong password (401) and too many of them (429) are answers, not refusals.
            ok = status < 400 or (name == "login" and status in {401, 429})
            ok = ok or (name in CONFLICT_OK and status == 409)
            # The Staff cohort has one candidate and a comparison needs two: past the
            # authorization, the input cannot be met in this world.
            ok = ok or (name == "calibration_compare" and status == 422)
            if location.startswith("/login") and name not in {"logout", "login_form"}:
                ok = False
        elif who is None:
            ok = (
                (status == 401)
                if url.startswith("/api/")
                else (status == 303 and location.startswith("/login"))
            )
        else:
            ok = status == (_refused_write(path, who) if write else 404)
        if not ok:
            wrong.append(f"{who or 'anonymous'} {method} {url} -> {status} {location}")
    assert not wrong, "\n".join(wrong)


def test_refusals_do_not_reveal_what_exists(world: World) -> None:
    """Reading Ana's packet as Ben answers exactly what reading a packet that does not exist
    answers, so ids cannot be probed."""
    ben = world.session_client("ben")
    missing = ben.get("/api/packets/999999")
    hidden = ben.get(f"/api/packets/{world.ids['ana_packet']}")
    assert (
        (hidden.status_code, hidden.json())
        == (missing.status_code, missing.json())
        == (
            404,
            {"error": "not found"},
        )
    )
