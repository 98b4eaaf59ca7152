"""Ladders as validated data: capability domains x levels, roles with scorecards and KPIs,
level rules, and the mapping from recipes and evidence kinds to dimensions and domains.

Errors name the file and line: structure through pydantic, meaning (weights, contiguous
levels, references, duplicates) through :func:`check_ladder`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from perfpacket._yaml import compose_yaml, load_yaml


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DomainLevel(Strict):
    level: int
    executes: str
    knowledge: str = ""
    demonstrates: str
    typical_months: float | None = None


class Domain(Strict):
    id: str
    name: str
    levels: list[DomainLevel]


class Dimension(Strict):
    id: str
    name: str
    weight: float
    meets: str
    excellent: str
    domains: list[str] = Field(default_factory=list)


class Kpi(Strict):
    id: str
    name: str
    target: str  # as people write it: "<= 10", ">= 99.9", "p95 < 500"
    cadence: str = ""
    metric: str | None = None  # the claim metric that measures it
    unit: str | None = None
    measure: str = "current"  # the claim's level after the change, or its "estimate" (a lift)


class LevelRule(Strict):
    """The source's level rule: depth of the deepest domain, breadth, demonstrated impacts."""

    min_depth: int = 0
    min_breadth: int = 0
    breadth_depth: int = 2  # how deep a domain must be to count towards breadth
    min_impacts: int = 0


class Level(Strict):
    id: str
    name: str
    rank: int
    rule: LevelRule


class Role(Strict):
    id: str
    name: str
    level: str
    scorecard: list[Dimension]
    kpis: list[Kpi] = Field(default_factory=list)
    promotion_criteria: list[str] = Field(default_factory=list)
    anti_patterns: list[str] = Field(default_factory=list)


class Mapping(Strict):
    dimensions: list[str] = Field(default_factory=list)
    domains: list[str] = Field(default_factory=list)


class Ladder(Strict):
    name: str
    title: str
    source: str = ""
    # The role a packet is assessed against when neither it nor the workspace names one.
    default_role: str | None = None
    domains: list[Domain]
    levels: list[Level]
    roles: list[Role]
    recipes: dict[str, Mapping] = Field(default_factory=dict)
    evidence: dict[str, Mapping] = Field(default_factory=dict)
    # How many points a rating earns, and which level a total reaches (points-table ladders).
    points: dict[str, Any] | None = None

    def role(self, role_id: str | None) -> Role:
        if role_id is None:
            role_id = self.default_role or self.roles[0].id
        for role in self.roles:
            if role.id == role_id:
                return role
        from perfpacket.errors import NotFoundError

        raise NotFoundError(
            f"ladder '{self.name}' has no role '{role_id}'",
            hint="roles: " + ", ".join(r.id for r in self.roles),
        )


@dataclass(frozen=True)
class LadderProblem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def _node_at(node: yaml.Node, path: tuple[Any, ...]) -> yaml.Node:
    """The YAML node at a pydantic error location, as deep as it exists."""
    for key in path:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == key), None)
            if match is None:
                return node
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            return node
    return node


def _where(root: yaml.Node, path: tuple[Any, ...]) -> int:
    return _node_at(root, path).start_mark.line + 1


def parse_ladder(
    text: str, file: str
) -> tuple[Ladder | None, list[LadderProblem], yaml.Node | None]:
    try:
        root = compose_yaml(text)
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [LadderProblem(file, mark.line + 1 if mark else 1, "not valid YAML")], None
    if root is None or not isinstance(data, dict):
        return (
            None,
            [LadderProblem(file, 1, "a ladder is a mapping with name, domains, levels and roles")],
            None,
        )
    try:
        return Ladder.model_validate(data), [], root
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            field = ".".join(str(p) for p in loc)
            problems.append(LadderProblem(file, _where(root, loc), f"{field}: {err['msg']}"))
        return None, problems, root


def check_ladder(ladder: Ladder, file: str, root: yaml.Node | None) -> list[LadderProblem]:
    """What a schema cannot say: weights, contiguous levels, references, duplicate ids."""
    problems: list[LadderProblem] = []

    def at(*path: Any) -> int:
        return _where(root, path) if root is not None else 1

    def duplicates(ids: list[str], path: tuple[Any, ...], what: str) -> None:
        seen: set[str] = set()
        for i, ident in enumerate(ids):
            if ident in seen:
                problems.append(
                    LadderProblem(file, at(*path, i, "id"), f"duplicate {what} id '{ident}'")
                )
            seen.add(ident)

    duplicates([d.id for d in ladder.domains], ("domains",), "domain")
    duplicates([lv.id for lv in ladder.levels], ("levels",), "level")
    duplicates([r.id for r in ladder.roles], ("roles",), "role")
    if ladder.default_role is not None and ladder.default_role not in {r.id for r in ladder.roles}:
        problems.append(
            LadderProblem(
                file,
                at("default_role"),
                f"default_role '{ladder.default_role}' is not one of the roles: "
                + ", ".join(r.id for r in ladder.roles),
            )
        )
    domain_ids = {d.id for d in ladder.domains}
    for i, domain in enumerate(ladder.domains):
        numbers = sorted(level.level for level in domain.levels)
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append(
                LadderProblem(
                    file,
                    at("domains", i, "levels"),
                    f"domain '{domain.id}' levels must run 1, 2, 3... without gaps; found "
                    + ", ".join(map(str, numbers)),
                )
            )
    level_ids = {lv.id for lv in ladder.levels}
    dimension_ids: set[str] = set()
    for r, role in enumerate(ladder.roles):
        if role.level not in level_ids:
            problems.append(
                LadderProblem(
                    file,
                    at("roles", r, "level"),
                    f"role '{role.id}' names unknown level '{role.level}'",
                )
            )
        duplicates([d.id for d in role.scorecard], ("roles", r, "scorecard"), "dimension")
        total = sum(d.weight for d in role.scorecard)
        if abs(total - 100) > 1e-9:
            problems.append(
                LadderProblem(
                    file,
                    at("roles", r, "scorecard"),
                    f"role '{role.id}' scorecard weights sum to {total:g}, not 100",
                )
            )
        duplicates([k.id for k in role.kpis], ("roles", r, "kpis"), "KPI")
        for d, dim in enumerate(role.scorecard):
            dimension_ids.add(dim.id)
            for ref in dim.domains:
                if ref not in domain_ids:
                    problems.append(
                        LadderProblem(
                            file,
                            at("roles", r, "scorecard", d, "domains"),
                            f"dimension '{dim.id}' names unknown domain '{ref}'",
                        )
                    )
    for section in ("recipes", "evidence"):
        for key, mapping in getattr(ladder, section).items():
            for ref in mapping.dimensions:
                if ref not in dimension_ids:
                    problems.append(
                        LadderProblem(
                            file,
                            at(section, key, "dimensions"),
                            f"{section} mapping '{key}' names unknown dimension '{ref}'",
                        )
                    )
            for ref in mapping.domains:
                if ref not in domain_ids:
                    problems.append(
                        LadderProblem(
                            file,
                            at(section, key, "domains"),
                            f"{section} mapping '{key}' names unknown domain '{ref}'",
                        )
                    )
    return problems


BUILTIN = Path(__file__).parent / "builtin"


def builtin_ladders() -> dict[str, Path]:
    return {p.stem: p for p in sorted(BUILTIN.glob("*.yaml"))}


def load_ladder(name_or_path: str) -> Ladder:
    """A built-in ladder by name, or a ladder file (native, Monzo-style or points table)."""
    from perfpacket.errors import InputError, NotFoundError
    from perfpacket.ladder.formats import convert

    builtins = builtin_ladders()
    path = builtins.get(name_or_path) or Path(name_or_path)
    if not path.is_file():
        raise NotFoundError(
            f"no ladder '{name_or_path}'",
            hint="built-in ladders: " + ", ".join(builtins) + "; or give a ladder file",
        )
    text = path.read_text(encoding="utf-8")
    ladder, problems, root = parse_ladder(convert(text, str(path)), str(path))
    if ladder is not None:
        problems = check_ladder(ladder, str(path), root)
    if problems or ladder is None:
        raise InputError(
            f"'{path}' is not a valid ladder: {problems[0]}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
            hint=f"run `perfpacket ladder validate {path}` for every problem",
        )
    return ladder
