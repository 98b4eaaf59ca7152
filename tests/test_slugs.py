"""Every claim slug is made by one function: safe to reference in a packet, whatever names the
evidence carries (experiments and suites with slashes, spaces, accents), unique per person and
the same on every run."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from perfpacket.cli import build_app
from perfpacket.packet.markdown import CLAIM_REF
from perfpacket.slugs import MAX_SLUG, SLUG, slugify, unique_slugs


@given(st.lists(st.text(), min_size=1, max_size=3))
def test_any_text_makes_a_slug_a_packet_can_reference(parts: list[str]) -> None:
    slug = slugify(*parts)
    assert SLUG.fullmatch(slug)
    assert len(slug) <= MAX_SLUG
    assert CLAIM_REF.fullmatch("{{ claim." + slug + " }}")
    assert slugify(slug) == slug  # a slug is its own slug
    assert slugify(*parts) == slug  # and the same parts give it again


def test_slugs_read_as_their_names() -> None:
    assert slugify("Checkout/Prompt V2 (EU)", "lift") == "checkout-prompt-v2-eu-lift"
    assert slugify("mmlu_abstract_algebra", "decay") == "mmlu-abstract-algebra-decay"
    assert slugify("Réponse rapide") == "reponse-rapide"
    long_a, long_b = "a" * 150, "a" * 149 + "b"
    assert slugify(long_a) != slugify(long_b)  # cut to fit, yet kept apart
    assert slugify("///") == slugify("///")
    assert slugify("///").startswith("x-")


def test_a_repeated_slug_gets_a_name_of_its_own() -> None:
    assert unique_slugs(["a", "b", "a", "a", "a-2"]) == ["a", "b", "a-2", "a-3", "a-2-2"]


PERIOD = "2026-08-03T00:00:00Z,2026-08-31T00:00:00Z,ana@example.com"
EXPERIMENT = f"""experiment,metric,variant,users,conversions,started_at,ended_at,owner
Checkout/Prompt V2 (EU),conversion,control,20000,2000,{PERIOD}
Checkout/Prompt V2 (EU),conversion,treatment,20000,2400,{PERIOD}
"""


def test_an_experiment_named_with_a_slash_renders_in_the_packet(fresh_workspace: Path) -> None:
    runner, app, ws = CliRunner(), build_app(), fresh_workspace
    (ws / "experiments.csv").write_text(EXPERIMENT)
    done = runner.invoke(app, ["import", "experiments-csv", "experiments.csv"])
    assert done.exit_code == 0, done.output
    done = runner.invoke(app, ["claims", "suggest", "--json"])
    assert done.exit_code == 0, done.output
    assert "checkout-prompt-v2-eu-lift" in done.output
    (ws / "packet.md").write_text(
        "---\nperson: ana@example.com\n---\nThe prompt lifted conversion by "
        "{{ claim.checkout-prompt-v2-eu-lift }}.\n"
    )
    done = runner.invoke(app, ["build", "packet.md", "--html", "out.html"])
    assert done.exit_code == 0, done.output
    html = (ws / "out.html").read_text()
    assert "{{" not in html
    assert re.search(r'class="claim-ref" href="#claim-checkout-prompt-v2-eu-lift"', html)
