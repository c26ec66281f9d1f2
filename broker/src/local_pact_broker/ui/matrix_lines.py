"""The lines of an integration's matrix page: each consumer version against each provider version.

As the official UI's matrix for a consumer and provider ("latest result for each consumer
version/provider version"): one line per consumer version and provider version that verified
its pact content, with the newest result of that pair, and one open line for a consumer version
nobody verified. Newest consumer version first, then newest provider version.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from local_pact_broker.domain.models import PacticipantVersion, Publication, Verification
from local_pact_broker.ui.verification_status import (
    BranchCreatedAt,
    ResultView,
    Status,
    result_view,
)

MAX_LINES = 100
"""Lines shown on one page, as the official matrix page's default limit."""


@dataclass(frozen=True)
class MatrixLine:
    """A consumer version's pact and one provider version's result for it (or none)."""

    consumer_version: PacticipantVersion
    published_at: str
    pact_sha: str
    result: ResultView | None

    @property
    def status(self) -> Status:
        """The result's status, or unverified."""
        return Status.UNVERIFIED if self.result is None else self.result.status


def _lines_of(
    publication: Publication,
    verifications: Sequence[Verification],  # of the publication's pact content
    created: BranchCreatedAt,
    provider_main_branch: str | None,
) -> list[MatrixLine]:
    same_content = [
        v
        for v in verifications
        if v.provider == publication.provider and v.consumer == publication.consumer
    ]
    newest: dict[int, Verification] = {}
    for verification in same_content:
        order = verification.provider_version.order
        if order not in newest or verification.id > newest[order].id:
            newest[order] = verification
    results: list[ResultView | None] = [
        result_view(newest[order], same_content, created, provider_main_branch)
        for order in sorted(newest, reverse=True)
    ]
    return [
        MatrixLine(publication.consumer_version, publication.created_at, publication.pact_sha, r)
        for r in (results or [None])
    ]


def matrix_lines(
    publications: Sequence[Publication],
    verifications: Sequence[Verification],
    created: BranchCreatedAt,
    provider_main_branch: str | None,
    limit: int = MAX_LINES,
) -> tuple[list[MatrixLine], int]:
    """The first ``limit`` lines, newest first, and how many there are in all."""
    by_sha: dict[str, list[Verification]] = defaultdict(list)
    for verification in verifications:
        by_sha[verification.pact_sha].append(verification)
    ordered = sorted(publications, key=lambda p: -p.consumer_version.order)
    lines = [
        line
        for publication in ordered
        for line in _lines_of(
            publication, by_sha.get(publication.pact_sha, []), created, provider_main_branch
        )
    ]
    return lines[:limit], len(lines)
