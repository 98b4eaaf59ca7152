"""The benchmark runner works, so `make bench` cannot rot unnoticed. It times nothing here."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_render_benchmark_reports_a_ratio(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    monkeypatch.setenv("COLUMNS", "200")
    import run

    run.main(["render"])
    out = capsys.readouterr().out
    assert "build demo packet HTML" in out
    assert "markdown-it render of the same Markdown" in out
    assert "x │" in out  # the ratio column
    sys.modules.pop("run", None)
