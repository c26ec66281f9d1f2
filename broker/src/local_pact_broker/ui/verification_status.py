"""What a verification result means to a reader: passed, failed, or a pending failure.

A failed verification of a pact content that was *pending* for the verifying provider
version's branch (see ``domain/pending.py``) did not fail the provider's build, so the pages
mark it as pending rather than as a red failure, with the official broker's tooltip. Pending is
judged as it was when the verification ran: only successful results published before it count.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from local_pact_broker.domain.models import PacticipantVersion, Verification
from local_pact_broker.domain.pending import PendingQuery, is_pending
from local_pact_broker.ui.version_display import short_version


class Status(Enum):
    """A verification outcome as the pages show it; the value is the badge text."""

    PASSED = "passed"
    FAILED = "failed"
    PENDING = "pending"
    UNVERIFIED = "unverified"


BranchCreatedAt = Mapping[tuple[str, str], str]
"""When each ``(pacticipant, branch)`` was created: the pending rule needs the provider's."""


@dataclass(frozen=True)
class ResultView:
    """One provider version's verification of a pact, ready to render."""

    status: Status
    provider: str
    provider_version: PacticipantVersion
    verified_at: str
    on_main_branch: bool
    tooltip: str


def was_pending(
    verification: Verification, same_content: Sequence[Verification], created: BranchCreatedAt
) -> bool:
    """Whether the pact content was pending for this result's provider version when it ran.

    ``same_content`` holds the verifications of the same pact content (any order). A version on
    several branches counts as pending when the content was pending for any of them.
    """
    earlier = [v for v in same_content if v.id < verification.id]
    version = verification.provider_version
    provider = verification.provider
    if version.branches:
        return any(
            is_pending(
                verification.pact_sha,
                earlier,
                PendingQuery(provider, branch, (), created.get((provider, branch))),
            )
            for branch in version.branches
        )
    return is_pending(verification.pact_sha, earlier, PendingQuery(provider, None, version.tags))


def status_of(
    verification: Verification, same_content: Sequence[Verification], created: BranchCreatedAt
) -> Status:
    """Passed, failed, or pending (a failure that did not fail the provider's build)."""
    if verification.success:
        return Status.PASSED
    return Status.PENDING if was_pending(verification, same_content, created) else Status.FAILED


def tooltip(status: Status, provider: str, provider_version: str) -> str:
    """The official broker's wording for a verification status."""
    short = short_version(provider_version)
    if status is Status.PASSED:
        return f"Successfully verified by {provider} ({short})"
    if status is Status.PENDING:
        return (
            f"Verification by {provider} ({short}) failed, but did not fail the build as the "
            "pact content was in pending state for that provider branch"
        )
    if status is Status.FAILED:
        return f"Verification by {provider} ({short}) failed"
    return f"Not yet verified by {provider}"


def result_view(
    verification: Verification,
    same_content: Sequence[Verification],
    created: BranchCreatedAt,
    provider_main_branch: str | None,
) -> ResultView:
    """A verification as the pages show it."""
    status = status_of(verification, same_content, created)
    version = verification.provider_version
    return ResultView(
        status=status,
        provider=verification.provider,
        provider_version=version,
        verified_at=verification.created_at,
        on_main_branch=provider_main_branch is not None
        and provider_main_branch in version.branches,
        tooltip=tooltip(status, verification.provider, version.number),
    )
