"""``perfpacket draft``."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Any

import typer

from perfpacket.cli._io import say, workspace_from
from perfpacket.errors import InputError
from perfpacket.vocab import Audience


def resolve_role(ladder_name: str | None, config: dict[str, Any], level: str) -> str:
    """A role of the ladder named by ``--target-level``: its id, its name or its level."""
    from perfpacket.snapshot import choose_target

    ladder = choose_target({}, config, ladder_name).ladder
    wanted = level.strip().lower()
    exact = [r.id for r in ladder.roles if wanted in {r.id.lower(), r.name.lower()}]
    by_level = [r.id for r in ladder.roles if r.level.lower() == wanted]
    found = exact or by_level
    if len(found) == 1:
        return found[0]
    roles = ", ".join(f"{r.id} ({r.name})" for r in ladder.roles)
    if found:
        raise InputError(
            f"--target-level '{level}' matches several roles of ladder '{ladder.name}'",
            hint=f"name one: {', '.join(found)}",
        )
    raise InputError(
        f"--target-level '{level}' is not a role or level of ladder '{ladder.name}'",
        hint=f"roles: {roles}",
    )


def _confirm_model(model: Any, yes: bool) -> None:
    from perfpacket.draft.polish import provider

    say(f"The packet text will be sent to {provider(model).describe()}.")
    if yes:
        return
    if not sys.stdin.isatty():
        raise InputError(
            "--llm sends the packet text to a model, and there is no terminal to confirm it",
            hint="confirm on a terminal, or pass --yes in a script",
        )
    typer.confirm("Send it?", abort=True)


def register(app: typer.Typer) -> None:
    @app.command()
    def draft(
        ctx: typer.Context,
        out: Path = typer.Option(
            Path("packet.md"), "--out", "-o", help="The packet file to write (or to rewrite)."
        ),
        audience: Audience = typer.Option(
            Audience.COMMITTEE, "--audience", help="committee or manager."
        ),
        target_level: str | None = typer.Option(
            None,
            "--target-level",
            metavar="LEVEL",
            help="The role to draft for: a role id, its name or its level (default: the "
            "workspace's, then the ladder's default role).",
        ),
        ladder: str | None = typer.Option(None, "--ladder", help="Ladder to assess against."),
        person: str | None = typer.Option(
            None, "--person", metavar="EMAIL", help="Whose packet (default: the workspace's)."
        ),
        rewrite: bool = typer.Option(
            False,
            "--rewrite",
            help="Keep the text in OUT and rewrite only the sentences lint flags, showing a "
            "diff to accept.",
        ),
        llm: str | None = typer.Option(
            None,
            "--llm",
            metavar="MODEL",
            help="Polish the prose with this model (an llm library model id). The guard "
            "refuses any number no claim computed.",
        ),
        retries: int = typer.Option(
            2, "--retries", min=0, max=10, help="Retries of a refused model answer."
        ),
        yes: bool = typer.Option(
            False, "--yes", "-y", help="Do not ask: send to the model, write the rewrite."
        ),
        force: bool = typer.Option(False, "--force", help="Replace an existing OUT."),
    ) -> None:
        """Write a first packet from the evidence: every number a claim reference, and a
        marked prompt for what only you can say. --rewrite reworks your own text instead."""
        from perfpacket.claims import packet_person
        from perfpacket.draft.polish import AUDIT_LOG, find_model, polish
        from perfpacket.packet import parse_packet
        from perfpacket.snapshot import choose_target, lint_context

        ws = workspace_from(ctx)
        model = find_model(llm) if llm else None
        audit = ws.state_dir / AUDIT_LOG

        if rewrite:
            from perfpacket.draft.rewrite import rewrite as rewrite_text

            try:
                text = out.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise InputError(
                    f"'{out}' does not exist: --rewrite reworks a packet you wrote",
                    hint="draft one first: perfpacket draft --out " + str(out),
                ) from None
            front = parse_packet(text, str(out)).front_matter
            if model is not None:
                _confirm_model(model, yes)

            def polish_one(sentence: str) -> str:
                done = polish(
                    sentence,
                    model,
                    retries,
                    audit,
                    "Rewrite this one sentence of a promotion packet in outcome language.",
                    log=say,
                )
                if not done.accepted:
                    say(f"Model answer {done.reason}")
                return done.text.strip()

            from perfpacket.claims import load_claims

            with ws.open_store() as store, store.session() as session:
                who = packet_person(session, front, person, ws.person)
                claims = load_claims(session, who)
                new, changes = rewrite_text(
                    text,
                    claims,
                    lint_context(session, who),
                    str(out),
                    polish_one if model is not None else None,
                )
            if not changes:
                say(f"{out}: lint flags no sentence to rewrite.")
                return
            diff = difflib.unified_diff(
                text.splitlines(keepends=True),
                new.splitlines(keepends=True),
                f"{out} (yours)",
                f"{out} (rewritten)",
            )
            say("".join(diff).rstrip())
            bound = sum(c.claim is not None for c in changes)
            say(
                f"{len(changes)} sentence(s) rewritten: {bound} bound to a claim, "
                f"{len(changes) - bound} with a prompt for you."
            )
            if not yes:
                if not sys.stdin.isatty():
                    say("Nothing written: run again with --yes to accept the rewrite.")
                    raise typer.Exit(1)
                typer.confirm(f"Write it to {out}?", abort=True)
            out.write_text(new, encoding="utf-8")
            say(f"Wrote {out}")
            return

        if out.exists() and not force:
            raise InputError(
                f"'{out}' exists: drafting would replace your text",
                hint="rework it with --rewrite, write elsewhere with --out, or replace it with "
                "--force",
            )
        role = resolve_role(ladder, ws.config, target_level) if target_level else None
        target = choose_target({}, ws.config, ladder, role, "--target-level")
        from perfpacket.draft.compose import draft_for

        with ws.open_store() as store, store.session() as session:
            who = packet_person(session, {}, person, ws.person)
            drafted = draft_for(session, who, target, ws.config, audience)
        text = drafted.markdown
        if model is not None:
            _confirm_model(model, yes)
            parsed = parse_packet(text, str(out))
            head = text[: len(text) - len(parsed.body)]
            done = polish(parsed.body, model, retries, audit, log=say)
            say(f"Model answer {done.reason} (logged in {audit.name})")
            text = head + done.text
        out.write_text(text, encoding="utf-8")
        say(
            f"Wrote {out}: {drafted.claims} claim(s) cited as references, {drafted.prompts} "
            f"prompt(s) for what only you can say (perfpacket lint {out} lists them)."
        )
