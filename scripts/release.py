"""Release verbs against the Pact Broker in PACT_BROKER_BASE_URL, with the official CLI.

Usage:
  python scripts/release.py publish [PACT_DIR]
  python scripts/release.py can-i-deploy PACTICIPANT ENVIRONMENT [--version V]
  python scripts/release.py record-deployment PACTICIPANT ENVIRONMENT [--version V]
  python scripts/release.py create-environment NAME [--production]
  python scripts/release.py create-webhook

create-webhook makes the broker start the provider's `verify-changed-pact` GitHub workflow
(repository_dispatch) whenever a pact needing verification is published. It posts to
PACT_WEBHOOK_URL, default https://api.github.com/repos/$GITHUB_REPOSITORY/dispatches, with
the token in GITHUB_DISPATCH_TOKEN (stored on the broker, never printed).

Versions default to the git commit (dirty trees say so) and branches to the git branch;
PACT_CONSUMER_VERSION/BRANCH and PACT_PROVIDER_VERSION/BRANCH override them.
"""

import argparse
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from broker_connection import BrokerConnection, BrokerConnectionError
from git_revision import RevisionError, branch_for, version_for
from pact_broker_cli import run_pact_broker

ROOT = Path(__file__).resolve().parent.parent
ROLES = {"notification-service": "consumer", "user-service": "provider"}
EXIT_BAD_INPUT = 2


class ReleaseError(RuntimeError):
    """A verb cannot run; the message says what to do."""


def _version(pacticipant: str, given: str | None) -> str:
    return given or version_for(ROLES.get(pacticipant, "consumer"))


def publish(connection: BrokerConnection, pact_dir: Path) -> int:
    """Publish every pact in ``pact_dir`` as the consumer's version on its branch."""
    pacts = sorted(pact_dir.glob("*.json")) if pact_dir.is_dir() else []
    if not pacts:
        raise ReleaseError(f"no pact files in {pact_dir}: run `just pact` to write them first")
    version, branch = version_for("consumer"), branch_for("consumer")
    print(f"publishing {len(pacts)} pact(s) as consumer version {version} on branch {branch}")
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
        print(f"environment {name!r} exists already")
        return 0
    flags = ["--production"] if production else []
    return run_pact_broker(connection, "create-environment", "--name", name, *flags)


WEBHOOK_DESCRIPTION = "user-service: verify changed pacts (GitHub repository_dispatch)"
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


def create_webhook(connection: BrokerConnection, environ: Mapping[str, str]) -> int:
    """Configure the broker to start the provider's verify-changed-pact workflow."""
    url = environ.get("PACT_WEBHOOK_URL", "").strip()
    if not url:
        repository = environ.get("GITHUB_REPOSITORY", "").strip()
        if not repository:
            raise ReleaseError(
                "set GITHUB_REPOSITORY (owner/name) or PACT_WEBHOOK_URL for the webhook's target"
            )
        url = f"https://api.github.com/repos/{repository}/dispatches"
    token = environ.get("GITHUB_DISPATCH_TOKEN", "").strip()
    headers = ["Content-Type: application/json", "Accept: application/vnd.github+json"]
    if token:
        headers.append(f"Authorization: Bearer {token}")
    elif "api.github.com" in url:
        raise ReleaseError("set GITHUB_DISPATCH_TOKEN: GitHub needs a token to start a workflow")
    print(f"creating webhook: {DISPATCH_EVENT} for user-service -> POST {url}")
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
        "user-service",
        "--description",
        WEBHOOK_DESCRIPTION,
        "--contract-requiring-verification-published",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="release", description=__doc__.splitlines()[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    publish_verb = verbs.add_parser("publish", help="publish pacts/ to the broker")
    publish_verb.add_argument("pact_dir", nargs="?", type=Path, default=ROOT / "pacts")
    for name in ("can-i-deploy", "record-deployment"):
        verb = verbs.add_parser(name)
        verb.add_argument("pacticipant")
        verb.add_argument("environment")
        verb.add_argument("--version", help="default: the git commit (or PACT_<ROLE>_VERSION)")
    environment_verb = verbs.add_parser("create-environment")
    environment_verb.add_argument("name")
    environment_verb.add_argument("--production", action="store_true")
    verbs.add_parser("create-webhook", help="start verify-changed-pact on contract changes")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one verb; 2 for bad input or configuration, otherwise the CLI's own exit code."""
    args = _parser().parse_args(argv)
    try:
        connection = BrokerConnection.from_environment()
        connection.check_reachable()
        if args.verb == "publish":
            return publish(connection, args.pact_dir)
        if args.verb == "create-webhook":
            return create_webhook(connection, os.environ)
        if args.verb == "create-environment":
            return create_environment(connection, args.name, production=args.production)
        version = _version(args.pacticipant, args.version)
        if args.verb == "can-i-deploy":
            return can_i_deploy(connection, args.pacticipant, args.environment, version)
        return record_deployment(connection, args.pacticipant, args.environment, version)
    except (BrokerConnectionError, RevisionError, ReleaseError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
