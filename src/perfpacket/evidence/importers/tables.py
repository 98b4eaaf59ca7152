"""The table formats: releases-csv, guard-events (CSV or JSONL), experiments-csv, incidents-csv,
artifacts-csv, graded-csv, interviews-csv.

Columns are documented on each importer; an ``owner`` column (an email or handle) attributes
a row to a person, otherwise the import's --person or the workspace's person owns it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from perfpacket.errors import InputError
from perfpacket.evidence.importers._common import (
    csv_header,
    optional_time,
    parse_number,
    parse_optional_bool,
    parse_time,
    read_csv,
    read_jsonl,
    sha256_file,
    where,
)
from perfpacket.evidence.records import BaseImporter, ImportContext, ImportOptions, Record
from perfpacket.vocab import ArtifactKind, HiringOutcome, Recommendation


def _owner(row: dict[str, Any]) -> list[tuple[str, str]]:
    owner = str(row.get("owner") or "").strip()
    if not owner:
        return []
    return [("email", owner)] if "@" in owner else [("handle", owner)]


def _split(value: str | None) -> list[str]:
    """A list column: values separated by ';'."""
    return [part.strip() for part in (value or "").split(";") if part.strip()]


class _CsvImporter(BaseImporter):
    name = ""
    description = ""
    version = "1"
    required: tuple[str, ...] = ()

    def sniff(self, path: Path, head: bytes) -> bool:
        return path.is_file() and set(self.required) <= set(csv_header(head))

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        return sha256_file(path)


class ReleasesCsvImporter(_CsvImporter):
    name = "releases-csv"
    description = (
        "a releases CSV (columns version, released_at; optional artifact, previous_version, "
        "rolled_back, gated, qa_hours, owner; an empty or missing rolled_back or gated is not "
        "known, not false)"
    )
    required = ("version", "released_at")

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        for line, row in read_csv(path, self.required):
            if not row["version"]:
                raise InputError(f"{where(path, line, 'version')}: missing")
            when = parse_time(row["released_at"], path, line, "released_at")
            artifact = row.get("artifact") or "model"
            yield Record(
                kind="release",
                natural_key=f"{artifact}:{row['version']}:{when.isoformat()}",
                occurred_at=when,
                fields={
                    "artifact": artifact,
                    "version": row["version"],
                    "previous_version": row.get("previous_version") or None,
                    "released_at": when,
                    "rolled_back": parse_optional_bool(
                        row.get("rolled_back"), path, line, "rolled_back"
                    ),
                    "gated": parse_optional_bool(row.get("gated"), path, line, "gated"),
                    "qa_hours": parse_number(row.get("qa_hours"), path, line, "qa_hours"),
                },
                identities=_owner(row),
            )


GUARDS = ("budget_block", "kill_switch", "fallback")


class GuardEventsImporter(BaseImporter):
    name = "guard-events"
    description = (
        "guard events as CSV or JSONL (time, kind budget_block|kill_switch|fallback; "
        "optional amount_usd, requests_affected, service, version_from, version_to, owner)"
    )
    version = "1"

    def sniff(self, path: Path, head: bytes) -> bool:
        if not path.is_file():
            return False
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
        if text.lstrip().startswith("{"):
            return '"kind"' in text and '"time"' in text
        return {"time", "kind"} <= set(csv_header(head))

    def content_hash(self, path: Path, options: ImportOptions) -> str:
        return sha256_file(path)

    def _rows(self, path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
        if path.read_bytes().lstrip().startswith(b"{"):
            for line, obj in read_jsonl(path):
                if not isinstance(obj, dict):
                    raise InputError(f"'{path}' line {line}: expected a JSON object")
                yield line, obj
        else:
            yield from read_csv(path, ("time", "kind"))

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        for line, row in self._rows(path):
            kind = str(row.get("kind") or "")
            if kind not in GUARDS:
                raise InputError(
                    f"{where(path, line, 'kind')}: '{kind}' is not a guard kind",
                    hint="use one of: " + ", ".join(GUARDS),
                )
            at = parse_time(row.get("time"), path, line, "time")
            service = row.get("service") or None
            version_from = row.get("version_from") or None
            yield Record(
                kind="guard_event",
                natural_key=f"{kind}:{at.isoformat()}:{service}:{version_from}",
                occurred_at=at,
                fields={
                    "guard": kind,
                    "at": at,
                    "amount_usd": parse_number(row.get("amount_usd"), path, line, "amount_usd"),
                    "requests_affected": parse_number(
                        row.get("requests_affected"), path, line, "requests_affected", integer=True
                    ),
                    "service": service,
                    "version_from": version_from,
                    "version_to": row.get("version_to") or None,
                },
                identities=_owner(row),
            )


class ExperimentsCsvImporter(_CsvImporter):
    name = "experiments-csv"
    description = (
        "an experiments CSV, one row per variant (experiment, metric, variant, then users and "
        "conversions, or sum, sum_squares and n; for a ratio metric also denominator_sum, "
        "denominator_sum_squares and sum_products, for CUPED pre_sum, pre_sum_squares and "
        "sum_products; optional better (higher or lower), weight (the planned share), "
        "started_at, ended_at, owner); the first variant of an experiment is its control"
    )
    required = ("experiment", "metric", "variant")

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        experiments: dict[str, dict[str, Any]] = {}
        for line, row in read_csv(path, self.required):
            name = row["experiment"]
            if not name:
                raise InputError(f"{where(path, line, 'experiment')}: missing")
            if row.get("users") or row.get("conversions"):
                users = parse_number(row.get("users"), path, line, "users", integer=True)
                conv = parse_number(row.get("conversions"), path, line, "conversions", integer=True)
                if users is None or conv is None:
                    raise InputError(
                        f"{where(path, line, 'conversions')}: needs users and conversions"
                    )
                if conv > users:
                    raise InputError(
                        f"{where(path, line, 'conversions')}: {conv} is more than {users} users"
                    )
                variant = {"name": row["variant"], "n": users, "conversions": conv}
            elif row.get("n"):
                variant = {
                    "name": row["variant"],
                    "n": parse_number(row["n"], path, line, "n", integer=True),
                    "sum": parse_number(row.get("sum"), path, line, "sum"),
                    "sum_squares": parse_number(row.get("sum_squares"), path, line, "sum_squares"),
                }
                if variant["sum"] is None or variant["sum_squares"] is None:
                    raise InputError(f"{where(path, line, 'sum')}: needs sum, sum_squares and n")
                for extra in (
                    "denominator_sum",
                    "denominator_sum_squares",
                    "pre_sum",
                    "pre_sum_squares",
                    "sum_products",
                ):
                    got = parse_number(row.get(extra), path, line, extra)
                    if got is not None:
                        variant[extra] = got
                ratio = "denominator_sum" in variant or "denominator_sum_squares" in variant
                cuped = "pre_sum" in variant or "pre_sum_squares" in variant
                if ratio and cuped:
                    raise InputError(
                        f"{where(path, line, 'pre_sum')}: a ratio metric and a CUPED covariate "
                        "on one row",
                        hint="give denominator_* for a ratio metric or pre_* for CUPED, not both",
                    )
                needed = (
                    ("denominator_sum", "denominator_sum_squares", "sum_products")
                    if ratio
                    else ("pre_sum", "pre_sum_squares", "sum_products")
                    if cuped
                    else ()
                )
                for total, squares in (
                    ("sum", "sum_squares"),
                    ("denominator_sum", "denominator_sum_squares"),
                    ("pre_sum", "pre_sum_squares"),
                ):
                    n, s, ss = variant["n"], variant.get(total), variant.get(squares)
                    if n is not None and n < 1:
                        raise InputError(f"{where(path, line, 'n')}: {n} units", hint="n ≥ 1")
                    if s is not None and ss is not None and ss < s * s / n * (1 - 1e-9) - 1e-12:
                        raise InputError(
                            f"{where(path, line, squares)}: {ss:g} is below {total}²/n = "
                            f"{s * s / n:g}, which no data can give (a negative variance)",
                            hint="check the export: the sum of squares is of the raw values",
                        )
                for field in needed:
                    if field not in variant:
                        raise InputError(
                            f"{where(path, line, field)}: missing",
                            hint="a ratio metric needs denominator_sum, denominator_sum_squares "
                            "and sum_products; CUPED needs pre_sum, pre_sum_squares and "
                            "sum_products",
                        )
            else:
                raise InputError(
                    f"'{path}' line {line}: no counts",
                    hint="give users and conversions, or sum, sum_squares and n",
                )
            better = (row.get("better") or "").strip().lower()
            if better and better not in {"higher", "lower"}:
                raise InputError(
                    f"{where(path, line, 'better')}: '{better}' is neither higher nor lower",
                    hint="better says which way the metric should move: higher or lower",
                )
            if better:
                variant["better"] = better
            weight = parse_number(row.get("weight"), path, line, "weight")
            if weight is not None:
                if weight <= 0:
                    raise InputError(
                        f"{where(path, line, 'weight')}: {weight:g} is not a planned share",
                        hint="weight is the variant's planned share of traffic, above 0",
                    )
                variant["weight"] = weight
            entry = experiments.setdefault(
                name,
                {
                    "metric": row["metric"],
                    "variants": [],
                    "started_at": optional_time(row.get("started_at"), path, line, "started_at"),
                    "ended_at": optional_time(row.get("ended_at"), path, line, "ended_at"),
                    "owner": _owner(row),
                    "line": line,
                },
            )
            entry["variants"].append(variant)
        for name, e in experiments.items():
            kinds = {
                tuple(k for k in ("conversions", "denominator_sum", "pre_sum") if k in v)
                for v in e["variants"]
            }
            if len(kinds) > 1:
                raise InputError(
                    f"{where(path, e['line'], 'variant')}: experiment '{name}' mixes kinds of "
                    "metric across its variants",
                    hint="every variant of an experiment gives the same columns",
                )
            directions = {v.get("better", "higher") for v in e["variants"]}
            if len(directions) > 1:
                raise InputError(
                    f"{where(path, e['line'], 'better')}: experiment '{name}' says both higher "
                    "and lower is better",
                    hint="give one direction for all of its rows",
                )
            if len(e["variants"]) < 2:
                ctx.warn(f"experiment '{name}' has one variant; nothing to compare it with")
            started = e["started_at"] or e["ended_at"]
            if started is None:
                raise InputError(
                    f"{where(path, e['line'], 'started_at')}: experiment '{name}' has no dates",
                    hint="give started_at (and ended_at) on its rows",
                )
            yield Record(
                kind="experiment",
                natural_key=name,
                occurred_at=started,
                fields={
                    "name": name,
                    "metric": e["metric"],
                    "started_at": started,
                    "ended_at": e["ended_at"],
                    "variants": e["variants"],
                },
                identities=e["owner"],
            )


class IncidentsCsvImporter(_CsvImporter):
    name = "incidents-csv"
    description = (
        "an incidents CSV (id, severity, opened_at; optional service, title, acknowledged_at, "
        "resolved_at, responders and teams separated by ';', cause, release_version, "
        "diagnosed_at, traced true|false)"
    )
    required = ("id", "severity", "opened_at")

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        for line, row in read_csv(path, self.required):
            if not row["id"]:
                raise InputError(f"{where(path, line, 'id')}: missing")
            opened = parse_time(row["opened_at"], path, line, "opened_at")
            resolved = optional_time(row.get("resolved_at"), path, line, "resolved_at")
            if resolved is not None and resolved < opened:
                raise InputError(f"{where(path, line, 'resolved_at')}: before opened_at")
            diagnosed = optional_time(row.get("diagnosed_at"), path, line, "diagnosed_at")
            if diagnosed is not None and diagnosed < opened:
                raise InputError(
                    f"{where(path, line, 'diagnosed_at')}: before opened_at",
                    hint="diagnosed_at is when the cause was known, after the incident opened",
                )
            traced = row.get("traced") or ""
            responders = [r.lower() for r in _split(row.get("responders"))]
            yield Record(
                kind="incident",
                natural_key=f"csv:{row['id']}",
                occurred_at=opened,
                fields={
                    "external_id": row["id"],
                    "severity": row["severity"],
                    "service": row.get("service") or None,
                    "title": row.get("title") or "",
                    "opened_at": opened,
                    "acknowledged_at": optional_time(
                        row.get("acknowledged_at"), path, line, "acknowledged_at"
                    ),
                    "resolved_at": resolved,
                    "responders": responders,
                    "teams": _split(row.get("teams")),
                    "cause": row.get("cause") or None,
                    "release_version": row.get("release_version") or None,
                    "diagnosed_at": diagnosed,
                    "traced": parse_optional_bool(traced, path, line, "traced"),
                },
                identities=[("email", r) if "@" in r else ("handle", r) for r in responders[:1]],
            )


class ArtifactsCsvImporter(_CsvImporter):
    name = "artifacts-csv"
    description = (
        "an artifacts CSV: RFCs, design docs and libraries others adopted, and ownership changes "
        "(kind rfc|design_doc|library|ownership, title, date; optional url, adopters separated "
        "by ';', owner)"
    )
    required = ("kind", "title", "date")

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        kinds = [k.value for k in ArtifactKind]
        for line, row in read_csv(path, self.required):
            if row["kind"] not in kinds:
                raise InputError(
                    f"{where(path, line, 'kind')}: '{row['kind']}' is not a kind of artifact",
                    hint="use one of: " + ", ".join(kinds),
                )
            if not row["title"]:
                raise InputError(f"{where(path, line, 'title')}: missing")
            at = parse_time(row["date"], path, line, "date")
            yield Record(
                kind="artifact",
                natural_key=f"{row['kind']}:{row['title']}",
                occurred_at=at,
                fields={
                    "artifact_kind": row["kind"],
                    "title": row["title"],
                    "url": row.get("url") or None,
                    "adopters": _split(row.get("adopters")),
                },
                identities=_owner(row),
            )


_PASS = {"pass", "passed", "true", "1", "yes", "good", "acceptable"}
_FAIL = {"fail", "failed", "false", "0", "no", "bad", "unacceptable"}


def _grade(value: str, path: Path, line: int, field: str) -> bool:
    text = value.strip().lower()
    if text in _PASS:
        return True
    if text in _FAIL:
        return False
    raise InputError(
        f"{where(path, line, field)}: '{value}' is not a grade",
        hint="write pass or fail (true/false, 1/0 and yes/no are read too)",
    )


class GradedCsvImporter(_CsvImporter):
    name = "graded-csv"
    description = (
        "a graded-sample CSV: sampled model outputs graded by a judge and, on a subsample, by a "
        "person (id, graded_at, judge pass|fail; optional human pass|fail, service, owner)"
    )
    required = ("id", "graded_at", "judge")

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        for line, row in read_csv(path, self.required):
            if not row["id"]:
                raise InputError(f"{where(path, line, 'id')}: missing")
            at = parse_time(row["graded_at"], path, line, "graded_at")
            human = (row.get("human") or "").strip()
            service = row.get("service") or None
            yield Record(
                kind="grade",
                natural_key=f"{service or ''}:{row['id']}",
                occurred_at=at,
                fields={
                    "item": row["id"],
                    "service": service,
                    "graded_at": at,
                    "judge_pass": _grade(row["judge"], path, line, "judge"),
                    "human_pass": _grade(human, path, line, "human") if human else None,
                },
                identities=_owner(row),
            )


# interviews-csv: each column and the names an ATS export may give it (Greenhouse's scorecard
# fields, unified ATS APIs' names).
INTERVIEW_COLUMNS: dict[str, tuple[str, ...]] = {
    "candidate_id": ("candidate_id", "application_id", "candidate"),
    "interviewed_at": ("interviewed_at", "submitted_at", "interview_date"),
    "recommendation": ("recommendation", "overall_recommendation"),
    "interviewer": ("interviewer", "interviewer_email", "submitted_by", "owner"),
    "loop": ("loop", "job", "job_name"),
    "stage": ("stage", "interview", "interview_name"),
    "outcome": ("outcome", "application_status", "status"),
}
# Columns that hold a candidate's name: never imported.
NAME_COLUMNS = ("candidate_name", "name", "first_name", "last_name")
_RECOMMENDATIONS = {
    "definitely_no": "definitely_not",
    "strong_no": "definitely_not",
    "hire": "yes",
    "no_hire": "no",
    "strong_hire": "strong_yes",
}
_OUTCOMES: dict[str, HiringOutcome | None] = {o.value: o for o in HiringOutcome} | {"active": None}


def _resolve(path: Path, header: list[str]) -> dict[str, str]:
    """Canonical column -> the file's column for it; the three required ones must be there."""
    found = {}
    for column, names in INTERVIEW_COLUMNS.items():
        present = [n for n in names if n in header]
        if present:
            found[column] = present[0]
        elif column in ("candidate_id", "interviewed_at", "recommendation"):
            raise InputError(
                f"'{path}' line 1: missing column {column}",
                hint=f"name it {' or '.join(names)} (an ATS scorecard export has them)",
            )
    return found


def _word(value: str) -> str:
    return "_".join(value.strip().lower().replace("-", " ").split())


class InterviewsCsvImporter(_CsvImporter):
    name = "interviews-csv"
    description = (
        "an interviews CSV, as an ATS exports scorecards (candidate_id, interviewed_at, "
        "recommendation strong_yes|yes|no|definitely_not|no_decision; optional interviewer, "
        "loop, stage, outcome hired|rejected|withdrawn); candidate names are never imported"
    )
    required = ()

    def sniff(self, path: Path, head: bytes) -> bool:
        header = set(csv_header(head))
        return path.is_file() and bool(
            header & set(INTERVIEW_COLUMNS["candidate_id"])
            and header & set(INTERVIEW_COLUMNS["recommendation"])
        )

    def read(self, path: Path, options: ImportOptions, ctx: ImportContext) -> Iterator[Record]:
        rows = list(read_csv(path, ()))
        header = list(rows[0][1]) if rows else csv_header(path.read_bytes()[:4096])
        cols = _resolve(path, header)
        names = [c for c in header if c in NAME_COLUMNS]
        if names:
            ctx.note(f"'{path.name}': column {', '.join(names)} holds names; not imported")
        words = [r.value for r in Recommendation]
        for line, row in rows:
            candidate = row[cols["candidate_id"]]
            if not candidate:
                raise InputError(f"{where(path, line, cols['candidate_id'])}: missing")
            at = parse_time(row[cols["interviewed_at"]], path, line, cols["interviewed_at"])
            said = _word(row[cols["recommendation"]])
            said = _RECOMMENDATIONS.get(said, said)
            if said not in words:
                raise InputError(
                    f"{where(path, line, cols['recommendation'])}: "
                    f"'{row[cols['recommendation']]}' is not a recommendation",
                    hint="use one of: " + ", ".join(words),
                )
            outcome = _word(row.get(cols.get("outcome", ""), "") or "")
            if outcome and outcome not in _OUTCOMES:
                raise InputError(
                    f"{where(path, line, cols['outcome'])}: '{outcome}' is not an outcome",
                    hint="use hired, rejected or withdrawn (active, or empty, while undecided)",
                )
            interviewer = row.get(cols.get("interviewer", ""), "") or ""
            stage = row.get(cols.get("stage", ""), "") or None
            yield Record(
                kind="interview",
                natural_key=f"{candidate}:{stage or ''}:{interviewer.lower()}:{at.isoformat()}",
                occurred_at=at,
                fields={
                    "candidate": candidate,
                    "loop": row.get(cols.get("loop", ""), "") or None,
                    "stage": stage,
                    "interviewed_at": at,
                    "recommendation": Recommendation(said),
                    "outcome": _OUTCOMES.get(outcome),
                },
                identities=_owner({"owner": interviewer}),
            )
