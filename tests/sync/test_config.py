"""[[sync]] tables: what is refused (tokens above all), `sync add`, `sync --dry-run`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfpacket.errors import InputError
from perfpacket.evidence.sync.config import load_sources
from tests.evidence.conftest import run
from tests.sync.conftest import configure
from tests.sync.replay import Replay, serve


@pytest.mark.parametrize(
    ("table", "message", "hint"),
    [
        (
            'kind = "github"\nrepos = ["a/b"]\ntoken = "abc"\n',
            "#1.token: a token in perfpacket.toml is refused",
            'token_env = "GITHUB_TOKEN"',
        ),
        (
            'kind = "github"\nrepos = ["a/b"]\ntoken_env = "ghp_0123456789abcdefghij"\n',
            "#1.token_env: holds what looks like a token",
            "revoke it",
        ),
        ('kind = "gitlub"\n', "#1.kind: 'gitlub' is not a kind", "kinds: github"),
        ('kind = "github"\ntoken_env = "GITHUB_TOKEN"\n', "#1.repos: missing", "OWNER/REPO"),
        (
            'kind = "github"\nrepos = ["a/b"]\n',
            "#1.token_env: missing",
            'token_env = "GITHUB_TOKEN"',
        ),
        (
            'kind = "github"\nrepos = ["a/b"]\ntoken_env = "T"\nrepo = "x"\n',
            "#1.repo: not a key of a github source",
            "repos",
        ),
        ('kind = "mlflow"\nexperiments = ["x"]\n', "#1.url: missing", "https://HOST"),
        (
            'kind = "mlflow"\nexperiments = ["x"]\nurl = "localhost:5000"\n',
            "#1.url: 'localhost:5000' is not an http(s) URL",
            "url =",
        ),
        (
            'kind = "pagerduty"\ntoken_env = "T"\nname = "Bad Name"\n',
            "#1.name: 'Bad Name'",
            "lowercase",
        ),
    ],
)
def test_a_malformed_source_is_refused_by_its_place_and_key(
    table: str, message: str, hint: str
) -> None:
    import tomllib

    with pytest.raises(InputError) as refused:
        load_sources(tomllib.loads("[[sync]]\n" + table))
    assert message in refused.value.message
    assert hint in (refused.value.hint or "")


def test_two_sources_of_one_name_are_refused() -> None:
    config = {"sync": [{"kind": "pagerduty", "token_env": "T"}] * 2}
    with pytest.raises(InputError, match="'pagerduty' names two sources"):
        load_sources(config)


def test_sync_add_writes_a_table_and_a_refused_one_leaves_the_file_as_it_was(
    workspace: Path,
) -> None:
    done = run("sync", "add", "github", "--scope", "repos=acme/ai", "--scope", "repos=acme/gw")
    assert done.exit_code == 0, done.output
    assert "$GITHUB_TOKEN" in done.stdout and "--dry-run" in done.stdout
    import tomllib

    config = tomllib.loads((workspace / "perfpacket.toml").read_text(encoding="utf-8"))
    assert config["sync"] == [
        {
            "name": "github",
            "kind": "github",
            "token_env": "GITHUB_TOKEN",
            "repos": ["acme/ai", "acme/gw"],
        }
    ]
    before = (workspace / "perfpacket.toml").read_bytes()
    for args in (
        ["github", "--scope", "repos=acme/x"],  # the name "github" is taken
        ["github", "--name", "gh2", "--token-env", "github_pat_11AAAAAAAA0123456789"],
        ["jira2", "--name", "j"],
    ):
        refused = run("sync", "add", *args)
        assert refused.exit_code == 2, refused.output
    assert (workspace / "perfpacket.toml").read_bytes() == before


def test_a_dry_run_names_the_hosts_and_what_it_would_fetch_and_sends_nothing(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replay = Replay()
    with serve(replay) as base:
        configure(
            workspace,
            f'kind = "github"\nurl = "{base}/api/v3"\ntoken_env = "T"\nrepos = ["acme/ai"]\n',
        )
        configure(
            workspace, 'kind = "mlflow"\nurl = "http://127.0.0.1:9/"\nexperiments = ["reranker"]\n'
        )
        dry = run("sync", "--dry-run", "--json")
        text = run("sync", "--dry-run")
    assert dry.exit_code == 0, dry.output
    out = json.loads(dry.stdout)
    host = base.removeprefix("http://")
    assert out["hosts"] == sorted([host, "127.0.0.1:9"])
    assert [s["fetch"] for s in out["sources"]] == [
        ["every pull request and review of acme/ai (first sync)"],
        ["every finished run of experiment 'reranker' (first sync)"],
    ]
    assert f"A sync would contact only: {', '.join(sorted([host, '127.0.0.1:9']))}" in text.stdout
    assert replay.requests == []  # no token needed, and nothing sent


def test_sync_names_an_unknown_source_and_an_empty_config(workspace: Path) -> None:
    empty = run("sync")
    assert empty.exit_code == 2 and "names no [[sync]] source" in empty.output
    configure(workspace, 'kind = "pagerduty"\ntoken_env = "T"\n')
    unknown = run("sync", "jira")
    assert unknown.exit_code == 2 and "no [[sync]] source is named 'jira'" in unknown.output
    assert "sources: pagerduty" in unknown.output
    missing = run("sync", "--json")  # the variable T is not set
    assert missing.exit_code == 2
    failure = json.loads(missing.stdout)["sources"][0]
    assert "the environment variable T is not set" in failure["error"]
