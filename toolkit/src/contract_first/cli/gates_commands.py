"""The gate verbs: export the spec, regenerate the client, check drift, check pacts vs the spec.

Each reads the provider's settings from ``[tool.contract-first.pacticipants.NAME]``; flags
override them. ``check-pacts-against-spec`` needs no configuration when given PACTS and --spec.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from contract_first.cli.context import session
from contract_first.console import say, warn
from contract_first.errors import ContractBrokenError, UsageError

if TYPE_CHECKING:
    from contract_first.config import Config, Pacticipant

T = TypeVar("T")

ProviderOption = Annotated[
    str | None,
    typer.Option(
        "--provider",
        metavar="NAME",
        help="the provider pacticipant (default: the only one configured)",
        show_default=False,
    ),
]
_EXAMPLES = {
    "app": 'app = "package.module:create_app"',
    "spec": 'spec = "openapi/openapi.json"',
    "client": 'client = "generated_client"',
}


def register(app: typer.Typer) -> None:
    """Add the gate verbs to ``app``."""
    app.command("export-openapi")(export_openapi)
    app.command("regen-client")(regen_client)
    app.command("check-drift")(check_drift_command)
    app.command("check-pacts-against-spec")(check_pacts_against_spec)


def export_openapi(
    ctx: typer.Context,
    provider: ProviderOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            metavar="PATH",
            help="where to write the document (default: the provider's spec)",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Export the provider's OpenAPI document, byte-stable; an unchanged file is left alone."""
    config = session(ctx).config()
    chosen = config.provider(provider)
    app_import = _required(config, chosen, "app", chosen.app)
    _export(app_import, chosen, output or _required(config, chosen, "spec", chosen.spec))


def regen_client(ctx: typer.Context, provider: ProviderOption = None) -> None:
    """Re-export the provider's spec, then regenerate its client from it."""
    config = session(ctx).config()
    chosen = config.provider(provider)
    app_import = _required(config, chosen, "app", chosen.app)
    spec = _required(config, chosen, "spec", chosen.spec)
    client = _required(config, chosen, "client", chosen.client)
    _export(app_import, chosen, spec)
    from contract_first.gates.client_generation import generate_client  # noqa: PLC0415

    generate_client(spec, client, chosen.client_config)
    say(f"generated {_shown(client)} from {_shown(spec)}")


def check_drift_command(
    ctx: typer.Context,
    provider: ProviderOption = None,
    spec: Annotated[
        Path | None,
        typer.Option(
            "--spec",
            metavar="PATH",
            help="the committed OpenAPI document (default: the provider's spec)",
            show_default=False,
        ),
    ] = None,
    client: Annotated[
        Path | None,
        typer.Option(
            "--client",
            metavar="PATH",
            help="the committed client folder (default: the provider's client)",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Fail with a diff when the committed spec or generated client is stale."""
    config = session(ctx).config()
    chosen = config.provider(provider)
    from contract_first.gates.drift import FIX, check_drift  # noqa: PLC0415

    result = check_drift(
        _required(config, chosen, "app", chosen.app),
        chosen.env,
        spec or _required(config, chosen, "spec", chosen.spec),
        client or _required(config, chosen, "client", chosen.client),
        chosen.client_config,
    )
    if result.ok:
        say(result.summary())
        return
    warn(result.report())
    raise ContractBrokenError(f"the committed spec or client is stale. {FIX}")


def check_pacts_against_spec(
    ctx: typer.Context,
    pacts: Annotated[
        Path | None,
        typer.Argument(
            metavar="[PACTS]",
            help="a pact file or a folder of them (default: the configured pacts folder)",
            show_default=False,
        ),
    ] = None,
    spec: Annotated[
        Path | None,
        typer.Option(
            "--spec",
            metavar="FILE",
            help="the OpenAPI 3.1 document (default: the provider's spec)",
            show_default=False,
        ),
    ] = None,
    provider: Annotated[
        str | None,
        typer.Option(
            "--provider",
            metavar="NAME",
            help="whose pacts to check (default: the configured provider, else the spec's title)",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Fail when a pact asks for what the spec does not promise (relied-on: required, non-null).

    One line per finding:
    ``CODE name | consumer | interaction | spec location | message | fix: what to change``.
    """
    if pacts is None or spec is None:  # only then is the configuration needed at all
        config = session(ctx).config()
        pacts = pacts or config.pacts
        if spec is None:
            chosen = _spec_owner(config, provider)
            spec = _required(config, chosen, "spec", chosen.spec)
            provider = chosen.name
    # jsonschema and the spec model cost ~60 ms to import: only this verb pays for them.
    from contract_first.gates.pacts_vs_spec import check, plural  # noqa: PLC0415

    result = check(pacts, spec, provider)
    for finding in result.findings:
        say(finding.line())
    if result.findings:
        raise ContractBrokenError(
            f"{plural(len(result.findings), 'finding')}: the pacts ask for what {_shown(spec)} "
            f"does not promise ({result.checked()})"
        )
    say(f"ok: {result.checked()} are allowed by {_shown(spec)}")


def _spec_owner(config: "Config", name: str | None) -> "Pacticipant":
    """The provider whose spec to check against, when --spec is not given."""
    configured = any(p.role == "provider" for p in config.pacticipants.values())
    if not configured and (name is None or name not in config.pacticipants):
        where = f" in {config.source}" if config.source else ""
        raise UsageError(
            f"no provider with a spec is configured{where}: pass --spec FILE, or set spec in "
            '[tool.contract-first.pacticipants.NAME] with role = "provider"'
        )
    return config.provider(name)


def _required(config: "Config", provider: "Pacticipant", key: str, value: T | None) -> T:
    """A provider setting the verb cannot do without; missing, the error names where to set it."""
    if value is None:
        where = f" of {config.source}" if config.source else ""
        raise UsageError(
            f"provider {provider.name!r} has no {key} setting: add {_EXAMPLES[key]} to "
            f"[tool.contract-first.pacticipants.{provider.name}]{where}"
        )
    return value


def _export(app_import: str, provider: "Pacticipant", output: Path) -> None:
    from contract_first.gates.openapi_export import render_openapi, write_openapi  # noqa: PLC0415

    written = write_openapi(render_openapi(app_import, provider.env), output)
    say(f"wrote {_shown(output)}" if written else f"{_shown(output)} is up to date")


def _shown(path: Path) -> str:
    """A path relative to the current directory when it is inside it: what a person typed."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
