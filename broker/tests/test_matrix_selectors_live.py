"""Matrix selectors over HTTP, from a real broker (uvicorn, SQLite on disk), as the official.

A ``q[]`` selector naming only the pacticipant means every version of it (the official
``SelectorResolver``: ``all_for_pacticipant?``), in ``/matrix`` and in the matrix of an
integration (``/matrix/provider/{p}/consumer/{c}``, two such selectors); can-i-deploy keeps
its versions (a number, or ``latest``), and ``/can-i-deploy`` requires the version and an
environment or a ``to`` tag, as the official query schema does. One selector alone shows the
pacts it published and those it verified; ``limit`` caps the rows (100 by default).
"""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .broker_live_server import BrokerServer, get_json
from .page_seed import deploy_to, publish_on, verify_on

HAL = {"Accept": "application/hal+json"}
PACTICIPANT_NOT_FOUND = "does not match an existing pacticipant"
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


def _pairs(body: dict[str, Any]) -> set[tuple[str, str | None]]:
    """(consumer version, provider version or None) of every row."""
    return {
        (row["consumer"]["version"]["number"], (row["provider"]["version"] or {}).get("number"))
        for row in body["matrix"]
    }


def test_the_integration_matrix_shows_every_consumer_version(client: httpx.Client) -> None:
    """``/matrix/provider/Bar/consumer/Foo``: c1's row too, not only the latest (c2)."""
    body = get_json(client, "/matrix/provider/Bar/consumer/Foo")
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
    body = get_json(client, f"/matrix?{query}")
    assert _pairs(body) == {("c1", "p1"), ("c2", "p2")}, body["matrix"]
    assert body["summary"]["deployable"] is False


def test_one_version_against_every_version_of_the_other(client: httpx.Client) -> None:
    """``-a Bar -e p1 -a Foo``: each of Foo's pacts, verified by p1 (c1) or not (c2)."""
    body = get_json(client, "/matrix?q[][pacticipant]=Bar&q[][version]=p1&q[][pacticipant]=Foo")
    assert _pairs(body) == {("c1", "p1"), ("c2", None)}, body["matrix"]
    assert body["summary"]["deployable"] is None


def test_can_i_deploy_selectors_keep_their_versions(client: httpx.Client) -> None:
    """A version number, or ``latest``, still picks one version (the CLI's can-i-deploy)."""
    by_number = get_json(
        client,
        "/matrix?q[][pacticipant]=Foo&q[][version]=c1&q[][pacticipant]=Bar&q[][version]=p1"
        "&latestby=cvpv",
    )
    assert _pairs(by_number) == {("c1", "p1")}
    assert by_number["summary"]["deployable"] is True
    latest = get_json(
        client,
        "/matrix?q[][pacticipant]=Foo&q[][latest]=true&q[][pacticipant]=Bar&q[][latest]=true",
    )
    assert _pairs(latest) == {("c2", "p2")}
    assert latest["summary"]["reason"].startswith(f"WARN: {VERSION_WARNING}")
    alone = get_json(
        client, "/matrix?q[][pacticipant]=Foo&q[][version]=c1&latestby=cvp&latest=true"
    )
    assert _pairs(alone) == {("c1", None)}  # the latest of Bar (p2) never verified c1


def test_a_tag_without_latest_means_every_version_with_it(client: httpx.Client) -> None:
    body = get_json(
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


def test_one_selector_of_the_provider_shows_the_pacts_it_verified(client: httpx.Client) -> None:
    """``q[][pacticipant]=Bar`` alone: the rows Bar verified, as the official (inner join)."""
    alone = get_json(client, "/matrix?q[][pacticipant]=Bar")
    assert _pairs(alone) == {("c1", "p1"), ("c2", "p2")}, alone["matrix"]
    assert (alone["summary"]["success"], alone["summary"]["failed"]) == (1, 1)
    one_version = get_json(client, "/matrix?q[][pacticipant]=Bar&q[][version]=p1")
    assert _pairs(one_version) == {("c1", "p1")}, one_version["matrix"]
    assert one_version["summary"]["deployable"] is True


def test_the_matrix_answers_the_newest_100_rows_or_the_limit(client: httpx.Client) -> None:
    """The official default ``limit`` is 100 rows, newest first; ``limit`` changes it."""
    for number in range(3, 102):  # c3..c101: c1's content, so p1 has verified each
        publish_on(client, "Foo", f"c{number}", "Bar", "main")
    body = get_json(client, "/matrix?q[][pacticipant]=Foo&q[][pacticipant]=Bar")
    numbers = {row["consumer"]["version"]["number"] for row in body["matrix"]}
    assert len(body["matrix"]) == 100, "the official matrix answers at most 100 rows by default"
    assert "c1" not in numbers, "the oldest row is the one left out"
    assert {"c2", "c101"} <= numbers, sorted(numbers)
    assert (body["summary"]["success"], body["summary"]["failed"]) == (99, 1)
    for path in [
        "/matrix?q[][pacticipant]=Foo&q[][pacticipant]=Bar&limit=1",
        "/matrix/provider/Bar/consumer/Foo?limit=1",
    ]:
        assert _pairs(get_json(client, path)) == {("c101", "p1")}, path
    for path in [
        "/matrix?q[][pacticipant]=Foo&q[][pacticipant]=Bar&limit=0",
        "/matrix/provider/Bar/consumer/Foo?limit=none",
    ]:
        refused = client.get(path)
        assert refused.status_code == 400, f"{path}: {refused.status_code} {refused.text}"
        assert refused.json() == {"errors": ["The limit must be 1 or greater."]}, path


def test_can_i_deploy_requires_an_environment_or_a_to_tag(client: httpx.Client) -> None:
    """As the official ``CanIDeployQuerySchema``: a base error (key ``""``) otherwise."""
    for query, errors in [
        ("pacticipant=Foo&version=c1", {"": ["Must specify either an environment or a 'to' tag."]}),
        (
            "pacticipant=Foo&version=c1&to=prod&environment=production",
            {
                "environment": ["with name 'production' does not exist"],
                "": ["Cannot specify both a 'to' tag and an environment."],
            },
        ),
        ("pacticipant=Nobody&version=c1&to=prod", {"pacticipant": [PACTICIPANT_NOT_FOUND]}),
    ]:
        refused = client.get(f"/can-i-deploy?{query}")
        assert refused.status_code == 400, f"{query}: {refused.status_code} {refused.text}"
        assert refused.json() == {"errors": errors}, query
    to_prod = get_json(client, "/can-i-deploy?pacticipant=Foo&version=c1&to=prod")
    assert to_prod["summary"]["reason"] == (
        "There is no verified pact between version c1 of Foo and the latest version of Bar "
        "with tag prod (p2)"
    )
