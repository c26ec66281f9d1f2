"""Pacts for verification: selected pacts, deduplicated by content, with pending and WIP status."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from local_pact_broker.domain.models import PacticipantVersion, Publication, Verification
from local_pact_broker.domain.pending import (
    PendingQuery,
    by_pact_sha,
    is_pending,
    pending_provider_tags,
)
from local_pact_broker.domain.selectors import (
    ConsumerVersionSelector,
    SelectedPublication,
    select_publications,
)
from local_pact_broker.domain.wip import wip_publications


@dataclass(frozen=True)
class VerifiablePact:
    """One pact content a provider must verify, and why."""

    consumer: str
    provider: str
    pact_sha: str
    consumer_version: PacticipantVersion
    selections: tuple[SelectedPublication, ...]
    pending: bool | None
    pending_tags: tuple[str, ...] = ()
    wip: bool = False
    wip_branches: tuple[str, ...] = ()
    wip_tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class VerificationRequest:
    """What a verifier asked for in ``POST /pacts/provider/{p}/for-verification``."""

    selectors: tuple[ConsumerVersionSelector, ...]
    pending: PendingQuery
    include_pending_status: bool
    include_wip_pacts_since: str | None = None


def verifiable_pacts(
    request: VerificationRequest,
    publications: Sequence[Publication],
    verifications: Sequence[Verification],
    main_branches: Mapping[str, str | None],
) -> list[VerifiablePact]:
    """Deduplicated pacts to verify, explicitly selected ones first, then WIP pacts."""
    selected = select_publications(
        request.selectors, publications, request.pending.provider_branch, main_branches
    )
    grouped: dict[tuple[str, str], list[SelectedPublication]] = {}
    for selection in selected:
        key = (selection.publication.consumer, selection.publication.pact_sha)
        grouped.setdefault(key, []).append(selection)
    verifications_by_sha = by_pact_sha(verifications)
    pacts: list[VerifiablePact] = []
    for (consumer, sha), selections in grouped.items():
        latest = max(selections, key=lambda s: s.publication.consumer_version.order)
        results = verifications_by_sha.get(sha, [])
        pending = (
            is_pending(sha, results, request.pending) if request.include_pending_status else None
        )
        pacts.append(
            VerifiablePact(
                consumer=consumer,
                provider=request.pending.provider,
                pact_sha=sha,
                consumer_version=latest.publication.consumer_version,
                selections=tuple(selections),
                pending=pending,
                pending_tags=pending_provider_tags(sha, results, request.pending),
            )
        )
    if request.include_wip_pacts_since and request.include_pending_status:
        pacts.extend(
            _wip_pacts(
                request, publications, verifications, request.include_wip_pacts_since, grouped
            )
        )
    return pacts


def _wip_pacts(
    request: VerificationRequest,
    publications: Sequence[Publication],
    verifications: Sequence[Verification],
    since: str,
    explicitly_selected: Mapping[tuple[str, str], object],
) -> list[VerifiablePact]:
    return [
        VerifiablePact(
            consumer=publication.consumer,
            provider=request.pending.provider,
            pact_sha=publication.pact_sha,
            consumer_version=publication.consumer_version,
            selections=(),
            pending=True,
            pending_tags=request.pending.provider_tags,
            wip=True,
            wip_branches=branches,
            wip_tags=tags,
        )
        for publication, branches, tags in wip_publications(
            publications, verifications, request.pending, since, set(explicitly_selected)
        )
    ]


def url_metadata(
    pact: VerifiablePact, provider_branch: str | None, defaulted: bool
) -> list[tuple[str, str]]:
    """The pairs the official broker encodes in the pact's ``metadata/{m}`` URL segment.

    One ``s[]`` entry per selection (branch, tag, latest, consumer version id), then the
    pending flag; a WIP pact only says ``w=true``. The verifier posts its result back to that
    URL, which is how the broker knows which consumer version a verification was for.
    Selectors the broker chose itself (``defaulted``) carry no ``l``, as in recording 11.
    """
    if pact.wip:
        return [("w", "true")]
    pairs: list[tuple[str, str]] = []
    for selection in pact.selections:
        selector = selection.selector
        branch = selector.branch or (provider_branch if selector.matching_branch else None)
        latest = selector.latest
        if (selector.main_branch or branch) and not defaulted:
            latest = True
        if branch:
            pairs.append(("s[][b]", branch))
        if selector.tag:
            pairs.append(("s[][t]", selector.tag))
        if latest is not None and not defaulted:
            pairs.append(("s[][l]", "true" if latest else "false"))
        pairs.append(("s[][cv]", str(selection.publication.consumer_version.order)))
    if pact.pending is not None:
        pairs.append(("p", "true" if pact.pending else "false"))
    return pairs
