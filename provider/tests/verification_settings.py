"""Which pacts ``just verify`` replays, decided by the environment, as in CI.

- ``PACT_URL``: exactly that pact (a webhook-triggered build; `just verify-pact-url URL`).
- ``PACT_BROKER_BASE_URL``: the broker's pacts for verification (main branch, matching
  branch, deployed or released), pending on, WIP since ``PACT_INCLUDE_WIP_PACTS_SINCE``.
- neither: the local ``pacts/`` written by `just pact`.

Results are published to the broker only when ``CI=true`` or
``PACT_PUBLISH_VERIFICATION_RESULTS=true``, so a laptop run never records a result.
"""

import os
from collections.abc import Mapping

from broker_connection import BrokerConnection
from git_revision import branch_for, version_for
from pact_verification import BrokerVerification

DEFAULT_WIP_PACTS_SINCE = "2026-01-01"
TRUE = {"1", "true", "yes"}


def publishing_enabled(environ: Mapping[str, str]) -> bool:
    """Whether this run records its result on the broker."""
    return (
        environ.get("CI", "").lower() in TRUE
        or environ.get("PACT_PUBLISH_VERIFICATION_RESULTS", "").lower() in TRUE
    )


def broker_verification(environ: Mapping[str, str] | None = None) -> BrokerVerification | None:
    """The broker settings when ``PACT_BROKER_BASE_URL`` is set, else ``None``."""
    env = os.environ if environ is None else environ
    if not env.get("PACT_BROKER_BASE_URL", "").strip():
        return None
    return BrokerVerification(
        connection=BrokerConnection.from_environment(env),
        provider_version=version_for("provider"),
        provider_branch=branch_for("provider"),
        include_wip_pacts_since=env.get("PACT_INCLUDE_WIP_PACTS_SINCE", DEFAULT_WIP_PACTS_SINCE)
        or None,
        publish_results=publishing_enabled(env),
    )


def pact_url(environ: Mapping[str, str] | None = None) -> str | None:
    """The one pact to verify, when ``PACT_URL`` is set."""
    env = os.environ if environ is None else environ
    return env.get("PACT_URL", "").strip() or None
