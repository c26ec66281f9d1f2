"""The provider states: each stores what its pact names plus a decoy, and teardown clears both.

The decoy is what makes verification fail for a provider that ignores the id or the email
filter; the last tests show it doing so, with the real notification-service pact and with a
signup-style pact (searches and creates) written here through pact-python's mock server.
"""

from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pact import Pact, match
from pydantic import SecretStr

from contract_first.verify.sources import LocalPacts
from contract_first.verify.verification import verify_provider
from user_service.app import create_app
from user_service.models import User
from user_service.settings import Settings
from user_service.users_repository import SqliteUsersRepository, UsersRepository

from .breaking_variants import create_app_ignoring_the_email_filter, create_app_ignoring_the_id
from .provider_states import DECOY_ID_OFFSET, decoy_for, provider_state_handlers

ADA_USER = User(id=42, name="Ada Lovelace", email="ada@example.com")
ADA = ADA_USER.model_dump()
TOKEN = "signup-pact-token"  # noqa: S105 (the example token the pact below sends)


def everyone(users: SqliteUsersRepository) -> list[User]:
    return list(users.page(email=None, limit=100, after_id=0).users)


@pytest.mark.parametrize("state", ["a user exists", "a user has the email"])
def test_a_named_user_is_stored_beside_a_decoy_and_both_are_torn_down(
    users_repository: SqliteUsersRepository, state: str
) -> None:
    handler = provider_state_handlers(users_repository)[state]

    handler("setup", ADA)
    stored = everyone(users_repository)
    handler("teardown", ADA)

    decoy = decoy_for(42)
    assert stored == [ADA_USER, decoy]
    assert (decoy.id, decoy.email) != (ADA_USER.id, ADA_USER.email)
    assert everyone(users_repository) == []


def test_a_named_user_takes_its_email_from_whoever_held_it(
    users_repository: SqliteUsersRepository,
) -> None:
    users_repository.save(User(id=7, name="Old Holder", email=ADA_USER.email))

    provider_state_handlers(users_repository)["a user has the email"]("setup", ADA)

    assert users_repository.find_by_email(ADA_USER.email) == ADA_USER
    assert users_repository.get(7) is None


def test_no_user_exists_removes_the_named_id_and_stores_only_the_decoy(
    users_repository: SqliteUsersRepository,
) -> None:
    users_repository.save(User(id=999, name="In The Way", email="way@example.com"))
    handler = provider_state_handlers(users_repository)["no user exists"]

    handler("setup", {"id": 999})
    stored = everyone(users_repository)
    handler("teardown", {"id": 999})

    assert stored == [decoy_for(999)]
    assert decoy_for(999).id == 999 + DECOY_ID_OFFSET
    assert everyone(users_repository) == []


def test_no_user_has_the_email_removes_its_holder_before_and_after(
    users_repository: SqliteUsersRepository,
) -> None:
    users_repository.save(User(id=3, name="Holder", email="new@example.com"))
    handler = provider_state_handlers(users_repository)["no user has the email"]

    handler("setup", {"email": "new@example.com"})
    stored = everyone(users_repository)
    users_repository.create("Signed Up", "new@example.com")  # what the interaction did
    handler("teardown", {"email": "new@example.com"})

    assert stored == [decoy_for(None)]
    assert everyone(users_repository) == []


@pytest.mark.parametrize(
    ("state", "parameters", "missing"),
    [
        ("a user exists", {"name": "Ada"}, "id"),
        ("no user exists", {}, "id"),
        ("a user has the email", {"id": 1, "name": "Ada"}, "email"),
        ("a user has the email", {"id": 1, "email": "ada@example.com"}, "name"),
        ("no user has the email", {"id": 1}, "email"),
    ],
)
def test_a_missing_parameter_names_the_state_and_the_parameter(
    users_repository: SqliteUsersRepository, state: str, parameters: dict[str, object], missing: str
) -> None:
    handler = provider_state_handlers(users_repository)[state]

    with pytest.raises(
        ValueError, match=f"provider state '{state}' needs the parameter '{missing}'"
    ):
        handler("setup", parameters)


def write_signup_pact(directory: Path) -> None:
    """What a signup consumer asks of user-service, run against the Pact mock server."""
    pact = Pact("signup-service", "user-service").with_specification("V4")
    (
        pact.upon_receiving("a search for a taken email")
        .given("a user has the email", **ADA)
        .with_request("GET", "/users")
        .with_query_parameter("email", ADA_USER.email)
        .will_respond_with(200)
        .with_body({"items": [ADA], "next_cursor": None}, content_type="application/json")
    )
    (
        pact.upon_receiving("a search for a free email")
        .given("no user has the email", email="new@example.com")
        .with_request("GET", "/users")
        .with_query_parameter("email", "new@example.com")
        .will_respond_with(200)
        .with_body({"items": [], "next_cursor": None}, content_type="application/json")
    )
    new_user = {"name": "New User", "email": "new@example.com"}
    (
        pact.upon_receiving("a signup with a free email")
        .given("no user has the email", email="new@example.com")
        .with_request("POST", "/users")
        .with_header("Authorization", f"Bearer {TOKEN}")
        .with_body(new_user, content_type="application/json")
        .will_respond_with(201)
        .with_header("Location", match.regex("/users/8", regex=r"^/users/[0-9]+$"))
        .with_body({"id": match.int(8), **new_user}, content_type="application/json")
    )
    (
        pact.upon_receiving("a signup with a taken email")
        .given("a user has the email", **ADA)
        .with_request("POST", "/users")
        .with_header("Authorization", f"Bearer {TOKEN}")
        .with_body({"name": "Ada Again", "email": ADA_USER.email}, content_type="application/json")
        .will_respond_with(409)
        .with_body({"detail": match.str("taken")}, content_type="application/json")
    )
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with pact.serve() as server:
        base = str(server.url)
        assert httpx.get(f"{base}/users", params={"email": ADA_USER.email}).status_code == 200
        assert httpx.get(f"{base}/users", params={"email": "new@example.com"}).status_code == 200
        assert httpx.post(f"{base}/users", json=new_user, headers=auth).status_code == 201
        taken = {"name": "Ada Again", "email": ADA_USER.email}
        assert httpx.post(f"{base}/users", json=taken, headers=auth).status_code == 409
    pact.write_file(directory)


@pytest.fixture
def signup_pacts(tmp_path: Path) -> Path:
    directory = tmp_path / "signup-pacts"
    write_signup_pact(directory)
    return directory


def verified_failures(app: FastAPI, users: UsersRepository, pacts: Path) -> list[str]:
    report = verify_provider(
        provider="user-service",
        app=app,
        state_handlers=provider_state_handlers(users),
        source=LocalPacts(pacts),
    )
    return sorted(failure.description for failure in report.failures)


def test_the_signup_pact_passes_against_the_real_provider(
    users_repository: SqliteUsersRepository, signup_pacts: Path
) -> None:
    app = create_app(Settings(api_token=SecretStr(TOKEN)), users_repository=users_repository)

    assert verified_failures(app, users_repository, signup_pacts) == []
    assert everyone(users_repository) == [], "teardown left users behind"


def test_a_provider_ignoring_the_email_filter_fails_on_the_decoy(
    users_repository: SqliteUsersRepository, signup_pacts: Path
) -> None:
    settings = Settings(api_token=SecretStr(TOKEN))
    app = create_app_ignoring_the_email_filter(users_repository, settings)

    assert verified_failures(app, users_repository, signup_pacts) == [
        "a search for a free email",
        "a search for a taken email",
    ]


def test_a_provider_ignoring_the_id_fails_on_the_decoy(
    users_repository: SqliteUsersRepository, notification_pacts: Path
) -> None:
    """Without the decoy the store is empty for the 404 case, and this provider would pass."""
    app = create_app_ignoring_the_id(users_repository)

    assert verified_failures(app, users_repository, notification_pacts) == [
        "a request for a user that does not exist"
    ]
