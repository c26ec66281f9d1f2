"""Replay consumers' pacts against a provider app served by real uvicorn, and report.

Adds to pact-python's ``Verifier`` what a team needs from a gate: no vacuous pass (empty or
missing pacts are refused), states checked before replay, a raising state handler stopping
the run at once, unexpected redirects and regex-on-non-string caught, each failure named by
consumer, field and interaction, and pending failures reported without blocking.
"""

import os
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pact import Verifier

from contract_first.errors import UsageError
from contract_first.pact_file import PactFile
from contract_first.provider_app import AsgiApp, StateHandler
from contract_first.verify.exchange_recorder import ExchangeRecorder
from contract_first.verify.live_server import serve
from contract_first.verify.mismatch_report import InteractionOutcome, judge
from contract_first.verify.preflight import check_pacts
from contract_first.verify.sources import BrokerPacts, PactSource
from contract_first.verify.state_guard import StateChangeEndpoint, StateGuard


@dataclass(frozen=True)
class Publication:
    """The provider version and branch a result is recorded under on the broker."""

    version: str
    branch: str


@dataclass
class VerificationReport:
    """What was replayed, what held, what broke, and whether the result was published."""

    provider: str
    source: str
    outcomes: list[InteractionOutcome]
    published: Publication | None
    log: str = field(default="", repr=False)

    @property
    def verified(self) -> list[InteractionOutcome]:
        """Interactions the provider honoured."""
        return [o for o in self.outcomes if o.passed]

    @property
    def failures(self) -> list[InteractionOutcome]:
        """Broken interactions that block: the build must fail."""
        return [o for o in self.outcomes if not o.passed and not o.pending]

    @property
    def pending_failures(self) -> list[InteractionOutcome]:
        """Broken interactions of pending pacts: reported, not blocking."""
        return [o for o in self.outcomes if not o.passed and o.pending]

    @property
    def ok(self) -> bool:
        """Whether nothing blocking broke."""
        return not self.failures

    def headline(self) -> str:
        """The failure summary a person reads first: one line per broken expectation."""
        lines = [
            f"{self.provider} breaks {len(self.failures)} of {len(self.outcomes)} "
            "interactions its consumers rely on:"
        ]
        lines += [f"  - {reason}" for failure in self.failures for reason in failure.reasons]
        return "\n".join(lines)


def verify_provider(
    *,
    provider: str,
    app: AsgiApp,
    state_handlers: Mapping[str, StateHandler],
    source: PactSource,
    publication: Publication | None = None,
) -> VerificationReport:
    """Verify every pact ``source`` gives for ``provider`` against ``app``, served for real.

    Raises ``UsageError`` when nothing could be judged (no pacts, unhandled states, a raising
    state handler, an unreachable broker); returns the report otherwise, passing or not.
    """
    pacts = source.load(provider)
    check_pacts(pacts, provider, state_handlers)
    if publication is not None and isinstance(source, BrokerPacts):
        publication = Publication(publication.version, source.provider_branch)
    recorder = ExchangeRecorder(app, _expected_redirects(pacts))
    guard = StateGuard(state_handlers)
    with serve(StateChangeEndpoint(recorder, guard)) as base_url:
        verifier = source.add_to(_new_verifier(provider, base_url), pacts)
        if publication is not None:
            verifier.set_publish_options(publication.version, branch=publication.branch)
        verifier.state_handler(base_url + StateChangeEndpoint.path, teardown=True, body=True)
        with _captured_output() as captured, suppress(RuntimeError):
            verifier.verify()  # its RuntimeError says nothing; the results document says why
        results: dict[str, Any] = verifier.results
    if guard.failure is not None:
        raise guard.failure
    log = verifier.output(strip_ansi=True) + captured.read()
    outcomes = judge(results, provider, pacts, recorder.exchanges)
    if not outcomes:
        errors = "; ".join(str(e) for e in results.get("errors", ())) or log.strip()[-2000:]
        reason = errors or "no pact was loaded"
        raise UsageError(f"the verifier replayed no interaction of {provider!r}: {reason}")
    return VerificationReport(
        provider=provider,
        source=source.describe(),
        outcomes=outcomes,
        published=publication,
        log=log,
    )


def _new_verifier(provider: str, base_url: str) -> Verifier:
    host = urlsplit(base_url).hostname or "localhost"
    return (
        Verifier(provider, host=host)
        .add_transport(url=base_url)
        .set_coloured_output(enabled=False)
        .set_error_on_empty_pact(enabled=True)
    )


def _expected_redirects(pacts: Sequence[PactFile]) -> set[tuple[str, str]]:
    """Requests some interaction expects a 3xx for: their ``Location`` must reach the verifier."""
    return {
        interaction.request_key
        for pact in pacts
        for interaction in pact.http_interactions
        if 300 <= interaction.status < 400
    }


class _Captured:
    """A temporary file that stood in for stdout and stderr."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile(mode="w+b")  # noqa: SIM115 - closed by the owner

    def read(self) -> str:
        """Everything printed while captured; the file is closed after."""
        with self.file:
            self.file.seek(0)
            return self.file.read().decode("utf-8", errors="replace")


@contextmanager
def _captured_output() -> Iterator[_Captured]:
    """Hold back what the Rust verifier and pact's state server print on fds 1 and 2.

    A pass should read as one line per interaction, not as the core's log; ``--verbose``
    shows the log afterwards.
    """
    captured = _Captured()
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    os.dup2(captured.file.fileno(), 1)
    os.dup2(captured.file.fileno(), 2)
    try:
        yield captured
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])
