"""`create-webhook` against the local broker: it works, it is idempotent, and a refusal explains.

The local broker sends webhooks only to loopback hosts by default: a build server on this
machine gets the dispatch for real; GitHub's API is refused, in one line that says why and
what to do, without the official message's link to /doc/webhooks (a page the local broker
does not serve) and without the token.
"""

import json
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from local_pact_broker.background import running_broker

from .release_project import ReleaseProject
from .sample_project import CONSUMER, PROVIDER

TOKEN = "ghp_test_dispatch_token_81d0"  # noqa: S105 - a test value that must never be printed
DELIVERY_DEADLINE_SECONDS = 30


@dataclass(frozen=True)
class Delivery:
    path: str
    headers: dict[str, str]
    body: dict[str, object]


@pytest.fixture
def build_server() -> Iterator[tuple[str, "queue.Queue[Delivery]"]]:
    """A build server on loopback that records every POST it gets and answers 204."""
    received: queue.Queue[Delivery] = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            received.put(Delivery(self.path, dict(self.headers.items()), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def broker_url(tmp_path: Path) -> Iterator[str]:
    # The build server here speaks plain http; the broker allows that to loopback only on request.
    settings = {"PACT_BROKER_WEBHOOK_HTTP_TO_LOOPBACK": "true"}
    with running_broker(tmp_path / "broker.sqlite3", tmp_path / "broker.log", settings) as url:
        yield url


def test_a_build_server_on_this_machine_gets_the_dispatch_for_a_changed_pact(
    release_project: ReleaseProject,
    broker_url: str,
    build_server: tuple[str, "queue.Queue[Delivery]"],
) -> None:
    server_url, received = build_server
    on = {"PACT_BROKER_BASE_URL": broker_url}
    hook = {**on, "PACT_WEBHOOK_URL": f"{server_url}/dispatches", "GITHUB_DISPATCH_TOKEN": TOKEN}
    for step, env in ((("publish",), on), (("verify",), {**on, "CI": "true"})):
        done = release_project.run(*step, env=env)
        assert done.exit_code == 0, done.said

    first = release_project.run("create-webhook", env=hook)
    again = release_project.run("create-webhook", env=hook)

    for outcome in (first, again):
        assert outcome.exit_code == 0, outcome.said
        assert TOKEN not in outcome.stdout + outcome.stderr, "the dispatch token was printed"
    link = first.stdout.splitlines()[-1].rsplit(" ", 1)[-1]
    assert link.startswith(f"{broker_url}/webhooks/"), first.said
    assert httpx.get(link).status_code == 200, f"the printed link {link} leads nowhere"
    webhooks = httpx.get(f"{broker_url}/webhooks").json()["_links"]["pb:webhooks"]
    assert len(webhooks) == 1, "creating the webhook twice made two"

    pact = release_project.pacts / f"{CONSUMER}-{PROVIDER}.json"
    document = json.loads(pact.read_text(encoding="utf-8"))
    document["interactions"][0]["description"] = "a request for thing 1, as web-2 asks"
    pact.write_text(json.dumps(document), encoding="utf-8")
    changed = release_project.run("publish", env={**on, "PACT_CONSUMER_VERSION": "web-2"})
    assert changed.exit_code == 0, changed.said

    delivery = received.get(timeout=DELIVERY_DEADLINE_SECONDS)
    assert delivery.path == "/dispatches"
    assert delivery.headers["Authorization"] == f"Bearer {TOKEN}"
    assert delivery.body["event_type"] == "contract_requiring_verification_published"
    payload = delivery.body["client_payload"]
    assert isinstance(payload, dict), delivery.body
    assert str(payload["pact_url"]).startswith(f"{broker_url}/pacts/provider/{PROVIDER}/")
    assert payload["sha"] == "things-1", "the provider version to verify is not the one on main"


def test_githubs_api_is_refused_by_the_local_broker_in_one_line_that_explains(
    release_project: ReleaseProject, broker_url: str
) -> None:
    on = {"PACT_BROKER_BASE_URL": broker_url}
    assert release_project.run("publish", env=on).exit_code == 0

    outcome = release_project.run(
        "create-webhook",
        env={**on, "GITHUB_REPOSITORY": "shop/things", "GITHUB_DISPATCH_TOKEN": TOKEN},
    )

    assert outcome.exit_code == 2
    assert outcome.one_error_line() == (
        f"error: could not create the webhook: the Pact Broker at {broker_url} sends webhooks "
        "only to the hosts on its whitelist (127.0.0.1, ::1, localhost), not to api.github.com; "
        "GitHub's runners could not fetch pacts from a broker on this machine anyway: create "
        "this webhook on your team's shared broker, or point PACT_WEBHOOK_URL at a build server "
        "on this machine"
    )
    assert "/doc/" not in outcome.stdout + outcome.stderr, "a link to a page the broker lacks"
    assert TOKEN not in outcome.stdout + outcome.stderr
