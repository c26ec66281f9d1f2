"""Publishing pacts: ``POST /contracts/publish`` and the legacy ``PUT`` of a single pact."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from local_pact_broker.api.dependencies import DatabaseDep, EventBusDep, JsonBodyDep
from local_pact_broker.api.errors import validation_failed
from local_pact_broker.api.hal import base_url, hal, link
from local_pact_broker.api.openapi_responses import (
    BODY_REFUSED,
    CONFLICT,
    json_body,
    ok,
    ok_or_created,
)
from local_pact_broker.api.representations import (
    embedded_pacticipant,
    embedded_version,
    pact_body,
    pact_title,
)
from local_pact_broker.api.request_body import json_object
from local_pact_broker.domain import urls
from local_pact_broker.domain.pact_content import InvalidPactError, pacticipant_name, validate_pact
from local_pact_broker.services import publishing
from local_pact_broker.services.publishing import (
    ContractToPublish,
    PublishRequest,
    parse_publish_request,
)

router = APIRouter()


@router.post(
    urls.PUBLISH_CONTRACTS.template,
    responses={**ok("PublishResult"), **BODY_REFUSED, **CONFLICT},
    openapi_extra=json_body("PublishContractsRequest"),
)
def publish(
    request: Request,
    body: JsonBodyDep,
    db: DatabaseDep,
    bus: EventBusDep,
) -> JSONResponse:
    """Publish every pact of one consumer version, with its branch and tags, atomically."""
    publish_request = parse_publish_request(json_object(body))
    base = base_url(request)
    result = publishing.publish(db, bus, publish_request, base)
    name, number = publish_request.pacticipant, publish_request.version
    logs = [
        {"level": n["type"], "message": n["text"], "deprecationWarning": "Replaced by notices"}
        for n in result.notices
    ]
    response = {
        "notices": result.notices,
        "logs": logs,
        "_embedded": {
            "pacticipant": embedded_pacticipant(base, name),
            "version": embedded_version(base, name, number),
        },
        "_links": {
            "pb:pacticipant": link(urls.PACTICIPANT.url(base, name=name), "Pacticipant", name),
            "pb:pacticipant-version": link(
                urls.VERSION.url(base, name=name, number=number), "Pacticipant version", number
            ),
            "pb:pacticipant-version-tags": [
                link(urls.TAG.url(base, name=name, number=number, tag=tag), "Tag", tag)
                for tag in publish_request.tags
            ],
            "pb:contracts": [
                link(
                    urls.PACT.url(base, provider=c.provider, consumer=c.consumer, number=number),
                    "Pact",
                    pact_title(c.consumer, number, c.provider),
                )
                for c in publish_request.contracts
            ],
        },
    }
    return hal(response)


@router.put(
    urls.PACT.template,
    responses={**ok_or_created("Pact"), **BODY_REFUSED, **CONFLICT},
    openapi_extra=json_body("PactRequest"),
)
def put_pact(
    provider: str,
    consumer: str,
    number: str,
    request: Request,
    body: JsonBodyDep,
    db: DatabaseDep,
    bus: EventBusDep,
) -> JSONResponse:
    """Legacy single-pact publication; names in the URL must match those in the pact."""
    try:
        pact = validate_pact(body)
    except InvalidPactError as error:
        raise validation_failed(error.messages) from None
    mismatches: dict[str, list[str]] = {}
    for role, expected in (("consumer", consumer), ("provider", provider)):
        if pacticipant_name(pact, role) != expected:
            mismatches[role] = [
                f"name in pact '{pacticipant_name(pact, role)}' does not match {role} name in "
                f"path '{expected}'."
            ]
    if mismatches:
        raise validation_failed(mismatches)
    base = base_url(request)
    publish_request = PublishRequest(
        pacticipant=consumer,
        version=number,
        contracts=(ContractToPublish(consumer, provider, pact),),
    )
    result, stored = publishing.publish_pact(db, bus, publish_request, base)
    results_url = urls.VERIFICATION_RESULTS.url(
        base, provider=provider, consumer=consumer, sha=stored.sha
    )
    return hal(pact_body(base, stored, results_url), 201 if result.created else 200)
