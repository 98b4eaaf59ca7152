"""Inline SVG charts: every chart carries a text alternative."""

from __future__ import annotations

from html import escape

from perfpacket.packet.format import format_interval, format_number
from perfpacket.store.models import Claim

WIDTH, HEIGHT, PAD = 360, 56, 16


def interval_chart(claim: Claim) -> str:
    """The estimate as a dot on its interval, with the no-change line at zero."""
    if claim.estimate is None or claim.ci_low is None or claim.ci_high is None:
        return ""
    lo = min(claim.ci_low, claim.estimate, 0.0)
    hi = max(claim.ci_high, claim.estimate, 0.0)
    span = (hi - lo) or 1.0
    lo, hi = lo - 0.08 * span, hi + 0.08 * span

    def x(v: float) -> float:
        return PAD + (v - lo) / (hi - lo) * (WIDTH - 2 * PAD)

    label = (
        f"{claim.metric}: estimate {format_number(claim, claim.estimate)}, "
        f"{format_interval(claim)}; the dashed line is no change"
    )
    good = claim.verdict == "improved"
    colour = "#1b7a3d" if good else "#8a5a00" if claim.verdict == "no_detectable_change" else "#a11"
    mid = HEIGHT / 2
    return (
        f'<svg class="chart" role="img" aria-label="{escape(label)}" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>"
        f'<line x1="{x(0):.1f}" y1="6" x2="{x(0):.1f}" y2="{HEIGHT - 6}" stroke="#555" '
        f'stroke-dasharray="3 3"/>'
        f'<line x1="{x(claim.ci_low):.1f}" y1="{mid}" x2="{x(claim.ci_high):.1f}" y2="{mid}" '
        f'stroke="{colour}" stroke-width="6" stroke-linecap="round" opacity="0.45"/>'
        f'<circle cx="{x(claim.estimate):.1f}" cy="{mid}" r="6" fill="{colour}"/>'
        f'<text x="{x(0):.1f}" y="{HEIGHT - 1}" font-size="10" text-anchor="middle" '
        f'fill="#333">0</text>'
        "</svg>"
    )
