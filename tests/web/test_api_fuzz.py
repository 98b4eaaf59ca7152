"""Generated requests against the JSON API, from its own schema: never a 5xx.

Schemathesis reads ``/api/openapi.json`` and generates requests for every operation (valid
ones and, through Hypothesis, strange ones: huge ids, odd strings, missing fields); each is
sent as an engineer, a committee member and an admin, with their API tokens. No answer may be
a 5xx, and every answer keeps the security headers. The examples are derandomised, so a
failure here is the same request on every run.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from perfpacket.team import accounts
from perfpacket.web.app import SECURITY_HEADERS
from tests.web.conftest import World

EXAMPLES = 25  # per operation


def test_no_generated_request_gets_a_server_error(world: World) -> None:
    with world.store.session() as s:
        tokens = [
            accounts.issue_token(s, email)
            for email in ("ana@example.com", "cal@example.com", "ada@example.com")
        ]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", world.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10  # every API route is in the schema
    statuses: Counter[int] = Counter()
    problems: list[str] = []

    for operation in operations:

        @given(operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def probe(case: Any) -> None:
            for token in tokens:
                response = case.call(headers={"authorization": f"Bearer {token}"})
                statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=[not_a_server_error])
                except AssertionError as exc:
                    problems.append(f"{case.method} {case.formatted_path}: {exc}")
                missing = [h for h in SECURITY_HEADERS if h not in response.headers]
                if missing:
                    problems.append(f"{case.method} {case.formatted_path}: no {missing}")

        probe()
    print(f"{sum(statuses.values())} requests over {len(operations)} operations: {dict(statuses)}")
    assert sum(statuses.values()) >= 10 * len(operations)
    assert not [code for code in statuses if code >= 500], statuses
    assert problems == [], problems[:5]
