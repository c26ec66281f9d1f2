"""Webhooks end to end: created with the official CLI, triggered by publishing, delivered to a
real HTTP receiver on loopback, retried, logged with secrets redacted, refused off the list."""

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .broker_live_server import BrokerServer, start_broker
from .broker_pact_cli import pact_broker
from .webhook_receiver import Receiver, start_receiver, wait_until

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "s3cr3t-webhook-token"  # noqa: S105 - test credential
BODY = json.dumps(
    {
        "pactUrl": "${pactbroker.pactUrl}",
        "consumer": "${pactbroker.consumerName}",
        "consumerVersion": "${pactbroker.consumerVersionNumber}",
        "consumerBranch": "${pactbroker.consumerVersionBranch}",
        "provider": "${pactbroker.providerName}",
        "providerVersion": "${pactbroker.providerVersionNumber}",
        "providerBranch": "${pactbroker.providerVersionBranch}",
        "event": "${pactbroker.eventName}",
        "status": "${pactbroker.githubVerificationStatus}",
    }
)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[BrokerServer]:
    with start_broker(
        tmp_path / "broker.sqlite3",
        webhook_retry_schedule="0.05 0.05",
        webhook_http_to_loopback=True,
        # Configured explicitly, so responses are shown in logs and results (as the official).
        webhook_host_whitelist="127.0.0.1 ::1 localhost",
    ) as server:
        yield server


def publish(broker: BrokerServer, version: str) -> None:
    result = pact_broker(
        broker, "publish", str(FIXTURES), "--consumer-app-version", version, "--branch", "main"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def call(broker: BrokerServer, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback broker
        broker.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            raw = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read().decode(), error.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw


def create_webhook(broker: BrokerServer, receiver: Receiver, *events: str) -> str:
    """Create a webhook with the official CLI and return its uuid."""
    result = pact_broker(
        broker,
        "create-webhook",
        f"{receiver.url}/hook",
        "--request",
        "POST",
        "--header",
        "Content-Type: application/json",
        f"Authorization: Bearer {SECRET}",
        "--data",
        BODY,
        *events,
        "--provider",
        "Bar",
        "--consumer",
        "Foo",
        "--description",
        "trigger provider build",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    listed = broker.get("/webhooks")["_links"]["pb:webhooks"]
    return str(listed[-1]["href"].rsplit("/", 1)[1])


def deliveries(broker: BrokerServer, uuid: str) -> list[dict[str, Any]]:
    status = broker.get(f"/webhooks/{uuid}/triggered-webhooks")
    return list(status["_embedded"]["triggeredWebhooks"])


def test_contract_requiring_verification_is_delivered_rendered(broker: BrokerServer) -> None:
    publish(broker, "1.0.0")
    version = pact_broker(
        broker,
        "create-or-update-version",
        "--pacticipant",
        "Bar",
        "--version",
        "p-1",
        "--branch",
        "main",
    )
    assert version.returncode == 0, version.stdout + version.stderr
    with start_receiver() as receiver:
        uuid = create_webhook(broker, receiver, "--contract-requiring-verification-published")
        shown = broker.get(f"/webhooks/{uuid}")
        assert shown["request"]["headers"]["authorization"] == "**********"
        assert shown["events"] == [{"name": "contract_requiring_verification_published"}]
        assert shown["_links"]["pb:pact-webhooks"]["href"].endswith(
            "/webhooks/provider/Bar/consumer/Foo"
        )
        assert broker.get("/")["_links"]["pb:webhooks"]["href"] == f"{broker.url}/webhooks"

        publish(broker, "2.0.0")
        [received] = receiver.wait_for(1)
        assert received.path == "/hook"
        assert received.headers["authorization"] == f"Bearer {SECRET}"
        body = json.loads(received.body)
        assert body["pactUrl"].startswith(
            f"{broker.url}/pacts/provider/Bar/consumer/Foo/pact-version/"
        )
        assert body == {
            **body,
            "consumer": "Foo",
            "consumerVersion": "2.0.0",
            "consumerBranch": "main",
            "provider": "Bar",
            "providerVersion": "p-1",
            "providerBranch": "main",
            "event": "contract_requiring_verification_published",
            "status": "pending",
        }
        with urllib.request.urlopen(body["pactUrl"], timeout=10) as response:  # noqa: S310
            assert json.load(response)["consumer"]["name"] == "Foo"

        [delivery] = wait_until(
            lambda: [d for d in deliveries(broker, uuid) if d["status"] == "success"] or None,
            10,
            "a successful delivery",
        )
        assert delivery["attemptsMade"] == 1
        status = broker.get("/pacts/provider/Bar/consumer/Foo/webhooks/status")
        assert status["summary"]["successful"] == 1
        with urllib.request.urlopen(delivery["_links"]["pb:logs"]["href"], timeout=10) as r:  # noqa: S310
            logs = r.read().decode()
        assert "HTTP/1.1 200" in logs
        assert SECRET not in logs

        executed_status, executed = call(broker, "POST", f"/webhooks/{uuid}/execute")
        assert executed_status == 200
        assert executed["success"] is True
        assert executed["response"]["status"] == 200
        assert executed["request"]["headers"]["authorization"] == "**********"
        assert SECRET not in json.dumps(executed)
        assert len(receiver.wait_for(2)) == 2


def test_failing_receiver_is_retried_on_schedule_then_given_up(broker: BrokerServer) -> None:
    publish(broker, "1.0.0")
    with start_receiver(status=500) as receiver:
        uuid = create_webhook(broker, receiver, "--contract-published")
        publish(broker, "2.0.0")
        receiver.wait_for(3)
        [delivery] = wait_until(
            lambda: [d for d in deliveries(broker, uuid) if d["status"] == "failure"] or None,
            10,
            "the delivery to fail for good",
        )
        assert delivery["attemptsMade"] == 3
        assert delivery["attemptsRemaining"] == 0
        assert len(receiver.requests) == 3
        with urllib.request.urlopen(delivery["_links"]["pb:logs"]["href"], timeout=10) as r:  # noqa: S310
            logs = r.read().decode()
        assert logs.count("HTTP/1.1 500") == 3
        assert "Attempt 1 failed; retrying in 0.05 seconds" in logs
        assert "Attempt 3 failed; giving up" in logs
        assert SECRET not in logs
        status = broker.get("/pacts/provider/Bar/consumer/Foo/webhooks/status")
        assert status["summary"]["failed"] == 1
        assert status["_links"]["pb:error-logs"]


def test_webhook_crud_and_refusals(broker: BrokerServer) -> None:
    publish(broker, "1.0.0")
    refused = pact_broker(
        broker,
        "create-webhook",
        "http://10.1.2.3/hook",
        "--request",
        "POST",
        "--contract-published",
        "--provider",
        "Bar",
        "--consumer",
        "Foo",
    )
    assert refused.returncode != 0
    request = {"method": "POST", "url": "http://10.1.2.3/hook"}
    hook = {"events": [{"name": "contract_published"}], "request": request}
    status, body = call(broker, "POST", "/webhooks", hook)
    assert status == 400
    assert body["errors"]["request.url"][0].startswith("host must be in the whitelist")
    status, body = call(
        broker,
        "POST",
        "/webhooks",
        {**hook, "request": {**request, "method": "GET", "url": "http://127.0.0.1:9/x"}},
    )
    assert status == 400
    assert "request.method" in body["errors"]
    status, _ = call(broker, "POST", "/webhooks/provider/Nope/consumer/Foo", hook)
    assert status == 404
    assert broker.get("/webhooks")["_links"]["pb:webhooks"] == []

    good = {
        **hook,
        "request": {
            "method": "POST",
            "url": "http://localhost:9/x",
            "username": "ci",
            "password": "ci-password",
        },
        "provider": {"name": "Bar"},
    }
    status, created = call(broker, "PUT", "/webhooks/0123456789abcdefXYZ", good)
    assert status == 201
    assert created["request"]["password"] == "**********"  # noqa: S105
    assert "consumer" not in created
    status, updated = call(
        broker, "PUT", "/webhooks/0123456789abcdefXYZ", {**good, "description": "renamed"}
    )
    assert (status, updated["description"]) == (200, "renamed")
    status, _ = call(broker, "DELETE", "/webhooks/0123456789abcdefXYZ")
    assert status == 204
    status, _ = call(broker, "GET", "/webhooks/0123456789abcdefXYZ")
    assert status == 404


def test_http_scheme_refused_by_default_with_the_official_message(tmp_path: Path) -> None:
    with start_broker(tmp_path / "b.sqlite3") as broker:
        hook = {
            "events": [{"name": "contract_requiring_verification_published"}],
            "request": {"method": "POST", "url": "http://127.0.0.1:9/hook"},
        }
        status, body = call(broker, "POST", "/webhooks", hook)
    assert status == 400
    assert body == {
        "errors": {
            "request.url": [
                "scheme must be https. See /doc/webhooks#whitelist for more information."
            ]
        }
    }


def test_responses_are_hidden_unless_the_host_whitelist_is_configured(tmp_path: Path) -> None:
    """As the official broker (transcript S154): without a configured whitelist the execute
    result and the logs carry the security notice instead of the target's answer."""
    with (
        start_broker(tmp_path / "b.sqlite3", webhook_http_to_loopback=True) as broker,
        start_receiver(status=500) as receiver,
    ):
        publish(broker, "1.0.0")
        uuid = create_webhook(broker, receiver, "--contract-published")
        status, executed = call(broker, "POST", f"/webhooks/{uuid}/execute")
        assert len(receiver.wait_for(1)) >= 1
    assert status == 200
    assert executed["success"] is False
    assert "response" not in executed
    assert "error" not in executed
    assert executed["message"].startswith("For security purposes, the response details are not")
    assert "HTTP/1.1 500" not in executed["logs"]
    assert "DEBUG: Webhook context" in executed["logs"]
    assert executed["logs"].rstrip().endswith("INFO: Webhook execution failed")
    assert executed["request"]["url"] == "/hook"
    assert executed["request"]["headers"]["user-agent"] == "Pact Broker v2.119.0"
    assert SECRET not in json.dumps(executed)
