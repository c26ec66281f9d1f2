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
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.db import verifications_repository as verifications
from local_pact_broker.db.records import VerificationRecord
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


def _result_body(base: str, found: VerificationRecord, self_url: str) -> dict[str, Any]:
    """A stored verification result as published, with its name, date and links."""
    pact = {"provider": found.provider, "consumer": found.consumer, "sha": found.sha}
    body: dict[str, Any] = json.loads(found.body)
    body.update(
        {
            "providerName": found.provider,
            "verificationDate": display(found.created_at),
            "_links": {
                "self": link(self_url, "Verification result"),
                "pb:pact-version": link(urls.PACT_VERSION.url(base, **pact), "Pact"),
                "pb:triggered-webhooks": link(
                    urls.VERIFICATION_RESULT_TRIGGERED_WEBHOOKS.url(
                        base, verification_id=str(found.id), **pact
                    ),
                    "Webhooks triggered by the publication of this verification result",
                ),
            },
        }
    )
    return body


def _result(
    request: Request,
    db: Database,
    pact: dict[str, str],
    verification_id: int,
    metadata: str | None = None,
) -> JSONResponse:
    with db.reading() as connection:
        found = verifications.find_verification(connection, verification_id)
    if found is None or found.sha != pact["sha"] or found.provider != pact["provider"]:
        raise not_found()
    base = base_url(request)
    where = {**pact, "verification_id": str(verification_id)}
    url = (
        urls.VERIFICATION_RESULT.url(base, **where)
        if metadata is None
        else urls.VERIFICATION_RESULT_WITH_METADATA.url(base, metadata=metadata, **where)
    )
    return hal(_result_body(base, found, url))


# Before the result by id: ``latest`` would otherwise be read as an id.
@router.get(
    urls.LATEST_VERIFICATION_RESULTS.template,
    responses={**ok("VerificationResult"), **NOT_FOUND},
)
def latest_result(
    provider: str, consumer: str, sha: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """The newest verification result of a pact content (404 when it has none)."""
    with db.reading() as connection:
        pact_version = pacts.pact_version_id(connection, provider, consumer, sha)
        found = (
            None
            if pact_version is None
            else verifications.latest_verification(connection, pact_version)
        )
    if found is None:
        raise not_found()
    base = base_url(request)
    url = urls.LATEST_VERIFICATION_RESULTS.url(base, provider=provider, consumer=consumer, sha=sha)
    return hal(_result_body(base, found, url))


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
    pact = {"provider": provider, "consumer": consumer, "sha": sha}
    return _result(request, db, pact, verification_id)


@router.get(
    urls.VERIFICATION_RESULT_WITH_METADATA.template,
    responses={**ok("VerificationResult"), **INVALID, **NOT_FOUND},
)
def get_result_with_metadata(
    provider: str,
    consumer: str,
    sha: str,
    metadata: str,
    verification_id: int,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """One stored verification result, addressed through the pact's metadata segment."""
    pact = {"provider": provider, "consumer": consumer, "sha": sha}
    return _result(request, db, pact, verification_id, metadata)


@router.get(
    urls.LATEST_CONSUMER_VERSION_VERIFICATION_RESULTS.template,
    responses={**ok("ConsumerVersionVerificationResults"), **NOT_FOUND},
)
def latest_results_for_consumer_version(
    consumer: str, number: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """The newest result of each pact this consumer version published, and whether all passed."""
    base = base_url(request)
    with db.reading() as connection:
        if pacticipants.find_version(connection, consumer, number) is None:
            raise not_found()
        latest = [
            (row, verifications.latest_verification(connection, row.pact_version_id))
            for row in pacts.publications_of_consumer_version(connection, consumer, number)
        ]
    results = [
        _result_body(
            base,
            found,
            urls.VERIFICATION_RESULT.url(
                base,
                provider=found.provider,
                consumer=found.consumer,
                sha=found.sha,
                verification_id=str(found.id),
            ),
        )
        for _, found in latest
        if found is not None
    ]
    summary: dict[str, list[dict[str, str]]] = {"successful": [], "failed": [], "unknown": []}
    for row, found in latest:
        outcome = "unknown" if found is None else "successful" if found.success else "failed"
        summary[outcome].append({"name": row.provider})
    return hal(
        {
            "success": bool(latest) and all(f is not None and f.success for _, f in latest),
            "providerSummary": summary,
            "_embedded": {"verificationResults": results},
            "_links": {
                "self": link(
                    urls.LATEST_CONSUMER_VERSION_VERIFICATION_RESULTS.url(
                        base, consumer=consumer, number=number
                    ),
                    "Latest verification results for consumer version",
                )
            },
        }
    )
