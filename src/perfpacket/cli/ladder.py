"""``perfpacket ladder validate|show|convert``, ``perfpacket assess`` and ``perfpacket plan``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from perfpacket.cli._io import console, print_json, say, workspace_from
from perfpacket.ladder import DEFAULT_LADDER


def _assessment(
    ctx: typer.Context, ladder_name: str | None, role: str | None, person: str | None
) -> tuple[Any, Any]:
    """The person's assessment, with the ladder and role chosen as for their packet
    (perfpacket.snapshot.choose_target): the options, the workspace's [packet] table, the
    ladder's default role."""
    from perfpacket.claims import resolve_person
    from perfpacket.snapshot import assess_person, choose_target

    ws = workspace_from(ctx)
    target = choose_target({}, ws.config, ladder_name, role)
    with ws.open_store() as store, store.session() as session:
        who = resolve_person(session, person, ws.person)
        result = assess_person(session, who, target)
    return target.ladder, result


def register(app: typer.Typer) -> None:
    ladder_app = typer.Typer(help="Career ladders: validate, show and convert them.")
    app.add_typer(ladder_app, name="ladder")

    @ladder_app.command()
    def validate(
        files: list[Path] = typer.Argument(
            None, help="Ladder files (default: every built-in ladder)."
        ),
    ) -> None:
        """Check ladders: schema, weights summing to 100, contiguous levels, references, ids."""
        from perfpacket.ladder.formats import convert
        from perfpacket.ladder.schema import builtin_ladders, check_ladder, parse_ladder

        paths = list(files) if files else list(builtin_ladders().values())
        failed = False
        for path in paths:
            if not path.is_file():
                say(f"{path}:1: does not exist")
                failed = True
                continue
            ladder, problems, root = parse_ladder(
                convert(path.read_text(encoding="utf-8"), str(path)), str(path)
            )
            if ladder is not None:
                problems = check_ladder(ladder, str(path), root)
            for problem in problems:
                say(str(problem))
            if problems:
                failed = True
            else:
                assert ladder is not None
                counts = f"{len(ladder.domains)} domains, {len(ladder.levels)} levels"
                say(f"{path}: valid ({counts}, {len(ladder.roles)} roles)")
        if failed:
            raise typer.Exit(1)

    @ladder_app.command()
    def show(
        name: str = typer.Argument(DEFAULT_LADDER, help="A built-in ladder or a file."),
    ) -> None:
        """Print a ladder readably: domains by level, roles with their scorecards and KPIs."""
        from perfpacket.ladder.schema import load_ladder

        ladder = load_ladder(name)
        say(f"{ladder.title} ({ladder.name})")
        domains = Table("domain", *[f"level {i}" for i in range(1, 6)], title="Capability domains")
        for d in ladder.domains:
            domains.add_row(d.name, *[lv.executes for lv in d.levels])
        console.print(domains)
        for role in ladder.roles:
            card = Table(
                "dimension",
                "weight",
                "meets",
                "excellent",
                title=f"{role.name} (level {role.level})",
            )
            for dim in role.scorecard:
                card.add_row(dim.name, f"{dim.weight:g}", dim.meets, dim.excellent)
            console.print(card)
            if role.kpis:
                kpis = Table("KPI", "target", "cadence")
                for k in role.kpis:
                    kpis.add_row(k.name, k.target, k.cadence)
                console.print(kpis)
        rules = Table(
            "level", "deepest domain", "domains practised", "impacts", title="Level rules"
        )
        for lv in sorted(ladder.levels, key=lambda x: x.rank):
            rules.add_row(
                lv.name, str(lv.rule.min_depth), str(lv.rule.min_breadth), str(lv.rule.min_impacts)
            )
        console.print(rules)

    @ladder_app.command()
    def convert(
        path: Path = typer.Argument(..., help="A Monzo-style framework or a points-table ladder."),
        out: Path = typer.Option(..., "--out", help="Where to write perfpacket's ladder YAML."),
    ) -> None:
        """Convert a bring-your-own ladder, with its inferred evidence mapping to review."""
        from perfpacket.ladder.formats import convert as to_native

        out.write_text(to_native(path.read_text(encoding="utf-8"), str(path)), encoding="utf-8")
        say(f"Wrote {out}; review its recipes mapping, then `perfpacket ladder validate {out}`")

    @app.command()
    def assess(
        ctx: typer.Context,
        ladder: str | None = typer.Option(
            None, "--ladder", help="A built-in ladder or a file (default: the workspace's)."
        ),
        role: str | None = typer.Option(None, "--role", help="The role to assess against."),
        person: str | None = typer.Option(None, "--person", metavar="EMAIL"),
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """Rate each scorecard dimension from evidence, with reasons, spread and the level rule."""
        _ladder, result = _assessment(ctx, ladder, role, person)
        data = result.to_dict()
        if as_json:
            print_json(data)
            return
        table = Table(
            "dimension",
            "weight",
            "rating",
            "items",
            "quarters",
            "why",
            title=f"{data['person']}: {data['role']}",
        )
        for d in data["dimensions"]:
            table.add_row(
                d["id"],
                f"{d['weight']:g}",
                d["rating"],
                str(len(d["evidence"])),
                str(d["spread"]["quarters_covered"]),
                "; ".join(d["reasons"][:2]),
            )
        console.print(table)
        score = "n/a" if data["score"] is None else f"{data['score']:.2f} of 4"
        say(f"score {score} over rated dimensions, covering {data['coverage']:.0%} of the weight")
        lv = data["level"]
        readiness = "ready" if lv["ready"] else "not ready"
        current = lv["current"] or "insufficient evidence"
        say(f"level: {current} (target {lv['target']}; {readiness})")
        for reason in lv["reasons"]:
            say(f"  {reason}")
        for why, n in data["excluded"].items():
            say(f"not counted: {n} {why}")

    @app.command()
    def plan(
        ctx: typer.Context,
        ladder: str | None = typer.Option(
            None, "--ladder", help="A built-in ladder or a file (default: the workspace's)."
        ),
        role: str | None = typer.Option(None, "--role", help="The role to grow towards."),
        person: str | None = typer.Option(None, "--person", metavar="EMAIL"),
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """Growth opportunities: depth, breadth, scale, impact, leadership; soonest first."""
        from perfpacket.ladder.plan import plan as make_plan

        ladder_obj, result = _assessment(ctx, ladder, role, person)
        opportunities = make_plan(ladder_obj, result)
        if as_json:
            print_json({"opportunities": opportunities})
            return
        table = Table("vector", "from", "to", "months", "shows it", "risk")
        for o in opportunities:
            table.add_row(
                o["vector"],
                o["current"],
                o["target"],
                f"{o['months']:g}",
                o["validation_criteria"],
                o["risk"],
            )
        console.print(table)
