"""The committee reads the document the engineer previewed, byte for byte, and it stays so.

One snapshot service (perfpacket.snapshot) builds the packet page for its owner, for the CLI
and for a submission; a submission stores that snapshot (versioned, hashed) and the
committee's page serves it. Later evidence never alters what was submitted: the candidacy page
says how old the snapshot is and which claims now read differently. A snapshot edited in the
database is refused, not shown.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from perfpacket.errors import InputError
from perfpacket.ladder.schema import check_ladder, load_ladder
from perfpacket.snapshot import choose_target
from perfpacket.store.models import Claim, Packet
from perfpacket.store.team import Candidacy, PacketVersion
from tests.packet.test_render import _claim
from tests.web.conftest import World, csrf_of

SLUG = "eval-regression-rate"
TEXT = (
    "---\nperson: Ana Okafor\nrole: senior-applied-ai-engineer\n---\n# Summary\n\n"
    "After the gate, escapes changed by {{ claim.eval-regression-rate }}.\n"
)


def _submit_new_version(world: World) -> str:
    """Ana's edited packet, as she previews it, then submitted to the Senior cohort."""
    with world.store.session() as s:
        packet = s.get(Packet, world.ids["ana_packet"])
        assert packet is not None
        s.add(_claim(id=None, person_id=packet.person_id, estimate=-8.0, ci_low=-10, ci_high=-7))
    ana = world.client("ana")
    edit = ana.get(f"/packets/{world.ids['ana_packet']}/edit")
    csrf = csrf_of(edit.text)
    saved = ana.post(
        f"/packets/{world.ids['ana_packet']}",
        data={"title": "Ana: Senior", "markdown": TEXT, "csrf_token": csrf},
    )
    assert saved.status_code == 303
    preview = ana.get(f"/packets/{world.ids['ana_packet']}")
    assert preview.status_code == 200 and "\u22128.0 pp" in preview.text
    submitted = ana.post(
        f"/packets/{world.ids['ana_packet']}/submit",
        data={"cohort_id": str(world.ids["senior"]), "csrf_token": csrf},
    )
    assert submitted.status_code == 303, submitted.text
    return preview.text


def test_the_committee_reads_the_previewed_document_byte_for_byte(world: World) -> None:
    previewed = _submit_new_version(world)
    cora = world.client("cora")  # sits on the Senior cohort
    read = cora.get(f"/packets/{world.ids['ana_packet']}")
    assert read.status_code == 200
    assert read.text == previewed
    with world.store.session() as s:
        candidacy = s.scalars(
            select(Candidacy).where(Candidacy.cohort_id == world.ids["senior"])
        ).one()
        version = candidacy.version
        assert version is not None and version.snapshot is not None
        assert version.snapshot["schema"] == 1 and len(version.snapshot["hash"]) == 64
        assert version.snapshot["role"] == "senior-applied-ai-engineer"
        candidacy_id = candidacy.id
    assert cora.get(f"/candidacies/{candidacy_id}/packet").text == previewed


def test_later_evidence_never_alters_a_submitted_packet(world: World) -> None:
    previewed = _submit_new_version(world)
    with world.store.session() as s:
        claim = s.scalars(select(Claim).where(Claim.slug == SLUG)).one()
        claim.estimate, claim.ci_low, claim.ci_high = -5.0, -6.0, -4.0
        candidacy_id = s.scalars(
            select(Candidacy.id).where(Candidacy.cohort_id == world.ids["senior"])
        ).one()
    ana = world.client("ana")
    assert "\u22125.0 pp" in ana.get(f"/packets/{world.ids['ana_packet']}").text
    cora = world.client("cora")
    assert cora.get(f"/packets/{world.ids['ana_packet']}").text == previewed
    page = cora.get(f"/candidacies/{candidacy_id}")
    assert "snapshot taken at submission" in page.text and "today" in page.text
    assert "1 of its claims read differently in the store now" in page.text
    assert SLUG in page.text


def test_a_snapshot_edited_in_the_database_is_refused(world: World) -> None:
    _submit_new_version(world)
    with world.store.session() as s:
        version = s.scalars(select(PacketVersion).order_by(PacketVersion.id.desc())).first()
        assert version is not None and version.snapshot is not None
        version.snapshot = {**version.snapshot, "html": "<p>promote</p>"}
    read = world.client("cora").get(f"/packets/{world.ids['ana_packet']}")
    assert 400 <= read.status_code < 500
    assert "content hash" in read.text and "promote</p>" not in read.text


def test_the_ladder_and_role_are_chosen_in_one_order() -> None:
    ladder = load_ladder("ai-engineering")
    assert ladder.default_role == "staff-applied-ai-engineer"
    assert choose_target({}).role == "staff-applied-ai-engineer"
    config = {"packet": {"role": "senior-applied-ai-engineer"}}
    assert choose_target({}, config).role == "senior-applied-ai-engineer"
    front = {"role": "staff-applied-ai-engineer"}
    assert choose_target(front, config).role == "staff-applied-ai-engineer"
    assert choose_target(front, config, role="senior-applied-ai-engineer").role == (
        "senior-applied-ai-engineer"
    )
    with pytest.raises(InputError, match="front matter 'role' 'staf' is not a role"):
        choose_target({"role": "staf"})
    broken = ladder.model_copy(update={"default_role": "nobody"})
    problems = check_ladder(broken, "ladder.yaml", None)
    assert any("default_role 'nobody'" in p.message for p in problems)


def test_a_withdrawn_submission_leaves_the_committee_and_is_audited(world: World) -> None:
    from perfpacket.store.team import AuditEvent

    _submit_new_version(world)
    with world.store.session() as s:
        candidacy_id = s.scalars(
            select(Candidacy.id).where(Candidacy.cohort_id == world.ids["senior"])
        ).one()
    cora = world.client("cora")
    assert cora.get(f"/candidacies/{candidacy_id}").status_code == 200
    ana = world.client("ana")
    page = ana.get(f"/candidacies/{candidacy_id}")
    assert "Withdraw this submission" in page.text
    done = ana.post(
        f"/candidacies/{candidacy_id}/withdraw", data={"csrf_token": csrf_of(page.text)}
    )
    assert done.status_code == 303
    assert cora.get(f"/candidacies/{candidacy_id}").status_code == 404
    assert cora.get(f"/packets/{world.ids['ana_packet']}").status_code == 404
    with world.store.session() as s:
        actions = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-1] == "withdraw" and "submit" in actions
    # Ana's Staff candidacy is in calibration: too late.
    late = ana.post(
        f"/api/candidacies/{world.ids['candidacy']}/withdraw",
        headers={"x-csrf-token": csrf_of(page.text)},
    )
    assert late.status_code == 409 and "calibration" in late.json()["hint"]
