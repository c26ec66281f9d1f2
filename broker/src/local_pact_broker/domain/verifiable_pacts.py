"""Pacts for verification: selected pacts, deduplicated by content, with pending and WIP status."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cmp_to_key
from typing import Any, TypeVar

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
    for (consumer, sha), unsorted in grouped.items():
        selections = sorted(unsorted, key=selection_order(request.pending.provider_branch))
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
    pacts.sort(key=_pact_order)
    if request.include_wip_pacts_since and request.include_pending_status:
        wip = _wip_pacts(
            request, publications, verifications, request.include_wip_pacts_since, grouped
        )
        pacts.extend(sorted(wip, key=_pact_order))
    return pacts


def _pact_order(pact: VerifiablePact) -> tuple[str, int]:
    """The official order of pacts to verify: by consumer name, then consumer version."""
    return (pact.consumer.lower(), pact.consumer_version.order)


@dataclass(frozen=True)
class _Resolved:
    """A selection as the official broker's resolved selector sees it, for sorting."""

    latest: bool | None
    branch: str | None
    main_branch: bool
    tag: str | None
    deployed: bool
    supported: bool
    environment: str | None
    consumer: str | None
    order: int

    @classmethod
    def of(cls, selection: SelectedPublication, provider_branch: str | None) -> "_Resolved":
        selector = selection.selector
        branch = selector.branch or (provider_branch if selector.matching_branch else None)
        environment = selection.environment
        released = environment is not None and (
            environment not in selection.publication.consumer_version.deployed_to
        )
        latest = True if (branch or selector.main_branch) else selector.latest
        return cls(
            latest=latest,
            branch=branch,
            main_branch=selector.main_branch,
            tag=selector.tag,
            deployed=environment is not None and not released,
            supported=released,
            environment=environment or selector.environment,
            consumer=selector.consumer,
            order=selection.publication.consumer_version.order,
        )

    @property
    def overall_latest(self) -> bool:
        return self.latest is True and not (
            self.tag or self.branch or self.main_branch or self.environment
        )


_Ordered = TypeVar("_Ordered", str, int)


def _compare(a: _Ordered, b: _Ordered) -> int:
    return int(a > b) - int(a < b)


def _flag_compare(a: bool, b: bool) -> int:
    """Equal flags tie; otherwise the one with the flag comes first."""
    return 0 if a == b else (-1 if a else 1)


def _within(a_flag: bool, b_flag: bool, a: str | None, b: str | None) -> int:
    """Both or neither flagged: by value; else the flagged one first."""
    return _compare(a or "", b or "") if a_flag == b_flag else _flag_compare(a_flag, b_flag)


def _consumer_compare(a: _Resolved, b: _Resolved) -> int:
    if a.consumer and b.consumer:
        return _compare(a.consumer, b.consumer)
    return -1 if a.consumer else 1


def _resolved_compare(a: _Resolved, b: _Resolved) -> int:
    """The official broker's order of the selectors that picked one pact.

    Overall latest first, then latest for a branch (by branch name), latest for a tag, all
    for a tag, currently deployed, currently supported, by consumer; ties by version order.
    """
    a_branch, b_branch = a.latest is True and bool(a.branch), b.latest is True and bool(b.branch)
    a_tag, b_tag = bool(a.latest and a.tag), bool(b.latest and b.tag)
    result = 0
    if a.overall_latest or b.overall_latest:
        result = _flag_compare(a.overall_latest, b.overall_latest)
    elif a_branch or b_branch:
        result = _within(a_branch, b_branch, a.branch, b.branch)
    elif a_tag or b_tag:
        result = _within(a_tag, b_tag, a.tag, b.tag)
    elif a.tag and b.tag and a.tag == b.tag:
        result = _consumer_compare(a, b)
    elif a.tag or b.tag:
        result = _within(bool(a.tag), bool(b.tag), a.tag, b.tag)
    elif a.deployed or b.deployed:
        result = _within(a.deployed, b.deployed, a.environment, b.environment)
    elif a.supported or b.supported:
        result = _within(a.supported, b.supported, a.environment, b.environment)
    elif a.consumer or b.consumer:
        result = _consumer_compare(a, b)
    return result or _compare(a.order, b.order)


def selection_order(
    provider_branch: str | None,
) -> Callable[[SelectedPublication], Any]:
    """Sort key putting the selections of one pact in the official broker's order."""

    def compare(a: SelectedPublication, b: SelectedPublication) -> int:
        return _resolved_compare(_Resolved.of(a, provider_branch), _Resolved.of(b, provider_branch))

    return cmp_to_key(compare)


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
