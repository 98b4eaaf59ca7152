"""Structured output at the prompt boundary: the share of model outputs that fail to parse or
validate against their schema, before and after typed boundaries shipped; and the
malformed-output incidents that did not happen at the rate they happened before."""

from __future__ import annotations

from perfpacket.claims.recipes._incidents import CauseTag
from perfpacket.claims.recipes._shares import ShareAndIncidentsRecipe
from perfpacket.telemetry.metrics import Condition
from perfpacket.vocab import ReleaseArtifact


class StructuredOutputRecipe(ShareAndIncidentsRecipe):
    name = "structured-output"
    title = "Structured output at the prompt boundary"
    dimensions: tuple[str, ...] = ("ai-system-design", "software-engineering")
    condition = Condition.INVALID_OUTPUT  # output_valid false, of calls with it set
    # Typed boundaries ship as a release of their own (artifact 'schema': a schema in the
    # prompt, its parser, or validation and retry at the gateway). Not any prompt or gateway
    # release: the latest of those need not be the one that put a type on the boundary.
    artifacts = (ReleaseArtifact.SCHEMA,)
    cause = CauseTag.MALFORMED_OUTPUT
    share_slug = "invalid-output-rate"
    share_title = "Model outputs failing their schema"
    share_metric = "share of model outputs that fail to parse or validate"
    value_note = "retries and fallbacks are in cost and latency; incidents are counted"
    work = "the typed output boundary"
    happened = "malformed model output caused incidents"
