"""Ladders: capability matrices, role scorecards, assessment and growth plans."""
