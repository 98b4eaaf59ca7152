"""Ladders: capability matrices, role scorecards, assessment and growth plans."""

DEFAULT_LADDER = "ai-engineering"  # the built-in ladder used when nothing names another

__all__ = ["DEFAULT_LADDER"]
