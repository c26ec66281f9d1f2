"""The pacts-against-spec check passes the real pact and spec, and names each kind of drift."""

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contract_first.cli.app import main as contract_first
from contract_first.gates.pacts_vs_spec import check

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
    assert result.stderr.endswith("does not promise (2 interactions in 1 pact)\n")


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
    assert result.stdout == ("ok: 2 interactions in 1 pact are allowed by openapi/openapi.json\n")


def test_pacts_and_spec_need_no_configuration_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONTRACT_FIRST_CONFIG", raising=False)

    assert contract_first(["check-pacts-against-spec", str(PACTS), "--spec", str(SPEC)]) == 0
    assert capsys.readouterr().out.startswith("ok: 2 interactions in 1 pact are allowed by ")

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

    assert (result.pacts, result.interactions, result.skipped) == (1, 2, 1)
    assert result.findings == []
    assert main([str(path), "--spec", str(SPEC)]) == 0
    assert "2 interactions in 1 pact (1 non-HTTP skipped) are allowed by" in capsys.readouterr().out
