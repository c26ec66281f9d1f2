"""``GET /users`` over real HTTP: the exact-email filter, and paging with an opaque cursor."""

from typing import Any

import httpx
import pytest

from user_service.models import User
from user_service.users_repository import SqliteUsersRepository

ADA = User(id=1, name="Ada Lovelace", email="ada@example.com")
GRACE = User(id=2, name="Grace Hopper", email="grace@example.com")
ALAN = User(id=123, name="Alan Turing", email="alan@example.com")


@pytest.fixture
def three_users(users_repository: SqliteUsersRepository) -> list[dict[str, Any]]:
    users_repository.save_all([ALAN, GRACE, ADA])
    return [user.model_dump() for user in (ADA, GRACE, ALAN)]


def search(base_url: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{base_url}/users", params=params)


def test_without_a_filter_every_user_is_listed_in_id_order(
    provider_url: str, three_users: list[dict[str, Any]]
) -> None:
    response = search(provider_url)

    assert response.status_code == 200
    assert response.json() == {"items": three_users, "next_cursor": None}


def test_an_empty_store_is_an_empty_last_page(provider_url: str) -> None:
    assert search(provider_url).json() == {"items": [], "next_cursor": None}


def test_the_email_filter_matches_exactly(
    provider_url: str, three_users: list[dict[str, Any]]
) -> None:
    assert search(provider_url, email="grace@example.com").json() == {
        "items": [GRACE.model_dump()],
        "next_cursor": None,
    }
    for near_miss in ("GRACE@example.com", "grace@example", "grace", ""):
        assert search(provider_url, email=near_miss).json()["items"] == [], near_miss


def test_pages_follow_the_cursor_to_the_end(
    provider_url: str, three_users: list[dict[str, Any]]
) -> None:
    first = search(provider_url, limit=2).json()
    second = search(provider_url, limit=2, cursor=first["next_cursor"]).json()

    assert first["items"] == three_users[:2]
    assert isinstance(first["next_cursor"], str)
    assert second == {"items": three_users[2:], "next_cursor": None}


def test_a_page_exactly_filling_the_limit_is_the_last(
    provider_url: str, three_users: list[dict[str, Any]]
) -> None:
    assert search(provider_url, limit=3).json() == {"items": three_users, "next_cursor": None}


def test_users_added_behind_the_cursor_are_not_repeated(
    provider_url: str, three_users: list[dict[str, Any]], users_repository: SqliteUsersRepository
) -> None:
    first = search(provider_url, limit=1).json()
    users_repository.delete(ADA.id)
    second = search(provider_url, limit=1, cursor=first["next_cursor"]).json()

    assert [user["id"] for user in first["items"] + second["items"]] == [ADA.id, GRACE.id]


@pytest.mark.parametrize(
    "cursor", ["abc", "0", "-1", "1.5", "", " 2", "٣", "9" * 19, "9" * 400, "01"]
)
def test_a_cursor_this_service_never_issued_is_a_422_that_says_what_to_do(
    provider_url: str, cursor: str
) -> None:
    response = search(provider_url, cursor=cursor)

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "cursor"]
    assert error["msg"].startswith("not a cursor this service issued")
    assert error["input"] == cursor


def test_the_largest_id_is_still_a_cursor(provider_url: str) -> None:
    response = search(provider_url, cursor=str(2**63 - 1))

    assert response.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", "2.5"])
def test_a_limit_outside_1_to_100_is_a_422(provider_url: str, limit: str) -> None:
    response = search(provider_url, limit=limit)

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "limit"]


def test_the_default_limit_is_20(
    provider_url: str, users_repository: SqliteUsersRepository
) -> None:
    users_repository.save_all(
        User(id=n, name=f"User {n}", email=f"user{n}@example.com") for n in range(1, 26)
    )

    page = search(provider_url).json()

    assert len(page["items"]) == 20
    assert search(provider_url, cursor=page["next_cursor"]).json()["next_cursor"] is None


def test_the_spec_declares_search_users(provider_url: str) -> None:
    spec = httpx.get(f"{provider_url}/openapi.json").json()
    operation = spec["paths"]["/users"]["get"]

    assert operation["operationId"] == "search_users"
    assert {p["name"] for p in operation["parameters"]} == {"email", "limit", "cursor"}
    assert spec["components"]["schemas"]["UsersPage"]["required"] == ["items", "next_cursor"]
