"""Plugins: a third-party recipe and command registered through the hooks are used."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from perfpacket import plugins
from perfpacket.claims import ClaimDraft, RecipeContext, list_claims, suggest_claims
from perfpacket.claims.recipe import Need
from perfpacket.cli import build_app
from perfpacket.stats import Direction, wilson_interval
from perfpacket.store import open_store
from perfpacket.store.models import Person
from perfpacket.vocab import Comparison


class SchemaSafetyRecipe:
    name = "test-schema-safety"
    title = "Schema safety"
    dimensions: tuple[str, ...] = ("software-engineering",)
    needs: tuple[Need, ...] = ()

    def describe(self, claim: Any) -> str:
        return f"Typed boundaries kept model outputs schema-valid at {{{{ claim.{claim.slug} }}}}."

    def propose(self, ctx: RecipeContext) -> list[ClaimDraft]:
        return [
            ClaimDraft(
                slug="schema-valid-rate",
                title=f"Schema-valid outputs for {ctx.person.display_name}",
                recipe=self.name,
                metric="schema-valid rate",
                unit="%",
                direction=Direction.HIGHER_IS_BETTER,
                comparison=Comparison.COUNT,
                result=wilson_interval(970, 1000),
                scale=100,
            )
        ]


class ThirdPartyPlugin:
    @plugins.hookimpl
    def register_recipes(self, register: Callable[[Any], None]) -> None:
        register(SchemaSafetyRecipe())

    @plugins.hookimpl
    def register_commands(self, app: typer.Typer) -> None:
        @app.command("hello-plugin")
        def hello() -> None:
            """A command added by a plugin."""
            typer.echo("hello from a plugin")


@pytest.fixture
def plugin() -> Iterator[ThirdPartyPlugin]:
    instance = ThirdPartyPlugin()
    plugins.register_plugin(instance)
    yield instance
    plugins.unregister_plugin(instance)


def test_builtin_recipes_register_through_the_hook() -> None:
    names = plugins.recipes().names()
    for expected in ("eval-gate", "ab-lift", "cost-guard", "kill-switch", "quality-lift"):
        assert expected in names
    assert "html" in plugins.renderers()


def test_a_plugin_recipe_produces_claims(plugin: ThirdPartyPlugin, tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        with store.session() as s:
            person = Person(display_name="Ana", email="ana@example.com")
            s.add(person)
            s.flush()
            suggest_claims(s, person)
        with store.session() as s:
            owner = s.get(Person, person.id)
            assert owner is not None
            claims = list_claims(s, owner)
        assert [c["slug"] for c in claims] == ["schema-valid-rate"]
        assert claims[0]["estimate"] == pytest.approx(97.0)
        assert claims[0]["ci_low"] == pytest.approx(100 * wilson_interval(970, 1000).ci_low)  # type: ignore[operator]
    finally:
        store.close()


def test_a_plugin_recipe_drafts_its_own_sentence(
    plugin: ThirdPartyPlugin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The draft asks the claim's recipe for its words; a recipe without ``describe`` gets the
    generic sentence for what its claim compares."""
    from perfpacket.draft.compose import draft_for
    from perfpacket.snapshot import choose_target

    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        with store.session() as s:
            person = Person(display_name="Ana", email="ana@example.com")
            s.add(person)
            s.flush()
            suggest_claims(s, person)
            text = draft_for(s, person, choose_target({}, {})).markdown
        assert (
            "- Typed boundaries kept model outputs schema-valid at "
            "{{ claim.schema-valid-rate }}." in text
        )
        monkeypatch.delattr(SchemaSafetyRecipe, "describe")
        with store.session() as s:
            owner = s.get(Person, person.id)
            assert owner is not None
            text = draft_for(s, owner, choose_target({}, {})).markdown
        assert "{{ claim.schema-valid-rate }} (schema-valid rate)" in text
    finally:
        store.close()


def test_a_plugin_command_joins_the_cli(plugin: ThirdPartyPlugin) -> None:
    result = CliRunner().invoke(build_app(), ["hello-plugin"])
    assert result.exit_code == 0
    assert result.output == "hello from a plugin\n"


def test_unregistered_plugin_is_gone() -> None:
    assert "test-schema-safety" not in plugins.recipes()
    result = CliRunner().invoke(build_app(), ["hello-plugin"])
    assert result.exit_code != 0


def test_duplicate_names_are_refused() -> None:
    registry = plugins.Registry("recipe")
    registry.add(SchemaSafetyRecipe())
    with pytest.raises(ValueError, match="two recipes are registered as 'test-schema-safety'"):
        registry.add(SchemaSafetyRecipe())


def test_entry_point_group_is_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def fake_load(self: Any, group: str, name: str | None = None) -> int:
        seen.append(group)
        return 0

    monkeypatch.setattr("pluggy.PluginManager.load_setuptools_entrypoints", fake_load)
    plugins._build_manager()
    assert seen == ["perfpacket"]


def test_built_ins_register_once_when_many_threads_ask_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The team server's request threads ask for lint rules together (the calibration page
    counts bias hints): a built-in module registered twice raised and answered 500."""
    import threading

    monkeypatch.setattr(plugins, "_manager", None)
    start = threading.Barrier(16)
    errors: list[BaseException] = []

    def ask() -> None:
        start.wait()
        try:
            plugins.lint_rules()
            plugins.recipes()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert "unbound-number" in plugins.lint_rules().names()
