"""Packets: Markdown with claim references, rendered to HTML.

The names below are imported from their modules on first use, so a command that only formats
a number does not load the Markdown parser and the page templates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from perfpacket._lazy import lazy_exports

if TYPE_CHECKING:
    from perfpacket.packet.markdown import ParsedPacket, parse_packet, render_body
    from perfpacket.packet.render import render_packet_html

_WHERE = {
    "ParsedPacket": "perfpacket.packet.markdown",
    "parse_packet": "perfpacket.packet.markdown",
    "render_body": "perfpacket.packet.markdown",
    "render_packet_html": "perfpacket.packet.render",
}


__getattr__ = lazy_exports(__name__, _WHERE)


__all__ = ["ParsedPacket", "parse_packet", "render_body", "render_packet_html"]
