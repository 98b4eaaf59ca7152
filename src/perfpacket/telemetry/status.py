"""What counts as an error in a telemetry status column: the source's own vocabulary.

A request is an error only by the words its source uses for one (LiteLLM's ``failure``, an
OpenTelemetry ``STATUS_CODE_ERROR``, an HTTP code of 500 or more), or by the values the user
named with ``--map error_status=A|B``. A vocabulary perfpacket does not know is refused with the
values it found, never read as "anything that is not ok".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from perfpacket.errors import InputError

# The --map key that names a source's error values, "|"-separated.
ERROR_STATUS = "error_status"
MAX_STATUS_VALUES = 1000


class StatusVocabulary(StrEnum):
    OTEL = "otel"
    LITELLM = "litellm"
    HTTP = "http"
    MAPPED = "mapped"


_DESCRIBED = {
    StatusVocabulary.OTEL: "OpenTelemetry span status: error is 'error' / STATUS_CODE_ERROR",
    StatusVocabulary.LITELLM: "LiteLLM spend-log status: error is 'failure'",
    StatusVocabulary.HTTP: "HTTP status codes: error is 500 or more",
    StatusVocabulary.MAPPED: "error values named with --map error_status",
}
_OTEL_OK = {"ok", "unset", "status_code_ok", "status_code_unset"}
_OTEL_ERROR = {"error", "status_code_error"}
_LITELLM_OK = {"success"}
_LITELLM_ERROR = {"failure"}


@dataclass(frozen=True)
class ErrorRule:
    """Which status values are errors, and the vocabulary that says so."""

    vocabulary: StatusVocabulary
    errors: frozenset[str]  # normalised values; for HTTP, unused (codes >= 500)

    @property
    def description(self) -> str:
        if self.vocabulary is StatusVocabulary.MAPPED:
            return "error values " + ", ".join(f"'{v}'" for v in sorted(self.errors))
        return _DESCRIBED[self.vocabulary]

    def is_error(self, value: object) -> bool:
        if value is None:
            return False
        if self.vocabulary is StatusVocabulary.HTTP:
            return _http_code(value) >= 500  # type: ignore[operator]
        return _normal(value) in self.errors


def _normal(value: object) -> str:
    return str(value).strip().lower()


def _http_code(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and float(value).is_integer():
        code = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        code = int(value.strip())
    else:
        return None
    return code if 100 <= code <= 599 else None


def parse_error_values(text: str) -> frozenset[str]:
    values = frozenset(_normal(v) for v in text.split("|") if v.strip())
    if not values:
        raise InputError(
            f"--map {ERROR_STATUS}='{text}' names no value",
            hint=f"name the status values that are errors: --map {ERROR_STATUS}=failure|timeout",
        )
    return values


def error_rule(where: str, found: Iterable[object], mapped: str | None) -> ErrorRule:
    """The rule for a status column holding the distinct values ``found``; ``where`` names the
    file or source in the refusal."""
    if mapped is not None:
        return ErrorRule(StatusVocabulary.MAPPED, parse_error_values(mapped))
    values = [v for v in found if v is not None and _normal(v) != ""]
    normal = {_normal(v) for v in values}
    if not values:
        return ErrorRule(StatusVocabulary.OTEL, frozenset(_OTEL_ERROR))
    if all(_http_code(v) is not None for v in values):
        return ErrorRule(StatusVocabulary.HTTP, frozenset())
    if normal <= _OTEL_OK | _OTEL_ERROR:
        return ErrorRule(StatusVocabulary.OTEL, frozenset(_OTEL_ERROR))
    if normal <= _LITELLM_OK | _LITELLM_ERROR:
        return ErrorRule(StatusVocabulary.LITELLM, frozenset(_LITELLM_ERROR))
    shown = sorted(normal)
    listed = ", ".join(f"'{v}'" for v in shown[:12]) + (" …" if len(shown) > 12 else "")
    raise InputError(
        f"{where}: status values {listed} are not a vocabulary "
        "perfpacket knows (ok/error, success/failure, HTTP codes)",
        hint=f"name the values that are errors: --map {ERROR_STATUS}=VALUE|VALUE "
        f"(e.g. --map {ERROR_STATUS}={shown[0]})",
    )
