"""Branch-aware seeding for the page tests: pacts and verifications as CI publishes them.

Versions are real 40-character git SHAs (hex SHA-1 digests), so the pages are tested with
what a team's broker actually holds, not with short numbers that always fit.
"""

import hashlib
from typing import Any
from urllib.parse import quote

import httpx

from .api_seed import pact_document, publish_body


def commit(seed: str) -> str:
    """A 40-character commit SHA, stable for a given seed."""
    return hashlib.sha1(seed.encode()).hexdigest()  # noqa: S324 - a git-style id, not security


def _segment(value: str) -> str:
    return quote(value, safe="")


def publish_on(
    client: httpx.Client,
    consumer: str,
    version: str,
    provider: str,
    branch: str,
    description: str = "get thing",
) -> None:
    """Publish the consumer version's pact for the provider from a branch."""
    pact: dict[str, Any] = pact_document(consumer, provider, description)
    response = client.post(
        "/contracts/publish", json=publish_body(consumer, version, pact, branch=branch)
    )
    assert response.status_code == 200, response.text


def verify_on(
    client: httpx.Client,
    consumer: str,
    consumer_version: str,
    provider: str,
    provider_version: str,
    branch: str,
    *,
    success: bool,
) -> None:
    """Publish a provider version's (on ``branch``) result for one consumer version's pact."""
    path = (
        f"/pacts/provider/{_segment(provider)}/consumer/{_segment(consumer)}"
        f"/version/{_segment(consumer_version)}"
    )
    pact = client.get(path)
    assert pact.status_code == 200, pact.text
    url = pact.json()["_links"]["pb:publish-verification-results"]["href"]
    body = {
        "success": success,
        "providerApplicationVersion": provider_version,
        "providerVersionBranch": branch,
    }
    response = client.post(url, json=body)
    assert response.status_code == 201, response.text


def deploy_to(client: httpx.Client, pacticipant: str, version: str, environment: str) -> None:
    """Record a deployment of an existing version, creating the environment on first use."""
    environments = client.get("/environments").json()["_embedded"]["environments"]
    found = [e["uuid"] for e in environments if e["name"] == environment]
    if found:
        uuid = found[0]
    else:
        created = client.post("/environments", json={"name": environment, "production": True})
        assert created.status_code == 201, created.text
        uuid = created.json()["uuid"]
    path = (
        f"/pacticipants/{_segment(pacticipant)}/versions/{_segment(version)}"
        f"/deployed-versions/environment/{uuid}"
    )
    response = client.post(path, json={})
    assert response.status_code == 201, response.text
