"""Bring-your-own ladders, converted to perfpacket's ladder format.

- Monzo progression-framework style: ``topics``, each with ``content`` per level listing
  ``criteria`` (Markdown front matter or YAML). Topics become scorecard dimensions with equal
  weights; their levels become a domain per topic.
- Points tables: ``tracks`` with ``milestones`` per level, ``milestone_points`` (points for
  reaching milestone 0, 1, 2...) and ``levels`` with ``min_points``.

Neither format says which evidence supports which topic, so the conversion infers it from
the words of each topic against perfpacket's dimensions, and writes that mapping out where it
can be read and corrected (``perfpacket ladder convert``).
"""

from __future__ import annotations

from typing import Any

import yaml

from perfpacket._yaml import load_yaml
from perfpacket.errors import InputError
from perfpacket.frontmatter import FRONT_MATTER
from perfpacket.slugs import slugify

# Words that point a topic at the evidence recipes and kinds perfpacket already maps.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "eval": ("eval-gate", "quality-lift", "decay-prevention"),
    "quality": ("eval-gate", "quality-lift"),
    "test": ("eval-gate",),
    "experiment": ("ab-lift",),
    "product": ("ab-lift",),
    "impact": ("ab-lift", "cost-guard", "kill-switch"),
    "delivery": ("eval-gate", "cost-efficiency"),
    "work": ("eval-gate", "cost-efficiency"),
    "design": ("cost-efficiency", "latency"),
    "architecture": ("cost-efficiency", "latency"),
    "technical": ("cost-efficiency", "latency", "eval-gate"),
    "craft": ("latency", "eval-gate"),
    "operat": ("reliability", "incident-response", "kill-switch"),
    "reliab": ("reliability", "kill-switch"),
    "incident": ("incident-response",),
    "cost": ("cost-guard", "cost-efficiency"),
    "communicat": ("enablement",),
    "collaborat": ("enablement",),
    "leader": ("enablement",),
    "mentor": ("enablement",),
    "influence": ("enablement",),
    "people": ("enablement",),
}


def _load(text: str, file: str) -> Any:
    match = FRONT_MATTER.match(text)
    body = match.group(1) if match else text
    try:
        return load_yaml(body)
    except yaml.YAMLError:
        return None


def _recipes_for(words: str) -> list[str]:
    found: list[str] = []
    lowered = words.lower()
    for stem, recipes in KEYWORDS.items():
        if stem in lowered:
            found.extend(r for r in recipes if r not in found)
    return found or ["eval-gate", "enablement"]


def _weights(n: int) -> list[int]:
    base, extra = divmod(100, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


def _standard_levels(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"level-{i}",
            "name": f"Level {i}",
            "rank": i,
            "rule": {"min_depth": i, "min_breadth": max(0, i - 1), "breadth_depth": 1},
        }
        for i in range(1, count + 1)
    ]


def _native(
    name: str,
    title: str,
    topics: list[tuple[str, str, list[str]]],
    levels: list[dict[str, Any]],
    source: str,
    points: dict[str, Any] | None,
) -> dict[str, Any]:
    weights = _weights(len(topics))
    dimensions: list[dict[str, Any]] = []
    domains: list[dict[str, Any]] = []
    recipes: dict[str, dict[str, list[str]]] = {}
    for (ident, label, per_level), weight in zip(topics, weights, strict=True):
        domains.append(
            {
                "id": ident,
                "name": label,
                "levels": [
                    {"level": i + 1, "executes": text or label, "demonstrates": text or label}
                    for i, text in enumerate(per_level)
                ],
            }
        )
        dimensions.append(
            {
                "id": ident,
                "name": label,
                "weight": weight,
                "meets": per_level[0] if per_level else label,
                "excellent": per_level[-1] if per_level else label,
                "domains": [ident],
            }
        )
        for recipe in _recipes_for(label + " " + " ".join(per_level)):
            entry = recipes.setdefault(recipe, {"dimensions": [], "domains": []})
            entry["dimensions"].append(ident)
            entry["domains"].append(ident)
    role_level = levels[min(len(levels) - 1, len(levels) // 2)]["id"]
    return {
        "name": name,
        "title": title,
        "source": source,
        "domains": domains,
        "levels": levels,
        "roles": [{"id": name, "name": title, "level": role_level, "scorecard": dimensions}],
        "recipes": recipes,
        "points": points,
    }


def _monzo(data: dict[str, Any], file: str) -> dict[str, Any]:
    topics = []
    for i, topic in enumerate(data["topics"]):
        if not isinstance(topic, dict) or "content" not in topic:
            raise InputError(
                f"'{file}' field topics[{i}].content: missing",
                hint="each topic lists content per level",
            )
        per_level: dict[int, str] = {}
        for entry in topic["content"]:
            per_level[int(entry["level"])] = "; ".join(str(c) for c in entry.get("criteria") or [])
        count = int(data.get("levels") or max(per_level))
        label = str(topic.get("title") or topic.get("name"))
        topics.append(
            (
                slugify(str(topic.get("name") or label)),
                label,
                [per_level.get(n, "") for n in range(1, count + 1)],
            )
        )
    count = max(len(t[2]) for t in topics)
    title = str(data.get("title") or "Imported framework")
    return _native(
        slugify(title),
        title,
        topics,
        _standard_levels(count),
        f"Monzo-style progression framework converted from {file}",
        None,
    )


def _points(data: dict[str, Any], file: str) -> dict[str, Any]:
    topics = []
    for i, track in enumerate(data["tracks"]):
        if not isinstance(track, dict) or not track.get("milestones"):
            raise InputError(
                f"'{file}' field tracks[{i}].milestones: missing",
                hint="each track lists its milestones",
            )
        label = str(track.get("name") or track.get("id"))
        topics.append(
            (
                slugify(str(track.get("id") or label)),
                label,
                [
                    str(m.get("summary") or m) if isinstance(m, dict) else str(m)
                    for m in track["milestones"]
                ],
            )
        )
    levels_in = data.get("levels") or []
    if not levels_in:
        raise InputError(f"'{file}' field levels: missing", hint="list levels with min_points")
    levels = [
        {
            "id": slugify(str(lv["name"])),
            "name": str(lv["name"]),
            "rank": i + 1,
            "rule": {"min_depth": 0, "min_breadth": 0},
        }
        for i, lv in enumerate(sorted(levels_in, key=lambda lv: lv["min_points"]))
    ]
    points = {
        "milestone_points": list(data.get("milestone_points") or [0, 1, 3, 6, 12, 20]),
        "levels": {
            lv["name"] and slugify(str(lv["name"])): int(lv["min_points"]) for lv in levels_in
        },
    }
    title = str(data.get("title") or "Imported points ladder")
    return _native(
        slugify(title), title, topics, levels, f"points-table ladder converted from {file}", points
    )


def convert(text: str, file: str) -> str:
    """The ladder as perfpacket YAML: native files pass through, other formats are converted."""
    data = _load(text, file)
    if isinstance(data, dict) and "topics" in data and "domains" not in data:
        return yaml.safe_dump(_monzo(data, file), sort_keys=False, allow_unicode=True)
    if isinstance(data, dict) and "tracks" in data and "domains" not in data:
        return yaml.safe_dump(_points(data, file), sort_keys=False, allow_unicode=True)
    return text
