"""Quantities written in prose: digits, number words, fractions and multiples.

One finder serves every place that must know whether text states a number: the lint rule
that reports unbound numbers, ``build`` (which refuses to render them, or marks them), and
the check on claim titles and ``claims.yaml`` edits. A quantity is anything a reader would
take as a measured amount: ``12%``, ``$40k``, ``2,000 engineer hours``, ``four teams``,
``twelve months``, ``ninety percent``, ``by half``, ``a third``, ``doubled``. Identifiers
are not quantities: ``gpt-4o``, ``v2.3``, ``p95``, ``Q3``, ``#123``, ISO dates, and a year
(``2026``) unless a counting noun follows it (``2000 engineer hours``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DIGITS = re.compile(
    r"(?:[$€£]\s?)?[-+−]?\d[\d,]*(?:\.\d+)?(?:\s?(?:%|pp|x|×|k|m|bn|ms|s|h)(?![\w]))?(?![\w])",
    re.IGNORECASE,
)
_UNITS = [
    "zero",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ["hundred", "thousand", "million", "billion", "dozen"]
_FRACTIONS = r"(?:half|halves|thirds?|quarters?|fifths?|tenths?)"
_NUMBER_WORD = "|".join(_UNITS + _TENS + _SCALES)
WORDS = re.compile(
    rf"""\b(?:
        (?:{"|".join(_TENS)})-(?:one|{"|".join(_UNITS[1:9])})   # twenty-one
      | one\s+(?:{"|".join(_SCALES)}|{_FRACTIONS})\b            # one hundred, one third
      | one-(?:hour|day|week|month|year|minute|second)s?        # a one-hour wait
      | (?:{_NUMBER_WORD})(?:\s+(?:{_NUMBER_WORD}|{_FRACTIONS}))*  # four, two thirds
      | (?:by|in)\s+half                                        # by half
      | an?\s+(?:half|third|fifth|tenth)                        # a third
      | an?\s+quarter(?=\s+(?:of|points?|percent|pp)\b|\s?%)     # a quarter point
      | (?:halved|doubled|tripled|quadrupled|halving|doubling|tripling|twofold|threefold|tenfold)
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)
# "a half" after these words is a frequency or a period ("once a half"), not an amount;
# "a quarter" is an amount only before "of", "point" or "percent" ("one page a quarter").
_FREQUENCY = re.compile(r"(?:once|twice|times|per|each|every)\s+$", re.IGNORECASE)
YEAR = re.compile(r"^(?:19|20)\d\d$")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?\b")
MONTHS = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+$", re.IGNORECASE
)
# A year followed by one of these (within two words) is a count: "2000 engineer hours".
COUNTING_NOUNS = {
    "hours",
    "hrs",
    "days",
    "weeks",
    "months",
    "years",
    "minutes",
    "seconds",
    "engineers",
    "people",
    "users",
    "customers",
    "teams",
    "requests",
    "calls",
    "queries",
    "tokens",
    "incidents",
    "tickets",
    "prs",
    "reviews",
    "commits",
    "tests",
    "evals",
    "dollars",
    "gpus",
    "servers",
    "models",
    "prompts",
    "sessions",
    "runs",
    "samples",
    "rows",
    "pages",
    "repositories",
    "repos",
    "services",
    "swaps",
    "releases",
    "deployments",
}
_OPENERS = "([{\"'“‘*_~"


@dataclass(frozen=True)
class Quantity:
    """A quantity found in text, with its character span."""

    text: str
    start: int
    end: int


def _token_start(text: str, at: int) -> int:
    """Where the whitespace-delimited token holding position ``at`` begins."""
    start = at
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return start


def _is_identifier(text: str, start: int) -> bool:
    """A number inside a name: gpt-4o, claude-3-5-sonnet, v2.3, p95, Q3, #123, a URL, or the
    argument of something written as code, alert(2)."""
    if start >= 2 and text[start - 1] == "(" and text[start - 2].isalnum():
        return True
    token = text[_token_start(text, start) : start + 1].lstrip(_OPENERS)
    if token.startswith("#"):
        return True
    if "://" in token or token.startswith("/"):
        return True
    return bool(token) and token[0].isalpha() and token[0] not in "$€£"


def _counted(text: str, end: int) -> bool:
    """Whether a counting noun follows within two words."""
    following = re.findall(r"[A-Za-z][\w-]*", text[end : end + 40])[:2]
    return any(w.lower() in COUNTING_NOUNS or w.lower().endswith("-hours") for w in following)


def find_quantities(text: str) -> list[Quantity]:
    """The quantities in ``text``, in order of position."""
    found: list[Quantity] = []
    dates = [m.span() for m in ISO_DATE.finditer(text)]

    def in_date(pos: int) -> bool:
        return any(a <= pos < b for a, b in dates)

    for m in DIGITS.finditer(text):
        start, token = m.start(), m.group(0).strip()
        if in_date(start) or _is_identifier(text, start):
            continue
        if start and (text[start - 1].isalnum() or text[start - 1] in "._/"):
            continue  # the tail of a longer token: "N0X", "1.2.3", "a/2"
        bare = token.lstrip("+-−")
        if YEAR.match(bare) and not _counted(text, m.end()):
            continue
        if MONTHS.search(text[max(0, start - 12) : start]) and bare.isdigit() and len(bare) <= 2:
            continue  # a day of the month: "March 3"
        if text[:start].rstrip().lower().endswith("per") and _counted(text, m.end()):
            continue  # a unit's denominator: "cost per 1k requests"
        found.append(Quantity(token, start, start + len(token)))
    for m in WORDS.finditer(text):
        phrase = m.group(0)
        if phrase.lower().startswith(("a ", "an ")) and _FREQUENCY.search(text[: m.start()]):
            continue
        found.append(Quantity(phrase, m.start(), m.end()))
    found.sort(key=lambda q: q.start)
    return found
