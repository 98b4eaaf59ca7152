"""Running lint rules over a packet: selection, severities, suppression, skipped rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Protocol

from perfpacket import plugins
from perfpacket.errors import InputError
from perfpacket.lint.document import Document, Sentence
from perfpacket.store.models import Claim
from perfpacket.vocab import LintKind

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Diagnostic:
    rule: str
    code: str
    severity: str
    line: int
    col: int
    end_line: int
    end_col: int
    message: str
    hint: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LintContext:
    """What rules may consult besides the text: claims and evidence when in a workspace."""

    claims: dict[str, Claim] | None = None  # None: not in a workspace
    feedback: list[tuple[str, str]] | None = None  # (author, function) of the person's feedback


class LintRule(Protocol):
    """A packet lint rule: a stable name and code, what it says and how to fix it, an example
    of each, and whether it needs the packet's claims (a workspace) to run."""

    name: ClassVar[str]
    code: ClassVar[str]
    severity: ClassVar[str]
    summary: ClassVar[str]
    hint: ClassVar[str]
    bad: ClassVar[str]
    good: ClassVar[str]
    needs_claims: ClassVar[bool]

    def check(self, doc: Document, ctx: LintContext) -> Iterable[Diagnostic]: ...


class BaseRule:
    """Shared defaults and a helper to report on a sentence."""

    name: ClassVar[str] = ""
    code: ClassVar[str] = ""
    severity: ClassVar[str] = "warning"
    summary: ClassVar[str] = ""
    hint: ClassVar[str] = ""
    bad: ClassVar[str] = ""
    good: ClassVar[str] = ""
    needs_claims: ClassVar[bool] = False
    kind: ClassVar[LintKind] = LintKind.PACKET

    def at(self, s: Sentence, message: str, hint: str | None = None) -> Diagnostic:
        return Diagnostic(
            self.name,
            self.code,
            self.severity,
            s.line,
            s.col,
            s.end_line,
            s.end_col,
            message,
            hint or self.hint,
        )

    def at_line(self, line: int, message: str, hint: str | None = None) -> Diagnostic:
        return Diagnostic(
            self.name, self.code, self.severity, line, 1, line, 1, message, hint or self.hint
        )


@dataclass
class LintResult:
    path: str
    diagnostics: list[Diagnostic]
    skipped: dict[str, str] = field(default_factory=dict)  # rule -> why
    workspace: str | None = None  # the workspace whose claims it was checked against

    def summary(self) -> dict[str, Any]:
        counts = {s: sum(d.severity == s for d in self.diagnostics) for s in SEVERITIES}
        return {
            "file": self.path,
            **counts,
            "total": len(self.diagnostics),
            "skipped": self.skipped,
        }


def rule_kind(rule: LintRule) -> LintKind:
    """What a rule reads; a plugin's rule without ``kind`` reads packets."""
    return LintKind(getattr(rule, "kind", LintKind.PACKET))


def all_rules(kind: LintKind | None = None) -> dict[str, LintRule]:
    """The registered rules, or those of one kind."""
    rules = plugins.lint_rules()
    return {r.name: r for r in rules if kind is None or rule_kind(r) is kind}


def _resolve(names: Iterable[str], known: dict[str, LintRule], flag: str) -> set[str]:
    """Rule names or codes to rule names; an unknown one is a usage error."""
    by_code = {r.code.lower(): n for n, r in known.items()}
    out = set()
    for item in names:
        key = item.strip().lower()
        if not key:
            continue
        if key in known:
            out.add(key)
        elif key in by_code:
            out.add(by_code[key])
        else:
            raise InputError(
                f"{flag} '{item}' is not a lint rule", hint="rules: " + ", ".join(sorted(known))
            )
    return out


def lint_document(
    doc: Document,
    ctx: LintContext,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    severities: dict[str, str] | None = None,
    kind: LintKind = LintKind.PACKET,
) -> LintResult:
    known = all_rules(kind)
    chosen = _resolve(select, known, "--select") or set(known)
    chosen -= _resolve(ignore, known, "--ignore")
    chosen -= doc.suppressed_file
    overrides = severities or {}
    for rule_name, level in overrides.items():
        if level not in SEVERITIES:
            raise InputError(
                f"lint severity for '{rule_name}': '{level}' is not a severity",
                hint="use error, warning or info in [lint.severity] of perfpacket.toml",
            )
    result = LintResult(doc.path, [])
    for name in sorted(chosen):
        rule = known[name]
        if rule.needs_claims and ctx.claims is None:
            result.skipped[name] = "no workspace: claim references cannot be resolved"
            continue
        for d in rule.check(doc, ctx):
            if name in doc.suppressed_lines.get(d.line, set()):
                continue
            if name in overrides:
                d = Diagnostic(**{**d.to_dict(), "severity": overrides[name]})
            result.diagnostics.append(d)
    result.diagnostics.sort(key=lambda d: (d.line, d.col, d.code))
    return result


def lint_review(
    text: str, path: str = "review", select: Iterable[str] = (), ignore: Iterable[str] = ()
) -> LintResult:
    """What someone wrote about another person (a review, feedback, a rating or decision
    reason), read with the review rules. The same call serves ``perfpacket lint --kind
    review`` and the server's live hints."""
    from perfpacket.lint.document import parse_document

    return lint_document(
        parse_document(text, path), LintContext(), select, ignore, kind=LintKind.REVIEW
    )
