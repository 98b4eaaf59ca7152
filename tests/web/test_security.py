"""Sign-in and session security: CSRF, session fixation, cookie flags, rate limit, tokens,
script payloads rendered inert, the audit log."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from perfpacket.store.team import AuditEvent, WebSession
from perfpacket.team import accounts
from tests.web.conftest import PASSWORD, World, csrf_of, login

XSS = [
    "<script>alert('pp')</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
]


def test_login_without_csrf_token_is_refused(world: World) -> None:
    client = world.client()
    client.get("/login")
    response = client.post("/login", data={"email": "ana@example.com", "password": PASSWORD})
    assert response.status_code == 403
    assert "security token is missing or stale" in response.text
    wrong = client.post(
        "/login",
        data={"email": "ana@example.com", "password": PASSWORD, "csrf_token": "forged"},
    )
    assert wrong.status_code == 403
    assert "perfpacket_session" not in wrong.cookies


def test_signed_in_form_post_without_token_is_refused(world: World) -> None:
    ana = world.client("ana")
    packet = world.ids["ana_packet"]
    before = ana.get(f"/api/packets/{packet}", headers={}).json()["markdown"]
    response = ana.post(f"/packets/{packet}", data={"title": "t", "markdown": "hijacked"})
    assert response.status_code == 403
    # a token from another session does not do either
    other = csrf_of(world.client("ben").get("/").text)
    response = ana.post(
        f"/packets/{packet}", data={"title": "t", "markdown": "hijacked", "csrf_token": other}
    )
    assert response.status_code == 403
    assert ana.get(f"/api/packets/{packet}").json()["markdown"] == before


def test_json_api_with_cookie_needs_the_csrf_header(world: World) -> None:
    ana = world.client("ana")
    body = {"title": "x", "markdown": "# x\n"}
    assert ana.post("/api/packets", json=body).status_code == 403
    token = csrf_of(ana.get("/").text)
    created = ana.post("/api/packets", json=body, headers={"x-csrf-token": token})
    assert created.status_code == 201


def test_session_id_is_rotated_at_login(world: World) -> None:
    """An attacker who plants a session id before login gains nothing after it."""
    victim = world.client()
    victim.get("/login")
    planted = victim.cookies["perfpacket_session"]
    token = csrf_of(victim.get("/login").text)
    response = victim.post(
        "/login", data={"email": "ana@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303
    issued = response.cookies["perfpacket_session"]
    assert issued != planted
    attacker = world.client()
    attacker.cookies.set("perfpacket_session", planted)
    assert attacker.get("/").status_code == 303  # to the login form: the planted id is dead
    with world.store.session() as s:
        assert s.get(WebSession, accounts.digest(planted)) is None


def test_session_cookie_flags(world: World) -> None:
    client = world.client()
    cookie = client.get("/login").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    behind_tls = world.client(base_url="https://testserver")
    cookie = behind_tls.get("/login").headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie


def test_logout_ends_the_session(world: World) -> None:
    ana = world.client("ana")
    token = csrf_of(ana.get("/").text)
    cookie = ana.cookies["perfpacket_session"]
    assert ana.post("/logout", data={"csrf_token": token}).status_code == 303
    replay = world.client()
    replay.cookies.set("perfpacket_session", cookie)
    assert replay.get("/").status_code == 303


def test_login_attempts_are_rate_limited(world: World) -> None:
    client = world.client()
    statuses = []
    for _ in range(accounts.LOGIN_FAILURES_PER_ACCOUNT + 1):
        token = csrf_of(client.get("/login").text)
        r = client.post(
            "/login", data={"email": "ana@example.com", "password": "wrong", "csrf_token": token}
        )
        statuses.append(r.status_code)
    assert statuses == [401] * accounts.LOGIN_FAILURES_PER_ACCOUNT + [429]
    assert int(r.headers["retry-after"]) > 0
    # even the right password waits out the window
    token = csrf_of(client.get("/login").text)
    right = client.post(
        "/login", data={"email": "ana@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert right.status_code == 429
    # another account from another address is not held up
    login(world.client(), "ben@example.com")


def test_wrong_password_and_unknown_email_answer_alike(world: World) -> None:
    client = world.client()
    answers = []
    for email in ("ana@example.com", "nobody@example.com"):
        token = csrf_of(client.get("/login").text)
        r = client.post("/login", data={"email": email, "password": "nope", "csrf_token": token})
        answers.append((r.status_code, BeautifulSoup(r.text, "html.parser").select_one(".error")))
    assert answers[0][0] == answers[1][0] == 401
    assert answers[0][1].text == answers[1][1].text == "Wrong email or password."


def test_production_argon2_parameters() -> None:
    """RFC 9106's second recommended option: Argon2id, t=3, m=64 MiB, p=4. The hash below was
    made at import by the product's own hasher (tests swap in a cheap one afterwards)."""
    assert accounts._DUMMY_HASH.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_passwords_are_argon2_hashes(world: World) -> None:
    with world.store.session() as s:
        user = accounts.find_user(s, "ana@example.com")
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_bearer_token(world: World) -> None:
    with world.store.session() as s:
        token = accounts.issue_token(s, "ana@example.com")
    api = world.client()
    headers = {"authorization": f"Bearer {token}"}
    listed = api.get("/api/packets", headers=headers)
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()] == [world.ids["ana_packet"]]
    # a token needs no CSRF header: it is not sent by the browser on its own
    created = api.post("/api/packets", json={"title": "t", "markdown": "# t\n"}, headers=headers)
    assert created.status_code == 201
    bad = api.get("/api/packets", headers={"authorization": "Bearer pp_wrong"})
    assert bad.status_code == 401
    assert bad.json() == {"error": "not signed in", "hint": "send Authorization: Bearer TOKEN"}
    with world.store.session() as s:
        rows = s.scalars(select(accounts.ApiToken)).all()
        assert [len(r.token_hash) for r in rows] == [64] and token not in rows[0].token_hash


def test_script_payloads_in_packet_text_render_inert(world: World) -> None:
    ana = world.client("ana")
    token = csrf_of(ana.get("/").text)
    packet = world.ids["ana_packet"]
    body = "---\nperson: Ana\n---\n\n# Summary\n\n" + "\n\n".join(XSS) + "\n"
    title = XSS[0]
    saved = ana.post(
        f"/packets/{packet}", data={"title": title, "markdown": body, "csrf_token": token}
    )
    assert saved.status_code == 303
    pages = [
        ana.get(f"/packets/{packet}/edit").text,
        ana.post(
            f"/packets/{packet}/preview", data={"markdown": body}, headers={"x-csrf-token": token}
        ).text,
        ana.get(f"/packets/{packet}").text,
        ana.get("/").text,
    ]
    for page in pages:
        soup = BeautifulSoup(page, "html.parser")
        for script in soup.find_all("script"):
            # Only the server's own scripts: HTMX and the page behaviours beside it.
            assert script.get("src") in {"/static/htmx.min.js", "/static/app.js"}, script
        for tag in soup.find_all(True):
            assert not any(a.lower().startswith("on") for a in tag.attrs), tag
            assert "javascript:" not in str(tag.get("href", "")).lower(), tag
        assert soup.find("svg", attrs={"onload": True}) is None
    csp = ana.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_reads_of_someone_elses_packet_and_rating_changes_are_audited(world: World) -> None:
    packet, candidacy = world.ids["ana_packet"], world.ids["candidacy"]
    world.client("ana").get(f"/api/packets/{packet}")  # her own: not audited
    world.session_client("mia").get(f"/api/packets/{packet}")
    cal = world.session_client("cal")
    reason = "Two supported improvements across three quarters."
    cal.post(f"/candidacies/{candidacy}/rating", data={"rating": "meets", "reason": reason})
    cal.post(f"/candidacies/{candidacy}/rating", data={"rating": "exceeds", "reason": reason})
    with world.store.session() as s:
        events = [
            (e.actor.email if e.actor else None, e.action, e.target, e.reason, e.detail)
            for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]
    reads = [e for e in events if e[1] == "read"]
    assert [(e[0], e[2], e[3]) for e in reads] == [
        ("mia@example.com", f"packet:{packet}", "manager")
    ]
    ratings = [e for e in events if e[1] == "committee_rating"]
    assert [(r[4]["before"], r[4]["after"]["rating"]) for r in ratings] == [
        (None, "meets"),
        ({"rating": "meets", "reason": reason}, "exceeds"),
    ]
    assert {r[3] for r in ratings} == {f"committee of cohort {world.ids['staff']}"}
    page = world.session_client("ada").get("/admin/audit")
    rows = BeautifulSoup(page.text, "html.parser").select("table.audit tbody tr")
    assert len(rows) == len(events)
    assert "committee rating" in rows[0].text  # newest first, the kind in words
