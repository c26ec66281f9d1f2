"""schemathesis against a running broker, from the broker's own OpenAPI document.

One test per operation (named ``[METHOD /path]``): generated requests, valid and invalid, go to
a real uvicorn server over a fresh SQLite database; any 5xx, undocumented status, media type,
header or body shape fails the test with the request as a ``curl`` line and what broke.

With auth on, one plain request per operation checks the documented 401 (no credentials) and
403 (read-only credentials on a write) answers: status, media type, body and headers.
"""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis

from contract_first.gates.openapi_spec import OpenApiSpec, escape
from local_pact_broker.api.auth import PUBLIC_PATHS, is_read

from .broker_fuzzing import CHECKS, FUZZ_SETTINGS, broker_document, seed, use_seeded_ids
from .broker_live_server import BrokerServer, start_broker

DOCUMENT = broker_document()
FuzzCase = schemathesis.Case[Any]  # one generated request of an operation
SEEDED_IDS: dict[str, str] = {}

fuzzed = schemathesis.openapi.from_dict(
    DOCUMENT, config=schemathesis.Config.from_dict(FUZZ_SETTINGS)
)
use_seeded_ids(fuzzed, SEEDED_IDS)

WRITE_TOKEN = "fuzz-write-token"  # noqa: S105 - test credential
READ_TOKEN = "fuzz-read-token"  # noqa: S105 - test credential


@pytest.fixture(scope="module")
def seeded_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrokerServer]:
    """The broker on a fresh database, seeded, serving the document the tests were made from."""
    database = tmp_path_factory.mktemp("fuzzed-broker") / "broker.sqlite3"
    # Executed webhooks give up after 1 s instead of 10, whatever the fuzzer points them at.
    with start_broker(database, webhook_timeout_seconds=1.0) as server:
        served = httpx.get(f"{server.url}/openapi.json").json()
        assert served == DOCUMENT, "the broker serves another document than the app builds"
        SEEDED_IDS.update(seed(server.url))
        yield server


@pytest.fixture(scope="module")
def broker_with_auth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrokerServer]:
    """The broker with a write and a read-only bearer token configured."""
    database = tmp_path_factory.mktemp("auth-broker") / "broker.sqlite3"
    with start_broker(
        database, bearer_token=WRITE_TOKEN, read_only_bearer_token=READ_TOKEN
    ) as server:
        yield server


@fuzzed.parametrize()
def test_every_answer_is_documented_and_none_is_a_server_error(
    case: FuzzCase, seeded_broker: BrokerServer
) -> None:
    case.call_and_validate(base_url=seeded_broker.url, checks=CHECKS)


def _concrete(path: str) -> str:
    """The path with every parameter filled in (auth decides before any route looks them up)."""
    return re.sub(r"\{[^}]+\}", "x", path)


def _check_documented(spec: OpenApiSpec, path: str, method: str, response: httpx.Response) -> None:
    label = f"{method.upper()} {path}"
    answers = DOCUMENT["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in answers, f"{label} answered {status}, documented: {sorted(answers)}"
    media = response.headers["content-type"].split(";")[0]
    assert media in answers[status]["content"], f"{label} {status} is {media}, not documented"
    pointer = f"#/paths/{escape(path)}/{method}/responses/{status}/content/{escape(media)}/schema"
    errors = spec.errors(pointer, response.json(), partial=False)
    assert not errors, f"{label} {status} body {response.text[:200]}: {errors[0].message}"
    for header in answers[status].get("headers", {}):
        assert header in response.headers, f"{label} {status} lacks the documented {header}"


def test_with_auth_on_every_operation_answers_the_documented_401_and_403(
    broker_with_auth: BrokerServer,
) -> None:
    spec = OpenApiSpec(DOCUMENT, Path("local-pact-broker/openapi.json"))
    checked = 0
    with httpx.Client(base_url=broker_with_auth.url, timeout=10) as client:
        for path, item in DOCUMENT["paths"].items():
            for method in item:
                url = _concrete(path)
                anonymous = client.request(method.upper(), url)
                expected = 200 if path in PUBLIC_PATHS else 401
                assert anonymous.status_code == expected, (
                    f"{method.upper()} {path}: {anonymous.text}"
                )
                _check_documented(spec, path, method, anonymous)
                read_only = client.request(
                    method.upper(), url, headers={"Authorization": f"Bearer {READ_TOKEN}"}
                )
                if not is_read(method, path):
                    assert read_only.status_code == 403, (
                        f"{method.upper()} {path}: {read_only.text}"
                    )
                    _check_documented(spec, path, method, read_only)
                else:
                    assert read_only.status_code not in (401, 403), f"{method.upper()} {path}"
                checked += 1
    assert checked >= 60, f"only {checked} operations documented"
