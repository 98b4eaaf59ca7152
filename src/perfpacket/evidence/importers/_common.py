"""Reading files for importers: JSON, JSONL, CSV and times, with errors that name the place."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfpacket.errors import InputError

if TYPE_CHECKING:
    from perfpacket.evidence.records import ImportContext, ImportOptions

TIME_HINT = "use ISO 8601, e.g. 2026-03-16T09:00:00Z"


def _digest_file(digest: Any, path: Path) -> None:
    """Feed a file to a digest in 1 MiB chunks: a telemetry table can be larger than memory."""
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)


def sha256_file(path: Path, extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(str(child.relative_to(path)).encode())
            _digest_file(digest, child)
    else:
        _digest_file(digest, path)
    return digest.hexdigest()


def csv_header(head: bytes) -> list[str]:
    """The column names on a CSV file's first line, from its first bytes."""
    first = head.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()[:1]
    return [c.strip() for c in first[0].split(",")] if first else []


def read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"'{path}' line {line}: not UTF-8 text (byte {exc.start})",
            hint="save the file as UTF-8",
        ) from None


def _json_error(path: Path, exc: json.JSONDecodeError) -> InputError:
    return InputError(
        f"'{path}' line {exc.lineno}: not valid JSON ({exc.msg})",
        hint="the file may be truncated; export it again",
    )


def load_json(path: Path) -> Any:
    """One JSON document. Bare NaN and Infinity, which some harnesses write, are accepted."""
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise _json_error(path, exc) from None


def json_objects(docs: list[Any]) -> Iterator[dict[str, Any]]:
    """The objects of JSON documents that are objects or lists of them (an API's pages saved
    one after another), in order; anything else is passed over."""
    for doc in docs:
        if isinstance(doc, list):
            yield from (d for d in doc if isinstance(d, dict))
        elif isinstance(doc, dict):
            yield doc


def load_json_documents(path: Path) -> list[Any]:
    """Every top-level JSON value in the file, as `gh api --paginate` concatenates them."""
    text = read_text(path)
    decoder = json.JSONDecoder()
    docs: list[Any] = []
    i = 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return docs
        try:
            doc, i = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise _json_error(path, exc) from None
        docs.append(doc)


def read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"'{path}' line {number}: not valid JSON ({exc.msg})",
                hint="each line must be one JSON object",
            ) from None


def read_csv(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(read_text(path)))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in required if c not in columns]
    if missing:
        raise InputError(
            f"'{path}' line 1: missing column {', '.join(missing)}",
            hint="required columns: " + ", ".join(required),
        )
    for number, row in enumerate(reader, start=2):
        yield number, {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}


# Where a record came from, for error messages: a file, or the address of an API page a sync read.
Place = Path | str


def where(path: Place, line: int | None, field: str) -> str:
    return f"'{path}' line {line} / field {field}" if line else f"'{path}' field {field}"


def parse_time(value: Any, path: Place, line: int | None, field: str) -> datetime:
    """An aware datetime from ISO 8601 or epoch seconds; naive times are taken as UTC."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), tz=UTC)
    if not isinstance(value, str) or not value:
        raise InputError(f"{where(path, line, field)}: missing a date-time", hint=TIME_HINT)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"{where(path, line, field)}: '{value}' is not a date-time", hint=TIME_HINT
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def run_time(
    recorded: Any, path: Path, field: str, options: ImportOptions, ctx: ImportContext
) -> datetime:
    """When an eval file's runs happened: the time the file records; for a file that records
    none (older harness versions), the ``--date`` the user gave, else the file's modification
    time, said in a warning because a copied file's time is not the run's."""
    if recorded not in (None, ""):
        when = parse_time(recorded, path, None, field)
        if options.run_date is not None and options.run_date != when:
            ctx.warn(
                f"'{path.name}' records its own date, {when:%Y-%m-%d %H:%M} UTC, and its runs "
                "keep it: --date is for files that record none"
            )
        return when
    if options.run_date is not None:
        return options.run_date
    when = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    ctx.warn(
        f"'{path.name}' records no date: its runs are dated by the file's modification time, "
        f"{when:%Y-%m-%d %H:%M} UTC; a copied file's date may not be the run's: give it with "
        "--date YYYY-MM-DD"
    )
    return when


def optional_time(value: Any, path: Place, line: int | None, field: str) -> datetime | None:
    return None if value in (None, "") else parse_time(value, path, line, field)


def parse_number(
    value: Any, path: Path, line: int | None, field: str, integer: bool = False
) -> Any:
    if value in (None, ""):
        return None
    try:
        number = int(value) if integer else float(value)
    except (TypeError, ValueError):
        kind = "a whole number" if integer else "a number"
        raise InputError(f"{where(path, line, field)}: '{value}' is not {kind}") from None
    return number


def parse_bool(value: Any, path: Path, line: int | None, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in {"", "0", "false", "no", "n"}:
        return False
    if text in {"1", "true", "yes", "y"}:
        return True
    raise InputError(f"{where(path, line, field)}: '{value}' is not true or false")


def parse_optional_bool(value: Any, path: Path, line: int | None, field: str) -> bool | None:
    """A yes or no the source may leave out: empty or missing is None (not said), not false."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_bool(value, path, line, field)


def require(
    obj: Any, key: str, path: Place, line: int | None, expected: type | tuple[type, ...]
) -> Any:
    """``obj[key]``, of the expected type, or an error naming the field."""
    if not isinstance(obj, dict) or key not in obj or obj[key] is None:
        raise InputError(f"{where(path, line, key)}: missing", hint="the export is incomplete")
    value = obj[key]
    if not isinstance(value, expected) or (
        isinstance(value, bool)
        and bool not in (expected if isinstance(expected, tuple) else (expected,))
    ):
        names = (
            expected.__name__
            if isinstance(expected, type)
            else "/".join(t.__name__ for t in expected)
        )
        raise InputError(f"{where(path, line, key)}: expected {names}, got {type(value).__name__}")
    return value


def finite(obj: Any, warnings: list[str], place: str) -> Any:
    """The same structure with NaN and infinities as None (JSON columns cannot hold them)."""
    if isinstance(obj, float) and not math.isfinite(obj):
        warnings.append(f"{place}: {obj} stored as null")
        return None
    if isinstance(obj, dict):
        return {k: finite(v, warnings, f"{place}.{k}") for k, v in obj.items()}
    if isinstance(obj, list):
        return [finite(v, warnings, f"{place}[{i}]") for i, v in enumerate(obj)]
    return obj


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one (for optional nested fields)."""
    return value if isinstance(value, dict) else {}


def head_is_json(head: bytes) -> bool:
    return head.lstrip().startswith((b"{", b"["))
