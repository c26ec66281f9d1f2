"""``UserDirectory`` turns every way the user service can misbehave into one typed error."""

import json
import socket
import threading

import pytest

from notifications.recipient import Recipient
from notifications.user_directory import UserDirectory
from notifications.user_directory_errors import (
    UnexpectedResponseError,
    UserServiceTimeoutError,
    UserServiceUnavailableError,
)

from .canned_http_server import CannedResponse, canned_server


def body(document: object) -> bytes:
    return json.dumps(document).encode()


def test_a_found_user_becomes_a_recipient() -> None:
    found = CannedResponse(
        200, body({"id": 5, "name": "Grace Hopper", "email": "grace@example.com"})
    )
    with canned_server(found) as url:
        recipient = UserDirectory(url).get_user(5)

    assert recipient == Recipient(id=5, name="Grace Hopper", email="grace@example.com")
    assert recipient.address == "Grace Hopper <grace@example.com>"


def test_a_404_means_no_such_user() -> None:
    with canned_server(CannedResponse(404, body({"detail": "User 5 not found"}))) as url:
        assert UserDirectory(url).get_user(5) is None


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_5xx_is_the_service_being_unavailable(status: int) -> None:
    failing = CannedResponse(status, b"upstream exploded", "text/plain")
    with (
        canned_server(failing) as url,
        pytest.raises(UserServiceUnavailableError, match=f"with {status}: upstream exploded"),
    ):
        UserDirectory(url).get_user(5)


def test_a_slow_answer_is_a_timeout() -> None:
    stalled = CannedResponse(200, body({}), stall=threading.Event())
    with (
        canned_server(stalled) as url,
        pytest.raises(UserServiceTimeoutError, match="did not answer GET /users/5 in time"),
    ):
        UserDirectory(url, timeout=0.05).get_user(5)


def test_a_refused_connection_is_the_service_being_unavailable() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # bound but not listening: connections are refused
        with pytest.raises(UserServiceUnavailableError, match="cannot reach the user service"):
            UserDirectory(f"http://127.0.0.1:{port}").get_user(5)


@pytest.mark.parametrize(
    ("status", "payload", "reason"),
    [
        (200, body({"id": 5, "username": "grace", "email": "g@example.com"}), "does not allow"),
        (200, body({"id": "5", "name": "Grace", "email": "g@example.com"}), "mistyped fields"),
        (200, b"<html>not json</html>", "does not allow"),
        (200, body([1, 2]), "does not allow"),
        (418, b"teapot", "undeclared status 418"),
        (422, body({"detail": [{"loc": ["path"], "msg": "bad", "type": "x"}]}), "rejected user id"),
    ],
    ids=["renamed-field", "string-id", "not-json", "not-an-object", "undeclared-status", "422"],
)
def test_a_response_outside_the_contract_is_unexpected(
    status: int, payload: bytes, reason: str
) -> None:
    with (
        canned_server(CannedResponse(status, payload)) as url,
        pytest.raises(UnexpectedResponseError, match=reason),
    ):
        UserDirectory(url).get_user(5)
