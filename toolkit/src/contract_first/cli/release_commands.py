"""Release verbs: publish pacts, ask can-i-deploy, record deployments, set up the broker.

Each picks the broker (``PACT_BROKER_BASE_URL``, the configuration, else the local broker
``local-pact-broker up`` started, which it names) and checks it is reachable with the given
credentials before the official CLI runs, so a closed port or a wrong token is one line with
the fix, not the CLI's stack of errors.
"""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from contract_first.cli.context import session
from contract_first.console import say

if TYPE_CHECKING:
    from contract_first.release.broker_connection import BrokerConnection

# Each verb imports the release machinery (httpx, ~0.25 s) when it runs, so ``--help`` and
# the other verbs start without it.

VersionOption = Annotated[
    str | None,
    typer.Option(
        help="the version to ask about (default: PACT_<ROLE>_VERSION, else the git commit)"
    ),
]


def _connection(ctx: typer.Context) -> "BrokerConnection":
    from contract_first.release.broker_choice import choose_broker  # noqa: PLC0415

    choice = choose_broker(session(ctx).config())
    connection = choice.connection()
    announcement = choice.announcement()
    if announcement:
        say(announcement)
    connection.check_reachable()
    return connection


def publish(
    ctx: typer.Context,
    pacts: Annotated[
        Path | None, typer.Argument(help="folder of pact files (default: the configured pacts)")
    ] = None,
) -> int:
    """Publish the pacts as the consumer's version (git commit) on its branch."""
    connection = _connection(ctx)
    from contract_first.release import release_verbs  # noqa: PLC0415

    return release_verbs.publish(connection, pacts or session(ctx).config().pacts)


def can_i_deploy(
    ctx: typer.Context,
    pacticipant: Annotated[str, typer.Argument(help="a configured consumer or provider")],
    environment: Annotated[str, typer.Argument(help="e.g. production")],
    version: VersionOption = None,
    retry_while_unknown: Annotated[
        int,
        typer.Option(
            min=0,
            help="while a verification result is missing, ask again up to this many times "
            "(a pipeline waiting for the webhook-triggered verification)",
        ),
    ] = 0,
    retry_interval: Annotated[int, typer.Option(min=1, help="seconds between those retries")] = 10,
) -> int:
    """Ask the broker whether this version may be deployed; exit 1 when it may not."""
    chosen = session(ctx).config().pacticipant(pacticipant)
    connection = _connection(ctx)
    from contract_first.release import release_verbs  # noqa: PLC0415

    return release_verbs.can_i_deploy(
        connection,
        chosen,
        environment,
        release_verbs.version_of(chosen, version),
        retry_while_unknown=retry_while_unknown,
        retry_interval=retry_interval,
    )


def record_deployment(
    ctx: typer.Context,
    pacticipant: Annotated[str, typer.Argument(help="a configured consumer or provider")],
    environment: Annotated[str, typer.Argument(help="e.g. production")],
    version: VersionOption = None,
) -> int:
    """Record that this version now runs in the environment (after the real deploy)."""
    chosen = session(ctx).config().pacticipant(pacticipant)
    connection = _connection(ctx)
    from contract_first.release import release_verbs  # noqa: PLC0415

    return release_verbs.record_deployment(
        connection, chosen, environment, release_verbs.version_of(chosen, version)
    )


def create_environment(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="the environment's name, e.g. production")],
    production: Annotated[bool, typer.Option("--production", help="mark it as production")] = False,
) -> int:
    """Create a deployment environment on the broker, unless it exists (idempotent)."""
    from contract_first.release import release_verbs  # noqa: PLC0415

    return release_verbs.create_environment(_connection(ctx), name, production=production)


def create_webhook(
    ctx: typer.Context,
    provider: Annotated[str | None, typer.Option(help="default: the configured provider")] = None,
) -> int:
    """Make the broker start the provider's verify-changed-pact workflow on a changed pact.

    Posts to PACT_WEBHOOK_URL, default https://api.github.com/repos/$GITHUB_REPOSITORY/dispatches,
    with GITHUB_DISPATCH_TOKEN (stored on the broker, never printed). Running it again updates
    the same webhook.
    """
    chosen = session(ctx).config().provider(provider)
    from contract_first.release import release_verbs  # noqa: PLC0415

    return release_verbs.create_webhook(_connection(ctx), os.environ, chosen)


def register(app: typer.Typer) -> None:
    """Add the release verbs to ``app``."""
    app.command("publish")(publish)
    app.command("can-i-deploy")(can_i_deploy)
    app.command("record-deployment")(record_deployment)
    app.command("create-environment")(create_environment)
    app.command("create-webhook")(create_webhook)
