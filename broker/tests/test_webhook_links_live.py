"""Every webhook link on a pact, a webhook and a pact's webhooks status, as the official broker
links them, and each answers, from a real broker (uvicorn, SQLite on disk).

The official pact decorator defines ``pb:consumer-webhooks`` twice, and the second definition
wins: ``/webhooks/consumer/{provider name}``, "Webhooks for all pacts with provider Bar"
(``lib/pact_broker/api/decorators/pact_decorator.rb``; recording 07 shows it). The webhooks
status links ``pb:pact-webhooks`` below the pact (``webhooks_for_pact_url``), the pact and the
webhook link it at ``/webhooks/provider/{p}/consumer/{c}``; the status also links
``pb:pact-version``, the pact of its first latest delivery (``pact_webhooks_status_decorator.rb``).
"""

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .api_seed import pact_document, publish
from .broker_live_server import BrokerServer, get_json
from .broker_recording_shape import RECORDED_BASE_URL

RECORDING = (
    Path(__file__).parent / "fixtures" / "official-broker-recordings" / "07-get-latest-pact.json"
)
HAL = {"Accept": "application/hal+json"}
HOOK = {
    "events": [{"name": "contract_published"}],
    "request": {"method": "POST", "url": "https://127.0.0.1:9/hooks"},
}


@pytest.fixture
def client(broker: BrokerServer) -> Iterator[httpx.Client]:
    """Foo 1.0.1's pact for Bar (as in recording 07), and a webhook of every scope."""
    with httpx.Client(base_url=broker.url, timeout=10, headers=HAL) as client:
        publish(client, "Foo", "1.0.1", pact_document("Foo", "Bar"))
        publish(client, "Baz", "1", pact_document("Baz", "Bar"))
        for path, description in [
            ("/webhooks/provider/Bar/consumer/Foo", "pair"),
            ("/pacts/provider/Bar/consumer/Foo/webhooks", "pair from the pact"),
            ("/webhooks/consumer/Foo", "consumer"),
            ("/webhooks/provider/Bar", "provider"),
            ("/webhooks", "everything"),
        ]:
            created = client.post(path, json={**HOOK, "description": description})
            assert created.status_code == 201, f"{path}: {created.text}"
        yield client


def _listed(client: httpx.Client, url: str) -> list[str]:
    """The descriptions (link names) of the webhooks a webhooks resource lists."""
    return [hook["name"] for hook in get_json(client, url)["_links"]["pb:webhooks"]]


def test_a_pact_links_its_webhooks_as_the_official_recording(
    client: httpx.Client, broker: BrokerServer
) -> None:
    recorded = json.loads(RECORDING.read_text("utf-8"))["body"]["_links"]
    ours = get_json(client, "/pacts/provider/Bar/consumer/Foo/latest")["_links"]
    rels = sorted(rel for rel in recorded if "webhook" in rel)
    assert rels == ["pb:consumer-webhooks", "pb:pact-webhooks", "pb:triggered-webhooks"]
    for rel in rels:
        expected = json.loads(json.dumps(recorded[rel]).replace(RECORDED_BASE_URL, broker.url))
        assert ours[rel] == expected, rel
    # Each leads somewhere: the consumer-webhooks link, to the webhooks of the provider's name.
    assert _listed(client, ours["pb:pact-webhooks"]["href"]) == ["pair", "pair from the pact"]
    assert _listed(client, ours["pb:consumer-webhooks"]["href"]) == []
    triggered = get_json(client, ours["pb:triggered-webhooks"]["href"])
    assert triggered["_embedded"]["triggeredWebhooks"] == []


def test_the_webhooks_status_links_the_pact_webhooks_below_the_pact(
    client: httpx.Client, broker: BrokerServer
) -> None:
    status = get_json(client, "/pacts/provider/Bar/consumer/Foo/webhooks/status")
    pact_webhooks = status["_links"]["pb:pact-webhooks"]
    assert pact_webhooks == {
        "href": f"{broker.url}/pacts/provider/Bar/consumer/Foo/webhooks",
        "title": "Webhooks for the pact between Foo and Bar",
    }
    listed = get_json(client, pact_webhooks["href"])
    assert listed["_links"]["self"]["title"] == "Pact webhooks"
    assert [hook["name"] for hook in listed["_links"]["pb:webhooks"]] == [
        "pair",
        "pair from the pact",
    ]


def test_the_webhooks_status_links_the_pact_of_its_latest_deliveries(
    client: httpx.Client, broker: BrokerServer
) -> None:
    """As the official status decorator: ``pb:pact-version`` (title "Pact", the pact's name)
    is the pact of the latest deliveries, and absent while nothing was delivered."""
    status = "/pacts/provider/Bar/consumer/Foo/webhooks/status"
    assert "pb:pact-version" not in get_json(client, status)["_links"]
    publish(client, "Foo", "1.0.2", pact_document("Foo", "Bar", "get another thing"))
    publish(client, "Foo", "1.0.3", pact_document("Foo", "Bar", "get a third thing"))
    pact_version = get_json(client, status)["_links"]["pb:pact-version"]
    assert pact_version == {
        "href": f"{broker.url}/pacts/provider/Bar/consumer/Foo/version/1.0.3",
        "title": "Pact",
        "name": "Pact between Foo (1.0.3) and Bar",
    }
    assert get_json(client, pact_version["href"])["interactions"][0]["description"] == (
        "get a third thing"
    )


def test_a_webhook_links_the_webhooks_of_its_pair(
    client: httpx.Client, broker: BrokerServer
) -> None:
    [pair] = [
        hook
        for hook in get_json(client, "/webhooks")["_links"]["pb:webhooks"]
        if hook["name"] == "pair"
    ]
    links = get_json(client, pair["href"])["_links"]
    assert links["pb:pact-webhooks"]["href"] == f"{broker.url}/webhooks/provider/Bar/consumer/Foo"
    assert links["pb:webhooks"]["href"] == f"{broker.url}/webhooks"


def test_each_scope_lists_exactly_its_own_webhooks(client: httpx.Client) -> None:
    """As the official ``find_by_consumer_and_provider``: the scope, not every match of it."""
    assert _listed(client, "/webhooks/consumer/Foo") == ["consumer"]
    assert _listed(client, "/webhooks/provider/Bar") == ["provider"]
    assert _listed(client, "/webhooks/provider/Bar/consumer/Foo") == ["pair", "pair from the pact"]
    assert _listed(client, "/webhooks/provider/Bar/consumer/Baz") == []
    assert len(_listed(client, "/webhooks")) == 5


@pytest.mark.parametrize(
    "path",
    [
        "/webhooks/consumer/Nobody",
        "/webhooks/provider/Nobody",
        "/webhooks/provider/Bar/consumer/Nobody",
        "/pacts/provider/Nobody/consumer/Foo/webhooks",
    ],
)
def test_webhooks_of_an_unknown_pacticipant_are_not_found(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404, response.text
