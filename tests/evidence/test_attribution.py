"""Whose a record is: an author's identity, --person, or a rule the user wrote in
perfpacket.toml; never whoever the workspace's person is. Placeholder emails make nobody a
person; two records of one person can be merged, and every change to people is audited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from perfpacket.store.team import AuditEvent
from perfpacket.workspace import find_workspace
from tests.evidence.conftest import git, run
from tests.evidence.test_git import _commit

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
LOG = REAL / "inspect_ai" / "log_formats.eval"


def _evidence(*args: str) -> list[dict[str, Any]]:
    done = run("evidence", "list", "--json", *args)
    assert done.exit_code == 0, done.output
    records: list[dict[str, Any]] = json.loads(done.stdout)
    return records


def _people() -> dict[str, dict[str, Any]]:
    return {p["email"]: p for p in json.loads(run("people", "list", "--json").stdout)}


def _configure(workspace: Path, text: str) -> None:
    config = workspace / "perfpacket.toml"
    config.write_text(config.read_text() + "\n" + text)


def test_a_record_without_an_author_is_nobodys_until_a_rule_says_whose(workspace: Path) -> None:
    assert run("people", "add", "ana@example.com", "--name", "Ana").exit_code == 0
    config = workspace / "perfpacket.toml"
    assert 'person = ""' in config.read_text()
    config.write_text(config.read_text().replace('person = ""', 'person = "ana@example.com"'))
    done = run("import", "inspect", str(LOG), "--json")
    report = json.loads(done.stdout)
    assert report["imported"] == 1
    assert "1 records name no author and are nobody's yet" in report["warnings"][0]
    # Not Ana's although she is the workspace's person: nothing in the evidence says so.
    assert [r["person"] for r in _evidence()] == [None]
    assert len(_evidence("--unattributed")) == 1
    assert _people()["ana@example.com"]["records"] == 0
    listed = run("people", "list")
    assert "1 records are nobody's" in listed.stdout
    # The user's rule attributes it, on the next import of the same file.
    _configure(
        workspace, '[[attribution.rules]]\nsuite = "inspect/*"\nperson = "ana@example.com"\n'
    )
    again = json.loads(run("import", "inspect", str(LOG), "--json").stdout)
    assert (again["imported"], again["updated"], again["warnings"]) == (0, 1, [])
    assert [r["person"] for r in _evidence()] == ["ana@example.com"]
    assert _evidence("--unattributed") == []


def test_a_rule_matches_on_every_key_it_gives(workspace: Path) -> None:
    for email in ("ana@example.com", "ben@example.com"):
        assert run("people", "add", email, "--name", email[:3]).exit_code == 0
    _configure(
        workspace,
        '[[attribution.rules]]\nsuite = "lm-eval/*"\nperson = "ben@example.com"\n'
        '[[attribution.rules]]\nsuite = "inspect/popularity"\nperson = "ana@example.com"\n',
    )
    assert run("import", "inspect", str(LOG)).exit_code == 0
    assert [r["person"] for r in _evidence()] == ["ana@example.com"]


def test_a_malformed_rule_is_refused_by_its_place(workspace: Path) -> None:
    before = workspace / "perfpacket.toml"
    cases = [
        (
            '[[attribution.rules]]\nsuit = "x"\nperson = "a@example.com"\n',
            "rules[0].suit: not a rule key",
        ),
        ('[[attribution.rules]]\nsuite = "x"\n', "rules[0].person: missing"),
        ('[[attribution.rules]]\nperson = "a@example.com"\n', "rules[0]: matches everything"),
        (
            '[[attribution.rules]]\nsuite = "x"\nperson = "nobody@example.com"\n',
            "rules[0].person: 'nobody@example.com' is not a known person",
        ),
    ]
    original = before.read_text()
    for text, message in cases:
        before.write_text(original + "\n" + text)
        done = run("import", "inspect", str(LOG))
        assert done.exit_code == 2, text
        assert message in " ".join(done.stderr.split()), done.stderr
        assert _evidence() == []


def test_placeholder_emails_never_make_one_person(workspace: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    authors = [
        "Alice <root@localhost>",
        "Bob <root@localhost>",
        "Carol <carol@build.(none)>",
        "Dana <dana@example.org>",
    ]
    for i, author in enumerate(authors):
        (repo / f"f{i}.txt").write_text(str(i))
        _commit(repo, f"change {i}", author, f"2026-01-0{i + 1}T10:00:00+00:00")
    report = json.loads(run("import", "git", str(repo), "--json").stdout)
    assert report["imported"] == 4
    assert set(_people()) == {"dana@example.org"}
    warnings = " ".join(report["warnings"])
    assert "2 records carry the placeholder email 'root@localhost'" in warnings
    assert "1 records carry the placeholder email 'carol@build.(none)'" in warnings
    assert sorted(str(r["person"]) for r in _evidence()) == ["None"] * 3 + ["dana@example.org"]


def test_merging_two_records_of_one_person_moves_everything_and_is_audited(
    workspace: Path,
) -> None:
    for email, name in (("ana@example.com", "Ana"), ("ana.okafor@oldco.com", "A. Okafor")):
        assert run("people", "add", email, "--name", name).exit_code == 0
    rows = "version,released_at,artifact,owner\n" + "".join(
        f"v{i},2026-0{i + 1}-01T00:00:00Z,model,{owner}\n"
        for i, owner in enumerate(
            ["ana@example.com", "ana.okafor@oldco.com", "ana.okafor@oldco.com"]
        )
    )
    (workspace / "releases.csv").write_text(rows)
    assert run("import", "releases-csv", "releases.csv").exit_code == 0
    done = run(
        "people", "merge", "ana@example.com", "ana.okafor@oldco.com", "--reason", "same person"
    )
    assert done.exit_code == 0, done.output
    assert "2 records and 1 identities moved" in done.stdout
    people = _people()
    assert list(people) == ["ana@example.com"]
    assert people["ana@example.com"]["records"] == 3
    assert "email:ana.okafor@oldco.com" in people["ana@example.com"]["identities"]
    edited = run("people", "edit", "ana@example.com", "--team", "AI Platform", "--reason", "reorg")
    assert edited.exit_code == 0, edited.output
    assert _people()["ana@example.com"]["team"] == "AI Platform"
    with find_workspace(workspace).open_store() as store, store.session() as s:
        events = [(e.action, e.target, e.reason, e.detail) for e in s.scalars(select(AuditEvent))]
    assert events[0][:3] == ("person.merge", "person:ana@example.com", "same person")
    assert events[0][3]["absorbed"] == "ana.okafor@oldco.com"
    assert events[1] == (
        "person.edit",
        "person:ana@example.com",
        "reorg",
        {"before": {"team": None}, "after": {"team": "AI Platform"}},
    )
    # A merge of someone with themselves, or of nobody, is refused and changes nothing.
    assert (
        run("people", "merge", "ana@example.com", "ana@example.com", "--reason", "x").exit_code == 2
    )
    assert (
        run("people", "merge", "ana@example.com", "zed@example.com", "--reason", "x").exit_code != 0
    )
    assert _people()["ana@example.com"]["records"] == 3
