"""Pending pacts: a failing verification of a pact that was never verified must not fail a build.

Official semantics: with a provider branch, a pact content is pending until a version of the
provider *from that branch* verified it successfully (or a version from another branch did so
before the branch was created); with provider tags, until a version with each tag did; with
neither, until any provider version did.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from local_pact_broker.domain.models import Verification


@dataclass(frozen=True)
class PendingQuery:
    """Who is verifying: the provider and the branch or tags of its version being verified."""

    provider: str
    provider_branch: str | None = None
    provider_tags: tuple[str, ...] = ()
    branch_created_at: str | None = None


def by_pact_sha(verifications: Iterable[Verification]) -> dict[str, list[Verification]]:
    """Verifications grouped by pact content, so each pact's rules only scan its own results."""
    grouped: dict[str, list[Verification]] = defaultdict(list)
    for verification in verifications:
        grouped[verification.pact_sha].append(verification)
    return grouped


def _successful(pact_sha: str, verifications: Sequence[Verification]) -> list[Verification]:
    return [v for v in verifications if v.pact_sha == pact_sha and v.success]


def pending_provider_tags(
    pact_sha: str, verifications: Sequence[Verification], query: PendingQuery
) -> tuple[str, ...]:
    """Provider tags for which the pact content still lacks a successful verification."""
    if not query.provider_tags:
        return ()
    successful = _successful(pact_sha, verifications)
    return tuple(
        tag
        for tag in query.provider_tags
        if not any(tag in v.provider_version.tags for v in successful)
    )


def is_pending(pact_sha: str, verifications: Sequence[Verification], query: PendingQuery) -> bool:
    """Whether the pact content is pending for the provider version described by ``query``."""
    successful = [v for v in _successful(pact_sha, verifications) if v.provider == query.provider]
    if query.provider_branch:
        branch = query.provider_branch
        if any(branch in v.provider_version.branches for v in successful):
            return False
        created_at = query.branch_created_at
        return not any(
            v.provider_version.branches
            and branch not in v.provider_version.branches
            and (created_at is None or v.created_at < created_at)
            for v in successful
        )
    if query.provider_tags:
        return bool(pending_provider_tags(pact_sha, successful, query))
    return not successful
