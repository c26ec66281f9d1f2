"""Release verbs against the Pact Broker, through the official CLI, each failure one line.

Versions default to the git commit (dirty trees say so) and branches to the git branch;
PACT_CONSUMER_VERSION/BRANCH and PACT_PROVIDER_VERSION/BRANCH override them. What can be
checked before the CLI runs (the environment, the pacticipant, the version) is, so that a
failure names the fix; what the broker alone can refuse is reworded from the CLI's output.
"""

import json
import uuid
from collections.abc import Mapping
from pathlib import Path

from contract_first.config import Pacticipant
from contract_first.console import say
from contract_first.errors import ContractBrokenError, UsageError
from contract_first.release import broker_checks
from contract_first.release.broker_connection import BrokerConnection
from contract_first.release.broker_refusals import RefusalContext, explain
from contract_first.release.cli_output import problems
from contract_first.release.deploy_verdict import next_step, parse_verdict, why_not
from contract_first.release.pact_broker_cli import CliRun, run_pact_broker
from contract_first.release.versions import branch_for, version_for

DISPATCH_EVENT = "contract_requiring_verification_published"


def version_of(pacticipant: Pacticipant, given: str | None) -> str:
    """The version to ask about: ``--version``, else ``PACT_<ROLE>_VERSION``, else the commit."""
    return given or version_for(pacticipant.role)


def _refused(what: str, run: CliRun, context: RefusalContext) -> UsageError:
    """The CLI's failure as one line: what could not be done, and the broker's reasons."""
    return UsageError(f"could not {what}: {explain(problems(run.output), context)}")


def _say_output(run: CliRun) -> None:
    text = run.output.strip("\n")
    if text:
        say(text)


def publish(connection: BrokerConnection, pact_dir: Path) -> int:
    """Publish every pact in ``pact_dir`` as the consumer's version on its branch."""
    pacts = sorted(pact_dir.glob("*.json")) if pact_dir.is_dir() else []
    if not pacts:
        raise UsageError(f"no pact files in {pact_dir}: run the consumer's pact tests first")
    version, branch = version_for("consumer"), branch_for("consumer")
    say(f"publishing {len(pacts)} pact(s) as consumer version {version} on branch {branch}")
    run = run_pact_broker(
        connection,
        "publish",
        str(pact_dir),
        "--consumer-app-version",
        version,
        "--branch",
        branch,
    )
    if not run.ok:
        raise _refused("publish the pacts", run, RefusalContext(connection.base_url))
    _say_output(run)
    return 0


def _check_release(
    connection: BrokerConnection, pacticipant: Pacticipant, environment: str, version: str
) -> None:
    """The environment, the pacticipant and its version must all be on the broker."""
    broker_checks.require_environment(connection, environment)
    known = broker_checks.require_pacticipant(connection, pacticipant.name, pacticipant.role)
    broker_checks.require_version(connection, known, version, pacticipant.role)


def can_i_deploy(
    connection: BrokerConnection,
    pacticipant: Pacticipant,
    environment: str,
    version: str,
    *,
    retry_while_unknown: int = 0,
    retry_interval: int = 10,
) -> int:
    """Ask the broker whether this version may go to the environment; exit 1 when it may not."""
    _check_release(connection, pacticipant, environment, version)
    waiting = (
        ["--retry-while-unknown", str(retry_while_unknown), "--retry-interval", str(retry_interval)]
        if retry_while_unknown
        else []
    )
    run = run_pact_broker(
        connection,
        "can-i-deploy",
        "--pacticipant",
        pacticipant.name,
        "--version",
        version,
        "--to-environment",
        environment,
        "--output",
        "json",
        *waiting,
    )
    verdict = parse_verdict(run.output)
    if verdict is None:
        raise _refused("ask can-i-deploy", run, RefusalContext(connection.base_url))
    for row in verdict.rows:
        say(row.describe())
    for notice in verdict.notices:
        say(f"  {notice}")
    subject = f"{pacticipant.name} {version}"
    if verdict.deployable:
        say(f"yes: {subject} may be deployed to {environment}")
        return 0
    raise ContractBrokenError(
        f"no: {subject} may not be deployed to {environment}: "
        f"{why_not(verdict, pacticipant.name)}; "
        f"{next_step(verdict, pacticipant.name, environment)}"
    )


def record_deployment(
    connection: BrokerConnection, pacticipant: Pacticipant, environment: str, version: str
) -> int:
    """Tell the broker this version now runs in the environment (after a real deploy)."""
    _check_release(connection, pacticipant, environment, version)
    run = run_pact_broker(
        connection,
        "record-deployment",
        "--pacticipant",
        pacticipant.name,
        "--version",
        version,
        "--environment",
        environment,
    )
    if not run.ok:
        raise _refused("record the deployment", run, RefusalContext(connection.base_url))
    say(f"recorded: {pacticipant.name} {version} is deployed to {environment}")
    return 0


def create_environment(connection: BrokerConnection, name: str, *, production: bool) -> int:
    """Create a deployment environment, unless one with that name exists already."""
    if name in broker_checks.environment_names(connection):
        say(f"environment {name!r} exists already on the Pact Broker at {connection.base_url}")
        return 0
    flags = ["--production"] if production else []
    run = run_pact_broker(connection, "create-environment", "--name", name, *flags)
    if not run.ok:
        raise _refused(f"create the environment {name!r}", run, RefusalContext(connection.base_url))
    kind = "production environment" if production else "environment"
    say(f"created the {kind} {name!r} on the Pact Broker at {connection.base_url}")
    return 0


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


def webhook_uuid(provider: str) -> str:
    """One webhook per provider: creating it again updates it (a new token, a new URL)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"contract-first:{DISPATCH_EVENT}:{provider}"))


def _webhook_target(environ: Mapping[str, str]) -> tuple[str, str]:
    """The URL to call and the GitHub token for it (blank when none is needed)."""
    url = environ.get("PACT_WEBHOOK_URL", "").strip()
    if not url:
        repository = environ.get("GITHUB_REPOSITORY", "").strip()
        if not repository:
            raise UsageError(
                "set GITHUB_REPOSITORY (owner/name) or PACT_WEBHOOK_URL for the webhook's target"
            )
        url = f"https://api.github.com/repos/{repository}/dispatches"
    token = environ.get("GITHUB_DISPATCH_TOKEN", "").strip()
    if not token and "api.github.com" in url:
        raise UsageError("set GITHUB_DISPATCH_TOKEN: GitHub needs a token to start a workflow")
    return url, token


def create_webhook(
    connection: BrokerConnection, environ: Mapping[str, str], provider: Pacticipant
) -> int:
    """Configure the broker to start the provider's verify-changed-pact workflow."""
    url, token = _webhook_target(environ)
    broker_checks.require_pacticipant(connection, provider.name, provider.role)
    headers = ["Content-Type: application/json", "Accept: application/vnd.github+json"]
    if token:
        headers.append(f"Authorization: Bearer {token}")
    say(f"creating webhook: {DISPATCH_EVENT} for {provider.name} -> POST {url}")
    identifier = webhook_uuid(provider.name)
    run = run_pact_broker(
        connection,
        "create-or-update-webhook",
        url,
        "--uuid",
        identifier,
        "--request",
        "POST",
        "--header",  # takes several values; one flag per header is refused by the CLI
        *headers,
        "--data",
        webhook_body(),
        "--provider",
        provider.name,
        "--description",
        f"{provider.name}: verify changed pacts (GitHub repository_dispatch)",
        "--contract-requiring-verification-published",
        secrets=[token] if token else [],
    )
    if not run.ok:
        raise _refused("create the webhook", run, RefusalContext(connection.base_url, url))
    say(f"webhook {identifier} saved: {connection.base_url}/webhooks/{identifier}")
    return 0
