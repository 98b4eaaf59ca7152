"""Word lists the rules share, as lemmas (dictionary forms), and small sentence tests."""

from __future__ import annotations

import re

from perfpacket.lint.document import Sentence
from perfpacket.quantities import find_quantities

OUTCOME_LEMMAS = {
    "user",
    "customer",
    "revenue",
    "cost",
    "spend",
    "saving",
    "save",
    "conversion",
    "retention",
    "churn",
    "incident",
    "outage",
    "risk",
    "hour",
    "day",
    "week",
    "month",
    "team",
    "engineer",
    "sla",
    "slo",
    "engagement",
    "satisfaction",
    "complaint",
    "money",
    "budget",
    "dollar",
    "profit",
    "sale",
    "adoption",
    "adopt",
    "release",
    "ship",
    "launch",
    "p0",
    "p1",
    "page",
    "on-call",
    "finance",
    "business",
    "okr",
    "goal",
    "regression",
    "rollback",
    "safety",
    "compliance",
    "audit",
    "session",
    "minute",
}
RESULT_LEMMAS = {
    "cut",
    "reduce",
    "raise",
    "increase",
    "lift",
    "improve",
    "save",
    "prevent",
    "avert",
    "stop",
    "block",
    "enable",
    "unblock",
    "lower",
    "halve",
    "double",
    "triple",
    "shorten",
    "speed",
    "eliminate",
    "avoid",
    "protect",
    "grow",
    "drop",
    "decrease",
    "boost",
    "let",
    "allow",
}
EFFORT_LEMMAS = {
    "build",
    "implement",
    "create",
    "develop",
    "write",
    "code",
    "design",
    "set",
    "add",
    "refactor",
    "migrate",
    "work",
    "update",
    "fix",
    "integrate",
    "configure",
    "deploy",
    "port",
    "rewrite",
    "maintain",
    "tune",
    "prototype",
}
TECH_METRICS = {
    "latency",
    "accuracy",
    "f1",
    "auc",
    "ndcg",
    "recall",
    "precision",
    "throughput",
    "p95",
    "p99",
    "qps",
    "perplexity",
    "bleu",
    "rouge",
    "mrr",
    "loss",
    "token",
    "tokens",
    "ece",
    "brier",
    "rmse",
    "mae",
    "score",
    "benchmark",
    "hit-rate",
    "memory",
    "cpu",
    "gpu",
}
VAGUE = {
    "large",
    "huge",
    "massive",
    "many",
    "numerous",
    "several",
    "various",
    "lot",
    "lots",
    "significant",
    "significantly",
    "big",
    "vast",
    "tons",
    "countless",
    "substantial",
    "substantially",
    "scale",
    "high-volume",
    "considerable",
    "considerably",
}
COMPLEXITY = {
    "novel",
    "sophisticated",
    "complex",
    "cutting-edge",
    "state-of-the-art",
    "advanced",
    "innovative",
    "intricate",
    "bespoke",
    "elaborate",
    "groundbreaking",
    "custom",
}
SOLO = (
    r"\bsingle[- ]handedly\b",
    r"\bby myself\b",
    r"\bsolely\b",
    r"\bon my own\b",
    r"\bI alone\b",
    r"\balone\b",
    r"\bwithout (?:any )?help\b",
    r"\bthe only (?:one|person|engineer)\b",
    r"\bentirely (?:by )?(?:me|mine)\b",
    r"\bmy own (?:project|system|idea)\b",
)
PARTNERS = re.compile(
    r"\b(?:with|together|partnered|alongside|jointly|co-?led|co-?authored|helped|team|teams|"
    r"colleagues?|we)\b",
    re.IGNORECASE,
)
STOCHASTIC = {
    "a/b",
    "experiment",
    "lift",
    "eval",
    "evaluation",
    "accuracy",
    "conversion",
    "win",
    "ctr",
    "significant",
    "significance",
    "pass",
    "quality",
    "ndcg",
    "recall",
    "precision",
}
UNCERTAINTY = re.compile(
    r"(?:\bCI\b|±|\+/-|confidence|interval|\bn\s*=|\bp\s*[<=]|samples?\b|standard error)",
    re.IGNORECASE,
)


def numbers(s: Sentence) -> list[str]:
    """Quantities in the sentence's prose, digits or words (claim references and code masked)."""
    return [q.text for q in find_quantities(s.text)]


def has_evidence(s: Sentence) -> bool:
    """A number or a claim reference: the sentence is specific."""
    return bool(s.refs) or bool(numbers(s))


def has_outcome(s: Sentence) -> bool:
    lemmas = set(s.lemmas)
    return bool(lemmas & OUTCOME_LEMMAS) or bool(lemmas & RESULT_LEMMAS and has_evidence(s))


def first_person(s: Sentence) -> bool:
    return bool(set(s.words) & {"i", "we"})
