"""The packet linter: rules that read a packet the way a calibration committee does."""

from __future__ import annotations

from perfpacket.lint.document import Document, parse_document
from perfpacket.lint.engine import Diagnostic, LintContext, LintResult, all_rules, lint_document

__all__ = [
    "Diagnostic",
    "Document",
    "LintContext",
    "LintResult",
    "all_rules",
    "lint_document",
    "parse_document",
]
