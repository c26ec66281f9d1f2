"""Publishing verification results for a pact content, with or without the metadata segment."""

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from local_pact_broker.api.dependencies import DatabaseDep, EventBusDep, JsonBodyDep
from local_pact_broker.api.errors import not_found
from local_pact_broker.api.hal import base_url, hal, link
from local_pact_broker.api.openapi_responses import (
    BODY_REFUSED,
    INVALID,
    NOT_FOUND,
    created,
    json_body,
    ok,
)
from local_pact_broker.api.representations import pact_title
from local_pact_broker.api.request_body import json_object
from local_pact_broker.db import verifications_repository as verifications
from local_pact_broker.db.storage import Database
from local_pact_broker.domain import urls
from local_pact_broker.domain.pact_metadata import encode_metadata
from local_pact_broker.domain.timestamps import display
from local_pact_broker.services.events import EventBus
from local_pact_broker.services.verification_results import (
    VerificationToPublish,
    publish_verification,
)

router = APIRouter()


def _publish(
    request: Request,
    db: Database,
    bus: EventBus,
    provider: str,
    consumer: str,
    sha: str,
    body: object,
) -> JSONResponse:
    data = json_object(body)
    base = base_url(request)
    stored = publish_verification(
        db, bus, VerificationToPublish(provider, consumer, sha, data), base
    )
    title = pact_title(consumer, stored.consumer_version, provider)
    optional = ("buildUrl", "testResults", "verifiedBy")
    response: dict[str, Any] = {key: data[key] for key in optional if key in data}
    metadata = encode_metadata([("cvn", stored.consumer_version)])
    pact = {"provider": provider, "consumer": consumer, "sha": sha}
    response.update(
        {
            "providerName": provider,
            "providerApplicationVersion": data["providerApplicationVersion"],
            "success": data["success"],
            "verificationDate": display(stored.created_at),
            "_links": {
                "self": link(
                    stored.url,
                    "Verification result",
                    f"Verification result {stored.id} for {title}",
                ),
                "pb:pact-version": link(
                    urls.PACT_VERSION_WITH_METADATA.url(base, metadata=metadata, **pact),
                    "Pact",
                    title,
                ),
                "pb:triggered-webhooks": link(
                    urls.VERIFICATION_RESULT_TRIGGERED_WEBHOOKS.url(
                        base, verification_id=str(stored.id), **pact
                    ),
                    "Webhooks triggered by the publication of this verification result",
                ),
            },
        }
    )
    return hal(response, 201)


@router.post(
    urls.VERIFICATION_RESULTS.template,
    status_code=201,
    responses={**created("VerificationResult"), **BODY_REFUSED, **NOT_FOUND},
    openapi_extra=json_body("VerificationResultRequest"),
)
def publish_results(
    provider: str,
    consumer: str,
    sha: str,
    request: Request,
    body: JsonBodyDep,
    db: DatabaseDep,
    bus: EventBusDep,
) -> JSONResponse:
    """Store the result of verifying a pact content."""
    return _publish(request, db, bus, provider, consumer, sha, body)


@router.post(
    urls.VERIFICATION_RESULTS_WITH_METADATA.template,
    status_code=201,
    responses={**created("VerificationResult"), **BODY_REFUSED, **NOT_FOUND},
    openapi_extra=json_body("VerificationResultRequest"),
)
def publish_results_with_metadata(
    provider: str,
    consumer: str,
    sha: str,
    metadata: str,
    request: Request,
    body: JsonBodyDep,
    db: DatabaseDep,
    bus: EventBusDep,
) -> JSONResponse:
    """Store the result of verifying a pact fetched through ``for-verification``."""
    return _publish(request, db, bus, provider, consumer, sha, body)


@router.get(
    urls.VERIFICATION_RESULT.template,
    responses={**ok("VerificationResult"), **INVALID, **NOT_FOUND},
)
def get_result(
    provider: str,
    consumer: str,
    sha: str,
    verification_id: int,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """One stored verification result, with its per-interaction test results."""
    with db.reading() as connection:
        found = verifications.find_verification(connection, verification_id)
    if found is None or found.sha != sha or found.provider != provider:
        raise not_found()
    body = json.loads(found.body)
    url = urls.VERIFICATION_RESULT.url(
        base_url(request),
        provider=provider,
        consumer=consumer,
        sha=sha,
        verification_id=str(verification_id),
    )
    body.update(
        {
            "providerName": provider,
            "verificationDate": display(found.created_at),
            "_links": {"self": link(url, "Verification result")},
        }
    )
    return hal(body)
