"""Issue #9 ingestion hardening beyond the bad-input table: limits reached step by step,
similar-name detection across scripts, and invalid Unicode in path segments."""

import json
import sqlite3
from pathlib import Path

import httpx
import pytest

from .api_seed import deploy, pact_document, publish, publish_body
from .broker_live_server import start_broker


def _dump(database: Path) -> list[str]:
    connection = sqlite3.connect(database)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def test_the_101st_tag_of_a_version_is_refused_and_nothing_stored(tmp_path: Path) -> None:
    with (
        start_broker(tmp_path / "broker.sqlite3") as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        for i in range(100):
            url = f"/pacticipants/Foo/versions/1/tags/t{i}"
            assert client.put(url).status_code in (200, 201)
        assert client.put("/pacticipants/Foo/versions/1/tags/t0").status_code == 200
        before = _dump(server.database)
        response = client.put("/pacticipants/Foo/versions/1/tags/one-too-many")
        assert response.status_code == 400, response.text
        assert "at most 100 tags" in response.text
        assert _dump(server.database) == before


def test_record_deployment_refuses_a_long_application_instance(tmp_path: Path) -> None:
    with (
        start_broker(tmp_path / "broker.sqlite3") as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        publish(client, "Foo", "1", pact_document("Foo", "Bar"))
        deploy(client, "Foo", "1", "test")
        env = client.get("/environments").json()["_embedded"]["environments"][0]
        before = _dump(server.database)
        response = client.post(
            f"/pacticipants/Foo/versions/1/deployed-versions/environment/{env['uuid']}",
            json={"applicationInstance": "i" * 256},
        )
        assert response.status_code == 400, response.text
        assert "255" in response.text
        assert _dump(server.database) == before


@pytest.mark.parametrize(
    ("first", "second", "similar"),
    [
        ("Łódź-web", "Kraków-web", False),
        ("日本", "中国", False),
        ("Αθήνα", "Σπάρτη", False),
        ("notification-service", "Notification Service", True),
        ("Łódź-web", "łódź_WEB", True),
    ],
)
def test_very_similar_names_are_told_apart_in_every_script(
    tmp_path: Path, first: str, second: str, similar: bool
) -> None:
    with (
        start_broker(tmp_path / "broker.sqlite3") as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        publish(client, first, "1", pact_document(first, "Bar"))
        body = publish_body(second, "1", pact_document(second, "Bar"))
        response = client.post("/contracts/publish", json=body)
    if similar:
        assert response.status_code == 409, response.text
        assert "very similar" in response.text
    else:
        assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "path",
    [
        "/pacticipants/%ED%A0%80",
        "/pacticipants/Foo/versions/%ED%B0%80/tags/x",
        "/pacticipants/Foo/versions/1/tags/%ED%A0%80",
        "/pacticipants/Foo/branches/%ED%A0%80/versions/1",
    ],
)
def test_invalid_utf8_in_a_path_segment_is_never_a_500(tmp_path: Path, path: str) -> None:
    """Percent-encoded surrogates decode to U+FFFD (never a lone surrogate): no 500."""
    with (
        start_broker(tmp_path / "broker.sqlite3") as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        response = client.put(path, content=b"{}", headers={"Content-Type": "application/json"})
        assert response.status_code < 500, response.text
        json.dumps(response.json(), ensure_ascii=False).encode()  # valid Unicode answer
