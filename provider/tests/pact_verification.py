"""Replay consumers' pacts against a running provider, and fail with reasons a person can read.

Wraps pact-python's ``Verifier`` to add what it lacks: refusing to verify nothing, checking
that every provider state has a handler before replaying, failing at once (no retry loop)
when a state handler raises, and a headline that names the consumer, field and interaction.
"""

from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from broker_connection import BrokerConnection
from mismatch_report import InteractionFailure, InteractionLookup, failures_from, lookup_in
from pact import Verifier
from pact.verifier import BrokerSelectorBuilder
from pact_files import (
    check_states_handled,
    fetch_pact,
    fetch_pacts_for_verification,
    load_pacts_for,
)
from provider_states import Action, StateHandler

# What the provider verifies before merging: the consumers' main line, the consumer branch
# with the same name as the provider's (coordinated changes), and whatever is deployed.
DEFAULT_SELECTORS: tuple[Mapping[str, object], ...] = (
    {"mainBranch": True},
    {"matchingBranch": True},
    {"deployedOrReleased": True},
)


class ContractVerificationError(AssertionError):
    """The provider does not honour its consumers' pacts; the message says where and how."""


@dataclass(frozen=True)
class StateFailure:
    """A provider-state handler that raised: the replay after it proves nothing."""

    state: str
    action: str
    error: BaseException


@dataclass
class VerificationOutcome:
    """What a successful verification covered, and pending failures that did not block it."""

    verified: list[str] = field(default_factory=list)
    pending_failures: list[InteractionFailure] = field(default_factory=list)


def verify_local_pacts(
    *,
    provider: str,
    base_url: str,
    pact_directory: Path,
    state_handlers: Mapping[str, StateHandler],
) -> VerificationOutcome:
    """Verify every pact for ``provider`` in ``pact_directory`` against ``base_url``."""
    pacts = load_pacts_for(provider, pact_directory)
    check_states_handled(pacts, state_handlers)
    verifier = new_verifier(provider, base_url)
    for pact in pacts:
        verifier.add_source(pact.source)
    return run_verification(verifier, provider, state_handlers, lookup_in(pacts))


@dataclass(frozen=True)
class BrokerVerification:
    """How to verify from a broker: selectors, pending/WIP, and where results are published."""

    connection: BrokerConnection
    provider_version: str
    provider_branch: str
    include_wip_pacts_since: str | None = None
    publish_results: bool = False
    selectors: tuple[Mapping[str, object], ...] = DEFAULT_SELECTORS

    def pacts_for_verification_request(self) -> dict[str, object]:
        """The body of ``POST /pacts/provider/{p}/for-verification`` the verifier will send."""
        request: dict[str, object] = {
            "consumerVersionSelectors": [dict(selector) for selector in self.selectors],
            "providerVersionBranch": self.provider_branch,
            "includePendingStatus": True,
        }
        if self.include_wip_pacts_since:
            request["includeWipPactsSince"] = self.include_wip_pacts_since
        return request


def verify_broker_pacts(
    *,
    provider: str,
    base_url: str,
    broker: BrokerVerification,
    state_handlers: Mapping[str, StateHandler],
) -> VerificationOutcome:
    """Verify the pacts the broker selects for ``provider``; pending failures do not block."""
    pacts = fetch_pacts_for_verification(
        broker.connection, provider, broker.pacts_for_verification_request()
    )
    check_states_handled([p for p in pacts if not p.pending], state_handlers)
    builder = _broker_source(new_verifier(provider, base_url), broker.connection)
    builder = builder.include_pending().provider_branch(broker.provider_branch)
    if broker.include_wip_pacts_since:
        builder = builder.include_wip_since(broker.include_wip_pacts_since)
    for selector in broker.selectors:
        builder = builder.consumer_version(**_selector_arguments(selector))
    verifier = builder.build()
    if broker.publish_results:
        verifier.set_publish_options(broker.provider_version, branch=broker.provider_branch)
    return run_verification(verifier, provider, state_handlers, lookup_in(pacts))


def verify_pact_url(
    *,
    provider: str,
    base_url: str,
    pact_url: str,
    broker: BrokerVerification | None,
    state_handlers: Mapping[str, StateHandler],
) -> VerificationOutcome:
    """Verify exactly the pact at ``pact_url`` (what a webhook-triggered build runs)."""
    connection = broker.connection if broker else None
    pacts = fetch_pact(pact_url, connection, provider)
    check_states_handled(pacts, state_handlers)
    verifier = new_verifier(provider, base_url)
    if connection and connection.token:
        verifier.add_source(pact_url, token=connection.token)
    elif connection and connection.username and connection.password:
        verifier.add_source(pact_url, username=connection.username, password=connection.password)
    else:
        verifier.add_source(pact_url)
    if broker and broker.publish_results:
        verifier.set_publish_options(broker.provider_version, branch=broker.provider_branch)
    return run_verification(verifier, provider, state_handlers, lookup_in(pacts))


def _broker_source(verifier: Verifier, connection: BrokerConnection) -> BrokerSelectorBuilder:
    """The broker source with whichever credentials are set (a token, or a user and password)."""
    if connection.token:
        return verifier.broker_source(
            connection.base_url, token=connection.token, selector=True, use_env=False
        )
    return verifier.broker_source(
        connection.base_url,
        username=connection.username,
        password=connection.password,
        selector=True,
        use_env=False,
    )


_SELECTOR_ARGUMENTS = {
    "mainBranch": "main_branch",
    "matchingBranch": "matching_branch",
    "deployedOrReleased": "deployed_or_released",
    "deployed": "deployed",
    "released": "released",
    "environment": "environment",
    "branch": "branch",
    "fallbackBranch": "fallback_branch",
    "consumer": "consumer",
    "latest": "latest",
    "tag": "tag",
}


def _selector_arguments(selector: Mapping[str, object]) -> dict[str, Any]:
    return {_SELECTOR_ARGUMENTS[key]: value for key, value in selector.items()}


def new_verifier(provider: str, base_url: str) -> Verifier:
    """A verifier aimed at the running provider, with plain (uncoloured) output."""
    host = urlsplit(base_url).hostname or "localhost"
    return (
        Verifier(provider, host=host)
        .add_transport(url=base_url)
        .set_coloured_output(enabled=False)
        .set_error_on_empty_pact(enabled=True)
    )


def run_verification(
    verifier: Verifier,
    provider: str,
    state_handlers: Mapping[str, StateHandler],
    lookup: InteractionLookup,
) -> VerificationOutcome:
    """Run ``verifier``; return what it verified, or raise ``ContractVerificationError``."""
    state_failures: list[StateFailure] = []
    verifier.state_handler(_guarded(state_handlers, state_failures), teardown=True)
    # pact-python's RuntimeError says nothing; the results document below says why.
    with suppress(RuntimeError):
        verifier.verify()
    results: dict[str, Any] = verifier.results
    if state_failures:
        first = state_failures[0]
        raise ContractVerificationError(
            f"provider state {first.state!r} ({first.action}) raised "
            f"{type(first.error).__name__}: {first.error}. "
            "The interactions that need it were not verified; fix the handler in "
            "provider/tests/provider_states.py."
        ) from first.error
    failures = failures_from(results, provider, lookup)
    blocking = [failure for failure in failures if not failure.pending]
    if blocking:
        raise ContractVerificationError(_headline(provider, blocking, results))
    interactions = results.get("interactionResults", [])
    if not results.get("result") or not interactions:
        errors = "; ".join(str(e) for e in results.get("errors", ()))
        errors = errors or verifier.output(strip_ansi=True).strip()[-2000:]
        reason = errors or "no pact was loaded"
        raise ContractVerificationError(
            f"the verifier verified no interaction of {provider!r}: {reason}"
        )
    return VerificationOutcome(
        verified=[f"{r['consumer']}: {r['description']}" for r in interactions],
        pending_failures=[failure for failure in failures if failure.pending],
    )


def _headline(provider: str, failures: list[InteractionFailure], results: Mapping[str, Any]) -> str:
    total = len(results.get("interactionResults", ()))
    lines = [f"{provider} breaks {len(failures)} of {total} interactions its consumers rely on:"]
    lines += [f"  - {reason}" for failure in failures for reason in failure.reasons]
    return "\n".join(lines)


def _guarded(
    handlers: Mapping[str, StateHandler], failures: list[StateFailure]
) -> Callable[[str, Action, dict[str, Any] | None], None]:
    """One state callback that records a handler's exception instead of raising it.

    pact-python answers a raising handler with HTTP 500, which the verifier retries for about
    two minutes; recording it and answering 200 lets the run end at once and say why. A state
    with no handler can only come from a pending pact here (the others were checked before
    the run): its interaction fails on its own, as pending, without blocking the build.
    """

    def run(state: str, action: Action, parameters: dict[str, Any] | None) -> None:
        handler = handlers.get(state)
        if handler is None or failures:
            return  # see above; and after a failure, do not pile errors on the first one
        try:
            handler(action, parameters or {})
        except Exception as error:
            failures.append(StateFailure(state, action, error))

    return run
