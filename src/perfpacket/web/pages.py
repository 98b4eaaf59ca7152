"""Server-rendered pages: one Jinja2 environment; every page gets the user and CSRF token."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from perfpacket.packet.chart import svg_figure
from perfpacket.packet.format import format_money
from perfpacket.store.team import RATINGS
from perfpacket.vocab import RATING_LABELS, CandidacyState, Verdict


def _label(value: str | None) -> str:
    if value is None:
        return "—"
    if value in RATING_LABELS:
        return RATING_LABELS[value]
    if isinstance(value, Verdict | CandidacyState):
        return value.label or "—"
    if value in Verdict.__members__.values():
        return Verdict(value).label or "—"
    return value.replace("_", " ")


def _usd(amount: float | None) -> str:
    if not amount:
        return "—"
    return format_money({"amount": amount, "unit": "USD"})


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("perfpacket.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(label=_label, usd=_usd)
    env.globals.update(RATINGS=list(RATINGS))
    return env


ENV = _environment()


def render(
    request: Request, template: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    access = getattr(request.state, "access", None)
    page = ENV.get_template(template).render(
        request=request,
        user=access.viewer if access else None,
        csrf=getattr(request.state, "csrf", ""),
        **context,
    )
    return HTMLResponse(page, status_code=status)


def distribution_chart(distribution: dict[str, dict[str, int]]) -> str:
    """Committee and manager ratings per rating level, as grouped bars (SVG)."""
    kinds = (("committee", "#1f5f99"), ("manager", "#b35c00"))
    peak = max([1, *(n for counts in distribution.values() for n in counts.values())])
    width, height, left, bottom = 420, 180, 30, 30
    slot = (width - left) / len(RATINGS)
    bar = slot / 3
    parts = []
    for i, rating in enumerate(RATINGS):
        x0 = left + i * slot + bar / 2
        for j, (kind, colour) in enumerate(kinds):
            n = distribution.get(kind, {}).get(rating, 0)
            h = (height - bottom - 10) * n / peak
            x, y = x0 + j * bar, height - bottom - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{kind}: {n} × {_label(rating)}</title></rect>'
                f'<text x="{x + bar / 2 - 1:.1f}" y="{y - 2:.1f}" font-size="10" '
                f'text-anchor="middle">{n}</text>'
            )
        parts.append(
            f'<text x="{x0 + bar:.1f}" y="{height - bottom + 14}" font-size="11" '
            f'text-anchor="middle">{_label(rating)}</text>'
        )
    legend = " ".join(
        f'<rect x="{left + k * 110}" y="{height - 10}" width="10" height="10" fill="{c}"/>'
        f'<text x="{left + k * 110 + 14}" y="{height - 1}" font-size="11">{name}</text>'
        for k, (name, c) in enumerate(kinds)
    )
    summary = "; ".join(
        f"{kind}: "
        + ", ".join(f"{_label(r)} {distribution.get(kind, {}).get(r, 0)}" for r in RATINGS)
        for kind, _c in kinds
    )
    return svg_figure(f"Rating distribution. {summary}", width, height, "".join(parts) + legend)
