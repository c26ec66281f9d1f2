"""What notification-service needs from user-service, exercised through ``UserDirectory``.

Each test states an interaction, serves it from the Pact mock server, and runs the real
adapter against it; the mock server fails the test if the adapter's request differs.
"""

from pact import Pact, match

from notifications.recipient import Recipient
from notifications.user_directory import UserDirectory

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def test_looks_up_an_existing_user(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for user 123")
        .given("a user exists", id=123, name="Alan Turing", email="alan@example.com")
        .with_request("GET", "/users/123")
        .will_respond_with(200)
        .with_body(
            {
                "id": match.int(123),
                "name": match.str("Alan Turing"),
                "email": match.regex("alan@example.com", regex=EMAIL_PATTERN),
            },
            content_type="application/json",
        )
    )

    with pact.serve() as mock_server:
        recipient = UserDirectory(str(mock_server.url)).get_user(123)

    assert recipient == Recipient(id=123, name="Alan Turing", email="alan@example.com")


def test_reports_a_missing_user_as_none(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for a user that does not exist")
        .given("no user exists", id=999)
        .with_request("GET", "/users/999")
        .will_respond_with(404)
        .with_body({"detail": match.str("User 999 not found")}, content_type="application/json")
    )

    with pact.serve() as mock_server:
        recipient = UserDirectory(str(mock_server.url)).get_user(999)

    assert recipient is None
