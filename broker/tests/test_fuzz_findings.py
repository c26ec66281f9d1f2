"""What schemathesis found in the broker, each pinned as it was found: a 500 for a client mistake.

Fields documented as strings or lists arrived as numbers or objects and failed deep in SQLite;
a consumer branch without a pact for the provider broke pacts-for-verification.
"""

from typing import Any

import httpx
import pytest

from .api_seed import pact_document, publish
from .broker_live_server import BrokerServer


@pytest.fixture
def client(broker: BrokerServer) -> httpx.Client:
    return httpx.Client(base_url=broker.url, timeout=10)


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/pacticipants", {"name": "app", "repositoryUrl": {}}, "repositoryUrl"),
        ("PUT", "/pacticipants/app", {"displayName": ["App"]}, "displayName"),
        ("PATCH", "/pacticipants/app", {"mainBranch": 1}, "mainBranch"),
        ("POST", "/environments", {"name": "test", "displayName": {"a": 1}}, "displayName"),
        ("POST", "/environments", {"name": "test", "contacts": [1, 2]}, "contacts"),
        ("PUT", "/environments/abc", {"name": "test", "contacts": "x"}, "contacts"),
        ("PUT", "/pacticipants/app/versions/1", {"tags": 5}, "tags"),
    ],
)
def test_a_field_of_the_wrong_type_is_a_400_naming_it_and_nothing_is_stored(
    client: httpx.Client, method: str, path: str, body: dict[str, Any], field: str
) -> None:
    response = client.request(method, path, json=body)

    assert response.status_code == 400, response.text
    assert field in response.json()["errors"]
    assert client.get("/pacticipants/app").status_code == 404
    assert client.get("/environments").json()["_embedded"]["environments"] == []


def test_provider_version_tags_that_are_not_a_list_are_a_400(client: httpx.Client) -> None:
    publish(client, "web", "1", pact_document("web", "api"))
    pact = client.get("/pacts/provider/api/consumer/web/latest").json()
    url = pact["_links"]["pb:publish-verification-results"]["href"]

    response = client.post(
        url, json={"success": True, "providerApplicationVersion": "2", "providerVersionTags": 7}
    )

    assert response.status_code == 400, response.text
    assert response.json()["errors"] == {"providerVersionTags": ["must be a list of strings"]}
    assert client.get("/pacticipants/api/versions/2").status_code == 404


def test_a_consumer_branch_without_a_pact_for_the_provider_does_not_break_for_verification(
    client: httpx.Client,
) -> None:
    publish(client, "web", "1", pact_document("web", "api"))
    # Version 2 is on a feature branch and published no pact for "api".
    assert client.put("/pacticipants/web/branches/feat/versions/2").status_code == 201

    response = client.post(
        "/pacts/provider/api/for-verification",
        json={"includePendingStatus": True, "providerVersionBranch": "main"},
    )

    assert response.status_code == 200, response.text
    [pact] = response.json()["_embedded"]["pacts"]
    assert pact["shortDescription"] == "latest from main branch"
