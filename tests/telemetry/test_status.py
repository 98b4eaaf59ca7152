"""Error rates read each source's own status vocabulary, never "anything that is not ok"."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from perfpacket.errors import InputError
from perfpacket.store.models import TelemetrySource
from perfpacket.telemetry.metrics import error_counts_by_period
from perfpacket.telemetry.status import StatusVocabulary

CHANGE = datetime(2026, 3, 16, tzinfo=UTC)


def _source(
    tmp_path: Path, statuses: list[str], columns: dict[str, str] | None = None
) -> TelemetrySource:
    path = tmp_path / "requests.csv"
    lines = ["ts,status"]
    for i, status in enumerate(statuses):
        day = 1 + i % 28
        month = 2 if i % 2 == 0 else 4  # alternate rows fall before and after the change
        lines.append(f"2026-{month:02d}-{day:02d}T10:00:00Z,{status}")
    path.write_text("\n".join(lines) + "\n")
    return TelemetrySource(name="gw", uri=str(path), format="csv", columns=columns or {})


@pytest.mark.parametrize(
    ("ok", "error", "vocabulary"),
    [
        ("success", "failure", StatusVocabulary.LITELLM),  # LiteLLM spend logs
        ("STATUS_CODE_OK", "STATUS_CODE_ERROR", StatusVocabulary.OTEL),
        ("ok", "error", StatusVocabulary.OTEL),
        ("200", "503", StatusVocabulary.HTTP),
    ],
)
def test_each_vocabulary_counts_only_its_errors(
    tmp_path: Path, ok: str, error: str, vocabulary: StatusVocabulary
) -> None:
    # 4 errors in 1,000 rows: 0.4%, which "status != ok" read as 100% for LiteLLM logs.
    statuses = [error if i in {3, 10, 501, 777} else ok for i in range(1000)]
    rule, before, after = error_counts_by_period(_source(tmp_path, statuses), CHANGE)
    assert rule.vocabulary is vocabulary
    assert (before.matched, before.total) == (1, 500)  # row 10 is even: before
    assert (after.matched, after.total) == (3, 500)


def test_http_codes_below_500_are_not_errors(tmp_path: Path) -> None:
    rule, before, after = error_counts_by_period(
        _source(tmp_path, ["200", "404", "429", "500", "502", "201"]), CHANGE
    )
    assert rule.vocabulary is StatusVocabulary.HTTP
    assert before.matched + after.matched == 2


def test_an_unknown_vocabulary_names_the_values_and_the_map(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        error_counts_by_period(_source(tmp_path, ["done", "timeout", "done"]), CHANGE)
    assert info.value.message == (
        "telemetry source 'gw': status values 'done', 'timeout' are not a vocabulary "
        "perfpacket knows (ok/error, success/failure, HTTP codes)"
    )
    assert info.value.hint == (
        "name the values that are errors: --map error_status=VALUE|VALUE "
        "(e.g. --map error_status=done)"
    )


def test_mapped_error_values(tmp_path: Path) -> None:
    source = _source(
        tmp_path, ["done", "timeout", "done", "refused"], {"error_status": "timeout|Refused"}
    )
    rule, before, after = error_counts_by_period(source, CHANGE)
    assert rule.vocabulary is StatusVocabulary.MAPPED
    assert (before.matched, after.matched, before.total + after.total) == (0, 2, 4)
