"""Inline SVG charts: every chart carries a text alternative."""

from __future__ import annotations

from html import escape

from perfpacket.packet.format import format_interval, format_level, format_number
from perfpacket.store.models import Claim
from perfpacket.vocab import Comparison

WIDTH, HEIGHT, PAD = 360, 56, 16


def interval_chart(claim: Claim) -> str:
    """The estimate as a dot on its interval, with a dashed reference line: the target for a
    level judged against one, else no change at zero."""
    if claim.estimate is None or claim.ci_low is None or claim.ci_high is None:
        return ""
    against_target = claim.comparison is Comparison.TARGET and claim.baseline is not None
    ref = float(claim.baseline) if against_target and claim.baseline is not None else 0.0
    lo = min(claim.ci_low, claim.estimate, ref)
    hi = max(claim.ci_high, claim.estimate, ref)
    span = (hi - lo) or 1.0
    lo, hi = lo - 0.08 * span, hi + 0.08 * span

    def x(v: float) -> float:
        return PAD + (v - lo) / (hi - lo) * (WIDTH - 2 * PAD)

    mark = f"target {format_level(ref, claim.unit)}" if against_target else "0"
    meaning = "the target" if against_target else "no change"
    label = (
        f"{claim.metric}: estimate {format_number(claim, claim.estimate)}, "
        f"{format_interval(claim)}; the dashed line is {meaning}"
    )
    colour = "#1b7a3d" if claim.verdict.is_good else "#a11" if claim.verdict.is_bad else "#8a5a00"
    mid = HEIGHT / 2
    anchor = "end" if x(ref) > WIDTH - 60 else "start" if x(ref) < 60 else "middle"
    return (
        f'<svg class="chart" role="img" aria-label="{escape(label)}" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>"
        f'<line x1="{x(ref):.1f}" y1="6" x2="{x(ref):.1f}" y2="{HEIGHT - 6}" stroke="#555" '
        f'stroke-dasharray="3 3"/>'
        f'<line x1="{x(claim.ci_low):.1f}" y1="{mid}" x2="{x(claim.ci_high):.1f}" y2="{mid}" '
        f'stroke="{colour}" stroke-width="6" stroke-linecap="round" opacity="0.45"/>'
        f'<circle cx="{x(claim.estimate):.1f}" cy="{mid}" r="6" fill="{colour}"/>'
        f'<text x="{x(ref):.1f}" y="{HEIGHT - 1}" font-size="10" text-anchor="{anchor}" '
        f'fill="#333">{escape(mark)}</text>'
        "</svg>"
    )


def svg_figure(label: str, width: int, height: int, body: str) -> str:
    """An accessible SVG chart: ``role="img"``, the label as aria-label and title (escaped)."""
    return (
        f'<svg class="chart" role="img" aria-label="{escape(label)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{body}</svg>"
    )


def bars_chart(claim: Claim) -> str:
    """Two or more rates side by side, each with its interval (before/after, A/B arms)."""
    bars = claim.details.get("bars") or []
    if len(bars) < 2:
        return ""
    top = max(b["high"] for b in bars) * 1.15 or 1.0
    width, height, left, bottom = 360, 130, 36, 22
    slot = (width - left - 10) / len(bars)
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 6}" y2="{height - bottom}" stroke="#555"/>'
    ]
    parts = []
    for i, b in enumerate(bars):
        x = left + i * slot + slot * 0.25
        w = slot * 0.5

        def y(v: float) -> float:
            return (height - bottom) - v / top * (height - bottom - 8)

        body.append(
            f'<rect x="{x:.1f}" y="{y(b["value"]):.1f}" width="{w:.1f}" height="{(height - bottom) - y(b["value"]):.1f}" fill="#3d6fa5"/>'
        )
        cx = x + w / 2
        body.append(
            f'<line x1="{cx:.1f}" y1="{y(b["high"]):.1f}" x2="{cx:.1f}" y2="{y(b["low"]):.1f}" stroke="#111" stroke-width="2"/>'
        )
        body.append(
            f'<text x="{cx:.1f}" y="{height - 6}" font-size="10" text-anchor="middle" fill="#222">{escape(str(b["label"]))}</text>'
        )
        body.append(
            f'<text x="{cx:.1f}" y="{y(b["high"]) - 3:.1f}" font-size="10" text-anchor="middle" fill="#222">{b["value"]:.1f}%</text>'
        )
        parts.append(f"{b['label']} {b['value']:.1f}% (95% CI {b['low']:.1f} to {b['high']:.1f})")
    return svg_figure(f"{claim.metric}: " + "; ".join(parts), width, height, "".join(body))


def series_chart(claim: Claim) -> str:
    """A weekly series with the point where the work began (trend claims)."""
    series = claim.details.get("series") or []
    if len(series) < 4:
        return ""
    width, height, pad = 360, 120, 24
    xs, ys = [p[0] for p in series], [p[1] for p in series]
    lo, hi = min(ys), max(ys)
    span = (hi - lo) or 1.0

    def px(v: float) -> float:
        return float(pad + (v - xs[0]) / ((xs[-1] - xs[0]) or 1) * (width - 2 * pad))

    def py(v: float) -> float:
        return float(height - pad - (v - lo) / span * (height - 2 * pad))

    points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in series)
    brk = float(claim.details.get("break", xs[0]))
    shifts = [float(w) for w in claim.details.get("change_points") or []]
    marks = "".join(
        f'<circle cx="{px(w):.1f}" cy="{height - pad + 6}" r="4" fill="#8a5a00"/>' for w in shifts
    )
    body = marks + (
        f'<polyline points="{points}" fill="none" stroke="#3d6fa5" stroke-width="2"/>'
        f'<line x1="{px(brk):.1f}" y1="{pad / 2}" x2="{px(brk):.1f}" y2="{height - pad}" stroke="#a11" stroke-dasharray="4 3"/>'
        f'<text x="{px(brk) + 4:.1f}" y="{pad}" font-size="10" fill="#a11">work began</text>'
        f'<text x="{pad}" y="{height - 6}" font-size="10" fill="#222">{lo:.0f}–{hi:.0f} (range)</text>'
    )
    found = ", ".join(f"week {w:.0f}" for w in shifts) or "none"
    label = (
        f"{claim.metric}: {len(series)} points from {ys[0]:.1f} to {ys[-1]:.1f}; "
        f"the dashed line marks when the work began; change points detected: {found}; "
        f"trend change {format_interval(claim)}"
    )
    return svg_figure(label, width, height, body)


def counterfactual_chart(claim: Claim) -> str:
    """The prevented outcome as a bar from zero, with its interval."""
    if claim.estimate is None or claim.ci_high is None or claim.ci_low is None:
        return ""
    width, height, pad = 360, 56, 16
    top = claim.ci_high * 1.1 or 1.0

    def x(v: float) -> float:
        return pad + v / top * (width - 2 * pad)

    mid = height / 2
    body = (
        f'<rect x="{pad}" y="{mid - 9}" width="{x(claim.estimate) - pad:.1f}" height="18" fill="#1b7a3d" opacity="0.8"/>'
        f'<line x1="{x(claim.ci_low):.1f}" y1="{mid}" x2="{x(claim.ci_high):.1f}" y2="{mid}" stroke="#111" stroke-width="2"/>'
        f'<line x1="{pad}" y1="6" x2="{pad}" y2="{height - 6}" stroke="#555"/>'
    )
    label = (
        f"{claim.metric} prevented: {format_number(claim, claim.estimate)}, {format_interval(claim)}; "
        f"assumes: {'; '.join(claim.assumptions)}"
    )
    return svg_figure(label, width, height, body)


def claim_chart(claim: Claim) -> str:
    """The chart that fits the claim's comparison; the interval chart otherwise."""
    if claim.comparison is Comparison.TREND:
        return series_chart(claim) or interval_chart(claim)
    if claim.comparison is Comparison.COUNTERFACTUAL:
        return counterfactual_chart(claim) or interval_chart(claim)
    if claim.details.get("bars"):
        return bars_chart(claim) + interval_chart(claim)
    return interval_chart(claim)


RATING_COLOURS = {
    "insufficient_evidence": ("#e6e6e6", "#333"),
    "not_yet": ("#f3c7c2", "#5a1a12"),
    "meets": ("#cfe3f5", "#0f3456"),
    "exceeds": ("#8fc2a4", "#0d3320"),
    "next_level": ("#1b7a3d", "#ffffff"),
}


def heatmap(dimensions: list[dict[str, object]]) -> str:
    """Ladder coverage: one cell per scorecard dimension, coloured by rating, labelled in text."""
    if not dimensions:
        return ""
    width, row = 360, 22
    height = row * len(dimensions) + 4
    body = []
    for i, d in enumerate(dimensions):
        fill, ink = RATING_COLOURS.get(str(d["rating"]), ("#fff", "#000"))
        y = 2 + i * row
        name = str(d.get("name") or d["id"])
        rating = str(d["rating"]).replace("_", " ")
        body.append(f'<text x="0" y="{y + 15}" font-size="11" fill="#111">{escape(name)}</text>')
        body.append(
            f'<rect x="190" y="{y}" width="168" height="{row - 3}" fill="{fill}" stroke="#999"/>'
        )
        body.append(
            f'<text x="196" y="{y + 14}" font-size="11" fill="{ink}">{escape(rating)}</text>'
        )
    label = "Ladder coverage: " + "; ".join(
        f"{d.get('name') or d['id']} {str(d['rating']).replace('_', ' ')}" for d in dimensions
    )
    return svg_figure(label, width, height, "".join(body))
