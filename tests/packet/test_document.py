"""The demo packet's structure, asserted with selectors: brief first, every claim with a chart
and evidence links that resolve, headings in order, nothing fetched from the network."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from perfpacket.demo import build_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("render") / "demo"
    build_demo(out)
    return out


@pytest.fixture(scope="module")
def soup(demo: Path) -> BeautifulSoup:
    return BeautifulSoup((demo / "packet.html").read_text(), "html.parser")


def test_the_brief_comes_first(soup: BeautifulSoup) -> None:
    sections = soup.select("body > section, body > main")
    assert sections[0].get("id") == "brief"
    brief = soup.select_one("#brief")
    assert brief is not None
    text = brief.get_text(" ", strip=True)
    assert "Ana Okafor" in text and "Staff Applied AI Engineer" in text and "The ask:" in text
    assert "Shipped outcomes" in text and "Prevented outcomes, same currency" in text
    assert len(brief.select("ol > li")) == 3  # the top three claims
    assert all("95% CI" in li.get_text() for li in brief.select("ol > li"))
    heatmap = brief.select_one("svg[role=img]")
    assert heatmap is not None and heatmap["aria-label"].startswith("Ladder coverage:")


def test_every_claim_has_a_chart_and_evidence_that_resolve(soup: BeautifulSoup) -> None:
    claims = soup.select("section.claim")
    assert len(claims) >= 10
    anchors = {tag["id"] for tag in soup.select("[id]")}
    for claim in claims:
        chart = claim.select_one("svg[role=img]")
        assert chart is not None, claim["id"]
        assert chart.select_one("title") is not None and chart["aria-label"]
        link = claim.select_one('a[href^="#evidence-"]')
        assert link is not None, claim["id"]
        assert link["href"][1:] in anchors
        back = soup.select_one(f'{link["href"]} a[href="#{claim["id"]}"]')
        assert back is not None  # the appendix links back to the claim


def test_charts_fit_the_comparison(soup: BeautifulSoup) -> None:
    trend = soup.select_one("#claim-promptfoo-support-answer-health-decay svg polyline")
    assert trend is not None  # the weekly series
    averted = soup.select_one("#claim-kill-switch-incidents-averted svg")
    assert averted is not None and "assumes:" in averted["aria-label"]  # counterfactual bar
    ab = soup.select_one("#claim-support-answer-prompt-v2-lift svg")
    assert ab is not None and "control" in ab["aria-label"]  # A/B arms with intervals


def test_appendix_cites_commits_eval_runs_and_incidents(soup: BeautifulSoup) -> None:
    appendix = " ".join(li.get_text() for li in soup.select("section.evidence li"))
    for kind in ("release ", "eval run ", "incident ", "budget block"):
        assert kind in appendix


def test_reach_ladder_kpis_feedback_and_plan(soup: BeautifulSoup) -> None:
    for anchor in ("reach", "ladder", "kpis", "feedback", "plan", "appendix"):
        assert soup.select_one(f"#{anchor}") is not None, anchor
    assert len(soup.select("#feedback ~ blockquote")) >= 3
    assert "AI Platform" in soup.select_one("#reach + table").get_text()  # type: ignore[union-attr]


def test_headings_never_skip_a_level(soup: BeautifulSoup) -> None:
    levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_self_contained(demo: Path) -> None:
    html = (demo / "packet.html").read_text()
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html)
    assert "<script" not in html and "<link" not in html


def _page_texts(pdf: Path) -> list[str]:
    """Each page's text as PDFium reads it, whitespace collapsed (a Python package: no system
    tool needed)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    finally:
        document.close()


@pytest.mark.slow
def test_pdf_page_one_is_the_brief(demo: Path, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    pdf = demo / "packet.pdf"
    texts = _page_texts(pdf)
    assert len(texts) >= 3
    first, second = texts[0], texts[1]
    assert "Decision brief" in first and "Ladder coverage" in first
    assert "Decision brief" not in second  # the brief ends page one
    document = pdfium.PdfDocument(pdf)
    png = tmp_path / "p1.png"
    document[0].render(scale=50 / 72).to_pil().save(png)  # 50 dpi
    document.close()
    assert png.stat().st_size > 5000


def test_the_trend_chart_shows_detected_change_points(soup: BeautifulSoup) -> None:
    chart = soup.select_one("#claim-promptfoo-support-answer-health-decay svg")
    assert chart is not None
    assert "change points detected: week" in chart["aria-label"]
    assert chart.select("circle")  # drawn, not only described


def _luminance(hex_colour: str) -> float:
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_heatmap_text_meets_wcag_contrast() -> None:
    from perfpacket.packet.chart import RATING_COLOURS

    for rating, (fill, ink) in RATING_COLOURS.items():
        light, dark = sorted((_luminance(fill), _luminance(ink)), reverse=True)
        ratio = (light + 0.05) / (dark + 0.05)
        assert ratio >= 4.5, f"{rating}: {ratio:.2f}"  # WCAG 2.1 AA for normal text


@pytest.mark.slow
def test_pdf_keeps_cards_whole_and_packs_them(demo: Path, soup: BeautifulSoup) -> None:
    """Every claim card's title and its evidence line (the card's last row) print on the same
    page, and the cards share pages: they used to take one mostly empty page each."""
    texts = _page_texts(demo / "packet.pdf")
    cards = soup.select("section.claim")
    assert cards
    holding: list[int] = []
    for card in cards:
        title = " ".join(card.select_one("h3").get_text(" ").split()[:5])  # type: ignore[union-attr]
        fingerprint = card.select("dd code")[-1].get_text()  # the evidence row's, last
        found = [i for i, t in enumerate(texts) if title in t and fingerprint in t]
        assert found, f"card '{title}' is split across pages"
        holding.append(found[0])
    # At least two cards to a page on average: half the pages one card each would take.
    assert len(set(holding)) <= (len(cards) + 1) // 2 + 1
