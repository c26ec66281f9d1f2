"""Bad requests get a JSON 4xx, never a 500, and leave the database exactly as it was."""

import base64
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from .api_seed import deploy, pact_document, publish, verify
from .broker_live_server import BrokerServer, start_broker


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    body: bytes
    status: int
    content_type: str = "application/json"


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


def _publish_body(content: bytes, consumer: str = "Foo") -> bytes:
    contract = {
        "consumerName": consumer,
        "providerName": "Bar",
        "specification": "pact",
        "contentType": "application/json",
        "content": base64.b64encode(content).decode(),
    }
    return _json(
        {"pacticipantName": "Foo", "pacticipantVersionNumber": "9", "contracts": [contract]}
    )


PUBLISH = "/contracts/publish"
RESULTS = "/pacts/provider/Bar/consumer/Foo/pact-version/{sha}/verification-results"
DEEP = b"[" * 100_000 + b"]" * 100_000

CASES = {
    "malformed JSON": Case("POST", PUBLISH, b"{not json", 400),
    "not UTF-8": Case("POST", PUBLISH, b"\xff\xfe{}", 400),
    "JSON nested too deep": Case("POST", PUBLISH, DEEP, 400),
    "integer too long to parse": Case("POST", PUBLISH, b"1" * 5000, 400),
    "JSON array instead of object": Case("POST", PUBLISH, b"[]", 400),
    "publish without fields": Case("POST", PUBLISH, b"{}", 400),
    "contracts not a list": Case(
        "POST",
        PUBLISH,
        _json({"pacticipantName": "Foo", "pacticipantVersionNumber": "9", "contracts": "x"}),
        400,
    ),
    "contract not base64": Case(
        "POST", PUBLISH, _publish_body(b"x").replace(b'"eA=="', b'"!!!"'), 400
    ),
    "contract not JSON": Case("POST", PUBLISH, _publish_body(b"nope"), 400),
    "contract nested too deep": Case("POST", PUBLISH, _publish_body(DEEP), 400),
    "contract not a pact": Case("POST", PUBLISH, _publish_body(b'{"hello": 1}'), 400),
    "contract for another consumer": Case(
        "POST", PUBLISH, _publish_body(_json(pact_document("Other", "Bar"))), 400
    ),
    "publish as a form": Case("POST", PUBLISH, b"a=1", 415, "application/x-www-form-urlencoded"),
    "legacy PUT of a non-pact": Case(
        "PUT", "/pacts/provider/Bar/consumer/Foo/version/9", b'{"hello": 1}', 400
    ),
    "legacy PUT of a string": Case(
        "PUT", "/pacts/provider/Bar/consumer/Foo/version/9", b'"pact"', 400
    ),
    "verification for an unknown pact": Case(
        "POST",
        RESULTS.format(sha="0" * 40),
        _json({"success": True, "providerApplicationVersion": "1"}),
        404,
    ),
    "verification without success": Case(
        "POST", RESULTS, _json({"providerApplicationVersion": "2"}), 400
    ),
    "verification with a string success": Case(
        "POST", RESULTS, _json({"success": "yes", "providerApplicationVersion": "2"}), 400
    ),
    "verification without provider version": Case("POST", RESULTS, _json({"success": True}), 400),
    "verification as a form": Case(
        "POST", RESULTS, b"success=true", 415, "application/x-www-form-urlencoded"
    ),
    "verification id beyond SQLite integers": Case("GET", RESULTS + "/" + "9" * 30, b"", 404),
    "unknown pacticipant": Case("GET", "/pacticipants/Nobody", b"", 404),
    "unknown version": Case("GET", "/pacticipants/Foo/versions/nope", b"", 404),
    "unknown pact": Case("GET", "/pacts/provider/Bar/consumer/Nobody/latest", b"", 404),
    "deployment of an unknown version": Case(
        "POST", "/pacticipants/Foo/versions/nope/deployed-versions/environment/nope", b"{}", 404
    ),
    "deployment to an unknown environment": Case(
        "POST", "/pacticipants/Foo/versions/1.0.0/deployed-versions/environment/nope", b"{}", 404
    ),
    "environment without a name": Case("POST", "/environments", b"{}", 400),
    "environment with wrong types": Case(
        "POST", "/environments", _json({"name": 5, "production": "x"}), 400
    ),
    "undeploy an unknown deployment": Case(
        "PATCH", "/deployed-versions/nope", _json({"currentlyDeployed": False}), 404
    ),
    "matrix without selectors": Case("GET", "/matrix", b"", 400),
    "can-i-deploy to an unknown environment": Case(
        "GET", "/can-i-deploy?pacticipant=Foo&version=1.0.0&environment=nope", b"", 400
    ),
    "for-verification with selectors not a list": Case(
        "POST",
        "/pacts/provider/Bar/for-verification",
        _json({"consumerVersionSelectors": "x"}),
        400,
    ),
    "pacticipant without a name": Case("POST", "/pacticipants", _json({"name": ["x"]}), 400),
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BrokerServer, str]]:
    """A broker holding a pact, a verification and a deployment; and that pact's sha."""
    with start_broker(tmp_path_factory.mktemp("bad-input") / "broker.sqlite3") as server:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            publish(client, "Foo", "1.0.0", pact_document("Foo", "Bar"))
            verify(client, "Foo", "Bar", "b-1", success=True)
            deploy(client, "Bar", "b-1", "production")
            pact = client.get("/pacts/provider/Bar/consumer/Foo/latest").json()
        sha = pact["_links"]["pb:publish-verification-results"]["href"].split("/")[-2]
        yield server, sha


def _dump(database: Path) -> list[str]:
    connection = sqlite3.connect(database)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_request_is_a_json_4xx_and_changes_nothing(
    seeded: tuple[BrokerServer, str], case: Case
) -> None:
    server, sha = seeded
    before = _dump(server.database)
    response = httpx.request(
        case.method,
        server.url + case.path.format(sha=sha),
        content=case.body or None,
        headers={"Content-Type": case.content_type},
        timeout=10,
    )
    assert response.status_code == case.status, response.text
    assert response.headers["content-type"].split(";")[0].endswith("json")
    body = response.json()
    assert "error" in body or "errors" in body, body
    assert _dump(server.database) == before
