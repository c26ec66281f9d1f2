"""HAL bodies of the broker's resources, shaped like the official broker's decorators."""

import json
import sqlite3
from typing import Any

from local_pact_broker.api.hal import curies, link, segment
from local_pact_broker.db.pacticipants_repository import (
    branches_of_version,
    latest_version,
    tags_of_version,
)
from local_pact_broker.db.pacts_repository import publications_of_consumer_version
from local_pact_broker.domain.display_names import display_name
from local_pact_broker.domain.timestamps import display


def pacticipant_url(base: str, name: str) -> str:
    """URL of a pacticipant."""
    return f"{base}/pacticipants/{segment(name)}"


def version_url(base: str, pacticipant: str, number: str) -> str:
    """URL of a pacticipant version."""
    return f"{pacticipant_url(base, pacticipant)}/versions/{segment(number)}"


def pact_url(base: str, provider: str, consumer: str, number: str) -> str:
    """URL of the pact a consumer version published for a provider."""
    return (
        f"{base}/pacts/provider/{segment(provider)}/consumer/{segment(consumer)}"
        f"/version/{segment(number)}"
    )


def pact_version_url(base: str, provider: str, consumer: str, sha: str) -> str:
    """Permalink of a pact content."""
    return (
        f"{base}/pacts/provider/{segment(provider)}/consumer/{segment(consumer)}/pact-version/{sha}"
    )


def pact_title(consumer: str, number: str, provider: str) -> str:
    """``Pact between Foo (1.0.0) and Bar``."""
    return f"Pact between {consumer} ({number}) and {provider}"


def embedded_pacticipant(base: str, name: str) -> dict[str, Any]:
    """The short pacticipant form embedded in other resources."""
    return {"name": name, "_links": {"self": {"href": pacticipant_url(base, name)}}}


def embedded_version(base: str, pacticipant: str, number: str) -> dict[str, Any]:
    """The short version form embedded in other resources."""
    return {
        "number": number,
        "_links": {"self": link(version_url(base, pacticipant, number), "Version", number)},
    }


def branch_versions(
    base: str, db: sqlite3.Connection, version: sqlite3.Row
) -> list[dict[str, Any]]:
    """The ``branchVersions`` of a version."""
    pacticipant = version["pacticipant_name"]
    return [
        {
            "name": row["name"],
            "latest": bool(row["latest"]),
            "_links": {
                "self": link(
                    f"{pacticipant_url(base, pacticipant)}/branches/{segment(row['name'])}"
                    f"/versions/{segment(version['number'])}",
                    "Branch version",
                    row["name"],
                )
            },
        }
        for row in branches_of_version(db, version["id"])
    ]


def tags(base: str, db: sqlite3.Connection, version: sqlite3.Row) -> list[dict[str, Any]]:
    """The embedded ``tags`` of a version."""
    url = version_url(base, version["pacticipant_name"], version["number"])
    return [
        {"name": name, "_links": {"self": link(f"{url}/tags/{segment(name)}", "Tag", name)}}
        for name in tags_of_version(db, version["id"])
    ]


def version_body(
    base: str,
    db: sqlite3.Connection,
    version: sqlite3.Row,
    environment_links: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """``GET /pacticipants/{p}/versions/{v}``."""
    pacticipant = version["pacticipant_name"]
    number = version["number"]
    url = version_url(base, pacticipant, number)
    pacts = [
        link(
            pact_url(base, row["provider_name"], pacticipant, number),
            "Pact",
            pact_title(pacticipant, number, row["provider_name"]),
        )
        for row in publications_of_consumer_version(db, version["id"])
    ]
    links: dict[str, Any] = {
        "self": link(url, "Version", number),
        "pb:pacticipant": link(pacticipant_url(base, pacticipant), "Pacticipant", pacticipant),
        "pb:tag": link(
            f"{url}/tags/{{tag}}",
            "Get, create or delete a tag for this pacticipant version",
            templated=True,
        ),
        "pb:latest-verification-results-where-pacticipant-is-consumer": link(
            f"{base}/verification-results/consumer/{segment(pacticipant)}/version/"
            f"{segment(number)}/latest",
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
        "createdAt": display(version["created_at"]),
        "_embedded": {
            "branchVersions": branch_versions(base, db, version),
            "tags": tags(base, db, version),
        },
        "_links": links,
    }
    if version["build_url"]:
        body["buildUrl"] = version["build_url"]
    if version["updated_at"]:
        body["updatedAt"] = display(version["updated_at"])
    return body


def pacticipant_body(
    base: str, db: sqlite3.Connection, row: sqlite3.Row, *, listed: bool = False
) -> dict[str, Any]:
    """``GET /pacticipants/{p}``; ``listed``: as an item of ``GET /pacticipants``."""
    name = row["name"]
    url = pacticipant_url(base, name)
    embedded: dict[str, Any] = {"labels": []}
    latest = latest_version(db, name)
    if latest is not None:
        short = embedded_version(base, name, latest["number"])
        embedded["latestVersion"] = short
        embedded["latest-version"] = {
            **short,
            "name": "DEPRECATED - please use latestVersion",
            "title": "DEPRECATED - please use latestVersion",
        }
    body: dict[str, Any] = {
        "name": name,
        "displayName": display_name(name, row["display_name"]),
        "createdAt": display(row["created_at"]),
        "_embedded": embedded,
        "_links": {
            "self": {"href": url},
            "pb:versions": {"href": f"{url}/versions"},
            "versions": {"href": f"{url}/versions", "title": "Deprecated - use pb:versions"},
            "pb:version": link(
                f"{url}/versions/{{version}}",
                "Get, create or delete a pacticipant version",
                templated=True,
            ),
            "pb:version-tag": link(
                f"{url}/versions/{{version}}/tags/{{tag}}",
                f"Get, create or delete a tag for a version of {name}",
                templated=True,
            ),
            "pb:branches": {"href": f"{url}/branches"},
            "pb:branch-version": link(
                f"{url}/branches/{{branch}}/versions/{{version}}",
                f"Get or add/create a version for a branch of {name}",
                templated=True,
            ),
            # Advertised as by the official broker; the badge endpoints are not served yet.
            "pb:can-i-deploy-badge": link(
                f"{url}/latest-version/{{tag}}/can-i-deploy/to/{{environmentTag}}/badge",
                f"Can I Deploy {name} badge",
                templated=True,
            ),
            "pb:can-i-deploy-branch-to-environment-badge": link(
                f"{url}/branches/{{branch}}/latest-version/can-i-deploy/to-environment/"
                "{environment}/badge",
                f"Can I Deploy {name} from branch to environment badge",
                templated=True,
            ),
            "pb:label": link(
                f"{url}/labels/{{label}}",
                f"Get, create or delete a label for {name}",
                templated=True,
            ),
            "pb:deployed-environments": [],
            "curies": curies(base, "pacticipant"),
        },
    }
    if listed:  # the official list items have no such link
        del body["_links"]["pb:deployed-environments"]
    if row["updated_at"] != row["created_at"]:  # as the official: only once updated
        body["updatedAt"] = display(row["updated_at"])
    if row["main_branch"]:
        body["mainBranch"] = row["main_branch"]
    if row["repository_url"]:
        body["repositoryUrl"] = row["repository_url"]
    return body


def pact_body(
    base: str,
    publication: sqlite3.Row,
    verification_results_url: str,
    consumer_versions: list[str] | None = None,
) -> dict[str, Any]:
    """A pact document with the official broker's ``_links`` and ``createdAt`` added."""
    provider = publication["provider_name"]
    consumer = publication["consumer_name"]
    number = publication["consumer_version_number"]
    sha = publication["sha"]
    pair = f"{base}/pacts/provider/{segment(provider)}/consumer/{segment(consumer)}"
    this_url = pact_url(base, provider, consumer, number)
    permalink = pact_version_url(base, provider, consumer, sha)
    title = pact_title(consumer, number, provider)
    version_link = version_url(base, consumer, number)
    links: dict[str, Any] = {
        "self": link(this_url, "Pact", title),
        "pb:consumer": link(pacticipant_url(base, consumer), "Consumer", consumer),
        "pb:consumer-version": link(version_link, "Consumer version", number),
        "pb:provider": link(pacticipant_url(base, provider), "Provider", provider),
        "pb:pact-version": link(permalink, "Pact content version permalink", sha),
        "pb:latest-pact-version": link(f"{pair}/latest", "Latest version of this pact"),
        "pb:all-pact-versions": link(f"{pair}/versions", "All versions of this pact"),
        "pb:latest-untagged-pact-version": link(
            f"{pair}/latest-untagged", "Latest untagged version of this pact"
        ),
        "pb:latest-tagged-pact-version": link(
            f"{pair}/latest/{{tag}}", "Latest tagged version of this pact", templated=True
        ),
        "pb:previous-distinct": link(
            f"{this_url}/previous-distinct", "Previous distinct version of this pact"
        ),
        "pb:diff-previous-distinct": link(
            f"{this_url}/diff/previous-distinct",
            "Diff with previous distinct version of this pact",
        ),
        "pb:diff": link(
            f"{permalink}/diff/pact-version/{{pactVersion}}",
            "Diff with another specified version of this pact",
            templated=True,
        ),
        "pb:pact-webhooks": link(
            f"{base}/webhooks/provider/{segment(provider)}/consumer/{segment(consumer)}",
            f"Webhooks for the pact between {consumer} and {provider}",
        ),
        "pb:consumer-webhooks": link(
            f"{base}/webhooks/consumer/{segment(provider)}",
            f"Webhooks for all pacts with provider {provider}",
        ),
        "pb:tag-prod-version": link(
            f"{version_link}/tags/prod",
            "PUT to this resource to tag this consumer version as 'production'",
        ),
        "pb:tag-version": link(
            f"{version_link}/tags/{{tag}}", "PUT to this resource to tag this consumer version"
        ),
        "pb:publish-verification-results": link(
            verification_results_url, "Publish verification results"
        ),
        "pb:latest-verification-results": {"href": f"{permalink}/verification-results/latest"},
        "pb:triggered-webhooks": link(
            f"{this_url}/triggered-webhooks", "Webhooks triggered by the publication of this pact"
        ),
        "pb:matrix-for-consumer-version": link(
            f"{base}/matrix?q%5B%5D%5Bpacticipant%5D={segment(consumer)}"
            f"&q%5B%5D%5Bversion%5D={segment(number)}&latestby=cvpv",
            "View matrix rows for the consumer version to which this pact belongs",
        ),
        "curies": curies(base, "pact"),
    }
    if consumer_versions is not None:
        links["pb:consumer-versions"] = [
            link(version_url(base, consumer, n), "Consumer version", n) for n in consumer_versions
        ]
    content: dict[str, Any] = json.loads(publication["content"])
    return {**content, "createdAt": display(publication["created_at"]), "_links": links}
