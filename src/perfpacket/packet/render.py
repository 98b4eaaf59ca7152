"""Rendering a packet to one self-contained HTML file (inline CSS and SVG, no fetches)."""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    PackageLoader,
    select_autoescape,
)
from markupsafe import Markup

from perfpacket import __version__
from perfpacket.packet.chart import claim_chart, heatmap, interval_chart
from perfpacket.packet.context import (
    TOTAL_METHOD,
    RenderContext,
    currency_summary,
    is_prevented,
)
from perfpacket.packet.format import (
    format_change,
    format_claim,
    format_constant,
    format_interval,
    format_kpi_actual,
    format_level,
    format_money,
    format_number,
    format_p_value,
    format_usd,
    format_value_band,
    verdict_label,
)
from perfpacket.packet.markdown import mark_unbound, parse_packet, render_body
from perfpacket.store.models import Claim
from perfpacket.vocab import ROLE_NOT_RECORDED


def _bytecode_cache() -> BytecodeCache | None:
    """Jinja's cache of compiled templates in the user's temporary folder (keyed by each
    template's source, so an edit recompiles): compiling the packet's template was a tenth of
    a `build`. None where that folder cannot be made safely: templates then compile each run."""
    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("perfpacket.packet", "templates"),
        bytecode_cache=_bytecode_cache(),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.tests["prevented"] = is_prevented
    env.globals["role_not_recorded"] = ROLE_NOT_RECORDED
    env.filters.update(
        change=format_change,
        level=format_level,
        interval=format_interval,
        money=format_money,
        claim_text=format_claim,
        chart=claim_chart,
        interval_chart=interval_chart,
        heatmap=heatmap,
        number=format_number,
        p_value=format_p_value,
        verdict=verdict_label,
        constant=format_constant,
        value_band=format_value_band,
        usd=format_usd,
        kpi_actual=format_kpi_actual,
    )
    return env


_ENV = _environment()


def render_packet_html(
    markdown: str,
    claims: Sequence[Claim],
    source_name: str = "packet",
    context: RenderContext | None = None,
) -> str:
    """The packet as one HTML file: the decision brief first, then the prose, every claim with
    its chart and evidence, reach, the ladder, feedback, the plan and the evidence appendix."""
    parsed = parse_packet(markdown, source_name)
    body = render_body(parsed, claims, source_name)
    meta = dict(parsed.front_matter)
    unbound = body.unbound
    for field in ("title", "ask"):  # front-matter prose the page shows
        if isinstance(meta.get(field), str):
            marked, count = mark_unbound(meta[field])
            meta[field + "_html"] = Markup(marked)
            unbound += count
    referenced = [slug for _line, slug, _attr in parsed.references]
    order = {slug: i for i, slug in enumerate(dict.fromkeys(referenced))}
    ordered = sorted(claims, key=lambda c: (order.get(c.slug, len(order)), c.id))
    currency = currency_summary(ordered)
    brief = sorted(
        currency["shipped"]["claims"] + currency["prevented"]["claims"],
        key=lambda c: -float(c.value["amount"]) if c.value else 0,
    )[:3]
    return _ENV.get_template("packet.html").render(
        meta=meta,
        body=body.html,
        unbound=unbound,
        total_method=TOTAL_METHOD,
        claims=ordered,
        brief=brief,
        currency=currency,
        ctx=context or RenderContext(),
        version=__version__,
    )


def packet_pdf(html: str) -> bytes:
    """The same page as PDF, through WeasyPrint: the same inline charts, print styles applied."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def render_packet_pdf(html: str, out: str) -> None:
    """:func:`packet_pdf` written to ``out``."""
    with open(out, "wb") as f:
        f.write(packet_pdf(html))
