"""The API over real HTTP: what consumers get for each kind of request."""

import httpx
import pytest

from user_service.models import User
from user_service.users_repository import SqliteUsersRepository


def test_an_existing_user_is_returned(
    provider_url: str, users_repository: SqliteUsersRepository
) -> None:
    users_repository.save(User(id=7, name="Ada Lovelace", email="ada@example.com"))

    response = httpx.get(f"{provider_url}/users/7")

    assert response.status_code == 200
    assert response.json() == {"id": 7, "name": "Ada Lovelace", "email": "ada@example.com"}


def test_an_unknown_user_is_a_404_with_a_json_error(provider_url: str) -> None:
    response = httpx.get(f"{provider_url}/users/404404")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": "User 404404 not found"}


@pytest.mark.parametrize("user_id", ["abc", "0", "-3", "1.5"])
def test_an_invalid_id_is_a_422_that_says_why(provider_url: str, user_id: str) -> None:
    response = httpx.get(f"{provider_url}/users/{user_id}")

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["path", "user_id"]


def test_health_reports_ok_when_the_database_is_readable(provider_url: str) -> None:
    response = httpx.get(f"{provider_url}/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_spec_declares_every_response_of_get_user(provider_url: str) -> None:
    operation = httpx.get(f"{provider_url}/openapi.json").json()["paths"]["/users/{user_id}"]["get"]

    assert operation["operationId"] == "get_user"
    assert set(operation["responses"]) == {"200", "404", "422"}
    assert operation["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorMessage"
    }
