"""Rater effects on the calibration page: a committee of three raters with known severities
rates sixteen candidates; the page shows each rater's severity with its interval (the severe
one flagged), each candidate's adjusted score beside the raw mean, and the reliability with
its interval; names are hidden in blind mode; a committee whose raters share no candidate is
reported, not fitted."""

from __future__ import annotations

import numpy as np
from bs4 import BeautifulSoup

from perfpacket.store.team import User
from perfpacket.team import accounts, cycles, packets
from tests.web.conftest import PACKET, PASSWORD, World, login

RATING_OF = {1: "not_yet", 2: "meets", 3: "exceeds", 4: "next_level"}
REASON = "Rated against the scorecard with the evidence appendix open beside it."
SEVERITY = {"kim": -1.0, "lee": 0.0, "max2": 0.0}
CANDIDATES = 16


def _committee(world: World, connected: bool = True) -> int:
    rng = np.random.default_rng(3)
    with world.store.session() as s:
        raters = {
            key: accounts.add_user(s, f"{key}@example.com", key.title(), "committee", PASSWORD)
            for key in SEVERITY
        }
        cycle = cycles.create_cycle(
            s, "2027 H1", [{"name": "Panel", "members": [f"{k}@example.com" for k in SEVERITY]}]
        )
        cohort = cycle.cohorts[0]
        admin = s.get(User, world.ids["ada"])
        assert admin is not None
        boss = accounts.add_user(s, "boss@example.com", "Bo Boss", "manager", PASSWORD)
        candidacies = []
        for i in range(CANDIDATES):
            user = accounts.add_user(
                s, f"e{i}@example.com", f"Engineer {i}", "engineer", PASSWORD, boss.email
            )
            packet = packets.create_packet(s, user, f"E{i}", PACKET)
            candidacies.append(packets.submit_packet(s, packet, user, cohort))
        cycles.advance_cohort(s, cohort, "start_calibration", admin)
        for i, c in enumerate(candidacies):
            ability = 2.5 + rng.normal(0, 0.7)
            generous = int(np.clip(round(ability + 1.2), 1, 4))  # the manager, on every report
            cycles.rate(s, c, boss, "manager", RATING_OF[generous], REASON, "manager")
            for key, user in raters.items():
                if not connected and (key == "kim") != (i < CANDIDATES // 2):
                    continue  # Kim reads the first six alone; Lee and Max the rest
                value = int(np.clip(round(ability + SEVERITY[key] + rng.normal(0, 0.3)), 1, 4))
                cycles.rate(s, c, user, "committee", RATING_OF[value], REASON, "committee")
        return cohort.id


def test_the_page_shows_severities_adjusted_scores_and_reliability(world: World) -> None:
    cohort_id = _committee(world)
    client = world.client()
    login(client, "lee@example.com")  # a member of the panel
    page = BeautifulSoup(client.get(f"/cohorts/{cohort_id}/calibration").text, "html.parser")
    effects = page.select_one("table.effects")
    assert effects is not None, page.text[:2000]
    rows = {tr.th.text: tr for tr in effects.select("tbody tr")}
    assert set(rows) == {"Kim", "Lee", "Max2"}
    severity = {name: float(tr.select("td")[1].text) for name, tr in rows.items()}
    assert severity["Kim"] < -0.4 < severity["Lee"] and severity["Kim"] < severity["Max2"]
    assert "flagged" in rows["Kim"].get("class", [])
    assert "flagged" not in rows["Lee"].get("class", [])
    assert "95% CI" in page.select_one("#reliability").text
    adjusted = [td.text for td in page.select("table.calibration tbody tr td.adjusted")]
    assert len(adjusted) == CANDIDATES and all("raw" in a for a in adjusted)
    boss = page.select_one("table.managers tbody tr")
    assert boss is not None and boss.th.text == "Bo Boss" and "flagged" in boss.get("class", [])
    blind = client.get(f"/cohorts/{cohort_id}/calibration?blind=1").text
    assert "Kim" not in blind and "kim@example.com" not in blind and "Rater 1" in blind
    assert "Bo Boss" not in blind and "Manager 1" in blind


def test_raters_who_share_no_candidate_are_reported_not_fitted(world: World) -> None:
    cohort_id = _committee(world, connected=False)
    client = world.client()
    login(client, "lee@example.com")
    page = BeautifulSoup(client.get(f"/cohorts/{cohort_id}/calibration").text, "html.parser")
    assert page.select_one("table.effects") is None
    note = page.select_one("#effects-not-fitted").text
    assert "cannot be compared" in note and "Kim" in note and "Lee, Max2" in note
    blind = client.get(f"/cohorts/{cohort_id}/calibration?blind=1").text
    assert "kim@example.com" not in blind and "Kim" not in blind
