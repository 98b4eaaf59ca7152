"""The packet linter: rules that read a packet the way a calibration committee does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from perfpacket.errors import InputError, WorkspaceError
from perfpacket.lint.document import Document, parse_document
from perfpacket.lint.engine import Diagnostic, LintContext, LintResult, all_rules, lint_document

__all__ = [
    "Diagnostic",
    "Document",
    "LintContext",
    "LintResult",
    "all_rules",
    "lint_document",
    "lint_path",
    "parse_document",
]


def _workspace_context(
    path: Path, db: str | None, front_matter: dict[str, Any], person: str | None
) -> tuple[LintContext, dict[str, Any]]:
    """The packet's person's claims and feedback from the workspace around ``path``; bare mode
    when there is none. A workspace with no people yet has no claims to resolve."""
    from perfpacket.workspace import find_workspace

    try:
        ws = find_workspace(path.resolve().parent, db)
    except WorkspaceError:
        return LintContext(), {}
    from sqlalchemy import select

    from perfpacket.claims.service import load_claims, packet_person
    from perfpacket.store.models import Feedback, Person

    with ws.open_store() as store, store.session() as session:
        if session.scalars(select(Person.id).limit(1)).first() is None:
            return LintContext(claims={}, feedback=[]), dict(ws.config.get("lint", {}))
        who = packet_person(session, front_matter, person, ws.person)
        claims = {c.slug: c for c in load_claims(session, who)}
        mine = select(Feedback).where(Feedback.person_id == who.id)
        feedback = [(f.author_name, f.author_function) for f in session.scalars(mine)]
        session.expunge_all()
    return LintContext(claims=claims, feedback=feedback), dict(ws.config.get("lint", {}))


def lint_path(
    path: Path,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    db: str | None = None,
    person: str | None = None,
) -> LintResult:
    """Lint one packet file, with the settings of the workspace it is in, if any."""
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            f"'{path}' does not exist", hint="give the packet's Markdown file"
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"'{path}' byte {exc.start}: not UTF-8 text", hint="save it as UTF-8"
        ) from None
    doc = parse_document(source, str(path))
    ctx, config = _workspace_context(path, db, doc.front_matter, person)
    return lint_document(
        doc,
        ctx,
        select=select or list(config.get("select", [])),
        ignore=[*(ignore or []), *config.get("ignore", [])],
        severities=dict(config.get("severity", {})),
    )
