"""HAL bodies of the broker's resources, shaped like the official broker's decorators."""

import json
from collections.abc import Sequence
from typing import Any

from local_pact_broker.api.hal import curies, link
from local_pact_broker.db.records import (
    BranchOfVersion,
    PacticipantRecord,
    PublicationRecord,
    VersionDetails,
    VersionRecord,
)
from local_pact_broker.domain import urls
from local_pact_broker.domain.display_names import display_name
from local_pact_broker.domain.timestamps import display


def pact_title(consumer: str, number: str, provider: str) -> str:
    """``Pact between Foo (1.0.0) and Bar``."""
    return f"Pact between {consumer} ({number}) and {provider}"


def embedded_pacticipant(base: str, name: str) -> dict[str, Any]:
    """The short pacticipant form embedded in other resources."""
    return {"name": name, "_links": {"self": {"href": urls.PACTICIPANT.url(base, name=name)}}}


def embedded_version(base: str, pacticipant: str, number: str) -> dict[str, Any]:
    """The short version form embedded in other resources."""
    url = urls.VERSION.url(base, name=pacticipant, number=number)
    return {"number": number, "_links": {"self": link(url, "Version", number)}}


def branch_versions(
    base: str, version: VersionRecord, branches: Sequence[BranchOfVersion]
) -> list[dict[str, Any]]:
    """The ``branchVersions`` of a version."""
    return [
        {
            "name": branch.name,
            "latest": branch.latest,
            "_links": {
                "self": link(
                    urls.BRANCH_VERSION.url(
                        base, name=version.pacticipant, branch=branch.name, number=version.number
                    ),
                    "Branch version",
                    branch.name,
                )
            },
        }
        for branch in branches
    ]


def tags(base: str, version: VersionRecord, names: Sequence[str]) -> list[dict[str, Any]]:
    """The embedded ``tags`` of a version."""
    return [
        {
            "name": name,
            "_links": {
                "self": link(
                    urls.TAG.url(base, name=version.pacticipant, number=version.number, tag=name),
                    "Tag",
                    name,
                )
            },
        }
        for name in names
    ]


def version_body(
    base: str,
    details: VersionDetails,
    environment_links: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """``GET /pacticipants/{p}/versions/{v}``."""
    version = details.version
    pacticipant, number = version.pacticipant, version.number
    pacts = [
        link(
            urls.PACT.url(base, provider=provider, consumer=pacticipant, number=number),
            "Pact",
            pact_title(pacticipant, number, provider),
        )
        for provider in details.providers
    ]
    links: dict[str, Any] = {
        "self": link(urls.VERSION.url(base, name=pacticipant, number=number), "Version", number),
        "pb:pacticipant": link(
            urls.PACTICIPANT.url(base, name=pacticipant), "Pacticipant", pacticipant
        ),
        "pb:tag": link(
            urls.TAG.templated(base, name=pacticipant, number=number),
            "Get, create or delete a tag for this pacticipant version",
            templated=True,
        ),
        "pb:latest-verification-results-where-pacticipant-is-consumer": link(
            urls.LATEST_CONSUMER_VERSION_VERIFICATION_RESULTS.url(
                base, consumer=pacticipant, number=number
            ),
            "Latest verification results for consumer version",
        ),
        "pb:pact-versions": pacts,
        "curies": curies(base, "version"),
    }
    if environment_links is not None:
        links["pb:record-deployment"], links["pb:record-release"] = environment_links
        links["pb:deployed-environments"] = []
    body: dict[str, Any] = {
        "number": number,
        "createdAt": display(version.created_at),
        "_embedded": {
            "branchVersions": branch_versions(base, version, details.branches),
            "tags": tags(base, version, details.tags),
        },
        "_links": links,
    }
    if version.build_url:
        body["buildUrl"] = version.build_url
    if version.updated_at:
        body["updatedAt"] = display(version.updated_at)
    return body


def pacticipant_body(
    base: str,
    pacticipant: PacticipantRecord,
    latest_version: str | None,
    *,
    listed: bool = False,
    labels: Sequence[str] = (),
) -> dict[str, Any]:
    """``GET /pacticipants/{p}``; ``latest_version`` is the number of its newest version.

    ``listed``: as an item of ``GET /pacticipants``. ``labels``: its label names.
    """
    name = pacticipant.name
    embedded: dict[str, Any] = {
        "labels": [
            {
                "name": label,
                "_links": {
                    "self": link(
                        urls.PACTICIPANT_LABEL.url(base, name=name, label=label), "Label", label
                    )
                },
            }
            for label in labels
        ]
    }
    if latest_version is not None:
        short = embedded_version(base, name, latest_version)
        embedded["latestVersion"] = short
        embedded["latest-version"] = {
            **short,
            "name": "DEPRECATED - please use latestVersion",
            "title": "DEPRECATED - please use latestVersion",
        }
    versions = urls.VERSIONS.url(base, name=name)
    body: dict[str, Any] = {
        "name": name,
        "displayName": display_name(name, pacticipant.display_name),
        "createdAt": display(pacticipant.created_at),
        "_embedded": embedded,
        "_links": {
            "self": {"href": urls.PACTICIPANT.url(base, name=name)},
            "pb:versions": {"href": versions},
            "versions": {"href": versions, "title": "Deprecated - use pb:versions"},
            "pb:version": link(
                urls.VERSION.templated(base, name=name),
                "Get, create or delete a pacticipant version",
                templated=True,
            ),
            "pb:version-tag": link(
                urls.TAG.templated(base, name=name),
                f"Get, create or delete a tag for a version of {name}",
                templated=True,
            ),
            "pb:branches": {"href": urls.BRANCHES.url(base, name=name)},
            "pb:branch-version": link(
                urls.BRANCH_VERSION.templated(base, name=name),
                f"Get or add/create a version for a branch of {name}",
                templated=True,
            ),
            # Advertised as by the official broker; the badge endpoints are not served yet.
            "pb:can-i-deploy-badge": link(
                urls.CAN_I_DEPLOY_BADGE.templated(base, name=name),
                f"Can I Deploy {name} badge",
                templated=True,
            ),
            "pb:can-i-deploy-branch-to-environment-badge": link(
                urls.CAN_I_DEPLOY_BRANCH_BADGE.templated(base, name=name),
                f"Can I Deploy {name} from branch to environment badge",
                templated=True,
            ),
            "pb:label": link(
                urls.PACTICIPANT_LABEL.templated(base, name=name),
                f"Get, create or delete a label for {name}",
                templated=True,
            ),
            "pb:deployed-environments": [],
            "curies": curies(base, "pacticipant"),
        },
    }
    if listed:  # the official list items have no such link
        del body["_links"]["pb:deployed-environments"]
    if pacticipant.updated_at != pacticipant.created_at:  # as the official: only once updated
        body["updatedAt"] = display(pacticipant.updated_at)
    if pacticipant.main_branch:
        body["mainBranch"] = pacticipant.main_branch
    if pacticipant.repository_url:
        body["repositoryUrl"] = pacticipant.repository_url
    return body


def pact_body(
    base: str,
    publication: PublicationRecord,
    verification_results_url: str,
    consumer_versions: list[str] | None = None,
) -> dict[str, Any]:
    """A pact document with the official broker's ``_links`` and ``createdAt`` added."""
    provider = publication.provider
    consumer = publication.consumer
    number = publication.consumer_version_number
    sha = publication.sha
    pair = {"provider": provider, "consumer": consumer}
    pact = {**pair, "number": number}
    title = pact_title(consumer, number, provider)
    version = {"name": consumer, "number": number}
    permalink = urls.PACT_VERSION.url(base, sha=sha, **pair)
    links: dict[str, Any] = {
        "self": link(urls.PACT.url(base, **pact), "Pact", title),
        "pb:consumer": link(urls.PACTICIPANT.url(base, name=consumer), "Consumer", consumer),
        "pb:consumer-version": link(urls.VERSION.url(base, **version), "Consumer version", number),
        "pb:provider": link(urls.PACTICIPANT.url(base, name=provider), "Provider", provider),
        "pb:pact-version": link(permalink, "Pact content version permalink", sha),
        "pb:latest-pact-version": link(
            urls.LATEST_PACT.url(base, **pair), "Latest version of this pact"
        ),
        "pb:all-pact-versions": link(
            urls.PACT_VERSIONS.url(base, **pair), "All versions of this pact"
        ),
        "pb:latest-untagged-pact-version": link(
            urls.LATEST_UNTAGGED_PACT.url(base, **pair), "Latest untagged version of this pact"
        ),
        "pb:latest-tagged-pact-version": link(
            urls.LATEST_TAGGED_PACT.templated(base, **pair),
            "Latest tagged version of this pact",
            templated=True,
        ),
        "pb:previous-distinct": link(
            urls.PACT_PREVIOUS_DISTINCT.url(base, **pact),
            "Previous distinct version of this pact",
        ),
        "pb:diff-previous-distinct": link(
            urls.PACT_DIFF_PREVIOUS_DISTINCT.url(base, **pact),
            "Diff with previous distinct version of this pact",
        ),
        "pb:diff": link(
            urls.PACT_VERSION_DIFF.templated(base, sha=sha, **pair),
            "Diff with another specified version of this pact",
            templated=True,
        ),
        "pb:pact-webhooks": link(
            urls.WEBHOOKS_FOR_PACT.url(base, **pair),
            f"Webhooks for the pact between {consumer} and {provider}",
        ),
        "pb:consumer-webhooks": link(
            urls.WEBHOOKS_FOR_CONSUMER.url(base, consumer=provider),
            f"Webhooks for all pacts with provider {provider}",
        ),
        "pb:tag-prod-version": link(
            urls.TAG.url(base, tag="prod", **version),
            "PUT to this resource to tag this consumer version as 'production'",
        ),
        "pb:tag-version": link(
            urls.TAG.templated(base, **version),
            "PUT to this resource to tag this consumer version",
        ),
        "pb:publish-verification-results": link(
            verification_results_url, "Publish verification results"
        ),
        "pb:latest-verification-results": {
            "href": urls.LATEST_VERIFICATION_RESULTS.url(base, sha=sha, **pair)
        },
        "pb:triggered-webhooks": link(
            urls.PACT_TRIGGERED_WEBHOOKS.url(base, **pact),
            "Webhooks triggered by the publication of this pact",
        ),
        "pb:matrix-for-consumer-version": link(
            f"{urls.MATRIX.url(base)}?q%5B%5D%5Bpacticipant%5D={urls.segment(consumer)}"
            f"&q%5B%5D%5Bversion%5D={urls.segment(number)}&latestby=cvpv",
            "View matrix rows for the consumer version to which this pact belongs",
        ),
        "curies": curies(base, "pact"),
    }
    if consumer_versions is not None:
        links["pb:consumer-versions"] = [
            link(urls.VERSION.url(base, name=consumer, number=n), "Consumer version", n)
            for n in consumer_versions
        ]
    content: dict[str, Any] = json.loads(publication.content)
    return {**content, "createdAt": display(publication.created_at), "_links": links}
