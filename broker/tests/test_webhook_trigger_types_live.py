"""What a delivery says caused it, over HTTP from a real broker (uvicorn, SQLite on disk).

As the official broker (``TriggerService`` creates every triggered webhook with
``TRIGGER_TYPE_RESOURCE_CREATION``): ``triggerType`` is ``resource_creation`` and ``eventName``
the exact event. A pact's deliveries and a verification result's are told apart by the exact
event name: ``contract_requiring_verification_published`` holds the word "verification" but
comes from publishing the pact.
"""

from pathlib import Path

import httpx

from .api_seed import pact_document, publish
from .broker_live_server import start_broker
from .webhook_receiver import start_receiver, wait_until

EVENTS = ("contract_requiring_verification_published", "provider_verification_published")


def test_deliveries_say_the_official_trigger_type_and_their_exact_event(tmp_path: Path) -> None:
    with (
        start_receiver() as receiver,
        start_broker(tmp_path / "broker.sqlite3", webhook_http_to_loopback=True) as broker,
        httpx.Client(base_url=broker.url, timeout=10) as client,
    ):
        # Bar's main branch head (p1) has not verified Foo's pact: publishing it requires that.
        put = client.put("/pacticipants/Bar/branches/main/versions/p1", json={})
        assert put.status_code in (200, 201), put.text
        foo = client.post("/pacticipants", json={"name": "Foo"})
        assert foo.status_code == 201, foo.text
        for event in EVENTS:
            hook = {
                "events": [{"name": event}],
                "request": {"method": "POST", "url": f"{receiver.url}/{event}"},
            }
            created = client.post("/webhooks/provider/Bar/consumer/Foo", json=hook)
            assert created.status_code == 201, created.text
        publish(client, "Foo", "1.0.0", pact_document("Foo", "Bar"))
        pact = client.get("/pacts/provider/Bar/consumer/Foo/version/1.0.0").json()
        result = client.post(
            pact["_links"]["pb:publish-verification-results"]["href"],
            json={"success": True, "providerApplicationVersion": "p1"},
        )
        assert result.status_code == 201, result.text
        assert sorted(r.path for r in receiver.wait_for(2)) == [f"/{e}" for e in sorted(EVENTS)]

        def delivered() -> list[dict[str, str]] | None:
            status = client.get("/pacts/provider/Bar/consumer/Foo/webhooks/status").json()
            found: list[dict[str, str]] = status["_embedded"]["triggeredWebhooks"]
            return found if all(d["status"] == "success" for d in found) else None

        triggered = wait_until(delivered, 10, "both deliveries recorded as successful")
        by_pact = client.get(pact["_links"]["pb:triggered-webhooks"]["href"]).json()
        by_result = client.get(result.json()["_links"]["pb:triggered-webhooks"]["href"]).json()
    assert sorted((d["eventName"], d["triggerType"]) for d in triggered) == [
        (event, "resource_creation") for event in sorted(EVENTS)
    ]
    assert [d["eventName"] for d in by_pact["_embedded"]["triggeredWebhooks"]] == [EVENTS[0]]
    assert [d["eventName"] for d in by_result["_embedded"]["triggeredWebhooks"]] == [EVENTS[1]]
