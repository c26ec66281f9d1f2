"""What the broker holds at a glance: ``/integrations`` and ``/metrics`` (index links)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from local_pact_broker.api.dependencies import DatabaseDep
from local_pact_broker.api.hal import base_url, hal, link
from local_pact_broker.api.openapi_responses import ok
from local_pact_broker.db import metrics_repository as metrics
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.domain import urls
from local_pact_broker.domain.timestamps import display

router = APIRouter()


@router.get(urls.INTEGRATIONS.template, responses=ok("Collection"))
def integrations(request: Request, db: DatabaseDep) -> JSONResponse:
    """Every consumer-provider pair with a pact, by consumer then provider name."""
    base = base_url(request)
    with db.reading() as connection:
        latest = pacts.latest_publications(connection)
    items: list[dict[str, Any]] = []
    for row in latest:
        pair = {"provider": row.provider, "consumer": row.consumer}
        items.append(
            {
                "latestPactCreatedAt": display(row.created_at),
                "_embedded": {
                    role: {
                        "name": name,
                        "_links": {"self": {"href": urls.PACTICIPANT.url(base, name=name)}},
                    }
                    for role, name in (("consumer", row.consumer), ("provider", row.provider))
                },
                "_links": {
                    "pb:latest-pact": link(urls.LATEST_PACT.url(base, **pair), "Latest pact"),
                    "pb:matrix": link(urls.MATRIX_FOR_PACT.url(base, **pair), "Matrix"),
                },
            }
        )
    return hal(
        {
            "_embedded": {"integrations": items},
            "_links": {"self": link(urls.INTEGRATIONS.url(base), "Integrations")},
        }
    )


@router.get(urls.METRICS.template, responses=ok("Metrics"))
def broker_metrics(db: DatabaseDep) -> JSONResponse:
    """How many of each thing the broker holds, in the official ``/metrics`` keys."""
    with db.reading() as connection:
        found = metrics.counts(connection)
    return hal(
        {
            "pacticipants": {"count": found.pacticipants},
            "integrations": {"count": found.integrations},
            "pactPublications": {"count": found.pact_publications},
            "pactVersions": {"count": found.pact_versions},
            "pacticipantVersions": {"count": found.pacticipant_versions},
            "verificationResults": {"count": found.verification_results},
            "webhooks": {"count": found.webhooks},
            "triggeredWebhooks": {"count": found.triggered_webhooks},
            "environments": {"count": found.environments},
            "deployedVersions": {"count": found.deployed_versions},
            "releasedVersions": {"count": found.released_versions},
        }
    )
