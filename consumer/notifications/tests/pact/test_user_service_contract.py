"""What notification-service needs from user-service, exercised through ``UserDirectory``.

Each test states an interaction, serves it from the Pact mock server, and runs the real
adapter against it; the mock server fails the test if the adapter's request differs. The
bodies name only the fields ``UserDirectory`` reads, and their matchers come from
user-service's OpenAPI document (``contract_first.contracts``), not from hand.
"""

from pact import Pact

from contract_first.contracts import OpenApiContract
from notifications.recipient import Recipient
from notifications.user_directory import UserDirectory


def test_looks_up_an_existing_user(pact: Pact, user_service: OpenApiContract) -> None:
    # Every field of the Recipient: UserDirectory reads all three.
    user = {"id": 123, "name": "Alan Turing", "email": "alan@example.com"}
    (
        pact.upon_receiving("a request for user 123")
        .given("a user exists", **user)
        .with_request("GET", "/users/123")
        .will_respond_with(200)
        .with_body(
            user_service.response_body("get_user", 200, user), content_type="application/json"
        )
    )

    with pact.serve() as mock_server:
        recipient = UserDirectory(str(mock_server.url)).get_user(123)

    assert recipient == Recipient(id=123, name="Alan Turing", email="alan@example.com")


def test_reports_a_missing_user_as_none(pact: Pact, user_service: OpenApiContract) -> None:
    # The message is never read, but the generated client parses a 404 as ErrorMessage, whose
    # `detail` it requires: without the key UserDirectory raises instead of returning None.
    # So the pact pins that `detail` is there (a string, as the spec says), never its words.
    (
        pact.upon_receiving("a request for a user that does not exist")
        .given("no user exists", id=999)
        .with_request("GET", "/users/999")
        .will_respond_with(404)
        .with_body(
            user_service.response_body("get_user", 404, {"detail": "User 999 not found"}),
            content_type="application/json",
        )
    )

    with pact.serve() as mock_server:
        recipient = UserDirectory(str(mock_server.url)).get_user(999)

    assert recipient is None
