"""Publishing verification results for a pact content, with or without the metadata segment."""

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from local_pact_broker.api.dependencies import DatabaseDep, EventBusDep, JsonBodyDep
from local_pact_broker.api.errors import not_found, validation_failed
from local_pact_broker.api.hal import base_url, hal, link
from local_pact_broker.api.openapi_responses import (
    BODY_REFUSED,
    INVALID,
    NOT_FOUND,
    created,
    json_body,
    ok,
)
from local_pact_broker.api.representations import pact_title, pact_version_url
from local_pact_broker.api.request_body import json_object
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.db import verifications_repository as verifications
from local_pact_broker.db.storage import Database
from local_pact_broker.domain.body_fields import list_field_errors
from local_pact_broker.domain.pact_metadata import encode_metadata
from local_pact_broker.domain.timestamps import display
from local_pact_broker.services import events as event_names
from local_pact_broker.services.events import Event, EventBus

router = APIRouter()
PACT_VERSION = "/pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}"


def _validate(body: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if not isinstance(body.get("success"), bool):
        errors["success"] = ["must be true or false"]
    number = body.get("providerApplicationVersion")
    if not isinstance(number, str) or not number.strip():
        errors["providerApplicationVersion"] = ["can't be blank"]
    if "testResults" in body and not isinstance(body["testResults"], list | dict):
        errors["testResults"] = ["must be a list"]
    errors.update(list_field_errors(body, "providerVersionTags", str, "strings"))
    if errors:
        raise validation_failed(errors)


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
    _validate(data)
    base = base_url(request)
    number = data["providerApplicationVersion"]
    with db.writing() as connection:
        pact_version = pacts.pact_version(connection, provider, consumer, sha)
        if pact_version is None:
            raise not_found()
        provider_row = pacticipants.ensure_pacticipant(connection, provider)
        version, _ = pacticipants.ensure_version(connection, provider_row, number, updated=True)
        branch = data.get("providerVersionBranch") or data.get("branch")
        if isinstance(branch, str) and branch:
            pacticipants.add_branch_version(connection, version, branch)
        for tag in data.get("providerVersionTags") or []:
            if isinstance(tag, str):
                pacticipants.add_tag(connection, version["id"], tag)
        verification_id = verifications.create_verification(
            connection, pact_version["id"], version["id"], data
        )
        row = verifications.find_verification(connection, verification_id)
        consumer_number = pacts.publications_by_sha(connection, provider, consumer, sha)[0][
            "consumer_version_number"
        ]
    assert row is not None  # noqa: S101
    permalink = pact_version_url(base, provider, consumer, sha)
    self_url = f"{permalink}/verification-results/{verification_id}"
    title = pact_title(consumer, consumer_number, provider)
    outcome = (
        event_names.PROVIDER_VERIFICATION_SUCCEEDED
        if data["success"]
        else event_names.PROVIDER_VERIFICATION_FAILED
    )
    details = {"verificationResultUrl": self_url, "providerVersionNumber": number}
    bus.publish(
        [
            Event(event_names.PROVIDER_VERIFICATION_PUBLISHED, consumer, provider, details),
            Event(outcome, consumer, provider, details),
        ]
    )
    optional = ("buildUrl", "testResults", "verifiedBy")
    response: dict[str, Any] = {key: data[key] for key in optional if key in data}
    metadata = encode_metadata([("cvn", consumer_number)])
    response.update(
        {
            "providerName": provider,
            "providerApplicationVersion": number,
            "success": data["success"],
            "verificationDate": display(row["created_at"]),
            "_links": {
                "self": link(
                    self_url,
                    "Verification result",
                    f"Verification result {verification_id} for {title}",
                ),
                "pb:pact-version": link(f"{permalink}/metadata/{metadata}", "Pact", title),
                "pb:triggered-webhooks": link(
                    f"{self_url}/triggered-webhooks",
                    "Webhooks triggered by the publication of this verification result",
                ),
            },
        }
    )
    return hal(response, 201)


@router.post(
    PACT_VERSION + "/verification-results",
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
    PACT_VERSION + "/metadata/{metadata}/verification-results",
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
    PACT_VERSION + "/verification-results/{verification_id}",
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
        row = verifications.find_verification(connection, verification_id)
    if row is None or row["sha"] != sha or row["provider_name"] != provider:
        raise not_found()
    body = json.loads(row["body"])
    url = f"{pact_version_url(base_url(request), provider, consumer, sha)}/verification-results"
    body.update(
        {
            "providerName": provider,
            "verificationDate": display(row["created_at"]),
            "_links": {"self": link(f"{url}/{verification_id}", "Verification result")},
        }
    )
    return hal(body)
