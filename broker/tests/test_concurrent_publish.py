"""Clients racing to publish the same consumer version: one stored pact, only documented 409s."""

import json
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from .api_seed import pact_document, publish_body
from .broker_live_server import BrokerServer

CLIENTS = 8


def _race(broker: BrokerServer, pacts: list[dict[str, Any]]) -> list[httpx.Response]:
    """Every pact published for Foo 1.0.0 at the same moment, one client each."""
    start = threading.Barrier(len(pacts))

    def send(pact: dict[str, Any]) -> httpx.Response:
        with httpx.Client(base_url=broker.url, timeout=30) as client:
            start.wait(timeout=10)
            return client.post("/contracts/publish", json=publish_body("Foo", "1.0.0", pact))

    with ThreadPoolExecutor(len(pacts)) as pool:
        return list(pool.map(send, pacts))


def _stored(broker: BrokerServer) -> list[tuple[str, str]]:
    connection = sqlite3.connect(broker.database)
    try:
        rows = connection.execute(
            "SELECT v.number, pv.content FROM pact_publications pub"
            " JOIN versions v ON v.id = pub.consumer_version_id"
            " JOIN pact_versions pv ON pv.id = pub.pact_version_id"
        ).fetchall()
        return [(str(number), str(content)) for number, content in rows]
    finally:
        connection.close()


def test_same_content_from_many_clients_is_stored_once(broker: BrokerServer) -> None:
    responses = _race(broker, [pact_document("Foo", "Bar")] * CLIENTS)
    assert [r.status_code for r in responses] == [200] * CLIENTS, [r.text for r in responses]
    assert len(_stored(broker)) == 1


def test_different_content_from_many_clients_keeps_the_first(broker: BrokerServer) -> None:
    pacts = [pact_document("Foo", "Bar", f"get thing {i}") for i in range(CLIENTS)]
    responses = _race(broker, pacts)
    statuses = [r.status_code for r in responses]
    assert sorted(statuses) == [200] + [409] * (CLIENTS - 1), [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert "Cannot change the content of the pact for Foo version 1.0.0" in response.text
    winner = pacts[statuses.index(200)]["interactions"][0]["description"]
    [(number, content)] = _stored(broker)
    assert number == "1.0.0"
    assert json.loads(content)["interactions"][0]["description"] == winner
    latest = httpx.get(f"{broker.url}/pacts/provider/Bar/consumer/Foo/latest", timeout=10).json()
    assert latest["interactions"][0]["description"] == winner
