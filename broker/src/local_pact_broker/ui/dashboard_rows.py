"""The dashboard's rows: per integration, a main-branch row beside the consumer's branch rows.

Pure grouping over the read model. The consumer's main branch always has its own row (first),
so main's state stays visible when a feature branch has newer activity; each row shows the
verification by the provider's main branch and, when newer, the latest one from elsewhere, so
a feature branch of the provider cannot hide what main did either. When a row's pact changed
and is not verified yet, it shows the newest result for an earlier pact of the same branch.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from local_pact_broker.db.dashboard_repository import HeadPublication, Integration
from local_pact_broker.domain.models import PacticipantVersion, Verification
from local_pact_broker.ui.verification_status import (
    BranchCreatedAt,
    ResultView,
    Status,
    result_view,
)

MAX_BRANCH_ROWS = 5
"""Most non-main branch rows per integration; older branches are counted, and the matrix
page linked from the row lists every version."""


class RowKind(Enum):
    """Which pact a row shows: main's head, another branch's head, or the newest (no branch)."""

    MAIN = "main"
    BRANCH = "branch"
    LATEST = "latest"


@dataclass(frozen=True)
class PactRow:
    """One consumer pact of an integration and the verifications that matter for it."""

    kind: RowKind
    branch: str | None
    consumer_version: PacticipantVersion
    published_at: str
    pact_sha: str
    results: tuple[ResultView, ...]
    before_change: ResultView | None = None
    """When the pact is unverified: the newest result for an earlier pact of the branch."""

    @property
    def status(self) -> Status:
        """The status of the row's first result (main's when there is one)."""
        return self.results[0].status if self.results else Status.UNVERIFIED


@dataclass(frozen=True)
class IntegrationView:
    """An integration with its rows, main first."""

    consumer: str
    provider: str
    consumer_main_branch: str | None
    provider_main_branch: str | None
    rows: tuple[PactRow, ...]
    hidden_branches: int

    @property
    def main_row_missing(self) -> bool:
        """The consumer has a main branch but has published no pact from it for this provider."""
        return self.consumer_main_branch is not None and not any(
            row.kind is RowKind.MAIN for row in self.rows
        )


def results_for(
    pact_sha: str,
    consumer: str,
    provider: str,
    provider_main_branch: str | None,
    by_sha: Mapping[str, Sequence[Verification]],
    created: BranchCreatedAt,
) -> tuple[ResultView, ...]:
    """The latest verification by the provider's main branch, then the latest overall if newer."""
    same_content = [
        v for v in by_sha.get(pact_sha, ()) if v.provider == provider and v.consumer == consumer
    ]
    if not same_content:
        return ()
    latest = max(same_content, key=lambda v: v.id)
    on_main = [
        v
        for v in same_content
        if provider_main_branch is not None and provider_main_branch in v.provider_version.branches
    ]
    shown = [max(on_main, key=lambda v: v.id)] if on_main else []
    if latest not in shown:
        shown.append(latest)
    return tuple(result_view(v, same_content, created, provider_main_branch) for v in shown)


def _row(
    head: HeadPublication,
    kind: RowKind,
    integration: Integration,
    by_sha: Mapping[str, Sequence[Verification]],
    created: BranchCreatedAt,
    last_verified: Mapping[str, Verification],
) -> PactRow:
    publication = head.publication
    results = results_for(
        publication.pact_sha,
        integration.consumer,
        integration.provider,
        integration.provider_main_branch,
        by_sha,
        created,
    )
    before_change = None
    earlier = last_verified.get(head.branch) if head.branch is not None else None
    if not results and earlier is not None and earlier.pact_sha != publication.pact_sha:
        same_content = by_sha.get(earlier.pact_sha, ())
        before_change = result_view(
            earlier, same_content, created, integration.provider_main_branch
        )
    return PactRow(
        kind=kind,
        branch=head.branch,
        consumer_version=publication.consumer_version,
        published_at=publication.created_at,
        pact_sha=publication.pact_sha,
        results=results,
        before_change=before_change,
    )


def integration_view(
    integration: Integration,
    heads: Sequence[HeadPublication],
    by_sha: Mapping[str, Sequence[Verification]],
    created: BranchCreatedAt,
    last_verified: Mapping[str, Verification] | None = None,
    max_branch_rows: int = MAX_BRANCH_ROWS,
) -> IntegrationView:
    """One integration's rows: main's head first, then other heads newest first.

    ``last_verified`` maps a consumer branch to the newest result for any of its pacts.
    """
    earlier = last_verified or {}
    main = integration.consumer_main_branch
    main_heads = [h for h in heads if h.branch is not None and h.branch == main]
    others = sorted(
        (h for h in heads if h.branch is not None and h.branch != main),
        key=lambda h: (-h.publication.consumer_version.order, h.branch or ""),
    )
    shown_versions = {h.publication.consumer_version.order for h in (*main_heads, *others)}
    # The newest pact gets a row of its own only when no branch row already shows it.
    unbranched = [
        h
        for h in heads
        if h.branch is None and h.publication.consumer_version.order not in shown_versions
    ]
    rest = sorted(
        [(RowKind.BRANCH, h) for h in others] + [(RowKind.LATEST, h) for h in unbranched],
        key=lambda pair: -pair[1].publication.consumer_version.order,
    )
    rows = [_row(h, RowKind.MAIN, integration, by_sha, created, earlier) for h in main_heads]
    rows += [
        _row(h, kind, integration, by_sha, created, earlier) for kind, h in rest[:max_branch_rows]
    ]
    return IntegrationView(
        consumer=integration.consumer,
        provider=integration.provider,
        consumer_main_branch=main,
        provider_main_branch=integration.provider_main_branch,
        rows=tuple(rows),
        hidden_branches=max(len(rest) - max_branch_rows, 0),
    )


def integration_views(
    integrations: Sequence[Integration],
    heads: Sequence[HeadPublication],
    verifications: Sequence[Verification],
    created: BranchCreatedAt,
    last_verified: Mapping[tuple[str, str, str], int] | None = None,
    max_branch_rows: int = MAX_BRANCH_ROWS,
) -> list[IntegrationView]:
    """Every integration's rows, by consumer then provider name (case-insensitive).

    ``last_verified`` maps ``(consumer, provider, branch)`` to a verification id.
    """
    heads_by_pair: dict[tuple[str, str], list[HeadPublication]] = defaultdict(list)
    for head in heads:
        heads_by_pair[(head.publication.consumer, head.publication.provider)].append(head)
    by_sha: dict[str, list[Verification]] = defaultdict(list)
    by_id = {}
    for verification in verifications:
        by_sha[verification.pact_sha].append(verification)
        by_id[verification.id] = verification
    earlier: dict[tuple[str, str], dict[str, Verification]] = defaultdict(dict)
    for (consumer, provider, branch), verification_id in (last_verified or {}).items():
        if verification_id in by_id:
            earlier[(consumer, provider)][branch] = by_id[verification_id]
    ordered = sorted(
        integrations,
        key=lambda i: (i.consumer.lower(), i.provider.lower(), i.consumer, i.provider),
    )
    return [
        integration_view(
            integration,
            heads_by_pair.get((integration.consumer, integration.provider), []),
            by_sha,
            created,
            earlier.get((integration.consumer, integration.provider), {}),
            max_branch_rows,
        )
        for integration in ordered
    ]
