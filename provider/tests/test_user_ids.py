"""``GET /users/{user_id}`` over real HTTP: one spelling per id, 1 to 2^63-1, else a 422."""

import httpx
import pytest

from user_service.models import User
from user_service.users_repository import SqliteUsersRepository

MAX_ID = 2**63 - 1

# Each as it appears in the request's path: percent-escapes are decoded by the server, so
# "%20" reaches the app as a space and "%2B" as "+".
BAD_IDS = {
    "zero": "0",
    "negative": "-3",
    "minus zero": "-0",
    "leading zero": "01",
    "leading zeros": "000123",
    "two zeros": "00",
    "plus sign": "+1",
    "escaped plus sign": "%2B1",
    "decimal point": "1.0",
    "fraction": "1.5",
    "exponent": "1e3",
    "hexadecimal": "0x10",
    "underscore": "1_000",
    "letters": "abc",
    "leading space": "%201",
    "trailing space": "1%20",
    "tab": "%091",
    "trailing newline": "1%0A",
    "arabic-indic digits": "\u0661\u0662\u0663",
    "fullwidth digits": "\uff11\uff12\uff13",
    "2^63": str(MAX_ID + 1),
    "2^64": str(2**64),
    "2^63 with a leading zero": "0" + str(MAX_ID + 1),
    "20 digits": "9" * 20,
    "5000 digits": "1" * 5000,
}


@pytest.mark.parametrize("user_id", list(BAD_IDS.values()), ids=list(BAD_IDS))
def test_a_non_canonical_or_out_of_range_id_is_a_422_that_says_what_an_id_is(
    provider_url: str, users_repository: SqliteUsersRepository, user_id: str
) -> None:
    # A user 1 and a user 123 exist, so a lax parse ("01", "+1", "١٢٣") would find one.
    users_repository.save(User(id=1, name="One", email="one@example.com"))
    users_repository.save(User(id=123, name="Ada Lovelace", email="ada@example.com"))

    response = httpx.get(f"{provider_url}/users/{user_id}")

    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["path", "user_id"]
    assert error["type"] == "value_error"
    assert error["msg"] == (
        f"a user id is a whole number from 1 to {MAX_ID}, written in plain ASCII digits "
        "with no sign, leading zeros, decimal point or spaces"
    )


def test_123_is_found_exactly_as_before(
    provider_url: str, users_repository: SqliteUsersRepository
) -> None:
    users_repository.save(User(id=123, name="Ada Lovelace", email="ada@example.com"))

    response = httpx.get(f"{provider_url}/users/123")

    assert response.status_code == 200
    assert response.json() == {"id": 123, "name": "Ada Lovelace", "email": "ada@example.com"}


@pytest.mark.parametrize("user_id", [1, MAX_ID])
def test_the_smallest_and_largest_ids_are_found(
    provider_url: str, users_repository: SqliteUsersRepository, user_id: int
) -> None:
    users_repository.save(User(id=user_id, name="Edge", email="edge@example.com"))

    response = httpx.get(f"{provider_url}/users/{user_id}")

    assert response.status_code == 200
    assert response.json() == {"id": user_id, "name": "Edge", "email": "edge@example.com"}


@pytest.mark.parametrize("user_id", [1, 999, MAX_ID])
def test_a_valid_id_with_no_user_is_a_404(provider_url: str, user_id: int) -> None:
    response = httpx.get(f"{provider_url}/users/{user_id}")

    assert response.status_code == 404
    assert response.json() == {"detail": f"User {user_id} not found"}


def test_the_spec_declares_the_id_range(provider_url: str) -> None:
    operation = httpx.get(f"{provider_url}/openapi.json").json()["paths"]["/users/{user_id}"]["get"]
    [parameter] = operation["parameters"]

    assert parameter["in"] == "path"
    assert parameter["schema"]["type"] == "integer"
    assert parameter["schema"]["minimum"] == 1
    assert parameter["schema"]["maximum"] == MAX_ID
    assert "exclusiveMinimum" not in parameter["schema"]
