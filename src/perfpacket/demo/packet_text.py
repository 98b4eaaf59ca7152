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
  for four product teams.
---

## Summary

Over the last twelve months I enabled four product teams to change models and prompts weekly
instead of monthly, without raising the risk of a bad release. The eval gate I led with the ML
platform and SRE teams cut the regression escape rate on model swaps by
{{ claim.eval-regression-rate }}, from {{ claim.eval-regression-rate.baseline }} to
{{ claim.eval-regression-rate.current }}, worth {{ claim.eval-regression-rate.value }} in
avoided rollbacks, and replaced the manual QA cycle: {{ claim.qa-cycle-time }} per swap.

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
  {{ claim.retrieval-offline-lift }} on a fixed query set; the A/B above is how that quality
  reached users.
- **Cost OKR.** Routing simple requests to a smaller model with a prefix cache changed LLM cost
  by {{ claim.cost-per-1k-requests }}, worth {{ claim.cost-per-1k-requests.value }} at
  production volume, and cut p95 latency by {{ claim.p95-latency }} for users. The same change
  saves {{ claim.energy-per-request }} per request, {{ claim.energy-per-request.value }}.
- **Sustaining what shipped.** The support-answer feature was losing about a quarter point of
  pass rate a week to model deprecations and input drift, with no incident to show for it. The
  drift fixes I led with the Assistant team changed its weekly trend by
  {{ claim.feature-health-support-answer-decay }}, preserving
  {{ claim.feature-health-support-answer-decay.value }} against the drift.

## Cross-team work

I review other teams' changes at {{ claim.reviews-given }}, across four repositories; the eval
gate RFC I wrote is now the standard in four product teams.

## Trade-offs

The gate adds a one-hour wait to every swap. Product teams gave up same-minute hot fixes; in
exchange they stopped waiting two weeks for QA, and the kill switch covers the urgent cases.
We agreed the threshold together and wrote down what each side accepted.

## Operational cost

The gate and the guard run in the existing CI and gateway fleets. I joined the SRE on-call
rotation for both and wrote their playbooks.

## Next twelve months

Extend the gate to agents with tool use: flight recording of every tool call, error budgets on
named proxies where there is no ground truth, and a benchmarked eval suite for provider upgrades.
"""
