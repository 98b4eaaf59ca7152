"""``perfpacket demo``: a workspace built from the seeded dataset, with its packet."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from perfpacket.claims import suggest_claims
from perfpacket.demo import dataset as ds
from perfpacket.demo.files import ANA_PAGERDUTY_ID, Step, write_evidence
from perfpacket.demo.gitrepo import write_repository
from perfpacket.errors import WorkspaceError
from perfpacket.evidence.load import expand, import_path
from perfpacket.evidence.people import add_person, link_identity, person_by_email
from perfpacket.packet import parse_packet
from perfpacket.packet.render import render_packet_pdf
from perfpacket.snapshot import build_snapshot, choose_target
from perfpacket.store import Store
from perfpacket.store.models import Packet, Person
from perfpacket.workspace import STATE_DIR, Workspace, init_workspace

DEMO_MARKER = "demo"
REPO_NAME = "ai-platform"
STEPS = 8  # the progress messages build_demo gives

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoResult:
    root: Path
    packet_md: Path
    packet_html: Path
    packet_pdf: Path
    claims: int


def _prepare(out: Path) -> None:
    """Rebuild a previous demo in place; never touch a folder that is not one."""
    if not out.exists():
        return
    if (out / STATE_DIR / DEMO_MARKER).is_file():
        shutil.rmtree(out)
        return
    if out.is_dir() and not any(out.iterdir()):
        return
    raise WorkspaceError(
        f"'{out}' exists and is not a perfpacket demo",
        hint="choose another folder with `perfpacket demo --out DIR`",
    )


def _people(session: Session) -> None:
    """The people, as a user adds them (``perfpacket people add`` and ``people link``) before
    importing: git emails attribute commits, handles attribute reviews and pages."""
    for p in (ds.ANA, ds.BEN, *ds.PEERS):
        add_person(session, p.email, p.name, p.team, p.function)
        link_identity(session, p.email, f"github:{p.handle}")
    link_identity(session, ds.ANA.email, f"pagerduty:{ANA_PAGERDUTY_ID}")


def _import(workspace: Workspace, store: Store, steps: list[Step]) -> int:
    """Every file through the importers, as ``perfpacket import`` runs them: a folder stands
    for the files of its kind inside it. A demo file the importers refuse is a bug."""
    records = 0
    for step in steps:
        options = workspace.import_options(name=step.name)
        for path in expand(step.kind, step.path):
            report = import_path(store, step.kind, path, options, step.person)
            records += report.imported
    return records


def build_demo(out: Path, progress: Progress | None = None) -> DemoResult:
    """Generate the dataset, build the workspace in ``out`` and write the packet."""
    say = progress or (lambda _msg: None)
    out = out.expanduser().resolve()
    _prepare(out)
    say("Creating the workspace")
    workspace = init_workspace(out, person=ds.ANA.email)
    (workspace.state_dir / DEMO_MARKER).write_text(f"seed {ds.SEED}\n", encoding="utf-8")

    say("Generating twelve months of evidence")
    data = ds.generate()

    say("Writing the git history")
    repo = out / "repos" / REPO_NAME
    write_repository(repo, data.commits)

    say("Writing the evidence files (CSV, JSON, JSONL, Markdown, Parquet)")
    steps = write_evidence(data, out, repo)

    store = workspace.open_store()
    now = datetime.now(UTC)
    try:
        with store.session() as session:
            _people(session)
        say(f"Importing the evidence: {len(steps)} imports, as `perfpacket import` runs them")
        _import(workspace, store, steps)
        say("Computing claims")
        with store.session() as session:
            ana_person = person_by_email(session, ds.ANA.email)
            assert ana_person is not None
            ana_id = ana_person.id
            _write_partner_edits(workspace.root)
            suggest_claims(session, ana_person, workspace.root)

        say("Writing the packet")
        from perfpacket.demo.packet_text import PACKET_MARKDOWN

        packet_md = out / "packet.md"
        packet_md.write_text(PACKET_MARKDOWN, encoding="utf-8")
        with store.session() as session:
            front = parse_packet(PACKET_MARKDOWN, "packet.md").front_matter
            ana = session.get(Person, ana_id)
            assert ana is not None
            target = choose_target(front, workspace.config)
            snapshot = build_snapshot(session, ana, PACKET_MARKDOWN, target)
            html = snapshot.html
            session.add(
                Packet(
                    person_id=ana_id,
                    title=str(front["title"]),
                    markdown=PACKET_MARKDOWN,
                    front_matter=front,
                    created_at=now,
                    updated_at=now,
                )
            )
            count = len(snapshot.claims)
    finally:
        store.close()
    packet_html = out / "packet.html"
    packet_html.write_text(html, encoding="utf-8")
    say("Writing the PDF")
    packet_pdf = out / "packet.pdf"
    render_packet_pdf(html, str(packet_pdf))
    return DemoResult(out, packet_md, packet_html, packet_pdf, count)


# Who Ana worked with on each claim. Recipes claim no partners (the evidence does not name
# them); the person says so in claims.yaml, as any user would, and the packet shows it.
DEMO_PARTNERS = {
    "eval-regression-rate": ["ML platform", "SRE"],
    "qa-cycle-time": ["QA"],
    "lm-eval-retrieval-offline-lift": ["Search"],
    "support-answer-prompt-v2-lift": ["Product", "Data science"],
    "budget-guard-blocked-spend": ["FinOps", "Gateway team"],
    "cost-per-1k-requests": ["Gateway team"],
    "p95-latency": ["Gateway team"],
    "gateway-error-rate": ["SRE"],
    "kill-switch-incidents-averted": ["SRE"],
    "incident-mttr": ["SRE"],
    "promptfoo-support-answer-health-decay": ["Assistant team"],
}
# What Ana did in each piece of work. Her records show what they can (reviews she gave
# "enabled", incidents she responded to "contributed"); releases, eval runs and telemetry show
# no role, and nothing in any evidence shows who led, so she says it in claims.yaml.
DEMO_ROLES = {
    "eval-regression-rate": "led",
    "qa-cycle-time": "built",
    "lm-eval-retrieval-offline-lift": "led",
    "support-answer-prompt-v2-lift": "led",
    "budget-guard-blocked-spend": "built",
    "cost-per-1k-requests": "led",
    "tokens-per-request": "led",
    "prefix-cache-hit-rate": "led",
    "p95-latency": "led",
    "kill-switch-incidents-averted": "built",
    "gateway-error-rate": "led",
    "promptfoo-support-answer-health-decay": "led",
    "energy-per-request": "led",
    "stale-cache-answers": "led",
    "stale-data-incidents-averted": "led",
    "invalid-output-rate": "led",
    "malformed-output-incidents-averted": "led",
    "time-to-diagnose-with-traces": "built",
    "graded-error-budget-burn": "led",
    "judge-human-agreement": "led",
}


def _write_partner_edits(root: Path) -> None:
    """The demo person's own edits to claims.yaml: her role in each claim and its partners."""
    import yaml

    from perfpacket.claims.overrides import CLAIMS_FILE

    entries = []
    for slug in dict.fromkeys([*DEMO_ROLES, *DEMO_PARTNERS]):
        attribution: dict[str, object] = {}
        if slug in DEMO_ROLES:
            attribution["role"] = DEMO_ROLES[slug]
        if slug in DEMO_PARTNERS:
            attribution["partners"] = DEMO_PARTNERS[slug]
        entries.append({"slug": slug, "attribution": attribution})
    (root / CLAIMS_FILE).write_text(yaml.safe_dump({"claims": entries}, sort_keys=False))
