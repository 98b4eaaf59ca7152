"""Bias-language hints where people write about others: live under the review, rating and
decision reasons (hints, never a block), counted per rater on the calibration page, and the
same rules from the command line (``perfpacket lint --kind review``)."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from typer.testing import CliRunner

from perfpacket.cli import build_app
from tests.web.conftest import World, csrf_of

BIASED = "She can be abrasive in design reviews, but she is a great team player."


def test_hints_come_live_and_never_block(world: World) -> None:
    c = world.ids["candidacy"]
    cal = world.client("cal")
    page = cal.get(f"/candidacies/{c}")
    assert 'hx-post="/review-hints"' in page.text
    csrf = csrf_of(page.text)
    hints = cal.post("/review-hints", data={"text": BIASED, "csrf_token": csrf})
    assert hints.status_code == 200
    assert "PR201" in hints.text and "abrasive" in hints.text and "PR202" in hints.text
    clean = cal.post(
        "/review-hints",
        data={"text": "She led the gate and wrote the runbook SRE now uses.", "csrf_token": csrf},
    )
    assert clean.status_code == 200 and "PR2" not in clean.text
    # A hint is not a rule: the rating is saved as written.
    saved = cal.post(
        f"/candidacies/{c}/rating", data={"rating": "meets", "reason": BIASED, "csrf_token": csrf}
    )
    assert saved.status_code == 303
    view = BeautifulSoup(cal.get(f"/cohorts/{world.ids['staff']}/calibration").text, "html.parser")
    row = next(
        tr
        for tr in view.select("table.raters tbody tr")
        if tr.th.text == "cal@example.com" or tr.th.text == "Cal Diaz"
    )
    assert row.select("td")[-1].text == "2"


def test_lint_kind_review_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "review.md"
    path.write_text(BIASED + "\nSince her maternity leave she is less available.\n")
    done = CliRunner().invoke(build_app(), ["lint", "--kind", "review", str(path)])
    assert done.exit_code == 1
    assert "PR201 personality-words" in done.stdout and "PR204 protected-characteristic" in (
        done.stdout
    )
    packet = CliRunner().invoke(build_app(), ["lint", str(path), "--select", "personality-words"])
    assert packet.exit_code == 2 and "is not a lint rule" in packet.stderr  # not a packet rule
