"""Matrix selectors over HTTP, from a real broker (uvicorn, SQLite on disk), as the official.

A ``q[]`` selector naming only the pacticipant means every version of it (the official
``SelectorResolver``: ``all_for_pacticipant?``), in ``/matrix`` and in the matrix of an
integration (``/matrix/provider/{p}/consumer/{c}``, two such selectors); can-i-deploy keeps
its versions (a number, or ``latest``), and ``/can-i-deploy`` requires the version, as the
official query schema does.
"""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .broker_live_server import BrokerServer
from .page_seed import deploy_to, publish_on, verify_on

HAL = {"Accept": "application/hal+json"}
VERSION_WARNING = "It is recommended to specify the version number"


@pytest.fixture
def client(broker: BrokerServer) -> Iterator[httpx.Client]:
    """Foo c1 verified by Bar p1 (passed), Foo c2 (new content) by Bar p2 (failed); both of
    Bar's versions tagged ``prod``."""
    with httpx.Client(base_url=broker.url, timeout=10, headers=HAL) as client:
        publish_on(client, "Foo", "c1", "Bar", "main")
        verify_on(client, "Foo", "c1", "Bar", "p1", "main", success=True)
        publish_on(client, "Foo", "c2", "Bar", "main", "get another thing")
        verify_on(client, "Foo", "c2", "Bar", "p2", "main", success=False)
        for number in ("p1", "p2"):
            tagged = client.put(f"/pacticipants/Bar/versions/{number}/tags/prod", json={})
            assert tagged.status_code == 201, tagged.text
        yield client


def _matrix(client: httpx.Client, path: str) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
    body: dict[str, Any] = response.json()
    return body


def _pairs(body: dict[str, Any]) -> set[tuple[str, str | None]]:
    """(consumer version, provider version or None) of every row."""
    return {
        (row["consumer"]["version"]["number"], (row["provider"]["version"] or {}).get("number"))
        for row in body["matrix"]
    }


def test_the_integration_matrix_shows_every_consumer_version(client: httpx.Client) -> None:
    """``/matrix/provider/Bar/consumer/Foo``: c1's row too, not only the latest (c2)."""
    body = _matrix(client, "/matrix/provider/Bar/consumer/Foo")
    assert _pairs(body) == {("c1", "p1"), ("c2", "p2")}, body["matrix"]
    summary = body["summary"]
    assert (summary["success"], summary["failed"], summary["unknown"]) == (1, 1, 0)
    assert summary["reason"] == (
        "The verification for the pact between any version of Foo and any version of Bar failed"
    )
    assert VERSION_WARNING not in summary["reason"]


@pytest.mark.parametrize(
    "query",
    [
        "q[][pacticipant]=Foo&q[][pacticipant]=Bar",
        "q[][pacticipant]=Bar&q[][pacticipant]=Foo",
    ],
)
def test_a_pacticipant_alone_in_the_matrix_means_all_its_versions(
    client: httpx.Client, query: str
) -> None:
    body = _matrix(client, f"/matrix?{query}")
    assert _pairs(body) == {("c1", "p1"), ("c2", "p2")}, body["matrix"]
    assert body["summary"]["deployable"] is False


def test_one_version_against_every_version_of_the_other(client: httpx.Client) -> None:
    """``-a Bar -e p1 -a Foo``: each of Foo's pacts, verified by p1 (c1) or not (c2)."""
    body = _matrix(client, "/matrix?q[][pacticipant]=Bar&q[][version]=p1&q[][pacticipant]=Foo")
    assert _pairs(body) == {("c1", "p1"), ("c2", None)}, body["matrix"]
    assert body["summary"]["deployable"] is None


def test_can_i_deploy_selectors_keep_their_versions(client: httpx.Client) -> None:
    """A version number, or ``latest``, still picks one version (the CLI's can-i-deploy)."""
    by_number = _matrix(
        client,
        "/matrix?q[][pacticipant]=Foo&q[][version]=c1&q[][pacticipant]=Bar&q[][version]=p1"
        "&latestby=cvpv",
    )
    assert _pairs(by_number) == {("c1", "p1")}
    assert by_number["summary"]["deployable"] is True
    latest = _matrix(
        client,
        "/matrix?q[][pacticipant]=Foo&q[][latest]=true&q[][pacticipant]=Bar&q[][latest]=true",
    )
    assert _pairs(latest) == {("c2", "p2")}
    assert latest["summary"]["reason"].startswith(f"WARN: {VERSION_WARNING}")
    alone = _matrix(client, "/matrix?q[][pacticipant]=Foo&q[][version]=c1&latestby=cvp&latest=true")
    assert _pairs(alone) == {("c1", None)}  # the latest of Bar (p2) never verified c1


def test_a_tag_without_latest_means_every_version_with_it(client: httpx.Client) -> None:
    body = _matrix(
        client, "/matrix?q[][pacticipant]=Foo&q[][version]=c2&q[][pacticipant]=Bar&q[][tag]=prod"
    )
    assert _pairs(body) == {("c2", "p2")}
    assert body["summary"]["reason"] == (
        "The verification for the pact between version c2 of Foo and a version of Bar with tag "
        "prod (p2) failed"
    )


def test_can_i_deploy_requires_the_version_as_the_official(client: httpx.Client) -> None:
    deploy_to(client, "Bar", "p1", "production")
    found = client.get("/can-i-deploy?pacticipant=Foo&version=c1&environment=production")
    assert found.status_code == 200, found.text
    assert found.json()["summary"]["deployable"] is True
    for query, message in [
        ("pacticipant=Foo&environment=production", "is missing"),
        ("pacticipant=Foo&version=&environment=production", "must be filled"),
    ]:
        refused = client.get(f"/can-i-deploy?{query}")
        assert refused.status_code == 400, refused.text
        assert refused.json() == {"errors": {"version": [message]}}
