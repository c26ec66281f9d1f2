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
    message: str = ""
    """Text the answer must contain (it names the problem), if given."""


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


def _publish_fields(**fields: object) -> bytes:
    """A valid publish body for Foo 9 with some top-level fields replaced."""
    body = json.loads(_publish_body(_json(pact_document("Foo", "Bar"))))
    body.update(fields)
    return _json(body)


def _pact_with(raw_value: bytes) -> bytes:
    """A pact whose provider state param ``id`` is the raw JSON text ``raw_value``."""
    return _json(pact_document("Foo", "Bar")).replace(b'"id": 1}', b'"id": ' + raw_value + b"}")


def _result_with(raw_value: bytes) -> bytes:
    return b'{"success": true, "providerApplicationVersion": "2", "x": ' + raw_value + b"}"


LONG = "x" * 256
TOO_MANY_TAGS = [f"t{i}" for i in range(101)]
PUT_PACT = "/pacts/provider/Bar/consumer/Foo/version/9"
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

# Issue #9 "Hardening" (ingestion): non-finite numbers, invalid Unicode, limits, '/' in names.
NON_FINITE = {
    "NaN": b"NaN",
    "Infinity": b"Infinity",
    "-Infinity": b"-Infinity",
    "overflow to inf": b"1e400",
    "negative overflow": b"-1e400",
}
for label, raw in NON_FINITE.items():
    message = "finite"
    CASES[f"{label} in a legacy PUT pact"] = Case(
        "PUT", PUT_PACT, _pact_with(raw), 400, message=message
    )
    CASES[f"{label} in published pact content"] = Case(
        "POST", PUBLISH, _publish_body(_pact_with(raw)), 400, message=message
    )
    CASES[f"{label} in a publish body"] = Case(
        "POST",
        PUBLISH,
        _publish_fields(buildUrl=1).replace(b": 1}", b": " + raw + b"}"),
        400,
        message=message,
    )
    CASES[f"{label} in a verification result"] = Case(
        "POST", RESULTS, _result_with(raw), 400, message=message
    )

LONE_SURROGATES = {
    "escaped low": b'"\\udc00"',
    "escaped high": b'"a\\ud800b"',
    "escaped low then high": b'"\\udc00\\ud800"',
    "UTF-8-encoded": b'"\xed\xb0\x80"',
}
for label, raw in LONE_SURROGATES.items():
    message = "Unicode" if label != "UTF-8-encoded" else "UTF-8"
    CASES[f"lone surrogate ({label}) in a legacy PUT pact"] = Case(
        "PUT", PUT_PACT, _pact_with(raw), 400, message=message
    )
    CASES[f"lone surrogate ({label}) in published pact content"] = Case(
        "POST", PUBLISH, _publish_body(_pact_with(raw)), 400, message=message
    )
    CASES[f"lone surrogate ({label}) in a verification result"] = Case(
        "POST", RESULTS, _result_with(raw), 400, message=message
    )
CASES["lone surrogate as an object key"] = Case(
    "POST", "/pacticipants", b'{"name": "Baz", "\\ud800": 1}', 400, message="Unicode"
)

LIMIT = "255"
CASES.update(
    {
        "publish with a long pacticipant name": Case(
            "POST", PUBLISH, _publish_fields(pacticipantName=LONG), 400, message=LIMIT
        ),
        "publish with a long version": Case(
            "POST", PUBLISH, _publish_fields(pacticipantVersionNumber=LONG), 400, message=LIMIT
        ),
        "publish with a long branch": Case(
            "POST", PUBLISH, _publish_fields(branch=LONG), 400, message=LIMIT
        ),
        "publish with a long tag": Case(
            "POST", PUBLISH, _publish_fields(tags=["ok", LONG]), 400, message=LIMIT
        ),
        "publish with too many tags": Case(
            "POST", PUBLISH, _publish_fields(tags=TOO_MANY_TAGS), 400, message="100"
        ),
        "publish with a long provider name": Case(
            "POST",
            PUBLISH,
            _publish_body(_json(pact_document("Foo", LONG))).replace(
                b'"Bar"', b'"' + LONG.encode() + b'"'
            ),
            400,
            message=LIMIT,
        ),
        "publish for a consumer named with a slash": Case(
            "POST",
            PUBLISH,
            _json(
                {
                    **json.loads(_publish_body(_json(pact_document("Foo/x", "Bar")), "Foo/x")),
                    "pacticipantName": "Foo/x",
                }
            ),
            400,
            message="'/'",
        ),
        "publish for a provider named with a slash": Case(
            "POST",
            PUBLISH,
            _publish_body(_json(pact_document("Foo", "Bar/x"))).replace(b'"Bar"', b'"Bar/x"'),
            400,
            message="'/'",
        ),
        "legacy PUT with a long version": Case(
            "PUT",
            f"/pacts/provider/Bar/consumer/Foo/version/{LONG}",
            _json(pact_document("Foo", "Bar")),
            400,
            message=LIMIT,
        ),
        "legacy PUT for a long consumer name": Case(
            "PUT",
            f"/pacts/provider/Bar/consumer/{LONG}/version/9",
            _json(pact_document(LONG, "Bar")),
            400,
            message=LIMIT,
        ),
        "tag PUT with a long tag": Case(
            "PUT", f"/pacticipants/Foo/versions/1.0.0/tags/{LONG}", b"", 400, message=LIMIT
        ),
        "tag PUT on a long version": Case(
            "PUT", f"/pacticipants/Foo/versions/{LONG}/tags/prod", b"", 400, message=LIMIT
        ),
        "tag PUT for a long pacticipant": Case(
            "PUT", f"/pacticipants/{LONG}/versions/1/tags/prod", b"", 400, message=LIMIT
        ),
        "branch version PUT with a long branch": Case(
            "PUT", f"/pacticipants/Foo/branches/{LONG}/versions/1.0.0", b"", 400, message=LIMIT
        ),
        "branch version PUT with a long version": Case(
            "PUT", f"/pacticipants/Foo/branches/main/versions/{LONG}", b"", 400, message=LIMIT
        ),
        "version PUT with a long number": Case(
            "PUT", f"/pacticipants/Foo/versions/{LONG}", b"{}", 400, message=LIMIT
        ),
        "version PUT with a long tag": Case(
            "PUT",
            "/pacticipants/Foo/versions/2",
            _json({"tags": [{"name": LONG}]}),
            400,
            message=LIMIT,
        ),
        "version PUT with too many tags": Case(
            "PUT",
            "/pacticipants/Foo/versions/2",
            _json({"tags": [{"name": t} for t in TOO_MANY_TAGS]}),
            400,
            message="100",
        ),
        "environment POST with a long name": Case(
            "POST", "/environments", _json({"name": LONG}), 400, message=LIMIT
        ),
        "environment PUT with a long name": Case(
            "PUT", "/environments/some-uuid", _json({"name": LONG}), 400, message=LIMIT
        ),
        "pacticipant POST with a long name": Case(
            "POST", "/pacticipants", _json({"name": LONG}), 400, message=LIMIT
        ),
        "pacticipant POST with a slash": Case(
            "POST", "/pacticipants", _json({"name": "a/b"}), 400, message="'/'"
        ),
        "pacticipant PUT with a long name": Case(
            "PUT", f"/pacticipants/{LONG}", b"{}", 400, message=LIMIT
        ),
        "pacticipant PATCH with a long name": Case(
            "PATCH", f"/pacticipants/{LONG}", b"{}", 400, message=LIMIT
        ),
        "pacticipant PATCH with a long main branch": Case(
            "PATCH", "/pacticipants/Foo", _json({"mainBranch": LONG}), 400, message=LIMIT
        ),
        "verification with a long provider version": Case(
            "POST",
            RESULTS,
            _json({"success": True, "providerApplicationVersion": LONG}),
            400,
            message=LIMIT,
        ),
        "verification with a long branch": Case(
            "POST",
            RESULTS,
            _json(
                {"success": True, "providerApplicationVersion": "2", "providerVersionBranch": LONG}
            ),
            400,
            message=LIMIT,
        ),
        "verification with a long tag": Case(
            "POST",
            RESULTS,
            _json(
                {"success": True, "providerApplicationVersion": "2", "providerVersionTags": [LONG]}
            ),
            400,
            message=LIMIT,
        ),
        "verification with too many tags": Case(
            "POST",
            RESULTS,
            _json(
                {
                    "success": True,
                    "providerApplicationVersion": "2",
                    "providerVersionTags": TOO_MANY_TAGS,
                }
            ),
            400,
            message="100",
        ),
    }
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BrokerServer, str]]:
    """A broker holding a pact, a verification and a deployment; and that pact's sha."""
    with start_broker(tmp_path_factory.mktemp("bad-input") / "broker.sqlite3") as server:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            publish(client, "Foo", "1.0.0", pact_document("Foo", "Bar"))
            verify(client, "Foo", "Bar", "b-1", success=True)
            deploy(client, "Bar", "b-1", "production")
            pact = client.get("/pacts/provider/Bar/consumer/Foo/latest").json()
        parts = pact["_links"]["pb:publish-verification-results"]["href"].split("/")
        sha = parts[parts.index("pact-version") + 1]
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
    assert case.message in response.text, response.text
    assert _dump(server.database) == before
