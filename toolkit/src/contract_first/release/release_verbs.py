"""Release verbs against the Pact Broker in PACT_BROKER_BASE_URL, through the official CLI.

Versions default to the git commit (dirty trees say so) and branches to the git branch;
PACT_CONSUMER_VERSION/BRANCH and PACT_PROVIDER_VERSION/BRANCH override them.
"""

import json
from collections.abc import Mapping
from pathlib import Path

from contract_first.config import Pacticipant
from contract_first.console import say
from contract_first.errors import UsageError
from contract_first.release.broker_connection import BrokerConnection
from contract_first.release.pact_broker_cli import run_pact_broker
from contract_first.release.versions import branch_for, version_for


def version_of(pacticipant: Pacticipant, given: str | None) -> str:
    """The version to ask about: ``--version``, else ``PACT_<ROLE>_VERSION``, else the commit."""
    return given or version_for(pacticipant.role)


def publish(connection: BrokerConnection, pact_dir: Path) -> int:
    """Publish every pact in ``pact_dir`` as the consumer's version on its branch."""
    pacts = sorted(pact_dir.glob("*.json")) if pact_dir.is_dir() else []
    if not pacts:
        raise UsageError(f"no pact files in {pact_dir}: run the consumer's pact tests first")
    version, branch = version_for("consumer"), branch_for("consumer")
    say(f"publishing {len(pacts)} pact(s) as consumer version {version} on branch {branch}")
    return run_pact_broker(
        connection,
        "publish",
        str(pact_dir),
        "--consumer-app-version",
        version,
        "--branch",
        branch,
    )


def can_i_deploy(
    connection: BrokerConnection, pacticipant: str, environment: str, version: str
) -> int:
    """Ask the broker whether this version may go to the environment; exit 1 when it may not."""
    return run_pact_broker(
        connection,
        "can-i-deploy",
        "--pacticipant",
        pacticipant,
        "--version",
        version,
        "--to-environment",
        environment,
    )


def record_deployment(
    connection: BrokerConnection, pacticipant: str, environment: str, version: str
) -> int:
    """Tell the broker this version now runs in the environment (after a real deploy)."""
    return run_pact_broker(
        connection,
        "record-deployment",
        "--pacticipant",
        pacticipant,
        "--version",
        version,
        "--environment",
        environment,
    )


def create_environment(connection: BrokerConnection, name: str, *, production: bool) -> int:
    """Create a deployment environment, unless one with that name exists already."""
    with connection.client() as client:
        listing = client.get("/environments")
    existing = (
        listing.json().get("_embedded", {}).get("environments", []) if listing.is_success else []
    )
    if any(environment.get("name") == name for environment in existing):
        say(f"environment {name!r} exists already")
        return 0
    flags = ["--production"] if production else []
    return run_pact_broker(connection, "create-environment", "--name", name, *flags)


DISPATCH_EVENT = "contract_requiring_verification_published"


def webhook_body() -> str:
    """The dispatch payload: which pact to verify, against which provider commit and branch."""
    return json.dumps(
        {
            "event_type": DISPATCH_EVENT,
            "client_payload": {
                "pact_url": "${pactbroker.pactUrl}",
                "sha": "${pactbroker.providerVersionNumber}",
                "branch": "${pactbroker.providerVersionBranch}",
                "message": "Verify changed pact for ${pactbroker.consumerName} "
                "version ${pactbroker.consumerVersionNumber}",
            },
        },
        sort_keys=True,
    )


def create_webhook(connection: BrokerConnection, environ: Mapping[str, str], provider: str) -> int:
    """Configure the broker to start the provider's verify-changed-pact workflow."""
    url = environ.get("PACT_WEBHOOK_URL", "").strip()
    if not url:
        repository = environ.get("GITHUB_REPOSITORY", "").strip()
        if not repository:
            raise UsageError(
                "set GITHUB_REPOSITORY (owner/name) or PACT_WEBHOOK_URL for the webhook's target"
            )
        url = f"https://api.github.com/repos/{repository}/dispatches"
    token = environ.get("GITHUB_DISPATCH_TOKEN", "").strip()
    headers = ["Content-Type: application/json", "Accept: application/vnd.github+json"]
    if token:
        headers.append(f"Authorization: Bearer {token}")
    elif "api.github.com" in url:
        raise UsageError("set GITHUB_DISPATCH_TOKEN: GitHub needs a token to start a workflow")
    say(f"creating webhook: {DISPATCH_EVENT} for {provider} -> POST {url}")
    return run_pact_broker(
        connection,
        "create-webhook",
        url,
        "--request",
        "POST",
        "--header",  # takes several values; one flag per header is refused by the CLI
        *headers,
        "--data",
        webhook_body(),
        "--provider",
        provider,
        "--description",
        f"{provider}: verify changed pacts (GitHub repository_dispatch)",
        "--contract-requiring-verification-published",
    )
