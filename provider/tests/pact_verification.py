"""Replay consumers' pacts against a running provider, and fail with reasons a person can read.

Wraps pact-python's ``Verifier`` to add what it lacks: refusing to verify nothing, checking
that every provider state has a handler before replaying, failing at once (no retry loop)
when a state handler raises, and a headline that names the consumer, field and interaction.
"""

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mismatch_report import InteractionFailure, InteractionLookup, failures_from, lookup_in
from pact import Verifier
from pact_files import check_states_handled, load_pacts_for
from provider_states import Action, StateHandler


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
    output: str = ""


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
        verifier.add_source(pact.path)
    return run_verification(verifier, provider, state_handlers, lookup_in(pacts))


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
    output = verifier.output(strip_ansi=True)
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
        errors = "; ".join(str(e) for e in results.get("errors", ())) or output.strip()[-2000:]
        reason = errors or "no pact was loaded"
        raise ContractVerificationError(
            f"the verifier verified no interaction of {provider!r}: {reason}"
        )
    return VerificationOutcome(
        verified=[f"{r['consumer']}: {r['description']}" for r in interactions],
        pending_failures=[failure for failure in failures if failure.pending],
        output=output,
    )


def _headline(provider: str, failures: list[InteractionFailure], results: Mapping[str, Any]) -> str:
    total = len(results.get("interactionResults", ()))
    lines = [f"{provider} breaks {len(failures)} of {total} interactions its consumers rely on:"]
    lines += [f"  - {reason}" for failure in failures for reason in failure.reasons]
    return "\n".join(lines)


def _guarded(handlers: Mapping[str, StateHandler], failures: list[StateFailure]) -> dict[str, Any]:
    """Handlers that record an exception instead of raising it.

    pact-python answers a raising handler with HTTP 500, which the verifier retries for about
    two minutes; recording it and answering 200 lets the run end at once and say why.
    """

    def guard(state: str, handler: StateHandler) -> Any:
        def run(action: Action, parameters: dict[str, Any] | None) -> None:
            if failures:
                return  # the run has already failed; do not pile errors on the first one
            try:
                handler(action, parameters or {})
            except Exception as error:
                failures.append(StateFailure(state, action, error))

        return run

    return {state: guard(state, handler) for state, handler in handlers.items()}
