"""``claims.yaml``: the person's edits to suggested claims, kept across re-suggestion.

Each entry names a claim by slug; ``include: false`` drops it, ``title`` and ``attribution``
(role, partners) replace what the recipe proposed. Numbers are never editable: they come from
the evidence.

The file shows every claim's title, role and partners, so that the person edits them in place.
What perfpacket wrote there as its suggestion is kept beside it (``SUGGESTED_FILE`` in the
workspace's state folder): a value still as suggested is not the person's word and follows the
evidence when it changes; a value that differs from the suggestion is an edit and stays.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from perfpacket._yaml import load_yaml
from perfpacket.claims.model import ClaimDraft
from perfpacket.errors import InputError
from perfpacket.quantities import find_quantities
from perfpacket.vocab import ClaimRole
from perfpacket.workspace import STATE_DIR

CLAIMS_FILE = "claims.yaml"
SUGGESTED_FILE = "claims.suggested.json"
HEADER = """\
# Claims suggested from the evidence. Edit a title or the attribution (role: led, built,
# enabled or contributed; partners: teams and people; the suggested role and partners are the
# ones the evidence shows, and no evidence shows who led: that is yours to say), or set
# include: false to leave a claim out. A value you leave as suggested follows the evidence
# when you suggest again; a value you change is yours and stays. Numbers are not editable
# here: they are recomputed from the evidence.
"""
FIELDS = {"slug", "include", "title", "attribution"}
ATTRIBUTION_FIELDS = ("role", "partners")  # in the order claims.yaml shows them


def load_overrides(root: Path) -> dict[str, dict[str, Any]]:
    """The edits in ``root/claims.yaml`` by slug; none when the file does not exist."""
    path = root / CLAIMS_FILE
    if not path.is_file():
        return {}
    try:
        raw = load_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f" line {line + 1}" if line is not None else ""
        raise InputError(
            f"'{path}'{where}: not valid YAML", hint="fix it, or delete it to start over"
        ) from exc
    entries = raw.get("claims") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise InputError(f"'{path}' field claims: expected a list of claims")
    found: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("slug"), str):
            raise InputError(
                f"'{path}' field claims[{i}].slug: missing", hint="every entry names its slug"
            )
        if "include" in entry and not isinstance(entry["include"], bool):
            got = entry["include"]
            raise InputError(
                f"'{path}' field claims[{i}].include: expected true or false, got {got!r}"
            )
        for key in entry:
            if key not in FIELDS:
                raise InputError(
                    f"'{path}' field claims[{i}].{key}: "
                    + (
                        "numbers are not editable; they are recomputed from the evidence"
                        if isinstance(entry[key], int | float) and not isinstance(entry[key], bool)
                        else "not a field of a claim edit"
                    ),
                    hint="remove it; an entry may set: " + ", ".join(sorted(FIELDS)),
                )
        if "title" in entry and not isinstance(entry["title"], str):
            raise InputError(
                f"'{path}' field claims[{i}].title: expected text, got {entry['title']!r}",
                hint="quote the title",
            )
        attribution = entry.get("attribution") or {}
        if not isinstance(attribution, dict):
            raise InputError(
                f"'{path}' field claims[{i}].attribution: expected role and partners",
                hint="attribution: {role: led, partners: [Search]}",
            )
        for key in attribution:
            if key not in ATTRIBUTION_FIELDS:
                raise InputError(
                    f"'{path}' field claims[{i}].attribution.{key}: not a field of attribution",
                    hint="attribution may set: " + ", ".join(sorted(ATTRIBUTION_FIELDS)),
                )
        role = attribution.get("role")
        if role is not None and role not in set(ClaimRole):
            raise InputError(
                f"'{path}' field claims[{i}].attribution.role: '{role}' is not a role",
                hint="use one of: " + ", ".join(ClaimRole),
            )
        partners = attribution.get("partners")
        if partners is not None and (
            not isinstance(partners, list) or not all(isinstance(p, str) for p in partners)
        ):
            raise InputError(
                f"'{path}' field claims[{i}].attribution.partners: expected a list of names, "
                f"got {partners!r}",
                hint="partners: [SRE, Search]",
            )
        found[entry["slug"]] = entry
    return found


def load_suggested(root: Path) -> dict[str, dict[str, Any]]:
    """What perfpacket last wrote in ``claims.yaml`` as its suggestion, by slug: the title, and
    the role and partners as the evidence showed them. Empty for a workspace whose file was
    written before this was kept: every value in it then counts as the person's."""
    path = root / STATE_DIR / SUGGESTED_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            f"'{path}': not the suggestions perfpacket wrote ({exc})",
            hint="delete it: every value in claims.yaml then counts as your edit",
        ) from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise InputError(
            f"'{path}': not the suggestions perfpacket wrote (expected an object by slug)",
            hint="delete it: every value in claims.yaml then counts as your edit",
        )
    return data


def own_edits(
    overrides: dict[str, dict[str, Any]], suggested: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The person's edits: each entry of ``claims.yaml`` without the values that are still what
    perfpacket suggested there (``suggested``). A claim with no kept suggestion keeps all."""
    edits: dict[str, dict[str, Any]] = {}
    for slug, entry in overrides.items():
        base = suggested.get(slug)
        if base is None:
            edits[slug] = entry
            continue
        edit = {k: v for k, v in entry.items() if k not in ("title", "attribution")}
        if "title" in entry and entry["title"] != base.get("title"):
            edit["title"] = entry["title"]
        said = base.get("attribution") or {}
        attribution = {
            key: value
            for key, value in (entry.get("attribution") or {}).items()
            if key not in said or value != said[key]
        }
        if attribution:
            edit["attribution"] = attribution
        edits[slug] = edit
    return edits


def followed(
    overrides: dict[str, dict[str, Any]],
    suggested: dict[str, dict[str, Any]],
    drafts: list[ClaimDraft],
) -> list[str]:
    """What changes in ``claims.yaml`` because the evidence now suggests another value where the
    file still held the earlier suggestion: one line a value, to tell the person."""
    lines = []
    for draft in drafts:
        entry, base = overrides.get(draft.slug), suggested.get(draft.slug)
        if entry is None or base is None:
            continue
        if entry.get("title") == base.get("title") != draft.title:
            lines.append(f"{draft.slug}: title now '{draft.title}' (was '{base.get('title')}')")
        said = base.get("attribution") or {}
        held = entry.get("attribution") or {}
        for key in ATTRIBUTION_FIELDS:
            now = draft.attribution.get(key)
            if held.get(key) == said.get(key) != now:
                lines.append(f"{draft.slug}: {key} now {_shown(now)} (was {_shown(said.get(key))})")
    return lines


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    return "not recorded" if value is None else str(value)


def load_edits(root: Path) -> dict[str, dict[str, Any]]:
    """The person's own edits in ``root/claims.yaml`` (see :func:`own_edits`)."""
    return own_edits(load_overrides(root), load_suggested(root))


def check_title(draft: ClaimDraft, title: str) -> None:
    """An edited title may not state a quantity the claim does not compute: only those the
    recipe's own title holds (names from the evidence, such as a model's version) may stay."""
    allowed = {q.text for q in find_quantities(draft.title)}
    stated = [q.text for q in find_quantities(title) if q.text not in allowed]
    if stated:
        raise InputError(
            f"'{CLAIMS_FILE}' claim '{draft.slug}' field title: '{stated[0]}' is a number "
            "the claim does not compute",
            hint="numbers come from the evidence: leave them out of the title and reference "
            f"{{{{ claim.{draft.slug} }}}} in the packet instead",
        )


def _attribution(draft: ClaimDraft, edit: dict[str, Any]) -> dict[str, Any]:
    """The claim's role and partners: the evidence's, with what the person set in their place."""
    edited = edit.get("attribution")
    return {**draft.attribution, **edited} if isinstance(edited, dict) else dict(draft.attribution)


def apply_overrides(
    drafts: list[ClaimDraft], overrides: dict[str, dict[str, Any]]
) -> list[ClaimDraft]:
    """Drafts with the person's titles and attributions; excluded claims removed."""
    kept = []
    for draft in drafts:
        edit = overrides.get(draft.slug, {})
        if edit.get("include") is False:
            continue
        changes: dict[str, Any] = {}
        if isinstance(edit.get("title"), str):
            check_title(draft, edit["title"])
            changes["title"] = edit["title"]
        if isinstance(edit.get("attribution"), dict):
            changes["attribution"] = _attribution(draft, edit)
        kept.append(replace(draft, **changes) if changes else draft)
    return kept


def write_claims_file(
    root: Path, drafts: list[ClaimDraft], edits: dict[str, dict[str, Any]]
) -> Path:
    """Rewrite ``claims.yaml``: the person's edits (see :func:`load_edits`) kept, every other
    value as the evidence suggests it now, new claims added; and keep beside it what was
    suggested, so that the next rewrite can tell the two apart."""
    entries = []
    suggested: dict[str, dict[str, Any]] = {}
    for draft in drafts:
        edit = edits.get(draft.slug, {})
        attribution = _attribution(draft, edit)
        entries.append(
            {
                "slug": draft.slug,
                "include": edit.get("include", True),
                "title": edit.get("title", draft.title),
                "attribution": {k: attribution[k] for k in ATTRIBUTION_FIELDS if k in attribution},
            }
        )
        suggested[draft.slug] = {"title": draft.title, "attribution": dict(draft.attribution)}
    # Edits for claims the evidence no longer supports stay, so nothing the person wrote is lost.
    entries.extend(edit for slug, edit in edits.items() if slug not in suggested)
    path = root / CLAIMS_FILE
    text = yaml.safe_dump({"claims": entries}, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(HEADER + text, encoding="utf-8")
    state = root / STATE_DIR
    state.mkdir(exist_ok=True)
    kept = json.dumps(suggested, indent=1, ensure_ascii=False, sort_keys=True)
    (state / SUGGESTED_FILE).write_text(kept + "\n", encoding="utf-8")
    return path
