"""``POST /users`` over real HTTP: created, refused for a taken email, bad input or no token."""

import json
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from contract_first.verify.live_server import serve
from user_service.app import create_app
from user_service.models import User
from user_service.settings import Settings
from user_service.users_repository import SqliteUsersRepository

ADA = {"name": "Ada Lovelace", "email": "ada@example.com"}


def post(base_url: str, body: Any, token: str | None) -> httpx.Response:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    return httpx.post(f"{base_url}/users", json=body, headers=headers)


def test_a_new_user_is_created_with_its_location(
    provider_url: str, api_token: str, users_repository: SqliteUsersRepository
) -> None:
    response = post(provider_url, ADA, api_token)

    assert response.status_code == 201
    body = response.json()
    assert body == {"id": body["id"], **ADA}
    assert response.headers["location"] == f"/users/{body['id']}"
    assert users_repository.get(body["id"]) == User(**body)
    assert httpx.get(provider_url + response.headers["location"]).json() == body


def test_each_new_user_gets_its_own_id(provider_url: str, api_token: str) -> None:
    first = post(provider_url, ADA, api_token).json()
    second = post(provider_url, {"name": "Grace", "email": "grace@example.com"}, api_token).json()

    assert first["id"] != second["id"]


def test_surrounding_spaces_are_trimmed(provider_url: str, api_token: str) -> None:
    response = post(
        provider_url, {"name": "  Ada Lovelace ", "email": " ada@example.com "}, api_token
    )

    assert response.status_code == 201
    assert {k: response.json()[k] for k in ADA} == ADA


def test_a_taken_email_is_a_409_that_says_so(
    provider_url: str, api_token: str, users_repository: SqliteUsersRepository
) -> None:
    users_repository.save(User(id=5, **ADA))

    response = post(provider_url, {"name": "Someone Else", "email": ADA["email"]}, api_token)

    assert response.status_code == 409
    assert response.json() == {"detail": "A user with the email ada@example.com already exists"}
    assert users_repository.get(5) == User(id=5, **ADA), "the existing user was touched"


@pytest.mark.parametrize(
    ("body", "location", "error_type"),
    [
        ({"email": "ada@example.com"}, ["body", "name"], "missing"),
        ({"name": "Ada"}, ["body", "email"], "missing"),
        ({"name": "", "email": "ada@example.com"}, ["body", "name"], "string_too_short"),
        ({"name": "   ", "email": "ada@example.com"}, ["body", "name"], "string_too_short"),
        ({"name": "Ada", "email": "not-an-email"}, ["body", "email"], "string_pattern_mismatch"),
        (
            {"name": "Ada", "email": "ada @example.com"},
            ["body", "email"],
            "string_pattern_mismatch",
        ),
        ({"name": "Ada", "email": 42}, ["body", "email"], "string_type"),
        ({**ADA, "is_admin": True}, ["body", "is_admin"], "extra_forbidden"),
        (["Ada", "ada@example.com"], ["body"], "model_attributes_type"),
    ],
    ids=[
        "no-name",
        "no-email",
        "empty-name",
        "blank-name",
        "bad-email",
        "space-in-email",
        "email-not-a-string",
        "extra-field",
        "not-an-object",
    ],
)
def test_an_invalid_body_is_a_422_naming_the_field(
    provider_url: str, api_token: str, body: Any, location: list[str], error_type: str
) -> None:
    response = post(provider_url, body, api_token)

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["loc"], error["type"]) == (location, error_type)


@pytest.mark.parametrize(
    "content", [b"{not json", b"", b"null"], ids=["malformed", "empty", "null"]
)
def test_a_body_that_is_not_a_json_object_is_a_422(
    provider_url: str, api_token: str, content: bytes
) -> None:
    response = httpx.post(
        f"{provider_url}/users",
        content=content,
        headers={"Authorization": f"Bearer {api_token}", "Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert response.json()["detail"]


@pytest.mark.parametrize("field", ["name", "email"])
def test_text_that_is_not_unicode_is_a_422_not_a_500(
    provider_url: str, api_token: str, field: str
) -> None:
    """A lone surrogate is valid JSON but no string: FastAPI's own handler cannot echo it."""
    body = {**ADA, field: "SURROGATE" + ADA[field]}
    raw = json.dumps(body).replace("SURROGATE", "\\ud800").encode()  # the escape, as text
    response = httpx.post(
        f"{provider_url}/users",
        content=raw,
        headers={"Authorization": f"Bearer {api_token}", "Content-Type": "application/json"},
    )

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["loc"], error["type"]) == (["body", field], "string_unicode")
    assert error["input"] == "?" + ADA[field]


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "This request needs the API token: send 'Authorization: Bearer <token>'"),
        (
            {"Authorization": "Basic dXNlcjpwYXNz"},
            "This request needs the API token: send 'Authorization: Bearer <token>'",
        ),
        (
            {"Authorization": "Bearer wrong-token"},
            "The bearer token is not this server's API token",
        ),
        ({"Authorization": b"Bearer \xe9t\xe9"}, "The bearer token is not this server's API token"),
    ],
    ids=["no-header", "basic-auth", "wrong-token", "non-ascii-token"],
)
def test_a_write_without_the_token_is_a_401_and_stores_nothing(
    provider_url: str,
    users_repository: SqliteUsersRepository,
    headers: dict[str, Any],
    detail: str,
) -> None:
    response = httpx.post(f"{provider_url}/users", json=ADA, headers=headers)

    assert response.status_code == 401
    assert response.json() == {"detail": detail}
    assert response.headers["www-authenticate"] == "Bearer"
    assert users_repository.find_by_email(ADA["email"]) is None


def test_a_bad_body_without_the_token_is_refused_for_the_token_first(provider_url: str) -> None:
    response = post(provider_url, {"name": ""}, "wrong-token")

    assert response.status_code == 401


@pytest.mark.parametrize("configured", [None, SecretStr(""), SecretStr("  ")])
def test_with_no_token_configured_every_write_is_a_401_that_says_why(
    users_repository: SqliteUsersRepository, configured: SecretStr | None
) -> None:
    settings = Settings(api_token=configured)
    with serve(create_app(settings, users_repository=users_repository)) as base_url:
        no_header = post(base_url, ADA, None)
        empty_bearer = httpx.post(
            f"{base_url}/users", json=ADA, headers={"Authorization": "Bearer"}
        )
        guessed = post(base_url, ADA, "anything")
        read = httpx.get(f"{base_url}/users")

    for response in (no_header, empty_bearer, guessed):
        assert response.status_code == 401
        assert response.json() == {
            "detail": "This server has no API token configured (USER_SERVICE_API_TOKEN), "
            "so it accepts no writes"
        }
    assert read.status_code == 200, "reads need no token"


def test_the_token_is_read_from_the_environment_and_never_shown(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("USER_SERVICE_API_TOKEN", "from-the-environment")
    monkeypatch.setenv("USER_SERVICE_DATABASE_PATH", str(tmp_path / "users.sqlite3"))
    settings = Settings()

    assert settings.api_token is not None
    assert settings.api_token.get_secret_value() == "from-the-environment"
    assert "from-the-environment" not in f"{settings!r} {settings}"
    with serve(create_app()) as base_url:
        assert post(base_url, ADA, "from-the-environment").status_code == 201


def test_the_spec_declares_create_user_with_its_bearer_scheme(provider_url: str) -> None:
    spec = httpx.get(f"{provider_url}/openapi.json").json()
    operation = spec["paths"]["/users"]["post"]

    assert operation["operationId"] == "create_user"
    assert set(operation["responses"]) == {"201", "400", "401", "409", "422"}
    assert "Location" in operation["responses"]["201"]["headers"]
    for status in ("401", "409"):
        assert operation["responses"][status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorMessage"
        }
    [requirement] = operation["security"]
    [scheme] = requirement
    assert spec["components"]["securitySchemes"][scheme] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The API token the service was started with (`USER_SERVICE_API_TOKEN`).",
    }
    assert "security" not in spec["paths"]["/users"]["get"], "reads need no token"
