"""The official ``pact broker`` CLI's ``get-pacts``, ``delete-branch`` and
``record-support-ended`` against the local broker, compared with the official broker 2.119
transcript (``/work/shared/official-cli-transcript``, steps S026-S028, S132/S133, S137-S139).
"""

import httpx

from .api_seed import pact_document, publish_body
from .broker_live_server import BrokerServer
from .broker_pact_cli import pact_broker
from .test_cli_parity_issue9 import CONSUMER, PROVIDER, normalised, ok, table_rows

WEB_APP = "web-app"


def _publish(client: httpx.Client, consumer: str, version: str, branch: str) -> None:
    pact = pact_document(consumer, PROVIDER, f"get user for {consumer} {version}")
    response = client.post(
        "/contracts/publish", json=publish_body(consumer, version, pact, branch=branch)
    )
    assert response.status_code == 200, response.text


def _seed(broker: BrokerServer) -> None:
    """c1 (main) and c2 (feat/x) of notification-service, w1 (main) of web-app."""
    for name in (PROVIDER, CONSUMER, WEB_APP):
        ok(
            pact_broker(
                broker, "create-or-update-pacticipant", "--name", name, "--main-branch", "main"
            )
        )
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        _publish(client, CONSUMER, "c1", "main")
        _publish(client, CONSUMER, "c2", "feat/x")
        _publish(client, WEB_APP, "w1", "main")


def _run(broker: BrokerServer, *args: str) -> tuple[int, str]:
    result = pact_broker(broker, *args)
    return result.returncode, normalised(broker, result, {})


# --- get-pacts (S026-S028) ---------------------------------------------------------------------


def test_get_pacts_of_unknown_provider_is_404(broker: BrokerServer) -> None:
    code, text = _run(broker, "get-pacts", "--provider", "ghost")  # S026
    assert code == 1
    assert text == (
        "❌ Request to pact broker path '/pacts/provider/ghost/branch' failed: 404 Not Found."
        " URL: '<BASE>'"
    )


def test_get_pacts_by_consumer_branch(broker: BrokerServer) -> None:
    _seed(broker)
    code, text = _run(broker, "get-pacts", "--provider", PROVIDER, "--branch", "main")  # S027
    assert code == 0, text
    assert table_rows(text) == [
        "│ CONSUMER ┆ TITLE ┆ LINK │",
        '│ "notification-service" ┆ "Pact between notification-service (c1) and user-service" ┆'
        ' "<BASE>/pacts/provider/user-service/consumer/notification-service/version/c1" │',
        '│ "web-app" ┆ "Pact between web-app (w1) and user-service" ┆'
        ' "<BASE>/pacts/provider/user-service/consumer/web-app/version/w1" │',
    ]
    code, text = _run(broker, "get-pacts", "--provider", PROVIDER, "--branch", "feat/x")  # S028
    assert code == 0, text
    assert table_rows(text) == [
        "│ CONSUMER ┆ TITLE ┆ LINK │",
        '│ "notification-service" ┆ "Pact between notification-service (c2) and user-service" ┆'
        ' "<BASE>/pacts/provider/user-service/consumer/notification-service/version/c2" │',
    ]
    # Without --branch: each consumer's main branch.
    code, main_text = _run(broker, "get-pacts", "--provider", PROVIDER)
    assert code == 0, main_text
    main_rows = table_rows(main_text)
    assert [row.split(" ┆ ")[0] for row in main_rows[1:]] == [
        '│ "notification-service"',
        '│ "web-app"',
    ]
    assert "(c1)" in main_rows[1]


def test_provider_pacts_for_branch_hal_shape(broker: BrokerServer) -> None:
    _seed(broker)
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        answer = client.get(f"/pacts/provider/{PROVIDER}/branch/feat%2Fx")
        assert answer.status_code == 200, answer.text
        links = answer.json()["_links"]
        assert links["pb:provider"] == {
            "href": f"{broker.url}/pacticipants/{PROVIDER}",
            "name": PROVIDER,
        }
        assert links["pb:pacts"] == [
            {
                "href": f"{broker.url}/pacts/provider/{PROVIDER}/consumer/{CONSUMER}/version/c2",
                "title": f"Pact between {CONSUMER} (c2) and {PROVIDER}",
                "name": CONSUMER,
            }
        ]
        assert (
            client.get(f"/pacts/provider/{PROVIDER}/branch/nope").json()["_links"]["pb:pacts"] == []
        )


# --- delete-branch (S137-S139) ------------------------------------------------------------------


def test_delete_branch_removes_the_branch_but_not_its_versions(broker: BrokerServer) -> None:
    _seed(broker)
    args = ("delete-branch", "-a", CONSUMER, "--branch", "feat/x")
    assert _run(broker, *args) == (  # S137
        0,
        "Successfully deleted branch 'feat/x' of pacticipant 'notification-service'",
    )
    assert _run(broker, *args, "--error-when-not-found", "true") == (  # S138
        1,
        "❌ Could not delete branch 'feat/x' of pacticipant 'notification-service' as it was"
        " not found",
    )
    assert _run(broker, "delete-branch", "-a", CONSUMER, "--branch", "nope") == (  # S139
        0,
        "Could not delete branch 'nope' of pacticipant 'notification-service' as it was not found",
    )
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        assert client.get(f"/pacticipants/{CONSUMER}/branches/feat%2Fx").status_code == 404
        assert client.get(f"/pacticipants/{CONSUMER}/branches/main").status_code == 200
        assert client.get(f"/pacticipants/{CONSUMER}/versions/c2").status_code == 200
        listed = client.get(f"/pacticipants/{CONSUMER}/branches/feat%2Fx/versions")
        assert listed.json()["_embedded"]["versions"] == []
        pacts = client.get(f"/pacts/provider/{PROVIDER}/branch/feat%2Fx")
        assert pacts.json()["_links"]["pb:pacts"] == []
        missing = client.delete(f"/pacticipants/{CONSUMER}/branches/feat%2Fx")
        assert missing.status_code == 404
    described = ok(
        pact_broker(broker, "describe-version", "-a", CONSUMER, "-e", "c2", "-o", "json")
    )
    assert '"branchVersions": []' in described.stdout or "feat/x" not in described.stdout


# --- record-support-ended (S132/S133) -----------------------------------------------------------


def test_record_support_ended(broker: BrokerServer) -> None:
    _seed(broker)
    ok(pact_broker(broker, "create-environment", "--name", "production", "--production"))
    ok(
        pact_broker(
            broker, "record-release", "-a", WEB_APP, "-e", "w1", "--environment", "production"
        )
    )
    ok(
        pact_broker(
            broker, "record-release", "-a", CONSUMER, "-e", "c1", "--environment", "production"
        )
    )
    args = ("record-support-ended", "-a", CONSUMER, "-e", "c1", "--environment", "production")
    assert _run(broker, *args) == (  # S132
        0,
        "✅ ♻️ Recorded support ended for application notification-service, version c1 from"
        " production environment",
    )
    message = (
        "❌ No currently released versions found for notification-service in production environment"
    )
    assert _run(broker, *args) == (1, f"{message}\n❌ {message}")  # S133
    _, text = _run(
        broker,
        "describe-version",
        "-a",
        CONSUMER,
        "-e",
        "c1",
        "--environment",
        "production",
        "--released",
    )
    assert "c1" not in "\n".join(table_rows(text)[1:]), text
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        envs = client.get("/environments").json()["_embedded"]["environments"]
        env_uuid = envs[0]["uuid"]
        supported = client.get(
            f"/environments/{env_uuid}/released-versions/currently-supported"
        ).json()["_embedded"]["releasedVersions"]
        assert [r["_embedded"]["pacticipant"]["name"] for r in supported] == [WEB_APP]
        release = client.get(supported[0]["_links"]["self"]["href"])
        assert release.status_code == 200
        assert release.json()["currentlySupported"] is True
        assert client.patch("/released-versions/nope", json={}).status_code == 404
    # Releasing again makes it supported again.
    ok(
        pact_broker(
            broker, "record-release", "-a", CONSUMER, "-e", "c1", "--environment", "production"
        )
    )
    assert _run(broker, *args)[0] == 0
