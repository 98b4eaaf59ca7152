"""docs/cli.md is generated from the command line and must not go stale."""

from __future__ import annotations

from pathlib import Path

from perfpacket.cli.docs import generate

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_cli_reference_is_up_to_date() -> None:
    assert DOCS.read_text(encoding="utf-8") == generate(), (
        "docs/cli.md is stale: run `make docs` and commit the result"
    )


def test_cli_reference_covers_every_command() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for command in (
        "perfpacket init",
        "perfpacket demo",
        "perfpacket claims list",
        "perfpacket claims show",
        "perfpacket build",
    ):
        assert f"`{command}`" in text


def test_lint_rule_pages_are_up_to_date() -> None:
    from perfpacket.lint.docs import pages

    folder = DOCS.parent / "lint"
    for name, text in pages().items():
        assert (folder / name).read_text(encoding="utf-8") == text, (
            f"docs/lint/{name} is stale: run `make docs` and commit the result"
        )
