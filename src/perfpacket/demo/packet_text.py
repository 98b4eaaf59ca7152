"""The demo packet: prose whose every number is a claim reference."""

PACKET_MARKDOWN = """\
---
person: Ana Okafor
title: "Ana Okafor: Senior AI Engineer → Staff Applied AI Engineer"
role: staff-applied-ai-engineer
current_level: Senior AI Engineer
target_level: Staff Applied AI Engineer
cycle: 2026 H2
ladder: ai-engineering
ask: >-
  Promote to Staff. Ana made model and prompt changes safe, cheap and fast to ship
  for the product teams that build on the LLM gateway.
---

## Summary

This cycle I enabled the product teams to change models and prompts weekly instead of
monthly, without raising the risk of a bad release. After the eval gate I led with the ML
platform and SRE teams went into CI, the regression escape rate on model swaps went from
{{ claim.eval-regression-rate.baseline }} to {{ claim.eval-regression-rate.current }}
({{ claim.eval-regression-rate.estimate }}, {{ claim.eval-regression-rate.ci }}), worth
{{ claim.eval-regression-rate.value }} in avoided rollbacks. The gate replaced the manual QA
cycle; the time a swap waits for review changed by {{ claim.qa-cycle-time }}.

## Outcomes mapped to company goals

- **Reliability OKR (prevented outcomes).** The budget guard in the LLM gateway stopped a
  runaway integration loop at a run rate of {{ claim.budget-guard-blocked-spend }} before
  finance saw it. The prompt kill switch rerouted traffic to the previous prompt version on
  every trip; by the historical rate at which bad releases became incidents, it averted
  {{ claim.kill-switch-incidents-averted }}, worth {{ claim.kill-switch-incidents-averted.value }}.
- **Revenue OKR.** The answer prompt I designed with Product and Data Science lifted
  assistant-to-purchase conversion by {{ claim.support-answer-prompt-v2-lift }}, worth
  {{ claim.support-answer-prompt-v2-lift.value }} at current traffic.
- **Quality.** The reranker I led with the Search team raised retrieval quality by
  {{ claim.lm-eval-retrieval-offline-lift }} on a fixed query set; the A/B above is how that quality
  reached users.
- **Cost OKR.** After I routed simple requests to a smaller model with a prefix cache, LLM
  cost changed by {{ claim.cost-per-1k-requests }}, worth {{ claim.cost-per-1k-requests.value }}
  at production volume, and p95 latency for users changed by {{ claim.p95-latency }}. Energy
  per request changed by {{ claim.energy-per-request }}, {{ claim.energy-per-request.value }}.
- **Reliability work no dashboard shows.** After the typed output boundary I built, the share
  of model outputs that fail to parse or validate went from
  {{ claim.invalid-output-rate.baseline }} to {{ claim.invalid-output-rate.current }}
  ({{ claim.invalid-output-rate }}); at the rate malformed output caused incidents before it,
  {{ claim.malformed-output-incidents-averted }} were averted. After per-tool TTLs and
  invalidation on the tool-result cache, the share of cached answers past their TTL went from
  {{ claim.stale-cache-answers.baseline }} to {{ claim.stale-cache-answers.current }}. With the
  flight recorder, incidents that had a trace took a median of
  {{ claim.time-to-diagnose-with-traces.current }} to diagnose, against
  {{ claim.time-to-diagnose-with-traces.baseline }} for those without one.
- **Quality with no ground truth.** Sampled support answers, graded against the quality SLO,
  burned {{ claim.graded-error-budget-burn }}. The grading judge agrees with
  people at a kappa of {{ claim.judge-human-agreement }}: not yet enough to call substantial, so
  people keep grading a share of the answers beside it.
- **Sustaining what shipped.** The support-answer feature's pass rate was trending at
  {{ claim.promptfoo-support-answer-health-decay.baseline }} from model deprecations and input
  drift, with no incident to show for it. After the drift fixes I led with the Assistant team,
  its weekly trend changed by {{ claim.promptfoo-support-answer-health-decay }}, preserving
  {{ claim.promptfoo-support-answer-health-decay.value }} against the drift.

## Cross-team work

I review other teams' changes at {{ claim.reviews-given }}; the eval gate RFC I wrote is now
the release standard of the product teams.

## Trade-offs

The gate adds a wait of {{ claim.qa-cycle-time.current }} to every swap. Product teams gave up
same-minute hot fixes; in exchange they stopped waiting {{ claim.qa-cycle-time.baseline }} for
QA, and the kill switch covers the urgent cases.
We agreed the threshold together and wrote down what each side accepted.

## Operational cost

The gate and the guard run in the existing CI and gateway fleets. I joined the SRE on-call
rotation for both and wrote their playbooks.

## The next year

Extend the gate to agents with tool use: flight recording of every tool call, a grading judge
that agrees with people well enough to grade alone, and a benchmarked eval suite for provider
upgrades.
"""
