"""Packets: Markdown with claim references, rendered to HTML."""

from perfpacket.packet.markdown import ParsedPacket, parse_packet, render_body
from perfpacket.packet.render import render_packet_html

__all__ = ["ParsedPacket", "parse_packet", "render_body", "render_packet_html"]
