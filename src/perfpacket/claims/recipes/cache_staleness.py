"""Tool-result cache staleness: the share of answers served from a cache older than its
freshness contract, before and after a TTL or invalidation change; and the stale-data
incidents that did not happen at the rate they happened before it."""

from __future__ import annotations

from perfpacket.claims.recipes._incidents import CauseTag
from perfpacket.claims.recipes._shares import ShareAndIncidentsRecipe
from perfpacket.telemetry.metrics import Condition
from perfpacket.vocab import ReleaseArtifact


class CacheStalenessRecipe(ShareAndIncidentsRecipe):
    name = "cache-staleness"
    title = "Tool-result cache staleness"
    dimensions: tuple[str, ...] = ("ai-system-design", "mlops-operations")
    condition = Condition.STALE  # cache_age_s > cache_ttl_s, of cache-served answers
    # A TTL or invalidation change ships as a cache release, or inside a gateway release.
    artifacts = (ReleaseArtifact.CACHE, ReleaseArtifact.GATEWAY)
    cause = CauseTag.STALE_DATA
    share_slug = "stale-cache-answers"
    share_title = "Answers served from a cache older than its TTL"
    share_metric = "share of cached answers past their freshness contract"
    value_note = "a stale answer has no price of its own; its incidents are counted"
    work = "the cache freshness change"
    happened = "stale-data incidents happened"
