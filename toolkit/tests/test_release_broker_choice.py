"""With PACT_BROKER_BASE_URL unset, the broker verbs use the broker `local-pact-broker up` started.

Each says so in one line; an explicit PACT_BROKER_BASE_URL wins; a recorded broker that no
longer answers, or none at all, is one error line saying how to start one.
"""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from local_pact_broker.background import running_broker

from .release_project import ReleaseProject
from .sample_project import CONSUMER, PROVIDER


@pytest.fixture
def project_up(release_project: ReleaseProject) -> Iterator[ReleaseProject]:
    """The project, with its local broker started by `up` and stopped by `down` after."""
    started = release_project.broker("up")
    assert started.exit_code == 0, started.said
    try:
        yield release_project
    finally:
        stopped = release_project.broker("down")
        assert stopped.exit_code == 0, stopped.said


def announcement(project: ReleaseProject) -> str:
    return (
        f"using the local Pact Broker at {project.local_url} (from `local-pact-broker up`; "
        "PACT_BROKER_BASE_URL overrides)"
    )


def test_every_broker_verb_uses_the_broker_up_started_and_says_so(
    project_up: ReleaseProject,
) -> None:
    url, record = project_up.local_url, project_up.root / ".broker" / "broker.url"
    assert record.read_text(encoding="utf-8").strip() == url
    steps: list[tuple[tuple[str, ...], dict[str, str]]] = [
        (("publish",), {}),
        (("create-environment", "production", "--production"), {}),
        (("verify",), {"CI": "true"}),
        (("can-i-deploy", CONSUMER, "production"), {}),
        (("record-deployment", PROVIDER, "production"), {}),
        (("create-webhook",), {"PACT_WEBHOOK_URL": "https://127.0.0.1:9/dispatches"}),
    ]
    for step, env in steps:
        outcome = project_up.run(*step, env=env)

        assert outcome.exit_code in {0, 1}, f"{' '.join(step)}: {outcome.said}"
        assert outcome.stdout.splitlines()[0] == announcement(project_up), outcome.said

    published = httpx.get(f"{url}/pacts/provider/{PROVIDER}/consumer/{CONSUMER}/latest")
    assert published.status_code == 200, "publish did not reach the broker `up` started"
    matrix = httpx.get(f"{url}/matrix?q[][pacticipant]={CONSUMER}&q[][version]=web-1").json()
    assert matrix["matrix"][0]["verificationResult"]["success"] is True, "verify did not publish"
    environments = httpx.get(f"{url}/environments").json()["_embedded"]["environments"]
    assert [environment["name"] for environment in environments] == ["production"]
    deployed = httpx.get(f"{url}/pacticipants/{PROVIDER}/versions/things-1").json()
    assert "production" in str(deployed), "record-deployment did not reach the broker"
    assert len(httpx.get(f"{url}/webhooks").json()["_links"]["pb:webhooks"]) == 1

    assert project_up.broker("down").exit_code == 0
    assert not record.exists(), "down left the URL of a stopped broker behind"


def test_an_explicit_base_url_wins_over_the_local_broker(
    project_up: ReleaseProject, tmp_path: Path
) -> None:
    with running_broker(tmp_path / "other.sqlite3", tmp_path / "other.log") as other:
        outcome = project_up.run("publish", env={"PACT_BROKER_BASE_URL": other})

        assert outcome.exit_code == 0, outcome.said
        assert "using the local Pact Broker" not in outcome.stdout
        assert httpx.get(f"{other}/pacticipants/{CONSUMER}").status_code == 200
    local = httpx.get(f"{project_up.local_url}/pacticipants/{CONSUMER}")
    assert local.status_code == 404, "the pact went to the local broker, not the one named"

    folder = project_up.run("verify", "--pacts", str(project_up.pacts))

    assert folder.exit_code == 0, folder.said
    assert "using the local Pact Broker" not in folder.stdout, "--pacts must mean the folder"
    assert f"against the pacts in {project_up.pacts}" in folder.stdout


def test_a_recorded_broker_that_no_longer_answers_is_one_line_with_the_fix(
    release_project: ReleaseProject,
) -> None:
    project = release_project
    record = project.root / ".broker" / "broker.url"
    record.parent.mkdir()
    record.write_text(f"{project.local_url}\n", encoding="utf-8")  # as a killed broker leaves it

    outcome = project.run("publish")

    assert outcome.exit_code == 2
    assert outcome.one_error_line() == (
        f"error: PACT_BROKER_BASE_URL is not set, and the local Pact Broker recorded in {record} "
        f"({project.local_url}) does not answer: start it again with `local-pact-broker up`, "
        "or set PACT_BROKER_BASE_URL"
    )


@pytest.mark.parametrize(
    ("runner", "start"), [("", "`local-pact-broker up`"), ("just", "`just broker-up`")]
)
def test_no_broker_at_all_names_the_command_that_starts_one(
    release_project: ReleaseProject, runner: str, start: str
) -> None:
    outcome = release_project.run(
        "can-i-deploy", PROVIDER, "production", env={"CONTRACT_FIRST_RUNNER": runner}
    )

    assert outcome.exit_code == 2
    assert outcome.one_error_line() == (
        f"error: PACT_BROKER_BASE_URL is not set: start one with {start} (the verbs find it), "
        "or set PACT_BROKER_BASE_URL"
    )
