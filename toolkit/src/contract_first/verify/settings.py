"""Which pacts ``contract-first verify`` replays, and whether it publishes, from the environment.

- ``PACT_URL``: exactly that pact (a webhook-triggered build).
- ``PACT_BROKER_BASE_URL`` (or ``broker.base-url`` in the configuration): the broker's pacts
  for verification (main branch, matching branch, deployed or released), pending on, WIP
  since ``PACT_INCLUDE_WIP_PACTS_SINCE`` (or ``broker.include-wip-pacts-since``).
- neither: the pacts folder.

Results are published to the broker only when ``CI=true`` or
``PACT_PUBLISH_VERIFICATION_RESULTS=true``, so a laptop run never records a result.
"""

from collections.abc import Mapping
from pathlib import Path

from contract_first.release.broker_connection import BrokerConnection
from contract_first.release.versions import branch_for, version_for
from contract_first.verify.sources import BrokerPacts, LocalPacts, PactSource, PactUrl
from contract_first.verify.verification import Publication

TRUE = {"1", "true", "yes"}


def publishing_enabled(environ: Mapping[str, str]) -> bool:
    """Whether this run records its result on the broker."""
    return (
        environ.get("CI", "").strip().lower() in TRUE
        or environ.get("PACT_PUBLISH_VERIFICATION_RESULTS", "").strip().lower() in TRUE
    )


def why_not_published(source: PactSource, environ: Mapping[str, str]) -> str:
    """The reason a run published nothing, for the last line of its report."""
    if isinstance(source, LocalPacts):
        return "results not published: the pacts came from a folder, not a broker"
    if not publishing_enabled(environ):
        return (
            "results not published: set CI=true or PACT_PUBLISH_VERIFICATION_RESULTS=true "
            "to record them on the broker"
        )
    return "results not published"


def choose_source(
    environ: Mapping[str, str],
    pacts_folder: Path,
    default_base_url: str | None = None,
    default_wip_since: str | None = None,
) -> PactSource:
    """``PACT_URL``, else the broker, else the folder: the rule CI and laptops share."""
    url = environ.get("PACT_URL", "").strip()
    broker_url = (environ.get("PACT_BROKER_BASE_URL") or default_base_url or "").strip()
    if url:
        connection = (
            BrokerConnection.from_environment(environ, default_base_url) if broker_url else None
        )
        return PactUrl(url, connection)
    if broker_url:
        wip = environ.get("PACT_INCLUDE_WIP_PACTS_SINCE", default_wip_since or "")
        return BrokerPacts(
            connection=BrokerConnection.from_environment(environ, default_base_url),
            provider_branch=branch_for("provider", environ),
            include_wip_pacts_since=wip.strip() or None,
        )
    return LocalPacts(pacts_folder)


def choose_publication(source: PactSource, environ: Mapping[str, str]) -> Publication | None:
    """The version and branch to publish under, when this run publishes at all."""
    if isinstance(source, LocalPacts) or not publishing_enabled(environ):
        return None
    return Publication(version_for("provider", environ), branch_for("provider", environ))
