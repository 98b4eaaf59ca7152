"""Built-in connectors, registered through the same hook a third-party plugin uses."""

from __future__ import annotations

from collections.abc import Callable

from perfpacket.evidence.sync.connector import Connector
from perfpacket.evidence.sync.connectors.github import GitHubConnector
from perfpacket.evidence.sync.connectors.gitlab import GitLabConnector
from perfpacket.evidence.sync.connectors.jira import JiraConnector
from perfpacket.evidence.sync.connectors.langfuse import LangfuseConnector
from perfpacket.evidence.sync.connectors.linear import LinearConnector
from perfpacket.evidence.sync.connectors.mlflow import MlflowConnector
from perfpacket.evidence.sync.connectors.pagerduty import PagerDutyConnector
from perfpacket.plugins import hookimpl

BUILTIN_CONNECTORS: tuple[Connector, ...] = (
    GitHubConnector(),
    GitLabConnector(),
    PagerDutyConnector(),
    MlflowConnector(),
    JiraConnector(),
    LinearConnector(),
    LangfuseConnector(),
)


@hookimpl
def register_connectors(register: Callable[[Connector], None]) -> None:
    for connector in BUILTIN_CONNECTORS:
        register(connector)
