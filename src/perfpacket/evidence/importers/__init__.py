"""Built-in importers, registered through the same hook a third-party plugin uses."""

from __future__ import annotations

from collections.abc import Callable

from perfpacket.evidence.importers.feedback import FeedbackImporter
from perfpacket.evidence.importers.git import GitImporter
from perfpacket.evidence.importers.github import (
    GitHubIssuesImporter,
    GitHubPullsImporter,
    GitHubReleasesImporter,
)
from perfpacket.evidence.importers.gitlab import (
    GitLabMergeRequestsImporter,
    GitLabReleasesImporter,
)
from perfpacket.evidence.importers.inspect_logs import InspectImporter
from perfpacket.evidence.importers.jira import JiraIssuesImporter
from perfpacket.evidence.importers.linear import LinearIssuesImporter
from perfpacket.evidence.importers.lm_eval import LmEvalImporter
from perfpacket.evidence.importers.mlflow_runs import MlflowImporter
from perfpacket.evidence.importers.openai_evals import OpenAIEvalsImporter
from perfpacket.evidence.importers.pagerduty import PagerDutyImporter
from perfpacket.evidence.importers.promptfoo import PromptfooImporter
from perfpacket.evidence.importers.tables import (
    ArtifactsCsvImporter,
    ExperimentsCsvImporter,
    GradedCsvImporter,
    GuardEventsImporter,
    IncidentsCsvImporter,
    InterviewsCsvImporter,
    ReleasesCsvImporter,
)
from perfpacket.evidence.importers.telemetry import TelemetryImporter
from perfpacket.evidence.records import Importer
from perfpacket.plugins import hookimpl

BUILTIN_IMPORTERS: tuple[Importer, ...] = (
    GitImporter(),
    GitHubPullsImporter(),
    GitHubIssuesImporter(),
    GitLabMergeRequestsImporter(),
    GitHubReleasesImporter(),
    GitLabReleasesImporter(),
    PromptfooImporter(),
    LmEvalImporter(),
    InspectImporter(),
    MlflowImporter(),
    OpenAIEvalsImporter(),
    PagerDutyImporter(),
    JiraIssuesImporter(),
    LinearIssuesImporter(),
    IncidentsCsvImporter(),
    ExperimentsCsvImporter(),
    GuardEventsImporter(),
    ReleasesCsvImporter(),
    ArtifactsCsvImporter(),
    GradedCsvImporter(),
    InterviewsCsvImporter(),
    FeedbackImporter(),
    TelemetryImporter(),
)


@hookimpl
def register_importers(register: Callable[[Importer], None]) -> None:
    for importer in BUILTIN_IMPORTERS:
        register(importer)
