"""``perfpacket demo``: a workspace built from the seeded dataset, with its packet."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from perfpacket import __version__
from perfpacket.claims import suggest_claims
from perfpacket.demo import dataset as ds
from perfpacket.demo.gitrepo import write_repository
from perfpacket.errors import WorkspaceError
from perfpacket.packet import parse_packet
from perfpacket.packet.render import render_packet_pdf
from perfpacket.snapshot import build_snapshot, choose_target
from perfpacket.store.models import (
    Artifact,
    Change,
    EvalRun,
    Experiment,
    Feedback,
    GuardEvent,
    Identity,
    Incident,
    Packet,
    Person,
    Release,
    Review,
    Source,
    TelemetrySource,
)
from perfpacket.telemetry.tables import stored_uri
from perfpacket.workspace import STATE_DIR, init_workspace

DEMO_MARKER = "demo"
REPO_NAME = "ai-platform"
STEPS = 7

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


def _sha256_of(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


def _write_telemetry(path: Path, columns: dict[str, Any]) -> int:
    import duckdb
    import pandas as pd

    frame = pd.DataFrame(columns)
    frame["ts"] = pd.to_datetime(frame["ts"], unit="s", utc=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.register("requests", frame)
        con.execute(f"COPY (SELECT * FROM requests ORDER BY ts) TO '{path}' (FORMAT parquet)")
    return len(frame)


def _people(session: Session) -> dict[str, Person]:
    people = {}
    for p in (ds.ANA, ds.BEN, *ds.PEERS):
        person = Person(
            display_name=p.name, email=p.email, team=p.team, function=p.function, level=p.level
        )
        person.identities = [
            Identity(kind="email", value=p.email),
            Identity(kind="github", value=p.handle),
        ]
        session.add(person)
        people[p.key] = person
    session.flush()
    return people


def _records(
    session: Session,
    data: ds.DemoDataset,
    git_info: list[dict[str, Any]],
    people: dict[str, Person],
    source: Source,
) -> None:
    ana = people["ana"]

    def add(record: Any, person: Person, key: str, at: datetime) -> None:
        record.natural_key = key
        record.source = source
        record.person_id = person.id
        record.occurred_at = at
        session.add(record)

    for commit, info in zip(data.commits, git_info, strict=True):
        author = people[commit["author"].key]
        add(
            Change(
                repo=REPO_NAME,
                sha=info["sha"],
                title=commit["message"],
                author_email=commit["author"].email,
                author_name=commit["author"].name,
                authored_at=commit["when"],
                is_merge=False,
                additions=info["additions"],
                deletions=info["deletions"],
                files_changed=len(info["files"]),
                files=info["files"],
                co_authors=commit["co_authors"],
                reviewers=[],
                labels=[commit["area"]],
            ),
            author,
            f"{REPO_NAME}@{info['sha']}",
            commit["when"],
        )
    for r in data.releases:
        fields = {k: v for k, v in r.items() if k != "owner"}
        add(
            Release(**fields),
            people[r["owner"].key],
            f"{r['artifact']}:{r['version']}:{r['released_at'].isoformat()}",
            r["released_at"],
        )
    for run in data.eval_runs:
        add(
            EvalRun(**run),
            ana,
            f"{run['suite']}:{run['model']}:{run['run_at'].isoformat()}",
            run["run_at"],
        )
    for inc in data.incidents:
        add(Incident(**inc), ana, inc["external_id"], inc["opened_at"])
    for ev in data.guard_events:
        key = f"{ev['guard']}:{ev['at'].isoformat()}:{ev['service']}:{ev['version_from']}"
        add(GuardEvent(**ev), ana, key, ev["at"])
    for rv in data.reviews:
        key = f"{rv['repo']}#{rv['number']}:{rv['reviewer']}:{rv['submitted_at'].isoformat()}"
        add(Review(**rv), ana, key, rv["submitted_at"])
    for exp in data.experiments:
        add(Experiment(**exp), ana, exp["name"], exp["started_at"])
    for fb in data.feedback:
        author = fb["author"]
        add(
            Feedback(
                author_name=author.name,
                author_function=author.function,
                text=fb["text"],
                given_at=fb["given_at"],
            ),
            people[fb["about"].key],
            f"{author.email}:{fb['given_at'].date().isoformat()}",
            fb["given_at"],
        )
    for art in data.artifacts:
        fields = {k: v for k, v in art.items() if k != "at"}
        add(Artifact(**fields), ana, f"rfc:{art['title']}", art["at"])


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
    git_info = write_repository(out / "repos" / REPO_NAME, data.commits)

    say("Writing gateway telemetry (Parquet)")
    telemetry_path = out / "data" / "gateway_requests.parquet"
    rows = _write_telemetry(telemetry_path, data.telemetry)

    say("Loading evidence and computing claims")
    store = workspace.open_store()
    now = datetime.now(UTC)
    try:
        with store.session() as session:
            people = _people(session)
            source = Source(
                kind="demo",
                location=f"perfpacket demo (seed {ds.SEED})",
                sha256=_sha256_of([git_info, data.releases, data.eval_runs, data.guard_events]),
                importer="demo",
                importer_version=__version__,
                imported_at=now,
            )
            session.add(source)
            _records(session, data, git_info, people, source)
            session.add(
                TelemetrySource(
                    name="gateway_requests",
                    uri=stored_uri(telemetry_path, workspace.root)[0],
                    format="parquet",
                    columns={"timestamp": "ts", "cost_usd": "cost_usd"},
                    row_count=rows,
                    sha256=hashlib.sha256(telemetry_path.read_bytes()).hexdigest(),
                    registered_at=now,
                )
            )
            session.flush()
            _write_partner_edits(workspace.root)
            suggest_claims(session, people["ana"], workspace.root)

        say("Writing the packet")
        from perfpacket.demo.packet_text import PACKET_MARKDOWN

        packet_md = out / "packet.md"
        packet_md.write_text(PACKET_MARKDOWN, encoding="utf-8")
        with store.session() as session:
            front = parse_packet(PACKET_MARKDOWN, "packet.md").front_matter
            ana = session.get(Person, people["ana"].id)
            assert ana is not None
            target = choose_target(front, workspace.config)
            snapshot = build_snapshot(session, ana, PACKET_MARKDOWN, target)
            html = snapshot.html
            session.add(
                Packet(
                    person_id=people["ana"].id,
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
    "retrieval-offline-lift": ["Search"],
    "support-answer-prompt-v2-lift": ["Product", "Data science"],
    "budget-guard-blocked-spend": ["FinOps", "Gateway team"],
    "cost-per-1k-requests": ["Gateway team"],
    "p95-latency": ["Gateway team"],
    "gateway-error-rate": ["SRE"],
    "kill-switch-incidents-averted": ["SRE"],
    "incident-mttr": ["SRE"],
    "feature-health-support-answer-decay": ["Assistant team"],
}


def _write_partner_edits(root: Path) -> None:
    """The demo person's own edits to claims.yaml: the partners of each claim."""
    import yaml

    from perfpacket.claims.overrides import CLAIMS_FILE

    entries = [
        {"slug": slug, "attribution": {"partners": partners}}
        for slug, partners in DEMO_PARTNERS.items()
    ]
    (root / CLAIMS_FILE).write_text(yaml.safe_dump({"claims": entries}, sort_keys=False))
