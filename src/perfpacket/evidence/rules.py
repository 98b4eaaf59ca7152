"""Attribution rules: whose a record with no author is (an eval run, a release row without an
owner, a commit whose author left no usable email), as the user set it in perfpacket.toml.

A record with no author belongs to nobody until ``--person`` or a rule says whose it is; it is
never given to whoever the workspace's person happens to be. Rules are tried in order and the
first whose every key matches wins::

    [[attribution.rules]]
    suite = "lm-eval/*"            # an eval run's suite (glob)
    person = "ana@example.com"

    [[attribution.rules]]
    experiment = "reranker"        # an MLflow experiment or an A/B experiment's name (glob)
    mlflow_user = "aokafor"        # the run's mlflow.user tag
    person = "ana@example.com"

    [[attribution.rules]]
    repository = "ai-platform"     # a change's or review's repository (glob)
    kind = "change"                # the evidence kind
    person = "ana@example.com"
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from fnmatch import fnmatchcase
from typing import Any

from perfpacket.errors import InputError
from perfpacket.evidence.records import Record

RULES_FIELD = "attribution.rules"


@dataclass(frozen=True)
class AttributionRule:
    person: str
    kind: str | None = None
    repository: str | None = None
    suite: str | None = None
    experiment: str | None = None
    mlflow_user: str | None = None

    def matches(self, record: Record) -> bool:
        values = _values(record)
        wanted = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "person"}
        given = {k: v for k, v in wanted.items() if v is not None}
        return all(
            values.get(key) is not None and fnmatchcase(str(values[key]), pattern)
            for key, pattern in given.items()
        )


def _values(record: Record) -> dict[str, Any]:
    """What rules can match a record on."""
    f = record.fields
    suite = f.get("suite")
    tags = (f.get("metrics") or {}).get("tags") or {}
    experiment = f.get("name") if record.kind == "experiment" else None
    if isinstance(suite, str) and suite.startswith("mlflow/"):
        experiment = suite.removeprefix("mlflow/")
    return {
        "kind": record.kind,
        "repository": f.get("repo"),
        "suite": suite,
        "experiment": experiment,
        "mlflow_user": tags.get("mlflow.user") if isinstance(tags, dict) else None,
    }


def load_rules(config: dict[str, Any], where: str = "perfpacket.toml") -> list[AttributionRule]:
    """The rules of a workspace's configuration; a malformed one is refused by its place."""
    raw = (config.get("attribution") or {}).get("rules") or []
    if not isinstance(raw, list):
        raise InputError(
            f"'{where}' field {RULES_FIELD}: expected a list of rules",
            hint='write each as [[attribution.rules]] with person = "EMAIL" and what it matches',
        )
    known = {f.name for f in fields(AttributionRule)}
    rules = []
    for i, entry in enumerate(raw):
        place = f"'{where}' field {RULES_FIELD}[{i}]"
        if not isinstance(entry, dict):
            raise InputError(f"{place}: expected a table of keys")
        unknown = sorted(set(entry) - known)
        if unknown:
            raise InputError(
                f"{place}.{unknown[0]}: not a rule key",
                hint="a rule may match on: " + ", ".join(sorted(known - {"person"})),
            )
        if not isinstance(entry.get("person"), str) or "@" not in entry["person"]:
            raise InputError(f"{place}.person: missing", hint="name the person by email")
        if len(entry) == 1:
            raise InputError(
                f"{place}: matches everything",
                hint="say what it matches: " + ", ".join(sorted(known - {"person"})),
            )
        bad = [k for k, v in entry.items() if not isinstance(v, str)]
        if bad:
            raise InputError(f"{place}.{bad[0]}: expected text")
        rules.append(AttributionRule(**entry))
    return rules


def rule_for(rules: Sequence[AttributionRule], record: Record) -> AttributionRule | None:
    return next((r for r in rules if r.matches(record)), None)
