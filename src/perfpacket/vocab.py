"""The fixed vocabularies every layer shares: what a claim compares, which way its metric should
move, what its verdict is, whether its value was shipped or prevented, and where a candidacy
stands. Each is a ``StrEnum``, so the store keeps the plain word and mypy checks every reader.

This module imports nothing (the statistics package loads scipy; the store and the renderers
must not pay for that just to name a verdict).
"""

from __future__ import annotations

from enum import StrEnum


class Direction(StrEnum):
    """Which way a metric should move for the change to count as an improvement."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Verdict(StrEnum):
    """What a result says. The first three are for comparisons only (decided by the interval
    of the difference); the target verdicts for a level judged against a target or SLO (by its
    interval, not its point); a level or count on its own gets ``no_verdict``."""

    IMPROVED = "improved"
    REGRESSED = "regressed"
    NO_DETECTABLE_CHANGE = "no_detectable_change"
    MEETS_TARGET = "meets_target"
    MISSES_TARGET = "misses_target"
    TARGET_UNDECIDED = "target_undecided"
    NO_VERDICT = "no_verdict"
    INSUFFICIENT_DATA = "insufficient_data"
    SAMPLE_RATIO_MISMATCH = "sample_ratio_mismatch"  # an A/B whose split is not the planned one

    @property
    def label(self) -> str:
        """The words a reader sees."""
        return _VERDICT_LABELS[self]

    @property
    def is_good(self) -> bool:
        """A supported gain: an improvement, or a level that meets its target."""
        return self in (Verdict.IMPROVED, Verdict.MEETS_TARGET)

    @property
    def is_bad(self) -> bool:
        return self in (Verdict.REGRESSED, Verdict.MISSES_TARGET)


_VERDICT_LABELS = {
    Verdict.IMPROVED: "improved",
    Verdict.REGRESSED: "regressed",
    Verdict.NO_DETECTABLE_CHANGE: "no detectable change",
    Verdict.MEETS_TARGET: "meets target",
    Verdict.MISSES_TARGET: "misses target",
    Verdict.TARGET_UNDECIDED: "target not decided (the interval spans it)",
    Verdict.NO_VERDICT: "",
    Verdict.INSUFFICIENT_DATA: "insufficient data",
    Verdict.SAMPLE_RATIO_MISMATCH: "not trustworthy: SRM",
}
COMPARISON_VERDICTS = frozenset({Verdict.IMPROVED, Verdict.REGRESSED, Verdict.NO_DETECTABLE_CHANGE})
TARGET_VERDICTS = frozenset({Verdict.MEETS_TARGET, Verdict.MISSES_TARGET, Verdict.TARGET_UNDECIDED})


class Comparison(StrEnum):
    """What a claim compares, which decides the verdicts it may carry and how it reads."""

    BEFORE_AFTER = "before_after"  # two periods, no control: "after", never "caused"
    AB = "ab"  # a randomised test
    PAIRED = "paired"  # the same items under two versions
    TREND = "trend"  # a slope change in a series
    COUNTERFACTUAL = "counterfactual"  # an outcome that did not happen, with its assumptions
    TARGET = "target"  # a level judged against a target or SLO
    COUNT = "count"  # a level or count on its own

    @property
    def allowed_verdicts(self) -> frozenset[Verdict]:
        if self is Comparison.TARGET:
            kinds = TARGET_VERDICTS
        elif self is Comparison.COUNT:
            kinds = frozenset({Verdict.NO_VERDICT})
        elif self is Comparison.AB:
            kinds = COMPARISON_VERDICTS | {Verdict.SAMPLE_RATIO_MISMATCH}
        else:
            kinds = COMPARISON_VERDICTS
        return kinds | {Verdict.INSUFFICIENT_DATA}

    @property
    def is_level(self) -> bool:
        """The estimate is a level (a rate, a mean, a count), not a change."""
        return self in (Comparison.TARGET, Comparison.COUNT)

    @property
    def is_signed(self) -> bool:
        """The estimate is a change with a sign, which a verb ("cut", "raised") can carry."""
        return self in (Comparison.BEFORE_AFTER, Comparison.AB, Comparison.PAIRED, Comparison.TREND)

    @property
    def is_uncontrolled(self) -> bool:
        """Periods compared with no control group: the estimate is an association, and the
        prose may say "after", never "caused"."""
        return self in (Comparison.BEFORE_AFTER, Comparison.TREND)


class Outcome(StrEnum):
    """Which column of the brief a claim's value counts in: what the work shipped, or what it
    kept from happening (a counterfactual, an escaped regression, decay held off)."""

    SHIPPED = "shipped"
    PREVENTED = "prevented"


class LintKind(StrEnum):
    """What a lint rule reads: a packet, or what someone wrote about another person (a manager
    review, peer feedback, a rating or decision reason)."""

    PACKET = "packet"
    REVIEW = "review"


class Audience(StrEnum):
    """Whom a drafted packet is written for: the promotion committee, or the manager."""

    COMMITTEE = "committee"
    MANAGER = "manager"


class ClaimRole(StrEnum):
    """What the person did in a claim's work, as the packet states it ("led, with SRE")."""

    LED = "led"
    BUILT = "built"
    ENABLED = "enabled"
    CONTRIBUTED = "contributed"


# What a claim says where neither its evidence nor the person records a role.
ROLE_NOT_RECORDED = "role not recorded"


class ArtifactKind(StrEnum):
    """What a piece of enabling work is: a standard others follow, a design, code they use, or
    a change of who owns what."""

    RFC = "rfc"
    DESIGN_DOC = "design_doc"
    LIBRARY = "library"
    OWNERSHIP = "ownership"  # an ownership change: a RACI, an on-call rotation, a contract
    INTERVIEW_LOOP = "interview_loop"  # an interview loop designed: its stages and rubrics

    @property
    def is_adoptable(self) -> bool:
        """Work other teams adopt (a standard, a design, code), which enablement counts."""
        return self in (ArtifactKind.RFC, ArtifactKind.DESIGN_DOC, ArtifactKind.LIBRARY)


class ReleaseArtifact(StrEnum):
    """What a release put into production, as the recipes read it: a model swap (the eval
    gate), a prompt, a gateway or cache change (cost and latency shares), a schema (structured
    output), trace capture (the flight recorder), a deprecation, or upkeep (sustain)."""

    MODEL = "model"
    PROMPT = "prompt"
    GATEWAY = "gateway"
    CACHE = "cache"
    SCHEMA = "schema"
    TRACING = "tracing"
    DEPRECATION = "deprecation"
    SUSTAIN = "sustain"


class Recommendation(StrEnum):
    """An interviewer's overall recommendation on a scorecard, in the vocabulary applicant
    tracking systems share (Greenhouse's ``overall_recommendation``; unified ATS APIs write it in
    capitals, DEFINITELY_NO for definitely_not)."""

    DEFINITELY_NOT = "definitely_not"
    NO = "no"
    YES = "yes"
    STRONG_YES = "strong_yes"
    NO_DECISION = "no_decision"

    @property
    def hire(self) -> bool | None:
        """Whether it says hire; None when it says neither."""
        if self is Recommendation.NO_DECISION:
            return None
        return self in (Recommendation.YES, Recommendation.STRONG_YES)


class HiringOutcome(StrEnum):
    """How a candidate's application ended."""

    HIRED = "hired"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class CandidacyState(StrEnum):
    """Where a packet submitted to a cohort stands in its review cycle."""

    DRAFT = "draft"  # not (or no longer) before the committee
    SUBMITTED = "submitted"
    IN_CALIBRATION = "in_calibration"
    DECIDED = "decided"
    RELEASED = "released"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def before_committee(self) -> bool:
        """A committee sitting on the cohort may read it."""
        return self is not CandidacyState.DRAFT


__all__ = [
    "COMPARISON_VERDICTS",
    "RATING_LABELS",
    "TARGET_VERDICTS",
    "CandidacyState",
    "ClaimRole",
    "Comparison",
    "Direction",
    "Outcome",
    "Verdict",
]


# Scorecard and committee ratings as people read them.
RATING_LABELS = {
    "insufficient_evidence": "insufficient evidence",
    "not_yet": "not yet",
    "meets": "meets",
    "exceeds": "exceeds",
    "next_level": "next level",
}


class Tracker(StrEnum):
    """The issue tracker a ticket comes from."""

    JIRA = "jira"
    LINEAR = "linear"
    GITHUB = "github"


class TicketState(StrEnum):
    """Where a ticket's status stands, in the categories trackers share: Jira's status
    categories (new, indeterminate, done) and Linear's state types (triage, backlog, unstarted;
    started; completed; canceled). A GitHub issue is only open or closed: an open one is
    ``open``, which says nothing of whether work on it started."""

    OPEN = "open"
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELED = "canceled"
