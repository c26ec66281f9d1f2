"""HTTP method details over a live broker: HEAD on every GET route, ``Allow`` on every 405."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from local_pact_broker.api.http_methods import leaf_routes
from local_pact_broker.app import create_app
from local_pact_broker.settings import Settings

from .api_seed import pact_document, publish
from .broker_live_server import start_broker


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    database = tmp_path_factory.mktemp("http-methods") / "broker.sqlite3"
    with (
        start_broker(database) as broker,
        httpx.Client(base_url=broker.url, timeout=10) as started,
    ):
        publish(started, "Foo", "1.0.0", pact_document("Foo", "Bar"))
        yield started


def _get_paths(tmp_path: Path) -> list[str]:
    """Every GET route without path parameters, plus a few with them filled in."""
    app = create_app(Settings(database=tmp_path / "routes.sqlite3"))
    paths = {
        route.path
        for route in leaf_routes(list(app.router.routes))
        if "GET" in route.methods and "{" not in route.path
    }
    return sorted(paths)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/diagnostic/status/heartbeat",
        "/pacticipants",
        "/pacticipants/Foo",
        "/pacts/provider/Bar/consumer/Foo/latest",
        "/pacts/provider/Bar/consumer/Foo/version/1.0.0",
        "/webhooks",
        "/matrix?q[][pacticipant]=Foo&q[][version]=1.0.0",
        "/ui",
        "/pacticipants/Nobody",
    ],
)
def test_head_is_get_without_a_body(client: httpx.Client, path: str) -> None:
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == get.status_code
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == get.headers["content-length"]


def test_head_works_on_every_parameterless_get_route(client: httpx.Client, tmp_path: Path) -> None:
    paths = _get_paths(tmp_path)
    assert "/webhooks" in paths
    for path in paths:
        head = client.head(path)
        assert head.status_code != 405, path
        assert head.content == b"", path


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/webhooks", {"GET", "HEAD", "POST"}),
        ("GET", "/contracts/publish", {"POST"}),
        ("POST", "/pacts/provider/Bar/consumer/Foo/latest", {"GET", "HEAD"}),
        ("POST", "/webhooks/abcdefghijklmnopqrstuv", {"GET", "HEAD", "PUT", "DELETE"}),
        ("PATCH", "/diagnostic/status/heartbeat", {"GET", "HEAD"}),
    ],
)
def test_every_405_lists_the_allowed_methods(
    client: httpx.Client, method: str, path: str, allowed: set[str]
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["allow"].split(",")} == allowed
    if method != "HEAD":
        assert response.json()["error"]
