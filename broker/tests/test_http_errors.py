"""Bad input gets the official JSON error shapes, never a 500, and changes nothing."""

import http.client
import urllib.error
import urllib.request

from .broker_live_server import BrokerServer


def send(
    broker: BrokerServer,
    method: str,
    path: str,
    body: bytes,
    content_type: str = "application/json",
) -> tuple[int, bytes]:
    request = urllib.request.Request(  # noqa: S310 - loopback http URL built by the test
        broker.url + path, data=body, method=method, headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_malformed_json_is_400(broker: BrokerServer) -> None:
    status, body = send(broker, "POST", "/contracts/publish", b"{not json")
    assert status == 400
    assert b"JSON::ParserError" in body


def test_body_that_is_not_a_pact_is_400(broker: BrokerServer) -> None:
    status, _ = send(broker, "PUT", "/pacts/provider/Bar/consumer/Foo/version/1", b'{"hello": 1}')
    assert status == 400
    assert broker.get("/pacticipants")["_embedded"]["pacticipants"] == []


def test_wrong_content_type_is_415(broker: BrokerServer) -> None:
    status, _ = send(
        broker, "POST", "/contracts/publish", b"x=1", "application/x-www-form-urlencoded"
    )
    assert status == 415


def test_oversized_body_is_413(broker: BrokerServer) -> None:
    host, port = broker.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.putrequest("POST", "/contracts/publish")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(6 * 1024 * 1024))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    connection.close()


def test_unknown_pacticipant_and_pact_are_404(broker: BrokerServer) -> None:
    status, body = send(broker, "GET", "/pacticipants/Nobody", b"")
    assert status == 404
    assert b"No pacticipant with name 'Nobody' found" in body
    status, body = send(broker, "GET", "/pacts/provider/Bar/consumer/Nobody/latest", b"")
    assert status == 404
    assert b"The requested document was not found on this server." in body
