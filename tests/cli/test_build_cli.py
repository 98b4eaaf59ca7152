"""``perfpacket build`` renders only numbers the evidence computes: an unbound number, in digits
or words, is refused (exit 1, line and text named) unless ``--allow-unbound`` marks it, and the
footer says "every number is computed" only when that is true."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.conftest import cli

FOOTER_TRUE = "Every number above is computed from imported evidence"


UNBOUND = """---
person: Ana Okafor
ask: Promote to Staff for work across four product teams.
---
## Summary

Over the last twelve months the gate cut escapes by {{ claim.eval-regression-rate }}.
It saved 2000 engineer hours, about ninety percent of the QA time, and `p99 = 3` in code is fine.
"""


def test_the_demo_packet_builds_and_its_footer_is_true(demo: Path) -> None:
    result = cli("build", "packet.md", "--html", "out.html")
    assert result.exit_code == 0, result.stderr
    html = (demo / "out.html").read_text()
    assert FOOTER_TRUE in html
    assert 'class="unbound"' not in html


def test_unbound_numbers_are_refused_with_line_and_text(demo: Path) -> None:
    (demo / "p.md").write_text(UNBOUND)
    result = cli("build", "p.md", "--html", "out.html")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "Error: 4 numbers not bound to a claim:"
    listed = re.findall(r"'p.md' line (\d+): '([^']+)' is not bound", result.stderr)
    # The front-matter ask, the prose in words and digits; code spans are not prose.
    assert listed == [("3", "four"), ("7", "twelve"), ("8", "2000"), ("8", "ninety")]
    assert "--allow-unbound" in result.stderr
    assert not (demo / "out.html").exists()


def test_allow_unbound_renders_them_marked_and_the_footer_says_so(demo: Path) -> None:
    (demo / "p.md").write_text(UNBOUND)
    result = cli("build", "p.md", "--html", "out.html", "--allow-unbound")
    assert result.exit_code == 0, result.stderr
    html = (demo / "out.html").read_text()
    marked = re.findall(r"<mark class=\"unbound\" title=[^>]*>([^<]+)</mark>", html)
    assert marked == ["four", "twelve", "2000", "ninety"]
    assert FOOTER_TRUE not in html
    assert "4 numbers</mark> in the prose are not computed from evidence" in html
    # The bound number renders as a claim, with its sign carried by the verb.
    assert 'href="#claim-eval-regression-rate">8.0 pp (95% CI 1.8 pp to 14.5 pp)</a>' in html


def test_allow_unbound_marks_them_in_the_plain_markdown_too(demo: Path) -> None:
    """The Markdown pasted into an HR tool keeps no colour, so a typed-in number carries its
    mark in words, and the closing line says how many there are instead of implying that every
    number was computed."""
    titled = UNBOUND.replace(
        "person: Ana Okafor", "title: Ana ships 3 launches\nperson: Ana Okafor"
    )
    (demo / "p.md").write_text(titled)
    result = cli("build", "p.md", "-f", "markdown", "--allow-unbound")
    assert result.exit_code == 0, result.stderr
    plain = (demo / "p.plain.md").read_text()
    assert plain.startswith("# Ana ships 3 [not computed] launches\n")
    # The prose's numbers in words and digits; the ask is not in this format, code is not prose.
    *text, closing = plain.splitlines()
    assert re.findall(r"(\S+) \[not computed\]", "\n".join(text)) == [
        "3",
        "twelve",
        "2000",
        "ninety",
    ]
    assert "`p99 = 3`" in plain
    assert "cut escapes by 8.0 pp (95% CI 1.8 pp to 14.5 pp)." in plain
    assert "4 numbers in the prose are not computed from evidence" in closing
    (demo / "p.md").write_text(titled.replace("twelve", "{{ claim.eval-regression-rate }}"))
    bound = cli("build", "p.md", "-f", "markdown", "--allow-unbound")
    assert bound.exit_code == 0, bound.stderr
    assert "3 numbers in the prose" in (demo / "p.plain.md").read_text()


def test_a_verb_that_contradicts_the_evidence_is_refused(demo: Path) -> None:
    # tokens-per-request rose (+2 tokens): "cut" would state the opposite of the evidence.
    text = "## Summary\n\nCaching cut tokens per request by {{ claim.tokens-per-request }}.\n"
    (demo / "p.md").write_text(text)
    result = cli("build", "p.md", "--html", "out.html")
    assert result.exit_code == 2
    assert "line 3: the prose says it went down, but 'tokens-per-request' rose" in result.stderr
    lint = cli("lint", "p.md")
    assert "the prose says it went down" in lint.stdout


def test_every_format_is_the_same_snapshot(demo: Path) -> None:
    """``--format`` is driven by the registered renderers: the Markdown for an HR tool carries
    the very words the page shows for each claim, and the JSON is the snapshot whose HTML is
    the page itself, with a hash that checks."""
    import json

    from bs4 import BeautifulSoup

    from perfpacket.snapshot import PacketSnapshot

    result = cli("build", "packet.md", "-f", "html", "-f", "markdown", "-f", "json")
    assert result.exit_code == 0, result.stderr
    html = (demo / "packet.html").read_text()
    markdown = (demo / "packet.plain.md").read_text()
    assert (demo / "packet.md").read_text().startswith("---")  # the packet itself is untouched
    snapshot = PacketSnapshot.from_json(json.loads((demo / "packet.json").read_text()))
    assert snapshot.html == html
    assert "{{" not in markdown
    shown = [a.get_text() for a in BeautifulSoup(html, "html.parser").select("a.claim-ref")]
    assert shown
    for text in shown:
        assert text in markdown
    # Each cited claim is listed once with its method, so the pasted text stays traceable.
    assert markdown.count("Method: ") == len(
        {c["slug"] for c in snapshot.claims}
        & set(re.findall(r"\{\{\s*claim\.([a-z0-9-]+)", snapshot.markdown))
    )


def test_an_unknown_format_names_the_known_ones(demo: Path) -> None:
    result = cli("build", "packet.md", "--format", "docx")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "Error: --format 'docx' is not an output format"
    assert "formats: html, json, markdown, pdf" in result.stderr
    assert not (demo / "packet.docx").exists()


def test_out_goes_with_one_format(demo: Path) -> None:
    result = cli("build", "packet.md", "-f", "html", "-f", "json", "--out", "x")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "Error: --out names one file, so it goes with exactly one --format"
    )
    result = cli("build", "packet.md", "-f", "markdown", "--out", "brief.txt")
    assert result.exit_code == 0, result.stderr
    assert (demo / "brief.txt").read_text().startswith("# ")
    result = cli("build", "packet.md", "-f", "markdown", "--out", "./packet.md")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "Error: 'packet.md' is the packet itself; building would overwrite it"
    )


UNKNOWN_REF = """---
person: Ana Okafor
---
## Summary

The gate cut escapes by {{ claim.eval-regression-rate }} and saved {{ claim.no-such-claim }}.
"""


def test_lint_and_build_read_a_packet_against_the_same_workspace(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from a folder outside any workspace, both commands find the one around the packet's
    folder, and both report the unknown reference: lint never passes what build rejects."""
    (demo / "p.md").write_text(UNKNOWN_REF)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    linted = cli("lint", str(demo / "p.md"), "--format", "json")
    out = json.loads(linted.stdout)
    assert out["workspace"] == str(demo.resolve())
    unknown = [d for d in out["diagnostics"] if "no-such-claim" in d["message"]]
    assert [d["rule"] for d in unknown] == ["unbound-number"]
    built = cli("build", str(demo / "p.md"), "--html", str(tmp_path / "p.html"))
    assert built.exit_code == 2  # bad input
    assert "line 6: unknown claim 'no-such-claim'" in built.stderr
    # The demo packet itself: lint passes it and build renders it, from the same folder.
    assert cli("lint", str(demo / "packet.md")).exit_code == 0
    built = cli("build", str(demo / "packet.md"), "--html", str(tmp_path / "packet.html"))
    assert built.exit_code == 0, built.stderr


def test_a_lint_run_without_a_workspace_says_so_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "p.md").write_text(UNKNOWN_REF)
    monkeypatch.chdir(tmp_path)
    linted = cli("lint", "p.md")
    assert linted.stdout.splitlines()[0].startswith("note: no workspace found")
    assert json.loads(cli("lint", "p.md", "--format", "json").stdout)["workspace"] is None
    built = cli("build", "p.md", "--html", "p.html")
    assert built.exit_code != 0
    assert "no perfpacket workspace" in built.stderr
