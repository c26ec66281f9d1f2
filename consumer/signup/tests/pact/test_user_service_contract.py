"""What signup-service needs from user-service, exercised through ``Registrar``.

Each test states its interactions, serves them from the Pact mock server, and runs the real
adapter against them; the mock server fails the test if a request the adapter makes differs,
or if an interaction is never asked for. Bodies come from user-service's OpenAPI document
(``contract_first.contracts``) and name only what ``Registrar`` sends or reads.

The token: the mock server accepts any bearer token (a regex), and the verifier replays the
example, ``Bearer contract-test-token``: the API token user-service is verified with
(``env`` of ``[tool.contract-first.pacticipants.user-service]`` in ``pyproject.toml``).
"""

import pytest
from pact import Pact, match
from pact.match import AbstractMatcher

from contract_first.contracts import OpenApiContract
from signup.registrar import SEARCH_PAGE_SIZE, Registrar
from signup.registration import Registration
from signup.signup_errors import NotAuthorisedError

PACT_TOKEN = "contract-test-token"  # noqa: S105 (an example in the pact, not a secret)
WRONG_TOKEN = "not-the-service-token"  # noqa: S105
BEARER = r"^Bearer .+$"
LOCATION = r"^/users/[0-9]+$"


def bearer(token: str) -> AbstractMatcher[str]:
    """The Authorization header: any bearer token to the mock server, ``token`` when replayed."""
    return match.regex(f"Bearer {token}", regex=BEARER)


def test_signs_up_a_new_user(pact: Pact, user_service: OpenApiContract) -> None:
    new_user = {"name": "New User", "email": "new@example.com"}
    (
        pact.upon_receiving("a signup with a free email")
        .given("no user has the email", email=new_user["email"])
        .with_request("POST", "/users")
        .with_header("Authorization", bearer(PACT_TOKEN))
        .with_body(user_service.request_body("create_user", new_user), "application/json")
        .will_respond_with(201)
        .with_header("Location", match.regex("/users/8", regex=LOCATION))
        # Every field of the User: Registrar returns all three.
        .with_body(
            user_service.response_body("create_user", 201, {"id": 8, **new_user}),
            content_type="application/json",
        )
    )

    with pact.serve() as mock_server:
        base_url = str(mock_server.url)
        registration = Registrar(base_url, PACT_TOKEN).register("New User", "new@example.com")

    assert registration == Registration(
        id=8,
        name="New User",
        email="new@example.com",
        already_registered=False,
        location=f"{base_url.rstrip('/')}/users/8",
    )


def test_returns_the_user_who_already_has_the_email(
    pact: Pact, user_service: OpenApiContract
) -> None:
    email = "ada@example.com"
    ada = {"id": 42, "name": "Ada Lovelace", "email": email}
    signup = {"name": "Ada Lovelace", "email": email}
    (
        pact.upon_receiving("a signup with a taken email")
        .given("a user has the email", **ada)
        .with_request("POST", "/users")
        .with_header("Authorization", bearer(PACT_TOKEN))
        .with_body(user_service.request_body("create_user", signup), "application/json")
        .will_respond_with(409)
        # Never read, but the generated client parses a 409 as ErrorMessage, whose `detail`
        # it requires: without it Registrar raises instead of searching.
        .with_body(
            user_service.response_body(
                "create_user", 409, {"detail": "A user with the email ada@example.com exists"}
            ),
            content_type="application/json",
        )
    )
    (
        pact.upon_receiving("a search for the user with a taken email")
        .given("a user has the email", **ada)
        .with_request("GET", "/users")
        .with_query_parameter("email", email)
        .with_query_parameter("limit", str(SEARCH_PAGE_SIZE))
        .will_respond_with(200)
        .with_body(
            user_service.response_body(
                "search_users",
                200,
                {
                    # The state stores a decoy beside Ada: every user on the page must have
                    # exactly the email searched for, so a provider that ignores the filter
                    # fails here. `next_cursor` is not read, but the client requires the key.
                    "items": [{**ada, "email": match.regex(email, regex=_exactly(email))}],
                    "next_cursor": None,
                },
            ),
            content_type="application/json",
        )
    )

    with pact.serve() as mock_server:
        registration = Registrar(str(mock_server.url), PACT_TOKEN).register(
            "Ada Lovelace", "ada@example.com"
        )

    assert registration == Registration(
        id=42, name="Ada Lovelace", email="ada@example.com", already_registered=True
    )


def test_reports_a_refused_token(pact: Pact, user_service: OpenApiContract) -> None:
    new_user = {"name": "New User", "email": "new@example.com"}
    (
        pact.upon_receiving("a signup with a wrong token")
        # The state's teardown removes the user a provider that skipped the check created.
        .given("no user has the email", email=new_user["email"])
        .with_request("POST", "/users")
        .with_header("Authorization", bearer(WRONG_TOKEN))
        .with_body(user_service.request_body("create_user", new_user), "application/json")
        .will_respond_with(401)
        # Registrar puts the service's `detail` in its error; the words are not pinned.
        .with_body(
            user_service.response_body(
                "create_user", 401, {"detail": "The bearer token is not this server's API token"}
            ),
            content_type="application/json",
        )
    )

    with (
        pact.serve() as mock_server,
        pytest.raises(NotAuthorisedError) as refused,
    ):
        Registrar(str(mock_server.url), WRONG_TOKEN).register("New User", "new@example.com")

    assert "refused the token (401): The bearer token is not this server's API token" in str(
        refused.value
    )


def _exactly(email: str) -> str:
    """A regex matching only this email (dots escaped; nothing else in it is special)."""
    return "^" + email.replace(".", r"\.") + "$"
