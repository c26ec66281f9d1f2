"""Work-in-progress pacts: recent pacts from any consumer branch or tag not yet verified.

They are verified in pending mode in addition to the explicitly selected pacts, so a provider
learns early about a consumer's new expectations without breaking its build.
"""

from collections.abc import Sequence

from local_pact_broker.domain.models import Publication, Verification
from local_pact_broker.domain.pending import PendingQuery, by_pact_sha, is_pending


def _latest_by_key(publications: Sequence[Publication], branches: bool) -> dict[str, Publication]:
    latest: dict[str, Publication] = {}
    for publication in publications:
        version = publication.consumer_version
        for label in version.branches if branches else version.tags:
            key = f"{publication.consumer}\x00{label}"
            current = latest.get(key)
            if current is None or version.order > current.consumer_version.order:
                latest[key] = publication
    return latest


def wip_publications(
    publications: Sequence[Publication],
    verifications: Sequence[Verification],
    query: PendingQuery,
    since: str,
    explicitly_selected_shas: set[tuple[str, str]],
) -> list[tuple[Publication, tuple[str, ...], tuple[str, ...]]]:
    """WIP candidates with the consumer branches and tags that make each one a head pact.

    A WIP pact is the latest pact of some consumer branch or tag, published on or after
    ``since``, not picked by the explicit selectors, and still pending for the provider.
    """
    recent = [p for p in publications if p.created_at >= since]
    heads_by_branch = _latest_by_key(recent, branches=True)
    heads_by_tag = _latest_by_key(recent, branches=False)
    found: dict[tuple[str, str], tuple[Publication, list[str], list[str]]] = {}
    for heads, is_branch in ((heads_by_branch, True), (heads_by_tag, False)):
        for key, publication in heads.items():
            identity = (publication.consumer, publication.pact_sha)
            head, branches, tags = found.setdefault(identity, (publication, [], []))
            # Heads sharing a content are one WIP pact, shown with its newest version (as
            # explicitly selected pacts are), whatever order the publications came in.
            if publication.consumer_version.order > head.consumer_version.order:
                found[identity] = (publication, branches, tags)
            (branches if is_branch else tags).append(key.split("\x00", 1)[1])
    verifications_by_sha = by_pact_sha(verifications)
    result: list[tuple[Publication, tuple[str, ...], tuple[str, ...]]] = []
    for identity, (publication, branches, tags) in sorted(found.items()):
        if identity in explicitly_selected_shas:
            continue
        sha = publication.pact_sha
        if not is_pending(sha, verifications_by_sha.get(sha, []), query):
            continue
        result.append((publication, tuple(sorted(branches)), tuple(sorted(tags))))
    return result
