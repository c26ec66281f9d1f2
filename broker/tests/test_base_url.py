"""``PACT_BROKER_BASE_URL``: every link and webhook ``pactUrl`` uses it, whatever the request's
``Host`` or ``X-Forwarded-*`` headers claim."""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from local_pact_broker.settings import Settings

from .api_seed import pact_document, publish_body
from .broker_live_server import start_broker
from .webhook_receiver import start_receiver

BASE = "https://broker.example.org/pact"
FORGED = {
    "Host": "evil.example",
    "X-Forwarded-Host": "forged.example",
    "X-Forwarded-Proto": "http",
    "X-Forwarded-Port": "8443",
    "Forwarded": "host=forged2.example;proto=http",
}


def _hrefs(value: Any) -> list[str]:
    if isinstance(value, dict):
        own = [value["href"]] if isinstance(value.get("href"), str) else []
        return own + [h for v in value.values() for h in _hrefs(v)]
    if isinstance(value, list):
        return [h for v in value for h in _hrefs(v)]
    return []


def test_links_and_pact_urls_use_the_configured_base_url(tmp_path: Path) -> None:
    with (
        start_receiver() as receiver,
        start_broker(
            tmp_path / "broker.sqlite3", base_url=BASE + "/", webhook_http_to_loopback=True
        ) as broker,
        httpx.Client(base_url=broker.url, timeout=10, headers=FORGED) as client,
    ):
        webhook = {
            "events": [{"name": "contract_published"}],
            "request": {
                "method": "POST",
                "url": f"{receiver.url}/hook",
                "body": {"pactUrl": "${pactbroker.pactUrl}"},
            },
        }
        created = client.post("/webhooks", json=webhook)
        assert created.status_code == 201, created.text
        assert created.headers["location"].startswith(f"{BASE}/webhooks/")
        published = client.post(
            "/contracts/publish", json=publish_body("Foo", "1.0.0", pact_document("Foo", "Bar"))
        )
        assert published.status_code == 200, published.text
        [received] = receiver.wait_for(1)
        assert json.loads(received.body)["pactUrl"].startswith(
            f"{BASE}/pacts/provider/Bar/consumer/Foo/pact-version/"
        )
        responses = [
            published,
            created,
            client.get("/"),
            client.get("/webhooks"),
            client.get("/pacticipants/Foo"),
            client.get("/pacts/provider/Bar/consumer/Foo/latest"),
            client.get("/pacts/provider/Bar/consumer/Foo/webhooks/status"),
            client.get("/diagnostic/status/heartbeat"),
        ]
        for response in responses:
            assert response.status_code in (200, 201), response.text
            hrefs = _hrefs(response.json())
            assert hrefs, response.url
            for href in hrefs:
                assert href.startswith(BASE + "/") or href == BASE, (response.url, href)
            assert "evil.example" not in response.text
            assert "forged" not in response.text


def test_webhook_urls_keep_a_base_url_whose_path_holds_pacts(tmp_path: Path) -> None:
    """A base URL with ``/pacts/`` in its path (a proxy prefix) is kept whole in ``pactUrl`` and
    ``verificationResultUrl``: the event carries the base, nothing splits a URL to find it."""
    base = "https://proxy.example/pacts/broker"
    with (
        start_receiver() as receiver,
        start_broker(
            tmp_path / "broker.sqlite3", base_url=base, webhook_http_to_loopback=True
        ) as broker,
        httpx.Client(base_url=broker.url, timeout=10) as client,
    ):
        body = {
            "pactUrl": "${pactbroker.pactUrl}",
            "resultUrl": "${pactbroker.verificationResultUrl}",
        }
        for event in ("contract_published", "provider_verification_published"):
            webhook = {
                "events": [{"name": event}],
                "request": {"method": "POST", "url": f"{receiver.url}/{event}", "body": body},
            }
            created = client.post("/webhooks", json=webhook)
            assert created.status_code == 201, created.text
        published = client.post(
            "/contracts/publish", json=publish_body("Foo", "1.0.0", pact_document("Foo", "Bar"))
        )
        assert published.status_code == 200, published.text
        pact = client.get("/pacts/provider/Bar/consumer/Foo/latest").json()
        results = pact["_links"]["pb:publish-verification-results"]["href"]
        assert results.startswith(base + "/pacts/provider/Bar/"), results
        verified = client.post(
            results.removeprefix(base), json={"success": True, "providerApplicationVersion": "p1"}
        )
        assert verified.status_code == 201, verified.text
        sent = {r.path: json.loads(r.body) for r in receiver.wait_for(2)}
    pact_url = f"{base}/pacts/provider/Bar/consumer/Foo/pact-version/"
    assert sent["/contract_published"]["pactUrl"].startswith(pact_url), sent
    verification = sent["/provider_verification_published"]
    assert verification["pactUrl"].startswith(pact_url), sent
    assert verification["resultUrl"] == verified.json()["_links"]["self"]["href"], sent
    assert verification["resultUrl"].startswith(f"{pact_url}"), sent


def test_without_a_base_url_links_follow_the_host_the_client_used(tmp_path: Path) -> None:
    with (
        start_broker(tmp_path / "broker.sqlite3") as broker,
        httpx.Client(base_url=broker.url, timeout=10) as client,
    ):
        index = client.get("/", headers={"Host": "broker.internal:9999"}).json()
        assert index["_links"]["self"]["href"] == "http://broker.internal:9999"


@pytest.mark.parametrize("value", ["broker.example.org", "ftp://broker.example.org", "https://"])
def test_a_base_url_that_is_not_an_absolute_http_url_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="base_url"):
        Settings(base_url=value)


def test_an_empty_base_url_means_unset() -> None:
    assert Settings(base_url="").base_url is None
    assert Settings(base_url="https://b.example/x/").base_url == "https://b.example/x"
