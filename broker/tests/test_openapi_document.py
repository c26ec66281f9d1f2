"""The broker's own OpenAPI document: served, the same bytes on every start, valid OpenAPI 3.1,
and honest about every answer (each 4xx body checked against the schema the document gives).
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

# The official OpenAPI 3.1 meta-schema (OAI/OpenAPI-Specification schemas/v3.1), as shipped
# inside schemathesis: validating against it needs no network.
from schemathesis.specs.openapi.definitions import OPENAPI_31

from contract_first.gates.openapi_spec import OpenApiSpec, escape
from local_pact_broker.api.auth import PUBLIC_PATHS, is_read

from .api_seed import pact_document, publish, publish_body
from .broker_live_server import BrokerServer, start_broker
from .broker_subprocess import free_port, start, stop

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with start_broker(tmp_path_factory.mktemp("spec") / "broker.sqlite3") as server:
        yield httpx.get(f"{server.url}/openapi.json").json()


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def schemas_in(value: object, pointer: str = "#") -> Iterator[tuple[str, Any]]:
    """Every JSON Schema in the document: named, and inline under parameters/bodies/answers."""
    if isinstance(value, dict):
        for key, child in value.items():
            here = f"{pointer}/{escape(key)}"
            if key == "schema":
                yield here, child
            elif key == "schemas" and pointer == "#/components":
                for name, schema in child.items():
                    yield f"{here}/{name}", schema
            else:
                yield from schemas_in(child, here)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from schemas_in(child, f"{pointer}/{index}")


def spec_of(document: dict[str, Any]) -> OpenApiSpec:
    """The toolkit's reader of OpenAPI 3.1 documents: JSON Schema errors at a JSON pointer."""
    return OpenApiSpec(document, Path("local-pact-broker/openapi.json"))


def test_the_broker_serves_its_document_as_json(broker: BrokerServer) -> None:
    response = httpx.get(f"{broker.url}/openapi.json")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "Local Pact Broker"


def test_the_document_is_the_same_bytes_on_every_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = []
    for hash_seed in ("1", "2"):  # set and dict orders that depend on hashing would show here
        monkeypatch.setenv("PYTHONHASHSEED", hash_seed)
        port = free_port()
        process = start(tmp_path / f"broker-{hash_seed}.sqlite3", port, tmp_path / "broker.log")
        try:
            first = httpx.get(f"http://127.0.0.1:{port}/openapi.json").content
            second = httpx.get(f"http://127.0.0.1:{port}/openapi.json").content
        finally:
            stop(process)
        assert first == second, "one broker served two different documents"
        served.append(first)

    assert served[0] == served[1], "two starts of the broker served different bytes"


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    errors = sorted(
        Draft202012Validator(OPENAPI_31).iter_errors(document), key=lambda e: list(e.path)
    )
    assert not errors, "\n".join(
        f"#/{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:10]
    )


def references_in(value: object) -> Iterator[str]:
    """Every ``$ref`` in the document."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "$ref" and isinstance(child, str):
                yield child
            else:
                yield from references_in(child)
    elif isinstance(value, list):
        for child in value:
            yield from references_in(child)


def test_every_schema_in_it_is_valid_json_schema_and_every_reference_resolves(
    document: dict[str, Any],
) -> None:
    found = list(schemas_in(document))
    assert len(found) > 100
    for pointer, schema in found:
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as error:
            pytest.fail(f"{pointer} is not a valid JSON Schema: {error.message}")
    spec = spec_of(document)
    references = set(references_in(document))
    assert references
    for reference in sorted(references):
        assert reference.startswith("#/components/schemas/"), reference
        spec.at(reference)  # raises SpecInputError ("nothing at ...") if it does not resolve


def test_operation_ids_are_unique(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(document)]

    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_the_html_pages_are_left_out_and_the_index_names_both_media_types(
    document: dict[str, Any],
) -> None:
    assert not [path for path in document["paths"] if path.startswith("/ui")]
    index = document["paths"]["/"]["get"]["responses"]["200"]["content"]
    assert set(index) == {"application/hal+json", "text/html"}


def test_answers_are_hal_and_the_auth_errors_are_where_auth_applies(
    document: dict[str, Any],
) -> None:
    for path, method, operation in operations(document):
        label = f"{method.upper()} {path}"
        responses = operation["responses"]
        assert "422" not in responses, f"{label}: the broker answers 400, never 422"
        for status, answer in responses.items():
            media = set(answer.get("content", {}))
            if status.startswith("2") and status != "204" and not path.endswith("/logs"):
                assert "application/hal+json" in media, f"{label} {status}: {media}"
        assert ("401" in responses) == (path not in PUBLIC_PATHS), label
        assert ("403" in responses) == (not is_read(method, path)), label
        if "requestBody" in operation:
            assert {"400", "413", "415"} <= set(responses), f"{label}: body errors missing"


def documented_schema(
    document: dict[str, Any], path: str, method: str, status: int, media: str
) -> str:
    """The pointer to the schema documented for this answer; fails if it is not documented."""
    responses = document["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} does not document {status}"
    content = responses[str(status)]["content"]
    assert media in content, f"{method.upper()} {path} {status} documents {set(content)}"
    return f"#/paths/{escape(path)}/{method}/responses/{status}/content/{escape(media)}/schema"


PACT_PUT = "/pacts/provider/{provider}/consumer/{consumer}/version/{number}"


@pytest.mark.parametrize(
    ("template", "method", "url", "request_kwargs", "status"),
    [
        ("/pacticipants/{name}", "get", "/pacticipants/nobody", {}, 404),
        ("/environments/{uuid}", "get", "/environments/nothing", {}, 404),
        ("/pacticipants", "post", "/pacticipants", {"json": {}}, 400),
        (
            "/pacticipants",
            "post",
            "/pacticipants",
            {"content": b"{", "headers": {"content-type": "application/json"}},
            400,
        ),
        (
            "/environments",
            "post",
            "/environments",
            {"content": b"name=x", "headers": {"content-type": "text/plain"}},
            415,
        ),
        ("/contracts/publish", "post", "/contracts/publish", {"json": {"x": "y" * 6_000_000}}, 413),
        ("/matrix", "get", "/matrix", {}, 400),
        (
            PACT_PUT,
            "put",
            "/pacts/provider/api/consumer/web/version/1",
            {"json": pact_document("web", "api", "changed")},
            409,
        ),
    ],
)
def test_each_4xx_body_is_the_documented_shape(
    broker: BrokerServer,
    document: dict[str, Any],
    template: str,
    method: str,
    url: str,
    request_kwargs: dict[str, Any],
    status: int,
) -> None:
    with httpx.Client(base_url=broker.url, timeout=30) as client:
        publish(client, "web", "1", pact_document("web", "api"))
        response = client.request(method.upper(), url, **request_kwargs)

    assert response.status_code == status, response.text[:300]
    media = response.headers["content-type"].split(";")[0]
    pointer = documented_schema(document, template, method, status, media)
    errors = spec_of(document).errors(pointer, response.json(), partial=False)
    assert not errors, f"{response.json()} breaks the documented schema: {errors[0].message}"


def test_the_official_clients_publish_body_is_a_valid_documented_request(
    document: dict[str, Any],
) -> None:
    pointer = "#/paths/~1contracts~1publish/post/requestBody/content/application~1json/schema"
    body = publish_body("web", "1", pact_document("web", "api"))

    assert spec_of(document).errors(pointer, body, partial=False) == []
