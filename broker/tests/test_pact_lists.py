"""Lists of pacts chosen by consumer version tag or branch, as the official broker serves them.

A real broker over HTTP: consumer versions 1 and 2 on branch ``feat/x`` (a ``/`` in it), 3 on
the main branch; 1 and 3 tagged ``prod``. Each list names exactly the versions it should.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .api_seed import pact_document, publish_body
from .broker_live_server import start_broker

CONSUMER, OTHER, PROVIDER = "web-shop", "back-office", "stock-api"
PAIR = f"/pacts/provider/{PROVIDER}/consumer/{CONSUMER}"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    folder: Path = tmp_path_factory.mktemp("pact-lists")
    with (
        start_broker(folder / "broker.sqlite3") as server,
        httpx.Client(base_url=server.url, timeout=10) as http,
    ):
        for number, branch in (("1", "feat/x"), ("2", "feat/x"), ("3", "main")):
            pact = pact_document(CONSUMER, PROVIDER, f"get {number}")
            body = publish_body(CONSUMER, number, pact, branch=branch)
            if number != "2":
                body["tags"] = ["prod"]
            answer = http.post("/contracts/publish", json=body)
            assert answer.status_code == 200, answer.text
        other = publish_body(OTHER, "7", pact_document(OTHER, PROVIDER), branch="main")
        assert http.post("/contracts/publish", json=other).status_code == 200
        answer = http.patch(
            f"/pacticipants/{CONSUMER}",
            json={"mainBranch": "main"},
            headers={"Content-Type": "application/merge-patch+json"},
        )
        assert answer.status_code == 200, answer.text
        yield http


def _get(client: httpx.Client, path: str) -> dict[str, Any]:
    answer = client.get(path, headers={"Accept": "application/hal+json"})
    assert answer.status_code == 200, f"GET {path}: {answer.status_code} {answer.text}"
    body: dict[str, Any] = answer.json()
    return body


def _numbers(links: list[dict[str, str]]) -> list[str]:
    return [link["href"].rsplit("/version/", 1)[1] for link in links]


def test_provider_pacts_by_tag_and_all(client: httpx.Client) -> None:
    every = _get(client, f"/pacts/provider/{PROVIDER}")["_links"]
    tagged = _get(client, f"/pacts/provider/{PROVIDER}/tag/prod")["_links"]
    latest_tagged = _get(client, f"/pacts/provider/{PROVIDER}/latest/prod")["_links"]

    assert [(p["name"], p["href"].rsplit("/", 1)[1]) for p in every["pb:pacts"]] == [
        (OTHER, "7"),
        (CONSUMER, "1"),
        (CONSUMER, "2"),
        (CONSUMER, "3"),
    ]
    assert every["self"]["title"] == f"All pact versions for the provider {PROVIDER}"
    assert _numbers(tagged["pb:pacts"]) == ["1", "3"], tagged
    assert tagged["self"]["title"].endswith("with consumer version tag 'prod'"), tagged["self"]
    assert _numbers(latest_tagged["pb:pacts"]) == ["3"], latest_tagged
    assert latest_tagged["pb:pacts"][0]["title"] == f"Pact between {CONSUMER} (3) and {PROVIDER}"


def test_pair_pacts_by_tag_and_branch(client: httpx.Client) -> None:
    tagged = _get(client, f"{PAIR}/tag/prod")
    branch = _get(client, f"{PAIR}/branch/feat%2Fx")
    latest_branch = _get(client, f"{PAIR}/branch/feat%2Fx/latest/versions")
    main = _get(client, f"{PAIR}/branch/versions")
    latest_main = _get(client, f"{PAIR}/branch/latest/versions")

    def embedded(body: dict[str, Any]) -> list[str]:
        return [p["_embedded"]["consumerVersion"]["number"] for p in body["_embedded"]["pacts"]]

    assert embedded(tagged) == ["3", "1"], tagged
    assert _numbers(tagged["_links"]["pb:pact-versions"]) == ["3", "1"], tagged["_links"]
    assert embedded(branch) == ["2", "1"], branch
    assert branch["_links"]["self"]["href"].endswith(f"{PAIR}/branch/feat%2Fx"), branch["_links"]
    assert embedded(latest_branch) == ["2"], latest_branch
    assert embedded(main) == ["3"], main
    assert embedded(latest_main) == ["3"], latest_main


def test_the_lists_of_unknown_pacticipants_are_404_and_of_unknown_tags_empty(
    client: httpx.Client,
) -> None:
    assert client.get("/pacts/provider/nobody").status_code == 404
    assert client.get(f"/pacts/provider/{PROVIDER}/consumer/nobody/tag/prod").status_code == 404
    assert _get(client, f"{PAIR}/tag/nope")["_embedded"]["pacts"] == []
    assert _get(client, f"/pacts/provider/{PROVIDER}/latest/nope")["_links"]["pb:pacts"] == []
