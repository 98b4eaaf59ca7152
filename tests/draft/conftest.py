"""A language model for tests, registered the way any provider is: an ``llm`` plugin. It
answers from a script and records what it was sent, so a test can check the guard against
each way a model can break it without any network."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import llm
import pytest

MODEL_ID = "perfpacket-scripted"


class Scripted(llm.Model):  # type: ignore[misc]
    model_id = MODEL_ID
    can_stream = False

    def __init__(self) -> None:
        self.script: list[str | Callable[[str], str]] = []
        self.sent: list[tuple[str | None, str]] = []

    def execute(self, prompt: Any, stream: bool, response: Any, conversation: Any) -> Iterator[str]:
        self.sent.append((prompt.system, prompt.prompt))
        step = self.script.pop(0) if self.script else ""
        yield step(prompt.prompt) if callable(step) else step


class _Plugin:
    def __init__(self, model: Scripted) -> None:
        self.model = model

    @llm.hookimpl  # type: ignore[misc]
    def register_models(self, register: Callable[..., None]) -> None:
        register(self.model)


@pytest.fixture
def scripted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Scripted]:
    monkeypatch.setenv("LLM_USER_PATH", str(tmp_path / "llm-user"))
    model = Scripted()
    plugin = _Plugin(model)
    llm.pm.register(plugin, name="perfpacket-test-model")
    try:
        yield model
    finally:
        llm.pm.unregister(plugin)


def packet_of(prompt: str) -> str:
    """The tokenised packet text inside a prompt the model was sent."""
    return prompt.split("<packet>\n", 1)[1].rsplit("\n</packet>", 1)[0]
