"""Packets: Markdown with claim references, rendered to HTML.

The names below are imported from their modules on first use, so a command that only formats
a number does not load the Markdown parser and the page templates.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from perfpacket.packet.markdown import ParsedPacket, parse_packet, render_body
    from perfpacket.packet.render import render_packet_html

_WHERE = {
    "ParsedPacket": "perfpacket.packet.markdown",
    "parse_packet": "perfpacket.packet.markdown",
    "render_body": "perfpacket.packet.markdown",
    "render_packet_html": "perfpacket.packet.render",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'perfpacket.packet' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = ["ParsedPacket", "parse_packet", "render_body", "render_packet_html"]
