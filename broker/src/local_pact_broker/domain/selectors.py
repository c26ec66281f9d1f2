"""Consumer version selectors: which published pacts a provider must verify.

Pure functions over :mod:`local_pact_broker.domain.models`; the rules and the validation messages
follow the official broker's ``/pacts/provider/{p}/for-verification`` documentation.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from local_pact_broker.domain.models import Publication


class SelectorError(ValueError):
    """A selector is malformed; ``messages`` are the official validation texts."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class ConsumerVersionSelector:
    """One consumer version selector as sent by a verifier."""

    main_branch: bool = False
    branch: str | None = None
    matching_branch: bool = False
    fallback_branch: str | None = None
    tag: str | None = None
    fallback_tag: str | None = None
    latest: bool | None = None
    consumer: str | None = None
    deployed: bool = False
    released: bool = False
    deployed_or_released: bool = False
    environment: str | None = None


@dataclass(frozen=True)
class SelectedPublication:
    """A publication together with the selector that picked it."""

    publication: Publication
    selector: ConsumerVersionSelector
    environment: str | None = None


_KNOWN_KEYS = {
    "mainBranch",
    "branch",
    "matchingBranch",
    "fallbackBranch",
    "tag",
    "fallbackTag",
    "latest",
    "consumer",
    "deployed",
    "released",
    "deployedOrReleased",
    "environment",
}


def _optional_str(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise SelectorError([f"{key} must be a string"])
    return value


def _flag(raw: Mapping[str, Any], key: str) -> bool:
    return raw.get(key) is True


def parse_selector(raw: object, provider_branch: str | None) -> ConsumerVersionSelector:
    """Build one selector from request JSON, rejecting combinations the official broker rejects."""
    if not isinstance(raw, Mapping):
        raise SelectorError(["consumerVersionSelectors must be a list of objects"])
    latest = raw.get("latest")
    selector = ConsumerVersionSelector(
        main_branch=_flag(raw, "mainBranch"),
        branch=_optional_str(raw, "branch"),
        matching_branch=_flag(raw, "matchingBranch"),
        fallback_branch=_optional_str(raw, "fallbackBranch"),
        tag=_optional_str(raw, "tag"),
        fallback_tag=_optional_str(raw, "fallbackTag"),
        latest=latest if isinstance(latest, bool) else None,
        consumer=_optional_str(raw, "consumer"),
        deployed=_flag(raw, "deployed"),
        released=_flag(raw, "released"),
        deployed_or_released=_flag(raw, "deployedOrReleased"),
        environment=_optional_str(raw, "environment"),
    )
    errors = _validation_errors(selector, provider_branch)
    if errors:
        raise SelectorError(errors)
    return selector


def _validation_errors(s: ConsumerVersionSelector, provider_branch: str | None) -> list[str]:
    errors: list[str] = []
    chosen = (
        s.main_branch
        or s.branch
        or s.matching_branch
        or s.tag
        or s.latest
        or s.deployed
        or s.released
        or s.deployed_or_released
        or s.environment
    )
    if not chosen:
        errors.append(
            "must specify a value for environment or tag or branch, or specify mainBranch=true, "
            "matchingBranch=true, latest=true, deployed=true, released=true or "
            "deployedOrReleased=true"
        )
    others = s.branch or s.tag or s.latest is not None or s.deployed or s.released or s.environment
    if s.main_branch and (others or s.matching_branch or s.deployed_or_released):
        errors.append("cannot specify mainBranch=true with any other criteria apart from consumer")
    if s.matching_branch and (others or s.deployed_or_released):
        errors.append(
            "cannot specify matchingBranch=true with any other criteria apart from consumer"
        )
    if s.matching_branch and not provider_branch:
        errors.append(
            "the providerVersionBranch must be specified when the selector matchingBranch=true "
            "is used"
        )
    if s.tag and s.branch:
        errors.append("cannot specify both a tag and a branch")
    if s.fallback_tag and not s.tag:
        errors.append("a tag must be specified when a fallbackTag is specified")
    if s.fallback_tag and not s.latest:
        errors.append("fallbackTag can only be set if latest is true")
    if s.fallback_branch and not s.branch:
        errors.append("a branch must be specified when a fallbackBranch is specified")
    if s.branch and s.latest is False:
        errors.append("cannot specify a branch with latest=false")
    if s.deployed and s.released:
        errors.append("cannot specify both deployed=true and released=true")
    if s.deployed and s.deployed_or_released:
        errors.append("cannot specify both deployed=true and deployedOrReleased=true")
    if s.released and s.deployed_or_released:
        errors.append("cannot specify both released=true and deployedOrReleased=true")
    return errors


def parse_selectors(raw: object, provider_branch: str | None) -> list[ConsumerVersionSelector]:
    """Parse the ``consumerVersionSelectors`` list, collecting every error message."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise SelectorError(["consumerVersionSelectors must be a list"])
    selectors: list[ConsumerVersionSelector] = []
    errors: list[str] = []
    for index, item in enumerate(raw):
        try:
            selectors.append(parse_selector(item, provider_branch))
        except SelectorError as error:
            errors.extend(f"consumerVersionSelectors[{index}]: {m}" for m in error.messages)
    if errors:
        raise SelectorError(errors)
    return selectors


def default_selectors(
    publications: Iterable[Publication], main_branches: Mapping[str, str | None]
) -> list[ConsumerVersionSelector]:
    """Selectors used when none are given: each consumer's main branch, else its latest pact."""
    selectors: list[ConsumerVersionSelector] = []
    for consumer in sorted({p.consumer for p in publications}):
        if main_branches.get(consumer):
            selectors.append(ConsumerVersionSelector(main_branch=True, consumer=consumer))
        else:
            selectors.append(ConsumerVersionSelector(latest=True, consumer=consumer))
    return selectors


def _latest_per_consumer(candidates: Iterable[Publication]) -> list[Publication]:
    latest: dict[str, Publication] = {}
    for publication in candidates:
        current = latest.get(publication.consumer)
        if current is None or publication.consumer_version.order > current.consumer_version.order:
            latest[publication.consumer] = publication
    return list(latest.values())


def _on_branch(publications: Sequence[Publication], branch: str) -> list[Publication]:
    return [p for p in publications if branch in p.consumer_version.branches]


def _select_one(
    selector: ConsumerVersionSelector,
    publications: Sequence[Publication],
    provider_branch: str | None,
    main_branches: Mapping[str, str | None],
) -> list[SelectedPublication]:
    pool = [p for p in publications if selector.consumer in (None, p.consumer)]
    if selector.main_branch:
        chosen = _latest_per_consumer(
            p for p in pool if main_branches.get(p.consumer) in p.consumer_version.branches
        )
        return [SelectedPublication(p, selector) for p in chosen]
    if selector.branch or selector.matching_branch:
        branch = selector.branch if selector.branch else provider_branch or ""
        chosen = _latest_per_consumer(_on_branch(pool, branch))
        if not chosen and selector.fallback_branch:
            fallback = _latest_per_consumer(_on_branch(pool, selector.fallback_branch))
            return [SelectedPublication(p, selector) for p in fallback]
        return [SelectedPublication(p, selector) for p in chosen]
    if selector.tag:
        tagged = [p for p in pool if selector.tag in p.consumer_version.tags]
        if not selector.latest:
            return [SelectedPublication(p, selector) for p in tagged]
        chosen = _latest_per_consumer(tagged)
        if not chosen and selector.fallback_tag:
            fallback_tag = selector.fallback_tag
            chosen = _latest_per_consumer(
                p for p in pool if fallback_tag in p.consumer_version.tags
            )
        return [SelectedPublication(p, selector) for p in chosen]
    if selector.deployed or selector.released or selector.deployed_or_released:
        return _in_environments(selector, pool)
    if selector.environment:
        return _in_environments(selector, pool)
    return [SelectedPublication(p, selector) for p in _latest_per_consumer(pool)]


def _in_environments(
    selector: ConsumerVersionSelector, pool: Sequence[Publication]
) -> list[SelectedPublication]:
    selected: list[SelectedPublication] = []
    for publication in pool:
        version = publication.consumer_version
        environments: tuple[str, ...]
        if selector.deployed:
            environments = version.deployed_to
        elif selector.released:
            environments = version.released_to
        else:
            environments = version.environments
        for environment in environments:
            if selector.environment in (None, environment):
                selected.append(SelectedPublication(publication, selector, environment))
    return selected


def select_publications(
    selectors: Sequence[ConsumerVersionSelector],
    publications: Sequence[Publication],
    provider_branch: str | None,
    main_branches: Mapping[str, str | None],
) -> list[SelectedPublication]:
    """Every (publication, selector) pair the selectors pick, in selector order."""
    selected: list[SelectedPublication] = []
    for selector in selectors:
        selected.extend(_select_one(selector, publications, provider_branch, main_branches))
    return selected
