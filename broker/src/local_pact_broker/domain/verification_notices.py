"""The texts a verifier prints before and after verifying each pact, worded as the official broker.

Verifiers show these to explain *why* a pact is verified and whether a failure breaks the build.
"""

from collections.abc import Sequence
from functools import lru_cache

from local_pact_broker.domain.selectors import SelectedPublication
from local_pact_broker.domain.verifiable_pacts import VerifiablePact

READ_MORE_PENDING = "Read more at https://docs.pact.io/go/pending"
READ_MORE_WIP = "Read more at https://docs.pact.io/go/wip"
BETA_API_WARNING = (
    "WARNING - this version of the Pact library uses a beta version of the API which will be "
    "removed in the future. Please upgrade your Pact library. See "
    "https://docs.pact.io/pact_broker/advanced_topics/provider_verification_results/"
    "#pacts-for-verification for minimum required versions."
)


def _join_quoted(words: Sequence[str]) -> str:
    quoted = [f"'{word}'" for word in words]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def selection_description(selection: SelectedPublication, main_branch: str | None) -> str:
    """One bullet of the inclusion reason, e.g. ``latest version from the main branch 'main'``."""
    selector = selection.selector
    number = selection.publication.consumer_version.number
    label = f"version of {selector.consumer}" if selector.consumer else "version"
    if selector.main_branch:
        text = f"latest {label} from the main branch '{main_branch}'"
    elif selector.branch or selector.matching_branch:
        branch = selector.branch or next(iter(selection.publication.consumer_version.branches), "")
        if (
            selector.fallback_branch
            and branch not in selection.publication.consumer_version.branches
        ):
            text = (
                f"latest {label} from branch '{selector.fallback_branch}' (fallback branch used "
                f"as no pact was found from branch '{selector.branch}')"
            )
        else:
            text = f"latest {label} from branch '{branch}'"
    elif selector.tag and selector.latest:
        if (
            selector.fallback_tag
            and selector.tag not in selection.publication.consumer_version.tags
        ):
            text = (
                f"latest {label} tagged '{selector.fallback_tag}' (fallback tag used as no pact "
                f"was found with tag '{selector.tag}')"
            )
        else:
            text = f"latest {label} tagged '{selector.tag}'"
    elif selector.tag:
        who = f"{selector.consumer} versions" if selector.consumer else "consumer versions"
        text = f"all {who} tagged '{selector.tag}'"
    elif selection.environment:
        return _environment_description([selection])
    else:
        consumer = selector.consumer or "a consumer"
        text = f"latest version of {consumer} that has a pact with {{provider}}"
    return f"{text} ({number})"


def _released(selection: SelectedPublication) -> bool:
    return selection.environment not in selection.publication.consumer_version.deployed_to


def _environment_description(selections: Sequence[SelectedPublication]) -> str:
    """``version(s) of Foo currently deployed to production (1.0.0) and test (1.0.1)``."""
    selector = selections[0].selector
    who = f"version(s) of {selector.consumer}" if selector.consumer else "consumer version(s)"
    where = "released and supported in" if _released(selections[0]) else "currently deployed to"
    places = [f"{s.environment} ({s.publication.consumer_version.number})" for s in selections]
    if len(places) > 2:
        places = [", ".join(places[:-2]) + ", " + places[-2], places[-1]]
    return f"{who} {where} {' and '.join(places)}"


def selection_bullets(
    selections: Sequence[SelectedPublication], main_branch: str | None
) -> list[str]:
    """The inclusion reason's bullets, one per selection.

    A consumer's deployed (or released) selections share one bullet, as the official broker
    groups them: ``version(s) of Foo currently deployed to production (1) and test (2)``.
    """
    entries: list[str | list[SelectedPublication]] = []
    groups: dict[tuple[bool, str | None], list[SelectedPublication]] = {}
    for selection in selections:
        if selection.environment is None:
            entries.append(selection_description(selection, main_branch))
            continue
        key = (_released(selection), selection.selector.consumer)
        if key not in groups:
            groups[key] = []
            entries.append(groups[key])
        groups[key].append(selection)
    return [e if isinstance(e, str) else _environment_description(e) for e in entries]


def short_description(pact: VerifiablePact) -> str:
    """The ``shortDescription`` field: a comma-joined summary of the selectors."""
    if pact.wip:
        return ", ".join(
            [f"latest from branch {b}" for b in sorted(pact.wip_branches)]
            + [f"latest with tag {t}" for t in sorted(pact.wip_tags)]
        )
    parts: list[str] = []
    for selection in pact.selections:
        selector = selection.selector
        version = selection.publication.consumer_version
        if selector.main_branch:
            parts.append("latest from main branch")
        elif selector.branch or selector.matching_branch:
            branch = selector.branch or next(iter(version.branches), "")
            if selector.fallback_branch and branch not in version.branches:
                branch = selector.fallback_branch
            parts.append(f"latest from branch {branch}")
        elif selector.tag and selector.latest:
            tag = selector.tag
            if selector.fallback_tag and tag not in version.tags:
                tag = selector.fallback_tag
            parts.append(f"latest with tag {tag}")
        elif selector.tag:
            who = f"{selector.consumer} " if selector.consumer else ""
            parts.append(f"one of {who}{selector.tag}")
        elif selection.environment:
            verb = "released in" if _released(selection) else "deployed to"
            parts.append(f"{verb} {selection.environment}")
        else:
            parts.append("latest")
    return ", ".join(parts)


def _pending_for(provider: str, tags: tuple[str, ...], any_or_a: str, branch: str | None) -> str:
    if branch:
        return f"{any_or_a} version of {provider} from branch '{branch}'"
    if not tags:
        return provider
    if len(tags) == 1:
        return f"{any_or_a} version of {provider} with tag '{tags[0]}'"
    return f"{any_or_a} versions of {provider} with tag {_join_quoted(tags)}"


def _with_these_tags(tags: tuple[str, ...], branch: str | None) -> str:
    if branch or not tags:
        return ""
    return "with this tag " if len(tags) == 1 else "with these tags "


def _inclusion_reason(
    pact: VerifiablePact, pact_url: str, main_branch: str | None, provider_branch: str | None
) -> str:
    if pact.wip:
        heads = len(pact.wip_branches) + len(pact.wip_tags)
        version_text = "version" if heads == 1 else "versions"
        parts = []
        if pact.wip_branches:
            noun = "branch" if len(pact.wip_branches) == 1 else "branches"
            parts.append(f"from {noun} {_join_quoted(pact.wip_branches)}")
        if pact.wip_tags:
            parts.append(f"tagged with {_join_quoted(pact.wip_tags)}")
        verified_by = _pending_for(pact.provider, pact.pending_tags, "a", provider_branch)
        return (
            f"The pact at {pact_url} is being verified because it is a 'work in progress' pact "
            f"(ie. it is the pact for the latest {version_text} of {pact.consumer} "
            f"{' and '.join(parts)} and it has not yet been successfully verified by "
            f"{verified_by} when the pact's application version was "
            f"explicitly specified in the consumer version selectors). {READ_MORE_WIP}"
        )
    count = len(pact.selections)
    criterion = "criteria" if count > 1 else "criterion"
    versions = "the consumer versions" if count > 1 else "the consumer version"
    bullets = "\n".join(
        "    * " + bullet.replace("{provider}", pact.provider)
        for bullet in selection_bullets(pact.selections, main_branch)
    )
    return (
        f"The pact at {pact_url} is being verified because the pact content belongs to "
        f"{versions} matching the following {criterion}:\n{bullets}"
    )


def inclusion_notice(
    pact: VerifiablePact, pact_url: str, main_branch: str | None, provider_branch: str | None
) -> dict[str, str]:
    """The first notice: why this pact is verified (selectors matched, or WIP)."""
    return {
        "when": "before_verification",
        "text": _inclusion_reason(pact, pact_url, main_branch, provider_branch),
    }


@lru_cache(maxsize=256)
def pending_status_notices(
    provider: str,
    pending: bool | None,
    wip: bool,
    pending_tags: tuple[str, ...],
    provider_branch: str | None,
) -> tuple[tuple[str, str], ...]:
    """The (when, text) notices after the inclusion notice: pending state before and after.

    They depend only on these few values, which most pacts of one answer share, so they are
    cached rather than worded again for each pact.
    """
    if pending is None:
        return ()
    if pending and wip:
        reason = (
            f"This pact is in pending state for this version of {provider} because it was "
            "included as a 'work in progress' pact. If this verification fails, it will not "
            f"cause the overall build to fail. {READ_MORE_PENDING}"
        )
    elif pending:
        verified_by = _pending_for(provider, pending_tags, "a", provider_branch)
        reason = (
            f"This pact is in pending state for this version of {provider} because a successful "
            f"verification result for {verified_by} has not yet been "
            "published. If this verification fails, it will not cause the overall build to fail. "
            f"{READ_MORE_PENDING}"
        )
    else:
        verified_by = (
            f"a version of {provider} from branch '{provider_branch}'"
            if provider_branch
            else provider
        )
        reason = (
            f"This pact has previously been successfully verified by {verified_by}. If this "
            f"verification fails, it will fail the build. {READ_MORE_PENDING}"
        )
    before = ("before_verification", reason)
    if not pending:
        return (before,)
    who = _pending_for(provider, pending_tags, "any", provider_branch)
    tags = _with_these_tags(pending_tags, provider_branch)
    still_pending = (
        f"This pact is still in pending state for {who} as a successful verification result "
        f"{tags}has not yet been published"
    )
    return (
        before,
        (
            "after_verification:success_true_published_false",
            f"This pact is still in pending state for {who} as the successful "
            f"verification results {tags}have not yet been published.",
        ),
        ("after_verification:success_false_published_false", still_pending),
        (
            "after_verification:success_true_published_true",
            f"This pact is no longer in pending state for {who}, as a successful "
            f"verification result {tags}has been published. If a verification for a version "
            f"of {provider} {tags}fails in the future, it will fail the build. "
            f"{READ_MORE_PENDING}",
        ),
        ("after_verification:success_false_published_true", still_pending),
    )


def verification_notices(
    pact: VerifiablePact,
    pact_url: str,
    main_branch: str | None,
    provider_branch: str | None,
) -> list[dict[str, str]]:
    """The ``verificationProperties.notices`` list for one verifiable pact."""
    status = pending_status_notices(
        pact.provider, pact.pending, pact.wip, pact.pending_tags, provider_branch
    )
    return [
        inclusion_notice(pact, pact_url, main_branch, provider_branch),
        *({"when": when, "text": text} for when, text in status),
    ]
