"""``Registrar`` signs people up, finds them when they were already, and types every failure."""

import socket
import threading

import pytest

from signup.registrar import SEARCH_PAGE_SIZE, Registrar
from signup.registration import Registration
from signup.signup_errors import (
    InvalidSignupError,
    NotAuthorisedError,
    UnexpectedResponseError,
    UserServiceTimeoutError,
    UserServiceUnavailableError,
)

from .canned_http_server import CannedResponse, canned_server, json_response

TOKEN = "s3cret-token-6d1e"  # noqa: S105 (a test's token)
ADA = {"id": 42, "name": "Ada Lovelace", "email": "ada@example.com"}
CREATED = json_response(201, ADA, headers={"Location": "/users/42"})
TAKEN = json_response(409, {"detail": "A user with the email ada@example.com already exists"})


def page(*users: object) -> CannedResponse:
    return json_response(200, {"items": list(users), "next_cursor": None})


def test_a_new_email_creates_the_user() -> None:
    with canned_server({"POST /users": CREATED}) as server:
        registration = Registrar(server.url, TOKEN).register("Ada Lovelace", "ada@example.com")

    assert registration == Registration(
        id=42,
        name="Ada Lovelace",
        email="ada@example.com",
        already_registered=False,
        location=f"{server.url}/users/42",
    )
    assert registration.address == "Ada Lovelace <ada@example.com>"
    (sent,) = server.requests
    assert (sent.method, sent.path) == ("POST", "/users")
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["content-type"] == "application/json"
    assert sent.json() == {"name": "Ada Lovelace", "email": "ada@example.com"}


def test_name_and_email_are_sent_trimmed() -> None:
    with canned_server({"POST /users": TAKEN, "GET /users": page(ADA)}) as server:
        registration = Registrar(server.url, TOKEN).register(" Ada Lovelace ", " ada@example.com ")

    assert registration.already_registered
    post, search = server.requests
    assert post.json() == {"name": "Ada Lovelace", "email": "ada@example.com"}
    assert search.query["email"] == ["ada@example.com"]


def test_a_taken_email_returns_the_user_who_has_it() -> None:
    holder = {"id": 7, "name": "Ada (the first)", "email": "ada@example.com"}
    with canned_server({"POST /users": TAKEN, "GET /users": page(holder)}) as server:
        registration = Registrar(server.url, TOKEN).register("Ada Lovelace", "ada@example.com")

    assert registration == Registration(
        id=7, name="Ada (the first)", email="ada@example.com", already_registered=True
    )
    post, search = server.requests
    assert post.method == "POST"
    assert (search.method, search.path) == ("GET", "/users")
    assert search.query == {"email": ["ada@example.com"], "limit": [str(SEARCH_PAGE_SIZE)]}


def test_a_taken_email_nobody_has_is_an_error() -> None:
    with (
        canned_server({"POST /users": TAKEN, "GET /users": page()}) as server,
        pytest.raises(
            UnexpectedResponseError,
            match=r"said ada@example.com is taken \(409\), but GET /users\?email=ada@example.com "
            "found no user with it",
        ),
    ):
        Registrar(server.url, TOKEN).register("Ada Lovelace", "ada@example.com")


def test_a_search_that_ignores_the_email_is_an_error() -> None:
    decoy = {"id": 1000042, "name": "Decoy User", "email": "decoy@decoy.example"}
    with (
        canned_server({"POST /users": TAKEN, "GET /users": page(ADA, decoy)}) as server,
        pytest.raises(UnexpectedResponseError, match="ignored the email filter"),
    ):
        Registrar(server.url, TOKEN).register("Ada Lovelace", "ada@example.com")


def test_two_users_with_one_email_is_an_error() -> None:
    with (
        canned_server({"POST /users": TAKEN, "GET /users": page(ADA, {**ADA, "id": 43})}) as server,
        pytest.raises(UnexpectedResponseError, match="2 users with one email"),
    ):
        Registrar(server.url, TOKEN).register("Ada Lovelace", "ada@example.com")


def test_a_refused_token_is_not_authorised_and_the_message_never_holds_it() -> None:
    # A service that echoes the token: the adapter still must not pass it on.
    refused = json_response(401, {"detail": f"The bearer token {TOKEN} is not this server's"})
    with (
        canned_server({"POST /users": refused}) as server,
        pytest.raises(NotAuthorisedError) as raised,
    ):
        Registrar(server.url, TOKEN).register("Ada Lovelace", "ada@example.com")

    message = str(raised.value)
    assert message == (
        f"the user service at {server.url} refused the token (401): "
        "The bearer token [token] is not this server's"
    )
    assert TOKEN not in message


def test_a_rejected_signup_is_invalid_in_the_services_words() -> None:
    rejected = json_response(
        422,
        {
            "detail": [
                {"loc": ["body", "email"], "msg": "String should match pattern", "type": "x"},
                {
                    "loc": ["body", "name"],
                    "msg": "String should have at least 1 character",
                    "type": "y",
                },
            ]
        },
    )
    with (
        canned_server({"POST /users": rejected}) as server,
        pytest.raises(InvalidSignupError) as raised,
    ):
        Registrar(server.url, TOKEN).register("", "not-an-email")

    assert raised.value.problems == (
        "body.email: String should match pattern",
        "body.name: String should have at least 1 character",
    )
    assert str(raised.value) == (
        "the user service rejected the signup of '' <not-an-email> (422): "
        "body.email: String should match pattern; "
        "body.name: String should have at least 1 character"
    )


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_5xx_is_the_service_being_unavailable(status: int) -> None:
    failing = CannedResponse(status, b"upstream exploded", "text/plain")
    with (
        canned_server({"POST /users": failing}) as server,
        pytest.raises(
            UserServiceUnavailableError,
            match=f"failed POST /users with {status}: upstream exploded",
        ),
    ):
        Registrar(server.url, TOKEN).register("Ada Lovelace", "ada@example.com")


def test_a_5xx_on_the_search_is_the_service_being_unavailable() -> None:
    failing = CannedResponse(503, b"maintenance", "text/plain")
    with (
        canned_server({"POST /users": TAKEN, "GET /users": failing}) as server,
        pytest.raises(
            UserServiceUnavailableError,
            match=r"failed GET /users\?email=ada@example.com with 503: maintenance",
        ),
    ):
        Registrar(server.url, TOKEN).register("Ada Lovelace", "ada@example.com")


def test_a_refused_connection_is_the_service_being_unavailable() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # bound but not listening: connections are refused
        with pytest.raises(UserServiceUnavailableError, match="cannot reach the user service"):
            Registrar(f"http://127.0.0.1:{port}", TOKEN).register("Ada", "ada@example.com")


def test_a_slow_answer_is_a_timeout() -> None:
    stalled = CannedResponse(201, b"{}", stall=threading.Event())
    with (
        canned_server({"POST /users": stalled}) as server,
        pytest.raises(UserServiceTimeoutError, match="did not answer POST /users in time"),
    ):
        Registrar(server.url, TOKEN, timeout=0.05).register("Ada", "ada@example.com")


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        ({"POST /users": CannedResponse(201, b"<html>not json</html>")}, "does not allow"),
        ({"POST /users": json_response(201, [1, 2])}, "does not allow"),
        ({"POST /users": json_response(201, {"id": 42, "username": "ada"})}, "does not allow"),
        (
            {"POST /users": json_response(201, {**ADA, "id": "42"}, {"Location": "/users/42"})},
            "mistyped user",
        ),
        ({"POST /users": json_response(201, ADA)}, "201 without the Location header"),
        ({"POST /users": CannedResponse(409, b"taken", "text/plain")}, "does not allow"),
        (
            {"POST /users": TAKEN, "GET /users": CannedResponse(200, b"not json", "text/plain")},
            "does not allow",
        ),
        (
            {"POST /users": TAKEN, "GET /users": json_response(200, {"items": []})},
            r"GET /users\?email=ada@example.com returned an answer the contract does not allow",
        ),
        ({"POST /users": TAKEN, "GET /users": page({**ADA, "id": None})}, "mistyped user"),
        (
            {"POST /users": CannedResponse(418, b"teapot", "text/plain")},
            "undeclared status 418: teapot",
        ),
    ],
    ids=[
        "not-json",
        "not-an-object",
        "renamed-field",
        "string-id",
        "no-location",
        "409-not-json",
        "search-not-json",
        "search-without-next-cursor",
        "search-null-id",
        "undeclared-status",
    ],
)
def test_an_answer_outside_the_contract_is_unexpected(
    answers: dict[str, CannedResponse], reason: str
) -> None:
    with (
        canned_server(answers) as server,
        pytest.raises(UnexpectedResponseError, match=reason),
    ):
        Registrar(server.url, TOKEN).register("Ada Lovelace", "ada@example.com")


def test_a_blank_token_is_refused_before_any_call() -> None:
    with pytest.raises(ValueError, match="token is blank"):
        Registrar("http://127.0.0.1:9", "  ")


def test_the_registrar_never_shows_its_token() -> None:
    registrar = Registrar("http://127.0.0.1:9", TOKEN)

    assert repr(registrar) == "Registrar('http://127.0.0.1:9')"
    assert TOKEN not in f"{registrar} {registrar!r}"
