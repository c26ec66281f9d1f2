"""Publishing pacts, verification results and deployments over the broker's HTTP API."""

import base64
import json
from typing import Any

import httpx


def pact_document(consumer: str, provider: str, description: str = "get thing") -> dict[str, Any]:
    """A v4 pact with one HTTP interaction, provider state params and matching rules."""
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "type": "Synchronous/HTTP",
                "description": description,
                "providerStates": [{"name": "a thing exists", "params": {"id": 1}}],
                "request": {"method": "GET", "path": "/things/1", "query": {"full": ["true"]}},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": ["application/json"]},
                    "body": {
                        "content": {"id": 1, "name": "Thing"},
                        "contentType": "application/json",
                        "encoded": False,
                    },
                    "matchingRules": {
                        "body": {"$.name": {"combine": "AND", "matchers": [{"match": "type"}]}}
                    },
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }


def publish_body(
    consumer: str, version: str, pact: dict[str, Any], branch: str = "main"
) -> dict[str, Any]:
    """The ``POST /contracts/publish`` body the official CLI sends for one pact."""
    content = base64.b64encode(json.dumps(pact).encode()).decode()
    return {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "branch": branch,
        "contracts": [
            {
                "consumerName": consumer,
                "providerName": pact["provider"]["name"],
                "specification": "pact",
                "contentType": "application/json",
                "content": content,
            }
        ],
    }


def publish(client: httpx.Client, consumer: str, version: str, pact: dict[str, Any]) -> None:
    """Publish one pact; fails the test unless the broker accepts it."""
    response = client.post("/contracts/publish", json=publish_body(consumer, version, pact))
    assert response.status_code == 200, response.text


def verify(
    client: httpx.Client, consumer: str, provider: str, provider_version: str, success: bool
) -> None:
    """Publish a verification result for the latest pact between the two."""
    pact = client.get(f"/pacts/provider/{provider}/consumer/{consumer}/latest").json()
    url = pact["_links"]["pb:publish-verification-results"]["href"]
    body = {"success": success, "providerApplicationVersion": provider_version}
    response = client.post(url, json=body)
    assert response.status_code == 201, response.text


def deploy(client: httpx.Client, pacticipant: str, version: str, environment: str) -> None:
    """Record a deployment, creating the environment on first use."""
    environments = client.get("/environments").json()["_embedded"]["environments"]
    found = [e["uuid"] for e in environments if e["name"] == environment]
    if found:
        uuid = found[0]
    else:
        created = client.post("/environments", json={"name": environment, "production": True})
        assert created.status_code == 201, created.text
        uuid = created.json()["uuid"]
    path = f"/pacticipants/{pacticipant}/versions/{version}/deployed-versions/environment/{uuid}"
    response = client.post(path, json={})
    assert response.status_code == 201, response.text
