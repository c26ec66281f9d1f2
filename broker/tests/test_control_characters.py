"""Names, versions, branches and tags with control characters are refused at every way in.

A line break (or any other control character) in a pacticipant name, version number, branch
or tag was accepted by publish, yet no URL could ever read it back: routing matches no line
break in a path. Every ingestion point now answers 400 naming the character, and stores
nothing (``domain/limits.name_problems``).
"""

import sqlite3
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from .api_seed import pact_document, publish, publish_body
from .broker_live_server import start_broker

BAD = "feat\nx"
Send = Callable[[httpx.Client], httpx.Response]


def _dump(database: Path) -> list[str]:
    connection = sqlite3.connect(database)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def _publish_with(**fields: object) -> Send:
    def send(client: httpx.Client) -> httpx.Response:
        body = {**publish_body("Foo", "2", pact_document("Foo", "Bar")), **fields}
        return client.post("/contracts/publish", json=body)

    return send


def _verify_with(**fields: object) -> Send:
    def send(client: httpx.Client) -> httpx.Response:
        pact = client.get("/pacts/provider/Bar/consumer/Foo/latest").json()
        url = pact["_links"]["pb:publish-verification-results"]["href"]
        body = {"success": True, "providerApplicationVersion": "p1", **fields}
        return client.post(url, json=body)

    return send


def _put_pact(consumer: str, version: str) -> Send:
    def send(client: httpx.Client) -> httpx.Response:
        path = f"/pacts/provider/Bar/consumer/{quote(consumer, safe='')}/version/"
        return client.put(path + quote(version, safe=""), json=pact_document(consumer, "Bar"))

    return send


def _put(path: str, body: object = None) -> Send:
    return lambda client: client.put(path, json=body if body is not None else {})


INGESTION_POINTS: dict[str, Send] = {
    "publish pacticipantName": _publish_with(pacticipantName="Fo\no"),
    "publish version": _publish_with(pacticipantVersionNumber="2\n"),
    "publish branch": _publish_with(branch=BAD),
    "publish tag": _publish_with(tags=[BAD]),
    "PUT pact consumer name": _put_pact("Fo\ro", "3"),
    "PUT pact version": _put_pact("Foo", "3\n"),
    "PUT version": _put("/pacticipants/Foo/versions/3%0A"),
    "PUT tag": _put(f"/pacticipants/Foo/versions/1/tags/{quote(BAD)}"),
    "PUT tag on a new version": _put("/pacticipants/Foo/versions/4%09/tags/t"),
    "PUT branch version": _put("/pacticipants/Foo/branches/b/versions/5%0D"),
    "POST pacticipant": lambda c: c.post("/pacticipants", json={"name": "Ba\x00z"}),
    "PATCH pacticipant name in path": _put("/pacticipants/Ba%0Az", {}),
    "verification provider version": _verify_with(providerApplicationVersion="p\n2"),
    "verification provider branch": _verify_with(providerVersionBranch=BAD),
    "verification provider tag": _verify_with(providerVersionTags=[BAD]),
    "POST environment": lambda c: c.post("/environments", json={"name": "st\nage"}),
}


@pytest.mark.parametrize("point", sorted(INGESTION_POINTS))
def test_a_control_character_is_refused_and_nothing_stored(tmp_path: Path, point: str) -> None:
    with (
        start_broker(tmp_path / "broker.sqlite3") as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        publish(client, "Foo", "1", pact_document("Foo", "Bar"))
        before = _dump(server.database)
        response = INGESTION_POINTS[point](client)

        assert response.status_code == 400, f"{point}: {response.status_code} {response.text}"
        assert "control character" in response.text, f"{point}: {response.text}"
        assert _dump(server.database) == before, f"{point}: something was stored"
