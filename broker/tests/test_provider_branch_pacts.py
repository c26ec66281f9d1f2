"""``/pacts/provider/{p}/branch[/{b}][/latest]`` as the official broker serves them (issue #9):
every pact from a consumer branch, or only each consumer's newest (``/latest``)."""

from typing import Any
from urllib.parse import quote

import httpx

from .api_seed import pact_document, publish_body
from .broker_live_server import BrokerServer


def _publish(client: httpx.Client, consumer: str, version: str, branch: str) -> None:
    pact = pact_document(consumer, "Bar", f"call {version}")
    response = client.post("/contracts/publish", json=publish_body(consumer, version, pact, branch))
    assert response.status_code == 200, response.text


def _pacts(client: httpx.Client, path: str) -> tuple[str, list[str]]:
    """The title and ``consumer@version`` of each pact listed."""
    response = client.get(path)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    pacts = [f"{p['name']}@{p['href'].rsplit('/', 1)[1]}" for p in body["_links"]["pb:pacts"]]
    return body["_links"]["self"]["title"], pacts


def test_latest_keeps_each_consumers_newest_pact_on_the_branch(broker: BrokerServer) -> None:
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        _publish(client, "Foo", "1", "main")
        _publish(client, "Foo", "2", "main")
        _publish(client, "Foo", "3", "feat/x")
        _publish(client, "Baz", "9", "main")
        everything = _pacts(client, "/pacts/provider/Bar/branch/main")
        latest = _pacts(client, "/pacts/provider/Bar/branch/main/latest")
        feature = _pacts(client, f"/pacts/provider/Bar/branch/{quote('feat/x', safe='')}/latest")
        main_branches = _pacts(client, "/pacts/provider/Bar/branch/latest")
        unknown = client.get("/pacts/provider/Nobody/branch/main/latest")
    assert everything == (
        "All pact versions for the provider Bar with consumer version branch 'main'",
        ["Baz@9", "Foo@1", "Foo@2"],
    )
    assert latest == (
        "Latest pact versions for the provider Bar with consumer version branch 'main'",
        ["Baz@9", "Foo@2"],
    )
    assert feature[1] == ["Foo@3"]
    assert main_branches == ("Latest pact versions for the provider Bar", ["Baz@9", "Foo@2"])
    assert unknown.status_code == 404
