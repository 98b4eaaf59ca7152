"""The demo: a seeded, realistic workspace that shows perfpacket end to end."""

from perfpacket.demo.build import DemoResult, build_demo

__all__ = ["DemoResult", "build_demo"]
