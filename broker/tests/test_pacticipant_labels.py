"""Pacticipant labels over HTTP, as the official broker serves them.

A real broker: labels are put, read, listed on the pacticipant, used to find pacticipants,
deleted; the unknown ones are 404 and a label beyond the name limits is 400 with nothing stored.
"""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .broker_live_server import start_broker

HAL = {"Accept": "application/hal+json"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[httpx.Client]:
    with (
        start_broker(tmp_path / "broker.sqlite3") as server,
        httpx.Client(base_url=server.url, headers=HAL, timeout=10) as http,
    ):
        for name in ("web-shop", "stock-api", "back-office"):
            assert http.post("/pacticipants", json={"name": name}).status_code == 201
        yield http


def test_a_label_is_put_read_found_and_deleted(client: httpx.Client) -> None:
    created = client.put("/pacticipants/web-shop/labels/team%20a", json={})
    again = client.put("/pacticipants/web-shop/labels/team%20a", json={})
    assert client.put("/pacticipants/stock-api/labels/team%20a").status_code == 201
    assert client.put("/pacticipants/back-office/labels/other").status_code == 201
    read = client.get("/pacticipants/web-shop/labels/team%20a")
    found = client.get("/pacticipants/label/team%20a").json()
    pacticipant = client.get("/pacticipants/web-shop").json()

    assert created.status_code == 201, created.text
    assert created.headers["location"].endswith("/pacticipants/web-shop/labels/team%20a")
    assert again.status_code == 200, again.text
    assert read.status_code == 200, read.text
    assert read.json()["name"] == "team a"
    assert read.json()["_links"]["pacticipant"]["name"] == "web-shop", read.json()
    assert [p["name"] for p in found["_embedded"]["pacticipants"]] == ["stock-api", "web-shop"]
    assert [label["name"] for label in pacticipant["_embedded"]["labels"]] == ["team a"]

    deleted = client.delete("/pacticipants/web-shop/labels/team%20a")
    assert deleted.status_code == 204, deleted.text
    assert client.get("/pacticipants/web-shop/labels/team%20a").status_code == 404
    after = client.get("/pacticipants/label/team%20a").json()["_embedded"]["pacticipants"]
    assert [p["name"] for p in after] == ["stock-api"]


def test_unknown_labels_and_pacticipants_are_404(client: httpx.Client) -> None:
    assert client.put("/pacticipants/nobody/labels/x").status_code == 404
    assert client.delete("/pacticipants/web-shop/labels/never").status_code == 404
    assert client.get("/pacticipants/web-shop/labels/never").status_code == 404
    empty = client.get("/pacticipants/label/never")
    assert empty.status_code == 200, empty.text
    assert empty.json()["_embedded"]["pacticipants"] == []


def test_a_label_beyond_the_limits_is_refused_and_not_stored(client: httpx.Client) -> None:
    long = "x" * 256
    refused = client.put(f"/pacticipants/web-shop/labels/{long}")

    assert refused.status_code == 400, refused.text
    assert "label name" in refused.text, refused.text
    assert client.get(f"/pacticipants/web-shop/labels/{long}").status_code == 404
