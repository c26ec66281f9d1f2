"""The pacts-against-spec check passes the real pact and spec, and names each kind of drift.

Response-side drift is shown on copies of the real spec; request-side drift (parameters,
auth, request bodies) on a small synthetic OpenAPI 3.1 document and V4 pacts written here.
"""

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from contract_first.cli.app import main as contract_first
from contract_first.gates.pacts_vs_spec import check, plural
from contract_first.pact_file import pact_paths, read_pact

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "pyproject.toml"
SPEC = ROOT / "openapi" / "openapi.json"
PACTS = ROOT / "pacts"
CONTRACT_FIRST = Path(sys.executable).parent / "contract-first"
USER = "#/components/schemas/User"
GET_USER = "#/paths/~1users~1{user_id}/get"

Document = dict[str, Any]


def main(argv: list[str]) -> int:
    """The verb as `just check-pacts-against-spec` runs it, with this repository's configuration."""
    return contract_first(["--config", str(CONFIG), "check-pacts-against-spec", *argv])


def user(spec: Document) -> Document:
    schema: Document = spec["components"]["schemas"]["User"]
    return schema


def make_optional(spec: Document) -> None:
    user(spec)["required"].remove("email")


def make_nullable(spec: Document) -> None:
    email = user(spec)["properties"]["email"]
    del email["type"]
    email["anyOf"] = [{"type": "string"}, {"type": "null"}]


def remove_email(spec: Document) -> None:
    del user(spec)["properties"]["email"]
    user(spec)["required"].remove("email")


def undeclare_404(spec: Document) -> None:
    del spec["paths"]["/users/{user_id}"]["get"]["responses"]["404"]


def move_path(spec: Document) -> None:
    spec["paths"]["/user/{user_id}"] = spec["paths"].pop("/users/{user_id}")


def make_id_a_string(spec: Document) -> None:
    user(spec)["properties"]["id"] = {"type": "string"}


def only_post(spec: Document) -> None:
    path = spec["paths"]["/users/{user_id}"]
    path["post"] = path.pop("get")


def raise_id_minimum(spec: Document) -> None:
    spec["paths"]["/users/{user_id}"]["get"]["parameters"][0]["schema"]["exclusiveMinimum"] = 500


def make_response_text(spec: Document) -> None:
    responses = spec["paths"]["/users/{user_id}"]["get"]["responses"]
    responses["200"]["content"] = {"text/plain": {"schema": {"type": "string"}}}


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[[Callable[[Document], None]], Path]:
    """A copy of the committed spec, changed by one function."""

    def write(change: Callable[[Document], None]) -> Path:
        document = copy.deepcopy(json.loads(SPEC.read_text(encoding="utf-8")))
        change(document)
        path = tmp_path / "openapi.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        return path

    return write


def real_summary() -> str:
    """``2 interactions in 1 pact``, counted from the committed pacts, which grow."""
    pacts = [read_pact(path) for path in pact_paths(PACTS)]
    pacts = [pact for pact in pacts if pact.provider == "user-service"]
    interactions = sum(len(pact.http_interactions) for pact in pacts)
    return f"{plural(interactions, 'interaction')} in {plural(len(pacts), 'pact')}"


def test_the_real_pact_is_allowed_by_the_real_spec(capsys: pytest.CaptureFixture[str]) -> None:
    """Requests are judged too (parameters, auth, bodies): the committed pacts still pass."""
    assert main([str(PACTS), "--spec", str(SPEC)]) == 0

    assert capsys.readouterr().out.startswith(f"ok: {real_summary()} are allowed by ")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            make_optional,
            f"PACT006 relied-on-field-optional | notification-service | a request for user 123 "
            f"| {USER}/required | $.email is relied on by the consumer but not required "
            "| fix: add 'email' to required in the spec, or stop relying on $.email in the pact",
        ),
        (
            make_nullable,
            f"PACT007 relied-on-field-nullable | notification-service | a request for user 123 "
            f"| {USER}/properties/email | $.email is relied on by the consumer but may be null "
            "| fix: make $.email non-nullable in the spec, or stop relying on it in the pact",
        ),
        (
            remove_email,
            f"PACT004 undeclared-response-field | notification-service | a request for user 123 "
            f"| {USER}/properties | $.email is expected by the consumer but not declared "
            "| fix: declare $.email in the spec's response schema, "
            "or stop relying on it in the pact",
        ),
        (
            undeclare_404,
            "PACT003 response-status-undeclared | notification-service "
            f"| a request for a user that does not exist | {GET_USER}/responses "
            "| GET /users/{user_id} declares no 404 response "
            "| fix: declare a 404 response for GET /users/{user_id} in the spec, "
            "or expect a status it declares (200, 422)",
        ),
        (
            move_path,
            "PACT001 path-not-in-spec | notification-service | a request for user 123 "
            "| #/paths | no path in the spec matches /users/123 "
            "| fix: declare a path matching /users/123 in the spec, "
            "or request a path it declares",
        ),
        (
            make_id_a_string,
            f"PACT005 response-body-mismatch | notification-service | a request for user 123 "
            f"| {USER}/properties/id | example $.id: 123 is not of type 'string' "
            "| fix: change the pact's example $.id to fit the schema, or change the schema",
        ),
        (
            only_post,
            "PACT002 method-not-in-spec | notification-service | a request for user 123 "
            "| #/paths/~1users~1{user_id} | /users/{user_id} declares no GET "
            "| fix: declare GET on /users/{user_id} in the spec, "
            "or send a method it declares (POST)",
        ),
        (
            raise_id_minimum,
            "PACT008 request-parameter-mismatch | notification-service | a request for user 123 "
            f"| {GET_USER}/parameters/0/schema "
            "| path user_id = 123: 123 is less than or equal to the minimum of 500 "
            "| fix: send a path parameter 'user_id' that fits its schema, or change the schema",
        ),
        (
            make_response_text,
            "PACT009 response-content-type-undeclared | notification-service "
            f"| a request for user 123 | {GET_USER}/responses/200/content "
            "| response content type 'application/json' is not declared for 200 "
            "| fix: declare application/json for the 200 response in the spec, "
            "or expect a content type it declares (text/plain)",
        ),
    ],
    ids=lambda value: value.__name__ if callable(value) else "line",
)
def test_each_drift_is_one_line_with_its_code_and_spec_location(
    change: Callable[[Document], None],
    expected: str,
    write_spec: Callable[[Callable[[Document], None]], Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([str(PACTS), "--spec", str(write_spec(change))]) == 1

    out, err = capsys.readouterr()
    assert expected in out.splitlines()
    assert "the pacts ask for what" in err


def v3_pact(tmp_path: Path, response_body: Any, query: dict[str, list[str]]) -> Path:
    """A V3 pact, as pact-python 2 wrote them: plain bodies, matchers under ``body``."""
    document = {
        "consumer": {"name": "billing-service"},
        "provider": {"name": "user-service"},
        "interactions": [
            {
                "description": "a lookup with V3 plain bodies",
                "request": {"method": "GET", "path": "/users/7", "query": query},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": response_body,
                    "matchingRules": {"body": {"$.name": {"matchers": [{"match": "type"}]}}},
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    path = tmp_path / "billing-service-user-service.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_v3_plain_bodies_and_matchers_are_read(
    tmp_path: Path,
    write_spec: Callable[[Callable[[Document], None]], Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    pact = v3_pact(tmp_path, {"id": 7, "email": "a@b.c"}, {"verbose": ["1"]})

    assert main([str(pact), "--spec", str(write_spec(remove_email))]) == 1

    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" | ")[0] for line in lines] == [
        "PACT004 undeclared-response-field",
        "PACT008 request-parameter-mismatch",
    ]
    assert lines[0].split(" | ")[4] == "$.email is expected by the consumer but not declared"
    assert lines[1].split(" | ")[4:] == [
        "query parameter 'verbose' is not declared",
        "fix: declare the query parameter 'verbose' in the spec, or stop sending it",
    ]


def test_a_null_the_consumer_itself_shows_is_not_a_nullable_finding(
    tmp_path: Path,
    write_spec: Callable[[Callable[[Document], None]], Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An example with ``email: null`` proves the consumer takes null: no PACT007 for it."""
    shows_null = v3_pact(tmp_path, {"id": 7, "name": "Ada", "email": None}, {})
    spec = write_spec(make_nullable)

    main([str(shows_null), "--spec", str(spec)])
    assert "PACT007" not in capsys.readouterr().out

    filled_in = v3_pact(tmp_path, {"id": 7, "name": "Ada", "email": "a@b.c"}, {})
    main([str(filled_in), "--spec", str(spec)])
    assert "PACT007 relied-on-field-nullable" in capsys.readouterr().out


def test_a_field_only_a_matcher_names_is_still_relied_on(
    tmp_path: Path,
    write_spec: Callable[[Callable[[Document], None]], Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    pact = v3_pact(tmp_path, {"id": 7}, {})

    def name_optional(spec: Document) -> None:
        user(spec)["required"].remove("name")

    assert main([str(pact), "--spec", str(write_spec(name_optional))]) == 1

    assert "$.name is relied on by the consumer but not required" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["missing-dir"], "no pact file or directory at"),
        (["empty-dir"], "no pact files (*.json) in"),
        (["not-json.json"], "is not readable JSON"),
        (["not-a-pact.json"], "is not a pact file"),
        (["other-provider.json"], "no pact for provider 'user-service'"),
        (["--spec", "missing.json"], "cannot read the OpenAPI document"),
        (["--spec", "not-json.json"], "cannot read the OpenAPI document"),
        (["--spec", "swagger.json"], "this check reads OpenAPI 3.1"),
        (["--spec", "bad-schema.json"], "#/components/schemas/User is not a valid schema"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    tmp_path: Path, arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty-dir").mkdir()
    (tmp_path / "not-json.json").write_text("{oops", encoding="utf-8")
    (tmp_path / "not-a-pact.json").write_text('{"consumer": {}}', encoding="utf-8")
    other = {"consumer": {"name": "a"}, "provider": {"name": "billing"}, "interactions": []}
    (tmp_path / "other-provider.json").write_text(json.dumps(other), encoding="utf-8")
    (tmp_path / "swagger.json").write_text('{"swagger": "2.0", "paths": {}}', encoding="utf-8")
    bad = json.loads(SPEC.read_text(encoding="utf-8"))
    user(bad)["type"] = 5
    (tmp_path / "bad-schema.json").write_text(json.dumps(bad), encoding="utf-8")
    resolved = [str(tmp_path / a) if not a.startswith("--") else a for a in arguments]
    if resolved[0] == "--spec":
        resolved.insert(0, str(PACTS))

    assert main(resolved) == 2

    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert message in err


def without_config_variable() -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k != "CONTRACT_FIRST_CONFIG"}
    return {**environment, "PACT_DO_NOT_TRACK": "true"}


def test_the_command_line_exits_1_and_prints_one_line_per_finding(
    write_spec: Callable[[Callable[[Document], None]], Path],
) -> None:
    result = subprocess.run(
        [str(CONTRACT_FIRST), "check-pacts-against-spec", "--spec", str(write_spec(move_path))],
        cwd=ROOT,  # the pacts come from this repository's configuration
        env=without_config_variable(),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1, result.stderr
    assert [line.split(" | ")[0] for line in result.stdout.splitlines()] == [
        "PACT001 path-not-in-spec",
        "PACT001 path-not-in-spec",
    ]
    assert result.stderr.startswith("error: 2 findings: the pacts ask for what ")
    assert result.stderr.endswith(f"does not promise ({real_summary()})\n")


def test_the_command_line_defaults_to_the_configured_pacts_and_spec() -> None:
    result = subprocess.run(
        [str(CONTRACT_FIRST), "check-pacts-against-spec"],
        cwd=ROOT,
        env=without_config_variable(),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"ok: {real_summary()} are allowed by openapi/openapi.json\n"


def test_pacts_and_spec_need_no_configuration_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONTRACT_FIRST_CONFIG", raising=False)

    assert contract_first(["check-pacts-against-spec", str(PACTS), "--spec", str(SPEC)]) == 0
    assert capsys.readouterr().out.startswith(f"ok: {real_summary()} are allowed by ")

    assert contract_first(["check-pacts-against-spec", str(PACTS)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no provider with a spec is configured")
    assert "pass --spec FILE" in err


def test_the_provider_defaults_to_the_spec_title_and_can_be_overridden(
    tmp_path: Path,
    write_spec: Callable[[Callable[[Document], None]], Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    def retitle(spec: Document) -> None:
        spec["info"]["title"] = "users"

    spec = write_spec(retitle)

    assert main([str(PACTS), "--spec", str(spec)]) == 2
    assert "no pact for provider 'users'" in capsys.readouterr().err

    assert main([str(PACTS), "--spec", str(spec), "--provider", "user-service"]) == 0


def test_non_http_interactions_are_skipped_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pact = json.loads((PACTS / "notification-service-user-service.json").read_text("utf-8"))
    http = len(pact["interactions"])
    pact["interactions"].append(
        {
            "type": "Asynchronous/Messages",
            "description": "a user-changed event",
            "contents": {"content": {"id": 1}, "contentType": "application/json"},
        }
    )
    path = tmp_path / "with-a-message.json"
    path.write_text(json.dumps(pact), encoding="utf-8")

    result = check(path, SPEC)

    assert (result.pacts, result.interactions, result.skipped) == (1, http, 1)
    assert result.findings == []
    assert main([str(path), "--spec", str(SPEC)]) == 0
    shown = f"{plural(http, 'interaction')} in 1 pact (1 non-HTTP skipped) are allowed by"
    assert shown in capsys.readouterr().out


# --- Requests, on a synthetic spec: parameters, auth, bodies -------------------------------

USERS = "#/paths/~1users"
NEW_USER = "#/components/schemas/NewUser"
AUTH_FIX = "in the pact's request, or add {} to the spec's security if auth is optional"


def json_content(schema: Document) -> Document:
    return {"application/json": {"schema": schema}}


def synthetic_spec() -> Document:
    """A small OpenAPI 3.1 document: one of each request rule the check reads.

    ``POST /users`` wants a bearer token and a JSON body; ``GET /users`` a required and two
    optional query parameters and a required header; ``GET /reports`` inherits the
    top-level security (an API key in a header or in the query); ``GET /me`` takes a token
    but does not need one (``{}``); ``GET /admin`` wants basic auth.
    """
    user = {"$ref": "#/components/schemas/User"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "accounts", "version": "1.0.0"},
        "security": [{"ApiKeyHeader": []}, {"ApiKeyQuery": []}],
        "paths": {
            "/users": {
                "get": {
                    "security": [],
                    "parameters": [
                        {
                            "in": "query",
                            "name": "email",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "in": "query",
                            "name": "limit",
                            "schema": {"type": "integer", "minimum": 1},
                        },
                        {
                            "in": "query",
                            "name": "cursor",
                            "schema": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                        },
                        {
                            "in": "header",
                            "name": "X-Request-Id",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "the users found",
                            "content": json_content({"type": "array", "items": user}),
                        }
                    },
                },
                "post": {
                    "security": [{"BearerAuth": []}],
                    "requestBody": {
                        "required": True,
                        "content": json_content({"$ref": NEW_USER}),
                    },
                    "responses": {
                        "201": {"description": "created", "content": json_content(user)},
                        "401": {"description": "no token"},
                    },
                },
            },
            "/reports": {"get": {"responses": {"200": {"description": "the report"}}}},
            "/me": {
                "get": {
                    "security": [{"BearerAuth": []}, {}],
                    "responses": {"200": {"description": "you", "content": json_content(user)}},
                }
            },
            "/admin": {
                "get": {
                    "security": [{"BasicAuth": []}],
                    "responses": {"204": {"description": "allowed"}},
                }
            },
        },
        "components": {
            "schemas": {
                "User": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "email": {"type": "string"},
                    },
                    "required": ["id", "name", "email"],
                },
                "NewUser": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "email": {"type": "string"},
                        "nickname": {"type": "string"},
                    },
                    "required": ["name", "email"],
                },
            },
            "securitySchemes": {
                "BearerAuth": {"type": "http", "scheme": "bearer"},
                "BasicAuth": {"type": "http", "scheme": "basic"},
                "ApiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "ApiKeyQuery": {"type": "apiKey", "in": "query", "name": "api_key"},
            },
        },
    }


def v4_body(content: Any, content_type: str = "application/json") -> Document:
    return {"content": content, "contentType": content_type, "encoded": False}


def v4_interaction(
    description: str,
    method: str,
    path: str,
    *,
    status: int = 200,
    query: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    body: Any = None,
    response: Any = None,
) -> Document:
    """One V4 HTTP interaction, as pact-python 3 writes them."""
    request: Document = {"method": method, "path": path}
    if query:
        request["query"] = query
    if headers:
        request["headers"] = {name: [value] for name, value in headers.items()}
    if body is not None:
        request["body"] = v4_body(body)
    answer: Document = {"status": status}
    if response is not None:
        answer["body"] = v4_body(response)
        answer["headers"] = {"Content-Type": ["application/json"]}
    return {
        "type": "Synchronous/HTTP",
        "description": description,
        "request": request,
        "response": answer,
    }


ADA = {"id": 1, "name": "Ada", "email": "ada@example.com"}


def synthetic_interactions() -> dict[str, Document]:
    """Interactions the synthetic spec allows, by description: each test breaks one."""
    return {
        interaction["description"]: interaction
        for interaction in (
            v4_interaction(
                "a search by email",
                "GET",
                "/users",
                query={"email": ["ada@example.com"], "limit": ["10"]},
                headers={"X-Request-Id": "r-1"},
                response=[ADA],
            ),
            v4_interaction(
                "a sign-up",
                "POST",
                "/users",
                status=201,
                headers={"Authorization": "Bearer t0ken"},
                body={"name": "Ada", "email": "ada@example.com"},
                response=ADA,
            ),
            v4_interaction("a report", "GET", "/reports", headers={"X-API-Key": "k"}),
            v4_interaction("my profile without a token", "GET", "/me", response=ADA),
            v4_interaction(
                "an admin check",
                "GET",
                "/admin",
                status=204,
                headers={"Authorization": "Basic YWRhOnNlY3JldA=="},
            ),
        )
    }


Change = Callable[[dict[str, Document]], None]


@dataclass(frozen=True)
class Outcome:
    """What one run of the check printed: its stdout lines and its stderr."""

    lines: list[str]
    err: str
    spec: Path


Synthetic = Callable[..., Outcome]


@pytest.fixture
def synthetic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Synthetic:
    """Write the synthetic spec and a V4 pact changed by ``change``; run the check on them.

    ``spec_change`` edits the spec the same way; ``exit_code`` is what the run must return.
    """

    def run(
        change: Change | None = None,
        spec_change: Callable[[Document], None] | None = None,
        exit_code: int = 1,
    ) -> Outcome:
        spec, interactions = synthetic_spec(), synthetic_interactions()
        if change:
            change(interactions)
        if spec_change:
            spec_change(spec)
        spec_path = tmp_path / "accounts.json"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        pact = {
            "consumer": {"name": "web-app"},
            "provider": {"name": "accounts"},
            "interactions": list(interactions.values()),
            "metadata": {"pactSpecification": {"version": "4.0"}},
        }
        pact_path = tmp_path / "web-app-accounts.json"
        pact_path.write_text(json.dumps(pact), encoding="utf-8")
        capsys.readouterr()
        code = contract_first(
            ["check-pacts-against-spec", str(pact_path), "--spec", str(spec_path)]
        )
        out, err = capsys.readouterr()
        assert code == exit_code, out + err
        return Outcome(out.splitlines(), err, spec_path)

    return run


def request_of(description: str) -> Callable[[dict[str, Document]], Document]:
    return lambda interactions: interactions[description]["request"]


search = request_of("a search by email")
sign_up = request_of("a sign-up")


def drop_email_query(interactions: dict[str, Document]) -> None:
    del search(interactions)["query"]["email"]


def send_verbose(interactions: dict[str, Document]) -> None:
    search(interactions)["query"]["verbose"] = ["1"]


def send_limit_as_a_word(interactions: dict[str, Document]) -> None:
    search(interactions)["query"]["limit"] = ["ten"]


def drop_request_id(interactions: dict[str, Document]) -> None:
    del search(interactions)["headers"]["X-Request-Id"]


def drop_token(interactions: dict[str, Document]) -> None:
    del sign_up(interactions)["headers"]["Authorization"]


def send_basic_for_bearer(interactions: dict[str, Document]) -> None:
    sign_up(interactions)["headers"]["Authorization"] = ["Basic YWRhOnNlY3JldA=="]


def drop_api_key(interactions: dict[str, Document]) -> None:
    del interactions["a report"]["request"]["headers"]


def drop_basic(interactions: dict[str, Document]) -> None:
    del interactions["an admin check"]["request"]["headers"]


def drop_body_email(interactions: dict[str, Document]) -> None:
    del sign_up(interactions)["body"]["content"]["email"]


def send_body_age(interactions: dict[str, Document]) -> None:
    sign_up(interactions)["body"]["content"]["age"] = 36


def send_name_as_a_number(interactions: dict[str, Document]) -> None:
    sign_up(interactions)["body"]["content"]["name"] = 5


def drop_body(interactions: dict[str, Document]) -> None:
    del sign_up(interactions)["body"]


def send_body_with_search(interactions: dict[str, Document]) -> None:
    search(interactions)["body"] = v4_body({"email": "ada@example.com"})


def send_text_body(interactions: dict[str, Document]) -> None:
    sign_up(interactions)["body"] = v4_body("name=Ada", "text/plain")


def search_with_delete(interactions: dict[str, Document]) -> None:
    search(interactions)["method"] = "DELETE"


def expect_200_from_admin(interactions: dict[str, Document]) -> None:
    interactions["an admin check"]["response"]["status"] = 200


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            drop_email_query,
            f"PACT008 request-parameter-mismatch | web-app | a search by email "
            f"| {USERS}/get/parameters/0 | required query parameter 'email' is not sent "
            "| fix: send the query parameter 'email', or make it optional in the spec",
        ),
        (
            send_verbose,
            f"PACT008 request-parameter-mismatch | web-app | a search by email "
            f"| {USERS}/get/parameters | query parameter 'verbose' is not declared "
            "| fix: declare the query parameter 'verbose' in the spec, or stop sending it",
        ),
        (
            send_limit_as_a_word,
            f"PACT008 request-parameter-mismatch | web-app | a search by email "
            f"| {USERS}/get/parameters/1/schema | query limit = 'ten': 'ten' is not of type "
            "'integer' | fix: send a query parameter 'limit' that fits its schema, "
            "or change the schema",
        ),
        (
            drop_request_id,
            f"PACT008 request-parameter-mismatch | web-app | a search by email "
            f"| {USERS}/get/parameters/3 | required header parameter 'X-Request-Id' is not sent "
            "| fix: send the header parameter 'X-Request-Id', or make it optional in the spec",
        ),
        (
            drop_token,
            f"PACT011 request-auth-missing | web-app | a sign-up | {USERS}/post/security "
            "| POST /users requires bearer auth (security scheme 'BearerAuth'), which the "
            f"request does not send | fix: send 'Authorization: Bearer <token>' {AUTH_FIX}",
        ),
        (
            send_basic_for_bearer,
            f"PACT011 request-auth-missing | web-app | a sign-up | {USERS}/post/security "
            "| POST /users requires bearer auth (security scheme 'BearerAuth'), which the "
            "request does not send (it sends 'Authorization: Basic …') "
            f"| fix: send 'Authorization: Bearer <token>' {AUTH_FIX}",
        ),
        (
            drop_api_key,
            "PACT011 request-auth-missing | web-app | a report | #/security "
            "| GET /reports requires an API key in the header 'X-API-Key' (security scheme "
            "'ApiKeyHeader') or an API key in the query 'api_key' (security scheme "
            "'ApiKeyQuery'), which the request does not send "
            f"| fix: send the header 'X-API-Key' or the query parameter 'api_key' {AUTH_FIX}",
        ),
        (
            drop_basic,
            "PACT011 request-auth-missing | web-app | an admin check "
            "| #/paths/~1admin/get/security | GET /admin requires basic auth (security scheme "
            "'BasicAuth'), which the request does not send "
            f"| fix: send 'Authorization: Basic <credentials>' {AUTH_FIX}",
        ),
        (
            drop_body_email,
            f"PACT010 request-body-mismatch | web-app | a sign-up | {NEW_USER}/required "
            "| request body $.email is required but not sent "
            "| fix: send $.email in the pact's request body, or drop 'email' from required "
            "in the spec",
        ),
        (
            send_body_age,
            f"PACT012 undeclared-request-field | web-app | a sign-up | {NEW_USER}/properties "
            "| request body $.age is sent by the consumer but not declared "
            "| fix: declare $.age in the spec's request body schema, or stop sending it",
        ),
        (
            send_name_as_a_number,
            f"PACT010 request-body-mismatch | web-app | a sign-up "
            f"| {NEW_USER}/properties/name | request body $.name: 5 is not of type 'string' "
            "| fix: send a $.name that fits its schema in the pact's request, "
            "or change the schema",
        ),
        (
            drop_body,
            f"PACT010 request-body-mismatch | web-app | a sign-up | {USERS}/post/requestBody "
            "| the request body is required but not sent "
            "| fix: send a request body with POST /users, or make it optional in the spec",
        ),
        (
            send_body_with_search,
            f"PACT010 request-body-mismatch | web-app | a search by email | {USERS}/get "
            "| a request body is sent but none is declared "
            "| fix: declare a request body for GET /users in the spec, or stop sending one",
        ),
        (
            send_text_body,
            f"PACT010 request-body-mismatch | web-app | a sign-up "
            f"| {USERS}/post/requestBody/content | request content type 'text/plain' is not "
            "declared | fix: send a content type the spec declares (application/json), "
            "or declare text/plain for the request body",
        ),
        (
            search_with_delete,
            f"PACT002 method-not-in-spec | web-app | a search by email | {USERS} "
            "| /users declares no DELETE "
            "| fix: declare DELETE on /users in the spec, or send a method it declares "
            "(GET, POST)",
        ),
        (
            expect_200_from_admin,
            "PACT003 response-status-undeclared | web-app | an admin check "
            "| #/paths/~1admin/get/responses | GET /admin declares no 200 response "
            "| fix: declare a 200 response for GET /admin in the spec, "
            "or expect a status it declares (204)",
        ),
    ],
    ids=lambda value: value.__name__ if callable(value) else "line",
)
def test_each_request_drift_is_one_line_with_its_fix(
    change: Change, expected: str, synthetic: Synthetic
) -> None:
    assert synthetic(change).lines == [expected]


def test_the_synthetic_pact_is_allowed_as_written(synthetic: Synthetic) -> None:
    """No false alarms: optional auth and optional parameters left out are fine."""
    outcome = synthetic(exit_code=0)

    assert outcome.lines == [f"ok: 5 interactions in 1 pact are allowed by {outcome.spec}"]


def send_api_key_in_the_query(interactions: dict[str, Document]) -> None:
    report = interactions["a report"]["request"]
    del report["headers"]
    report["query"] = {"api_key": ["k"]}


def send_a_token_to_me(interactions: dict[str, Document]) -> None:
    interactions["my profile without a token"]["request"]["headers"] = {
        "authorization": ["bearer t0ken"]
    }


def send_the_optional_parameters(interactions: dict[str, Document]) -> None:
    search(interactions)["query"].update({"cursor": ["abc"], "limit": ["1"]})
    sign_up(interactions)["body"]["content"]["nickname"] = "ada"


@pytest.mark.parametrize(
    "change", [send_api_key_in_the_query, send_a_token_to_me, send_the_optional_parameters]
)
def test_any_one_security_requirement_and_declared_optionals_are_allowed(
    change: Change, synthetic: Synthetic
) -> None:
    synthetic(change, exit_code=0)


def test_a_pact_that_expects_the_rejection_may_leave_credentials_out(
    synthetic: Synthetic,
) -> None:
    def sign_up_without_a_token(interactions: dict[str, Document]) -> None:
        drop_token(interactions)
        interactions["a sign-up"]["response"] = {"status": 401}

    synthetic(sign_up_without_a_token, exit_code=0)


def test_a_closed_schema_reports_an_extra_body_field_once(
    synthetic: Synthetic,
) -> None:
    def close(spec: Document) -> None:
        spec["components"]["schemas"]["NewUser"]["additionalProperties"] = False

    lines = synthetic(send_body_age, close).lines

    assert [line.split(" | ")[0] for line in lines] == ["PACT012 undeclared-request-field"]


def test_a_schema_open_to_extra_properties_accepts_extra_body_fields(
    synthetic: Synthetic,
) -> None:
    def open_up(spec: Document) -> None:
        spec["components"]["schemas"]["NewUser"]["additionalProperties"] = {"type": "integer"}

    synthetic(send_body_age, open_up, exit_code=0)


def test_the_fix_is_the_last_column_and_never_part_of_the_message(
    synthetic: Synthetic, tmp_path: Path
) -> None:
    """The catch matrix shows ``message`` as evidence: the fix must stay out of it."""

    def break_everything(interactions: dict[str, Document]) -> None:
        for change in (drop_email_query, drop_token, send_body_age, drop_basic):
            change(interactions)

    lines = synthetic(break_everything).lines
    result = check(tmp_path / "web-app-accounts.json", tmp_path / "accounts.json")

    assert lines == [finding.line() for finding in result.findings]
    for line, finding in zip(lines, result.findings, strict=True):
        columns = line.split(" | ")
        assert len(columns) == 6
        assert columns[4] == finding.message
        assert columns[5] == f"fix: {finding.fix}"
        assert "fix" not in finding.message


def test_a_security_requirement_naming_no_scheme_is_unusable_input(
    synthetic: Synthetic,
) -> None:
    def misname(spec: Document) -> None:
        spec["paths"]["/users"]["post"]["security"] = [{"Bearer": []}]

    err = synthetic(spec_change=misname, exit_code=2).err

    assert "a security requirement names 'Bearer', which #/components/securitySchemes" in err
