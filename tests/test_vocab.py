"""Fixed vocabularies are types: no reader compares a verdict, comparison kind, direction or
candidacy state with a bare string, and the brief's shipped/prevented columns follow the value's
declared outcome, not the claim's metric name."""

from __future__ import annotations

import ast
from pathlib import Path

from perfpacket.packet.context import currency_summary, is_prevented
from perfpacket.store.models import Claim
from perfpacket.vocab import Comparison, Outcome, Verdict

SRC = Path(__file__).resolve().parents[1] / "src" / "perfpacket"
TYPED = {"verdict", "comparison", "direction", "state"}


def _names(node: ast.expr) -> set[str]:
    if isinstance(node, ast.Attribute):
        return {node.attr}
    if isinstance(node, ast.Name):
        return {node.id}
    return set()


def _is_words(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Set | ast.Tuple | ast.List):
        return any(_is_words(e) for e in node.elts)
    return False


def test_no_reader_compares_a_vocabulary_with_a_bare_string() -> None:
    found = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Compare):
                continue
            sides = [node.left, *node.comparators]
            typed = any(_names(side) & TYPED for side in sides)
            if typed and any(_is_words(side) for side in sides):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}: {ast.unparse(node)}")
    assert found == []


def _valued(slug: str, metric: str, outcome: Outcome) -> Claim:
    value = {"amount": 1000.0, "unit": "USD", "period": "year", "outcome": outcome.value}
    value.update(low=900.0, high=1100.0, level=0.95)
    return Claim(
        slug=slug, metric=metric, comparison="before_after", verdict="improved", value=value
    )


def test_the_brief_column_is_the_value_s_declared_outcome() -> None:
    # The name of a metric says nothing: "regression" in a shipped claim's metric does not
    # move it, and a prevented outcome is prevented whatever its metric is called.
    shipped = _valued("a", "regression test coverage", Outcome.SHIPPED)
    prevented = _valued("b", "blocked spend", Outcome.PREVENTED)
    assert not is_prevented(shipped)
    assert is_prevented(prevented)
    summary = currency_summary([shipped, prevented])
    assert summary["shipped"]["claims"] == [shipped]
    assert summary["prevented"]["claims"] == [prevented]


def test_a_claim_holds_enum_members_whatever_it_was_built_from() -> None:
    claim = Claim(verdict="meets_target", comparison=Comparison.TARGET)
    assert claim.verdict is Verdict.MEETS_TARGET
    assert claim.comparison is Comparison.TARGET
    assert claim.comparison.is_level and not claim.comparison.is_signed
