"""What the broker's fuzz run needs: its document, the checks, seeded data and the path hook.

The document is built from the app at collection time (schemathesis makes one test per
operation from it); the test then checks that the running broker serves exactly this document,
so what is fuzzed is what is served. Requests go to a real uvicorn server over a socket.

A fuzzer that only invents names gets ``404`` for every lookup and never reaches the code
behind it, so the broker is seeded with one of everything (a published pact, a verification,
an environment with a deployment and a release, a webhook) and about half of the generated
requests use those identifiers in their path instead of invented ones.
"""

import tempfile
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from local_pact_broker.app import create_app
from local_pact_broker.settings import Settings

from .api_seed import pact_document, publish_body

CHECKS: list[CheckFunction] = [
    not_a_server_error,  # no 5xx, whatever the request
    status_code_conformance,  # every status the broker answers is documented for the operation
    content_type_conformance,  # ... with a documented media type
    response_schema_conformance,  # ... and a body that matches the documented schema
    response_headers_conformance,  # ... and the documented headers
]

# Bounded and deterministic: the same cases on every run (derandomized, no example database).
# Per operation, 8 generated requests (valid ones and ones that break the documented schemas)
# plus the coverage phase's valid boundary cases: about 950 requests in all, about 10 s of CPU.
FUZZ_SETTINGS: dict[str, Any] = {
    "generation": {"max-examples": 8, "deterministic": True, "database": "none", "mode": "all"},
    "phases": {"coverage": {"generation": {"mode": "positive"}}, "stateful": {"enabled": False}},
}

CONSUMER = "fuzz-consumer"
PROVIDER = "fuzz-provider"
VERSION = "1.0.0"
BRANCH = "main"
TAG = "prod"
ENVIRONMENT_UUID = "fuzz-environment-0001"
WEBHOOK_UUID = "fuzz-webhook-00000001"


def broker_document() -> dict[str, Any]:
    """The OpenAPI document the broker's app serves (built over a scratch database)."""
    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(Settings(database=Path(scratch) / "spec.sqlite3"))
        document: dict[str, Any] = app.openapi()
    return document


def seed(base_url: str) -> dict[str, str]:
    """Create one of everything over HTTP; return the identifiers, by path parameter."""
    ids = {
        "consumer": CONSUMER,
        "provider": PROVIDER,
        "name": CONSUMER,
        "number": VERSION,
        "branch": BRANCH,
        "tag": TAG,
        "environment": ENVIRONMENT_UUID,
        "webhook_uuid": WEBHOOK_UUID,
    }
    with httpx.Client(base_url=base_url, timeout=10) as client:

        def send(method: str, path: str, body: object = None) -> dict[str, Any]:
            response = client.request(method, path, json=body)
            assert response.is_success, f"seeding {method} {path}: {response.text}"
            return dict(response.json()) if response.content else {}

        body = publish_body(CONSUMER, VERSION, pact_document(CONSUMER, PROVIDER), BRANCH)
        send("POST", "/contracts/publish", {**body, "tags": [TAG]})
        pact = send("GET", f"/pacts/provider/{PROVIDER}/consumer/{CONSUMER}/latest")
        ids["sha"] = pact["_links"]["pb:pact-version"]["name"]
        results_url = httpx.URL(pact["_links"]["pb:publish-verification-results"]["href"])
        ids["metadata"] = results_url.path.split("/metadata/")[1].split("/")[0]
        result = send(
            "POST",
            results_url.path,
            {
                "success": True,
                "providerApplicationVersion": "2.0.0",
                "providerVersionBranch": "main",
            },
        )
        ids["verification_id"] = result["_links"]["self"]["href"].rsplit("/", 1)[1]
        send("PUT", f"/environments/{ENVIRONMENT_UUID}", {"name": "fuzz-env"})
        version = f"/pacticipants/{CONSUMER}/versions/{VERSION}"
        deployed = send("POST", f"{version}/deployed-versions/environment/{ENVIRONMENT_UUID}", {})
        ids["deployed"] = deployed["uuid"]
        released = send("POST", f"{version}/released-versions/environment/{ENVIRONMENT_UUID}", {})
        ids["released"] = released["uuid"]
        send(
            "PUT",
            f"/webhooks/{WEBHOOK_UUID}",
            {
                "consumer": {"name": CONSUMER},
                "provider": {"name": PROVIDER},
                "events": [{"name": "contract_published"}],
                # Loopback port 9 (discard): nothing listens, so deliveries fail at once.
                "request": {"method": "POST", "url": "https://127.0.0.1:9/fuzz"},
            },
        )
    return ids


def _known_values(path: str, ids: dict[str, str]) -> dict[str, str]:
    """The seeded identifier for each path parameter of ``path``; ``uuid`` depends on the path."""
    values = dict(ids)
    if path.startswith("/deployed-versions/"):
        values["uuid"] = ids["deployed"]
    elif path.startswith("/released-versions/"):
        values["uuid"] = ids["released"]
    else:
        values["uuid"] = ids["environment"]
    return values


def use_seeded_ids(schema: schemathesis.BaseSchema, ids: dict[str, str]) -> None:
    """Make about half the generated path parameters the seeded identifiers (filled later)."""

    @schema.hook
    def flatmap_path_parameters(
        context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
    ) -> st.SearchStrategy[dict[str, Any] | None]:
        if not path_parameters or context.operation is None:
            return st.just(path_parameters)
        known = _known_values(context.operation.path, ids)
        seeded = {name: known.get(name, value) for name, value in path_parameters.items()}
        return st.sampled_from([path_parameters, seeded])
