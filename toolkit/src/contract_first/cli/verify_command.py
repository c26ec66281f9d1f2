"""``contract-first verify``: replay the consumers' pacts against the provider, served for real."""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from contract_first.cli.context import session
from contract_first.console import fail, say, warn
from contract_first.errors import EXIT_BROKEN, EXIT_OK, UsageError

if TYPE_CHECKING:
    from contract_first.config import Config, Pacticipant
    from contract_first.verify.verification import VerificationReport


def verify(
    ctx: typer.Context,
    provider: Annotated[
        str | None,
        typer.Option(help="the provider's name on the broker (default: the configured one)"),
    ] = None,
    app: Annotated[
        str | None,
        typer.Option(
            help="MODULE:ATTR of an ASGI app, or of a zero-argument factory returning one"
        ),
    ] = None,
    states: Annotated[
        str | None,
        typer.Option(
            help="MODULE:ATTR of a mapping state name -> handler(action, parameters), or of a "
            "callable taking the app and returning one"
        ),
    ] = None,
    pacts: Annotated[
        Path | None,
        typer.Option(help="folder of pact files, used when neither PACT_URL nor a broker is set"),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="add the verifier's full log")
    ] = False,
) -> int:
    """Verify the provider against its consumers' pacts: PACT_URL, else the broker, else a folder.

    Exit 0 when every interaction holds (pending failures are reported, not blocking), 1 when a
    contract is broken, 2 when nothing could be judged.
    """
    given_all = provider is not None and app is not None and states is not None
    config = session(ctx).config() if not given_all else _optional_config(ctx)
    chosen = _provider(config, provider)
    app_import = app or chosen.app
    if not app_import:
        raise UsageError(
            f"no app for {chosen.name!r}: pass --app MODULE:ATTR or set app in "
            f"[tool.contract-first.pacticipants.{chosen.name}]"
        )
    states_import = states or chosen.states
    # The verifier (pact's FFI, uvicorn, httpx: ~0.3 s to import) loads only when verify runs.
    from contract_first.provider_app import (  # noqa: PLC0415
        load_app,
        load_states,
        scratch_environment,
    )
    from contract_first.verify.settings import (  # noqa: PLC0415
        choose_publication,
        choose_source,
        why_not_published,
    )
    from contract_first.verify.verification import verify_provider  # noqa: PLC0415

    environ = dict(os.environ)
    source = choose_source(
        environ,
        pacts or config.pacts,
        _broker_base_url(config, environ, pacts_given=pacts is not None),
        config.include_wip_pacts_since,
    )
    publication = choose_publication(source, environ)
    say(f"verifying {chosen.name} against {source.describe()}")
    with scratch_environment(chosen.env):
        asgi_app = load_app(app_import)
        handlers = load_states(states_import, asgi_app) if states_import else {}
        report = verify_provider(
            provider=chosen.name,
            app=asgi_app,
            state_handlers=handlers,
            source=source,
            publication=publication,
        )
    _print(report, why_not_published(source, environ), verbose=verbose)
    return EXIT_OK if report.ok else EXIT_BROKEN


def _optional_config(ctx: typer.Context) -> "Config":
    """With --provider, --app and --states all given, a broken or absent file does not matter."""
    from contract_first.config import Config  # noqa: PLC0415

    try:
        return session(ctx).config()
    except UsageError:
        return Config(root=Path.cwd())


def _broker_base_url(config: "Config", environ: dict[str, str], *, pacts_given: bool) -> str | None:
    """The configured broker, else the local one ``up`` started (said in one line).

    ``--pacts DIR`` asks for that folder, so the local broker is not looked for then; nor is
    it for a ``PACT_URL`` on another broker, whose results must not go to the local one.
    """
    if pacts_given:
        return config.broker_base_url
    from contract_first.release.broker_choice import choose_broker  # noqa: PLC0415

    choice = choose_broker(config, environ)
    url = environ.get("PACT_URL", "").strip()
    local = choice.local
    if local is None or not local.answers or (url and not url.startswith(f"{local.url}/")):
        return config.broker_base_url
    announcement = choice.announcement()
    if announcement:
        say(announcement)
    return choice.default_base_url


def _provider(config: "Config", name: str | None) -> "Pacticipant":
    """The configured provider; with no pacticipants configured, the one the flags name."""
    from contract_first.config import Pacticipant  # noqa: PLC0415

    if name is not None and not config.pacticipants:
        return Pacticipant(name=name, role="provider")  # flags alone: no configuration needed
    return config.provider(name)  # a name the configuration lacks is a typo: list the known


def _print(report: "VerificationReport", not_published: str, *, verbose: bool) -> None:
    if report.failures:
        fail(report.headline())
    for outcome in report.verified:
        say(f"  ok       {outcome.consumer}: {outcome.description}")
    for outcome in report.pending_failures:
        say(f"  pending  {outcome.consumer}: {outcome.description} (failed, not blocking)")
        for reason in outcome.reasons:
            say(f"           - {reason}")
    for outcome in report.failures:
        say(f"  FAILED   {outcome.consumer}: {outcome.description}")
    pacts = len({outcome.pact.source for outcome in report.outcomes})
    summary = (
        f"{len(report.verified)} of {len(report.outcomes)} interactions verified "
        f"from {pacts} pact{'s' if pacts != 1 else ''}"
    )
    if report.published is not None:
        summary += f"; results published as {report.published.version} on {report.published.branch}"
    else:
        summary += f"; {not_published}"
    say(summary)
    if verbose:
        say("\n--- the verifier's log ---\n" + report.log.strip())
    elif report.failures:
        warn("rerun with --verbose for the verifier's full log")


def register(app: typer.Typer) -> None:
    """Add ``verify`` to ``app``."""
    app.command("verify")(verify)
