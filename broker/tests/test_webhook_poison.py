"""A webhook whose request can never be built or sent must never stop delivery (issue #9).

Requests that can never be sent are refused when the webhook is created; one that slips
through (stored before the check existed, or unsendable only once templated) is recorded as a
failed delivery with its reason, the deliveries behind it go ahead, and nothing is left stuck
in the queue across a restart.
"""

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from local_pact_broker.db import webhooks_repository
from local_pact_broker.db.storage import Database
from local_pact_broker.domain.webhook_policy import request_problems, sendable_url

from .api_seed import pact_document, publish
from .broker_live_server import BrokerServer, start_broker
from .webhook_receiver import Receiver, start_receiver, wait_until

CONSUMER = "Łódź-web"
PROVIDER = "Bar"
EVENTS = [{"name": "contract_published"}]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with start_receiver() as started:
        yield started


def _webhook(url: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "events": EVENTS,
        "request": {"method": "POST", "url": url, "headers": headers or {}, "body": {"a": 1}},
    }


UNSENDABLE: dict[str, tuple[dict[str, Any], str, str]] = {
    "port out of range": (_webhook("http://127.0.0.1:99999/hook"), "request.url", "port"),
    "port zero": (_webhook("http://127.0.0.1:0/hook"), "request.url", "port"),
    "non-ASCII host": (_webhook("http://lödź.localhost/hook"), "request.url", "ASCII"),
    # Refused whoever sees it first: the JSON body reader or the webhook validation.
    "lone surrogate in the path": (_webhook("http://127.0.0.1:1/\ud800"), "", "surrogate"),
    "CR/LF in a header value": (
        _webhook("http://127.0.0.1:1/hook", {"X-Evil": "a\r\nInjected: yes"}),
        "request.headers",
        "CR, LF",
    ),
    "non-latin-1 header value": (
        _webhook("http://127.0.0.1:1/hook", {"X-City": "Łódź"}),
        "request.headers",
        "ISO-8859-1",
    ),
    "bad header name": (
        _webhook("http://127.0.0.1:1/hook", {"Bad Name": "x"}),
        "request.headers",
        "header name",
    ),
}


@pytest.mark.parametrize(("webhook", "field", "reason"), UNSENDABLE.values(), ids=UNSENDABLE)
def test_unsendable_requests_are_refused_at_creation(
    tmp_path: Path, webhook: dict[str, Any], field: str, reason: str
) -> None:
    with (
        start_broker(tmp_path / "broker.sqlite3", webhook_http_to_loopback=True) as broker,
        httpx.Client(base_url=broker.url, timeout=10) as client,
    ):
        # Sent as ASCII JSON so a lone surrogate reaches the broker as "\ud800".
        content = json.dumps(webhook).encode()
        headers = {"Content-Type": "application/json"}
        response = client.post("/webhooks", content=content, headers=headers)
        assert response.status_code == 400, response.text
        if field:
            errors = response.json()["errors"]
            assert any(reason in message for message in errors[field]), errors
        else:
            assert reason in response.text, response.text
        put = client.put("/webhooks/poisoned-webhook-0001", content=content, headers=headers)
        assert put.status_code == 400, put.text
        assert client.get("/webhooks").json()["_links"]["pb:webhooks"] == []


def test_sendable_urls_are_percent_encoded_not_refused() -> None:
    assert request_problems("http://127.0.0.1:8080/ścieżka?q=a b", {"X-A": "café"}) == {}
    assert sendable_url("http://127.0.0.1:8080/ścieżka?q=a b#frag") == (
        "http://127.0.0.1:8080/%C5%9Bcie%C5%BCka?q=a%20b"
    )


def _store_poisoned_webhooks(database: Path, receiver_url: str) -> None:
    """Webhooks accepted before the creation check existed, written straight to SQLite."""
    poisoned = [
        _webhook("http://127.0.0.1:99999/hook"),
        _webhook(f"{receiver_url}/\ud800"),
        _webhook(f"{receiver_url}/hook", {"X-Evil": "a\r\nInjected: yes"}),
        _webhook(f"{receiver_url}/hook", {"X-City": "Łódź"}),
        # Valid as written; unsendable once the consumer name is substituted.
        _webhook(f"{receiver_url}/hook", {"X-Consumer": "${pactbroker.consumerName}"}),
    ]
    db = Database(database)
    with db.writing() as connection:
        for index, webhook in enumerate(poisoned):
            webhooks_repository.save_webhook(connection, f"poisoned-webhook-{index:04d}", webhook)


def _queue(database: Path) -> list[tuple[str, str, int]]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT webhook_uuid, status, attempts_made FROM triggered_webhooks ORDER BY id"
        ).fetchall()
    return [(str(u), str(s), int(a)) for u, s, a in rows]


def _settled(database: Path, expected: int) -> list[tuple[str, str, int]] | None:
    queue = _queue(database)
    done = [row for row in queue if row[1] in ("success", "failure")]
    return queue if len(queue) == expected and len(done) == expected else None


def _logs(broker: BrokerServer, webhook_uuid: str) -> str:
    deliveries = broker.get(f"/webhooks/{webhook_uuid}/triggered-webhooks")
    [delivery] = deliveries["_embedded"]["triggeredWebhooks"]
    with httpx.Client(timeout=10) as client:
        return client.get(delivery["_links"]["pb:logs"]["href"]).text


def test_poisoned_webhooks_fail_with_a_reason_and_never_block_the_queue(
    tmp_path: Path, receiver: Receiver
) -> None:
    database = tmp_path / "broker.sqlite3"
    pact = pact_document(CONSUMER, PROVIDER)
    with start_broker(
        database, webhook_retry_schedule="0.05 0.05", webhook_http_to_loopback=True
    ) as broker:
        _store_poisoned_webhooks(database, receiver.url)
        with httpx.Client(base_url=broker.url, timeout=10) as client:
            good = client.post("/webhooks", json=_webhook(f"{receiver.url}/good"))
            assert good.status_code == 201, good.text
            good_uuid = good.json()["uuid"]
            publish(client, CONSUMER, "1.0.0", pact)
        [received] = receiver.wait_for(1)
        assert received.path == "/good"
        queue = wait_until(lambda: _settled(database, 6), 10, "every delivery to settle")
        statuses = {uuid: (status, attempts) for uuid, status, attempts in queue}
        assert statuses.pop(good_uuid) == ("success", 1)
        # Each poisoned delivery failed once, for good (retrying cannot help), with a reason.
        assert set(statuses.values()) == {("failure", 1)}
        assert "port" in _logs(broker, "poisoned-webhook-0000")
        assert "cannot be sent" in _logs(broker, "poisoned-webhook-0001")
        crlf_log = _logs(broker, "poisoned-webhook-0002")
        assert "CR, LF" in crlf_log
        assert "\nInjected: yes" not in crlf_log  # the value cannot forge a log line
        assert "ISO-8859-1" in _logs(broker, "poisoned-webhook-0003")
        templated = _logs(broker, "poisoned-webhook-0004")
        assert "X-Consumer" in templated
        assert "ISO-8859-1" in templated

        with httpx.Client(base_url=broker.url, timeout=10) as client:
            executed = client.post("/webhooks/poisoned-webhook-0004/execute")
            assert executed.status_code == 200, executed.text
            assert executed.json()["success"] is False
            assert "ISO-8859-1" in executed.json()["error"]["message"]
            executed = client.post("/webhooks/poisoned-webhook-0000/execute")
            assert executed.status_code == 200, executed.text
            assert executed.json()["success"] is False

    # A restart finds nothing pending, and new deliveries still go out.
    with start_broker(
        database, webhook_retry_schedule="0.05 0.05", webhook_http_to_loopback=True
    ) as broker:
        with httpx.Client(base_url=broker.url, timeout=10) as client:
            publish(client, CONSUMER, "2.0.0", pact)
        receiver.wait_for(2)
        assert [r.path for r in receiver.requests] == ["/good", "/good"]
        queue = wait_until(lambda: _settled(database, 12), 10, "the second round to settle")
        assert all(status in ("success", "failure") for _, status, _ in queue)
        assert len(receiver.requests) == 2
