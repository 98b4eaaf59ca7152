"""Interviews and hiring loops: the interviews a person conducted and the loops they designed,
counted (never valued); and, where the hiring decisions are known, how well their
recommendations agreed with them.

Interviews come from an applicant tracking system's scorecard export (interviews-csv), each
the interviewer's; loops designed are artifacts of kind ``interview_loop``.

- Interviews conducted: a rate per month over the months the interviews span, with the exact
  Poisson interval (the same form as reviews given); a count of work done, with no verdict.
- Loops designed: how many, exactly; a count, with no interval to give.
- Calibration: Cohen's kappa between the person's hire / no-hire recommendations and the
  decisions, over the candidates whose application ended hired or rejected, with its asymptotic
  interval. A decision is partly made of the recommendations, so agreement is an upper bound on
  independent calibration; the claim says so. No verdict: there is no agreed bar for one
  interviewer.
- Loop calibration: the same agreement over every interviewer's scorecards in the loops the
  person designed (an ``interview_loop`` artifact titled with the loop's name as the ATS gives
  it), which is how well the loop's stages and rubrics sort candidates.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from perfpacket.claims.model import ClaimDraft
from perfpacket.claims.phrasing import by_me, ref
from perfpacket.claims.recipe import Need, RecipeContext
from perfpacket.claims.recipes._query import DAYS_PER_MONTH, person_records
from perfpacket.slugs import slugify
from perfpacket.stats import (
    Direction,
    StatResult,
    agreement_table,
    as_level,
    cohens_kappa_interval,
    poisson_rate_interval,
)
from perfpacket.store.models import Artifact, Claim, Interview
from perfpacket.vocab import ArtifactKind, Comparison, HiringOutcome, Verdict

SOURCE = "perfpacket import interviews-csv (an ATS scorecard export)"


def _loops(ctx: RecipeContext) -> list[Artifact]:
    return [
        a for a in person_records(ctx, Artifact) if a.artifact_kind == ArtifactKind.INTERVIEW_LOOP
    ]


def _decided(interviews: Sequence[Interview]) -> list[tuple[Interview, bool, bool]]:
    """(interview, recommended hire, hired) for interviews with a decisive recommendation and
    a decided outcome."""
    found = []
    for i in interviews:
        hire = i.recommendation.hire
        if hire is None or i.outcome not in (HiringOutcome.HIRED, HiringOutcome.REJECTED):
            continue
        found.append((i, hire, i.outcome is HiringOutcome.HIRED))
    return found


def _in_loops(ctx: RecipeContext, loops: Sequence[Artifact]) -> list[Interview]:
    """Every interviewer's interviews in the loops the person designed: an interview_loop
    artifact's title is the loop's name as the ATS export gives it."""
    names = {a.title.strip().lower() for a in loops}
    stmt = select(Interview).order_by(Interview.interviewed_at, Interview.id)
    return [i for i in ctx.session.scalars(stmt) if (i.loop or "").strip().lower() in names]


class InterviewingRecipe:
    name = "interviewing"
    title = "Interviews and hiring loops"
    dimensions: tuple[str, ...] = ("leadership-communication",)
    needs: tuple[Need, ...] = (
        Need(
            "interviews you conducted (your email or handle in the interviewer column)",
            SOURCE,
            1,
            lambda ctx: len(person_records(ctx, Interview)),
        ),
        Need(
            "interview loops you designed",
            "perfpacket import artifacts-csv (kind interview_loop)",
            1,
            lambda ctx: len(_loops(ctx)),
        ),
        Need(
            "interviews whose candidate was hired or rejected (column outcome)",
            SOURCE,
            1,
            lambda ctx: len(_decided(person_records(ctx, Interview))),
        ),
        Need(
            "interviews in loops you designed (the ATS's loop name as the artifact's title)",
            SOURCE,
            1,
            lambda ctx: len(_in_loops(ctx, _loops(ctx))),
        ),
    )

    def describe(self, claim: Claim) -> str:
        """Counts as counts; agreement with decisions as a level, with its caveat."""
        if claim.slug == "interview-loop-calibration":
            return (
                f"In the interview loops I designed, interviewers' recommendations agreed with "
                f"the hiring decisions at a kappa of {ref(claim)}; the decisions weigh those "
                f"recommendations, so this is an upper bound on the loops' calibration."
            )
        if claim.slug == "hiring-calibration":
            return (
                f"My hire and no-hire recommendations agreed with the hiring decisions at a "
                f"kappa of {ref(claim)}; the decisions weigh my recommendations, so this is "
                f"an upper bound on how well calibrated they are."
            )
        if claim.slug == "interview-loops-designed":
            return f"I designed {ref(claim)} for the hiring the team did."
        work = by_me(claim, "interviewing")
        return f"For {work}, I conducted interviews at {ref(claim)}."

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        interviews = person_records(ctx, Interview)
        claims = []
        if interviews:
            first, last = interviews[0].interviewed_at, interviews[-1].interviewed_at
            months = round(max((last - first).days / DAYS_PER_MONTH, 1.0), 6)
            rate = poisson_rate_interval(len(interviews), months)
            claims.append(
                ClaimDraft(
                    slug=slugify("interviews-conducted"),
                    title="Interviews conducted",
                    recipe=self.name,
                    metric="interviews conducted",
                    unit="interviews/month",
                    direction=Direction.HIGHER_IS_BETTER,
                    comparison=Comparison.COUNT,
                    result=rate,
                    baseline=None,
                    current=float(len(interviews)),
                    dimensions=self.dimensions,
                    assumptions=(
                        f"{len(interviews)} interviews from {first:%Y-%m-%d} to {last:%Y-%m-%d} "
                        f"({months:.1f} months, at least one), as the ATS recorded them",
                    ),
                    evidence_ids=tuple(i.id for i in interviews),
                    details={
                        "interviews": len(interviews),
                        "loops": sorted({i.loop for i in interviews if i.loop}),
                        "value_note": "hiring work is counted, not priced",
                    },
                    inputs={"interviews": len(interviews), "months": months},
                )
            )
        loops = _loops(ctx)
        if loops:
            exact = StatResult(
                method="count of interview loops designed (artifacts of kind interview_loop)",
                estimate=float(len(loops)),
                ci_low=None,
                ci_high=None,
                ci_level=0.95,
                sample_sizes={"loops": len(loops)},
                verdict=Verdict.NO_VERDICT,
            )
            claims.append(
                ClaimDraft(
                    slug=slugify("interview-loops-designed"),
                    title="Interview loops designed",
                    recipe=self.name,
                    metric="interview loops designed",
                    unit="loops",
                    direction=Direction.HIGHER_IS_BETTER,
                    comparison=Comparison.COUNT,
                    result=exact,
                    baseline=None,
                    current=float(len(loops)),
                    dimensions=self.dimensions,
                    assumptions=("a count of loops, not of their quality",),
                    evidence_ids=tuple(a.id for a in loops),
                    details={
                        "loops": [a.title for a in loops],
                        "value_note": "counted, not priced",
                    },
                    inputs={"loops": [a.title for a in loops]},
                )
            )
        mine = _decided(interviews)
        if mine:
            claims.append(
                self._calibration(
                    mine,
                    slug="hiring-calibration",
                    title="Agreement of my interview recommendations with hiring decisions",
                    whose="my recommendations",
                )
            )
        in_loops = _decided(_in_loops(ctx, loops)) if loops else []
        if in_loops:
            claims.append(
                self._calibration(
                    in_loops,
                    slug="interview-loop-calibration",
                    title="Agreement of the loops' recommendations with hiring decisions",
                    whose="every interviewer's recommendations in the loops I designed",
                )
            )
        return claims

    def _calibration(
        self,
        decided: list[tuple[Interview, bool, bool]],
        *,
        slug: str,
        title: str,
        whose: str,
    ) -> ClaimDraft:
        table = agreement_table((hire, hired) for _i, hire, hired in decided)
        return ClaimDraft(
            slug=slugify(slug),
            title=title,
            recipe=self.name,
            metric="recommendation–decision agreement (Cohen's kappa)",
            unit="kappa",
            direction=Direction.HIGHER_IS_BETTER,
            comparison=Comparison.COUNT,
            result=as_level(cohens_kappa_interval(table)),
            baseline=None,
            current=None,
            dimensions=self.dimensions,
            assumptions=(
                f"over {whose}, for candidates hired or rejected",
                "a hiring decision weighs the interviewers' recommendations, so agreement "
                "with it is an upper bound on independent calibration",
                "strong_yes and yes count as hire, no and definitely_not as no hire; "
                "no_decision, withdrawn and undecided candidates are left out",
            ),
            evidence_ids=tuple(i.id for i, _hire, _hired in decided),
            details={"decided": len(decided), "table": table, "value_note": "not priced"},
            inputs={"table": table},
        )
