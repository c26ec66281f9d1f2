"""The pacts-against-spec check passes the real pact and spec, and names each kind of drift."""

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from check_pacts_against_spec import main

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi" / "openapi.json"
PACTS = ROOT / "pacts"
USER = "#/components/schemas/User"
GET_USER = "#/paths/~1users~1{user_id}/get"

Document = dict[str, Any]


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


def test_the_real_pact_is_allowed_by_the_real_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(PACTS), "--spec", str(SPEC)]) == 0

    assert capsys.readouterr().out.startswith("ok: 2 interactions in 1 pact are allowed by ")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            make_optional,
            f"PACT006 relied-on-field-optional | notification-service | a request for user 123 "
            f"| {USER}/required | $.email is relied on by the consumer but not required",
        ),
        (
            make_nullable,
            f"PACT007 relied-on-field-nullable | notification-service | a request for user 123 "
            f"| {USER}/properties/email | $.email is relied on by the consumer but may be null",
        ),
        (
            remove_email,
            f"PACT004 undeclared-response-field | notification-service | a request for user 123 "
            f"| {USER}/properties | $.email is expected by the consumer but not declared",
        ),
        (
            undeclare_404,
            "PACT003 response-status-undeclared | notification-service "
            f"| a request for a user that does not exist | {GET_USER}/responses "
            "| GET /users/{user_id} declares no 404 response",
        ),
        (
            move_path,
            "PACT001 path-not-in-spec | notification-service | a request for user 123 "
            "| #/paths | no path in the spec matches /users/123",
        ),
        (
            make_id_a_string,
            f"PACT005 response-body-mismatch | notification-service | a request for user 123 "
            f"| {USER}/properties/id | example $.id: 123 is not of type 'string'",
        ),
        (
            only_post,
            "PACT002 method-not-in-spec | notification-service | a request for user 123 "
            "| #/paths/~1users~1{user_id} | /users/{user_id} declares no GET",
        ),
        (
            raise_id_minimum,
            "PACT008 request-parameter-mismatch | notification-service | a request for user 123 "
            f"| {GET_USER}/parameters/0/schema "
            "| path user_id = 123: 123 is less than or equal to the minimum of 500",
        ),
        (
            make_response_text,
            "PACT009 response-content-type-undeclared | notification-service "
            f"| a request for user 123 | {GET_USER}/responses/200/content "
            "| response content type 'application/json' is not declared for 200",
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
    assert lines[0].endswith("$.email is expected by the consumer but not declared")
    assert lines[1].endswith("query parameter 'verbose' is not declared")


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


def test_the_command_line_exits_1_and_prints_one_line_per_finding(
    write_spec: Callable[[Callable[[Document], None]], Path],
) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "scripts/check_pacts_against_spec.py",
            "--spec",
            str(write_spec(move_path)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1, result.stderr
    assert [line.split(" | ")[0] for line in result.stdout.splitlines()] == [
        "PACT001 path-not-in-spec",
        "PACT001 path-not-in-spec",
    ]
