"""Webhook resources as the official broker: CRUD, test execution, delivery status and logs."""

import json
import re
import time
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from local_pact_broker.api.dependencies import DatabaseDep, JsonBodyDep
from local_pact_broker.api.errors import not_found
from local_pact_broker.api.hal import base_url, hal, link
from local_pact_broker.api.openapi_responses import (
    BODY_REFUSED,
    INVALID,
    NOT_FOUND,
    created,
    json_body,
    ok,
    ok_or_created,
)
from local_pact_broker.api.request_body import json_object
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.db import verifications_repository as verifications
from local_pact_broker.db import webhooks_repository as webhooks
from local_pact_broker.db.records import TriggeredWebhookRecord, WebhookRecord
from local_pact_broker.domain import urls
from local_pact_broker.domain.timestamps import display
from local_pact_broker.domain.webhook_policy import (
    REDACTED,
    WebhookPolicy,
    redact_headers,
    redact_url,
    response_hidden_message,
)
from local_pact_broker.domain.webhook_templates import includes_parameter
from local_pact_broker.services import events as event_names
from local_pact_broker.services import webhooks as webhook_service
from local_pact_broker.settings import Settings

router = APIRouter()

# Every delivery here was caused by an event (test executions are not recorded as deliveries),
# which the official broker records as ``TriggeredWebhook::TRIGGER_TYPE_RESOURCE_CREATION``.
TRIGGER_TYPE = "resource_creation"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _policy(request: Request) -> WebhookPolicy:
    return webhook_service.policy_from_settings(_settings(request))


def _scope_title(consumer: str | None, provider: str | None) -> str:
    if consumer and provider:
        return f"A webhook for the pact between {consumer} and {provider}"
    if consumer:
        return f"A webhook for all pacts with consumer {consumer}"
    if provider:
        return f"A webhook for all pacts with provider {provider}"
    return "A webhook for all pacts"


def _description(webhook: WebhookRecord) -> str:
    if webhook.description:
        return webhook.description
    request = webhook.request
    host = re.sub(r"^[a-z]+://([^/@]*@)?", "", str(request.get("url", ""))).split("/", 1)[0]
    return f"{request.get('method', 'POST')} {host}"


def _shown_request(request: dict[str, Any]) -> dict[str, Any]:
    """The request template; as the official broker, without empty headers or a null body."""
    shown = {
        k: v
        for k, v in request.items()
        if k not in ("headers", "password", "url") and v is not None
    }
    shown["url"] = redact_url(str(request.get("url", "")))
    if request.get("headers"):
        shown["headers"] = redact_headers(
            {str(k).lower(): str(v) for k, v in request["headers"].items()}
        )
    password = request.get("password")
    if isinstance(password, str):
        shown["password"] = password if includes_parameter(password) else REDACTED
    return dict(sorted(shown.items()))


def webhook_body(base: str, webhook: WebhookRecord) -> dict[str, Any]:
    """A webhook as the official broker shows it: secrets redacted, HAL links."""
    self_url = urls.WEBHOOK.url(base, webhook_uuid=webhook.uuid)
    links: dict[str, Any] = {}
    consumer, provider = webhook.consumer, webhook.provider
    if consumer:
        links["pb:consumer"] = link(urls.PACTICIPANT.url(base, name=consumer), "Consumer", consumer)
    links["pb:execute"] = link(
        urls.WEBHOOK_EXECUTION.url(base, webhook_uuid=webhook.uuid),
        "Test the execution of the webhook with the latest matching pact or verification by "
        "sending a POST request to this URL",
    )
    if consumer and provider:
        links["pb:pact-webhooks"] = link(
            urls.WEBHOOKS_FOR_PACT.url(base, provider=provider, consumer=consumer),
            f"All webhooks for consumer {consumer} and provider {provider}",
        )
    if provider:
        links["pb:provider"] = link(urls.PACTICIPANT.url(base, name=provider), "Provider", provider)
    links["pb:webhooks"] = link(urls.WEBHOOKS.url(base), "All webhooks")
    links["self"] = link(self_url, _description(webhook))
    body: dict[str, Any] = {"_links": links}
    if consumer:
        body["consumer"] = {"name": consumer}
    body["createdAt"] = display(webhook.created_at)
    body["description"] = _description(webhook)
    body["enabled"] = webhook.enabled
    body["events"] = webhook.events
    if provider:
        body["provider"] = {"name": provider}
    body["request"] = _shown_request(webhook.request)
    if webhook.updated_at != webhook.created_at:
        body["updatedAt"] = display(webhook.updated_at)
    body["uuid"] = webhook.uuid
    return body


def _create(
    request: Request,
    db: DatabaseDep,
    body: object,
    consumer: str | None = None,
    provider: str | None = None,
) -> JSONResponse:
    webhook = webhook_service.create_webhook(
        db, json_object(body), _policy(request), consumer, provider
    )
    base = base_url(request)
    response = hal(webhook_body(base, webhook), 201)
    response.headers["Location"] = urls.WEBHOOK.url(base, webhook_uuid=webhook.uuid)
    return response


def _list(
    request: Request, rows: list[WebhookRecord], self_title: str = "Webhooks"
) -> JSONResponse:
    base = base_url(request)
    this_url = base + urls.request_url_path(request.url.path)
    body = {
        "_links": {
            "curies": [{"href": urls.WEBHOOK_DOC.templated(base), "name": "pb", "templated": True}],
            "pb:create": link(this_url, "POST to create a webhook"),
            "pb:webhooks": [
                link(
                    urls.WEBHOOK.url(base, webhook_uuid=row.uuid),
                    _scope_title(row.consumer, row.provider),
                    _description(row),
                )
                for row in rows
            ],
            "self": link(this_url, self_title),
        }
    }
    return hal(body)


@router.get(
    urls.WEBHOOKS.template,
    responses=ok("Collection"),
)
def list_webhooks(request: Request, db: DatabaseDep) -> JSONResponse:
    """Every webhook."""
    with db.reading() as connection:
        return _list(request, webhooks.all_webhooks(connection))


@router.post(
    urls.WEBHOOKS.template,
    status_code=201,
    responses={**created("Webhook"), **BODY_REFUSED},
    openapi_extra=json_body("WebhookRequest"),
)
def create_webhook(
    request: Request,
    body: JsonBodyDep,
    db: DatabaseDep,
) -> JSONResponse:
    """Create a webhook; consumer and provider (both optional) come from the body."""
    return _create(request, db, body)


def _scoped_list(
    request: Request, db: DatabaseDep, consumer: str | None, provider: str | None, title: str
) -> JSONResponse:
    """The webhooks of exactly this scope; 404 for an unknown pacticipant (official)."""
    with db.reading() as connection:
        for name in (consumer, provider):
            if name is not None and pacticipants.find_pacticipant(connection, name) is None:
                raise not_found()
        rows = webhooks.scoped_webhooks(connection, consumer, provider)
    return _list(request, rows, title)


@router.get(urls.WEBHOOKS_FOR_PACT.template, responses={**ok("Collection"), **NOT_FOUND})
def list_pact_webhooks(
    provider: str, consumer: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """Webhooks for exactly this consumer and provider."""
    return _scoped_list(request, db, consumer, provider, "Webhooks")


@router.get(urls.PACT_WEBHOOKS.template, responses={**ok("Collection"), **NOT_FOUND})
def list_webhooks_of_pact(
    provider: str, consumer: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """The same webhooks from the pact's side (where the webhooks status links)."""
    return _scoped_list(request, db, consumer, provider, "Pact webhooks")


@router.get(urls.WEBHOOKS_FOR_PROVIDER.template, responses={**ok("Collection"), **NOT_FOUND})
def list_provider_webhooks(provider: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """Webhooks for every consumer of this provider (no consumer set)."""
    return _scoped_list(request, db, None, provider, "Webhooks")


@router.get(urls.WEBHOOKS_FOR_CONSUMER.template, responses={**ok("Collection"), **NOT_FOUND})
def list_consumer_webhooks(consumer: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """Webhooks for every provider of this consumer (no provider set)."""
    return _scoped_list(request, db, consumer, None, "Webhooks")


@router.post(
    urls.WEBHOOKS_FOR_PACT.template,
    status_code=201,
    responses={**created("Webhook"), **BODY_REFUSED, **NOT_FOUND},
    openapi_extra=json_body("WebhookRequest"),
)
@router.post(
    urls.PACT_WEBHOOKS.template,
    status_code=201,
    responses={**created("Webhook"), **BODY_REFUSED, **NOT_FOUND},
    openapi_extra=json_body("WebhookRequest"),
)
def create_pact_webhook(
    provider: str,
    consumer: str,
    request: Request,
    body: JsonBodyDep,
    db: DatabaseDep,
) -> JSONResponse:
    """Create a webhook for one consumer/provider pair (``pact broker create-webhook``)."""
    return _create(request, db, body, consumer, provider)


@router.post(
    urls.WEBHOOKS_FOR_PROVIDER.template,
    status_code=201,
    responses={**created("Webhook"), **BODY_REFUSED, **NOT_FOUND},
    openapi_extra=json_body("WebhookRequest"),
)
def create_provider_webhook(
    provider: str,
    request: Request,
    body: JsonBodyDep,
    db: DatabaseDep,
) -> JSONResponse:
    """Create a webhook for every consumer of a provider."""
    return _create(request, db, body, provider=provider)


@router.post(
    urls.WEBHOOKS_FOR_CONSUMER.template,
    status_code=201,
    responses={**created("Webhook"), **BODY_REFUSED, **NOT_FOUND},
    openapi_extra=json_body("WebhookRequest"),
)
def create_consumer_webhook(
    consumer: str,
    request: Request,
    body: JsonBodyDep,
    db: DatabaseDep,
) -> JSONResponse:
    """Create a webhook for every provider of a consumer."""
    return _create(request, db, body, consumer=consumer)


@router.get(
    urls.WEBHOOK.template,
    responses={**ok("Webhook"), **NOT_FOUND},
)
def get_webhook(
    webhook_uuid: str,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """One webhook, with Authorization-like headers and the password redacted."""
    with db.reading() as connection:
        webhook = webhooks.find_webhook(connection, webhook_uuid)
    if webhook is None:
        raise not_found()
    return hal(webhook_body(base_url(request), webhook))


@router.put(
    urls.WEBHOOK.template,
    responses={**ok_or_created("Webhook"), **BODY_REFUSED},
    openapi_extra=json_body("WebhookRequest"),
)
def put_webhook(
    webhook_uuid: str,
    request: Request,
    body: JsonBodyDep,
    db: DatabaseDep,
) -> JSONResponse:
    """Replace a webhook, or create it under a client-chosen uuid (201)."""
    webhook, created = webhook_service.replace_webhook(
        db, webhook_uuid, json_object(body), _policy(request)
    )
    return hal(webhook_body(base_url(request), webhook), 201 if created else 200)


@router.delete(
    urls.WEBHOOK.template,
    status_code=204,
    responses=NOT_FOUND,
)
def delete_webhook(
    webhook_uuid: str,
    db: DatabaseDep,
) -> Response:
    """Delete a webhook; its queued deliveries are abandoned."""
    webhook_service.delete_webhook(db, webhook_uuid)
    return Response(status_code=204)


@router.post(
    urls.WEBHOOK_EXECUTION.template,
    responses={**ok("WebhookExecution"), **NOT_FOUND},
)
def execute_webhook(
    webhook_uuid: str,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """Send the webhook now, once, with the latest matching pact.

    As the official broker (``process_post`` returns true): 200 whether or not the request
    succeeded; ``success``, ``error``, ``request``/``response`` and ``logs`` say what happened.
    """
    base = base_url(request)
    policy = _policy(request)
    result = webhook_service.execute_webhook(
        db, webhook_uuid, policy, _settings(request).webhook_timeout_seconds, base
    )
    body: dict[str, Any] = {}
    if result.error is not None and not result.detail_hidden:
        body["error"] = {"message": result.error}
    body["request"] = result.request
    if result.response is not None and policy.show_response:
        body["response"] = result.response
    if not policy.show_response:
        body["message"] = response_hidden_message(base)
    body["logs"] = result.log_text
    body["success"] = result.success
    body["_links"] = {
        "webhook": {"href": urls.WEBHOOK.url(base, webhook_uuid=webhook_uuid)},
        "try-again": link(
            urls.WEBHOOK_EXECUTION.url(base, webhook_uuid=webhook_uuid),
            "Execute the webhook again",
        ),
    }
    return hal(body)


def _triggered_body(base: str, row: TriggeredWebhookRecord, schedule_length: int) -> dict[str, Any]:
    request = row.webhook_request or {}
    name = f"{request.get('method', 'POST')} {redact_url(str(request.get('url', '')))}"
    logs_url = urls.WEBHOOK_DELIVERY_LOGS.url(
        base, webhook_uuid=row.webhook_uuid, trigger_uuid=row.uuid
    )
    finished = row.status in (webhooks.SUCCESS, webhooks.FAILURE)
    remaining = 0 if finished else max(0, schedule_length + 1 - row.attempts_made)
    body: dict[str, Any] = {
        "name": name,
        "status": row.status,
        "attemptsMade": row.attempts_made,
        "attemptsRemaining": remaining,
        "triggerType": TRIGGER_TYPE,
        "eventName": row.event_name,
        "triggeredAt": display(row.created_at),
        "_links": {
            "pb:logs": link(logs_url, "Webhook execution logs", name),
            "logs": link(logs_url, "DEPRECATED - Use pb:logs", name),
            "pb:webhook": link(
                urls.WEBHOOK.url(base, webhook_uuid=row.webhook_uuid), "Webhook", name
            ),
        },
    }
    if row.next_attempt_at is not None and not finished:
        body["nextAttemptInSeconds"] = round(max(0.0, row.next_attempt_at - time.time()), 3)
    return body


def _status_body(
    request: Request, rows: list[TriggeredWebhookRecord], links: dict[str, Any]
) -> dict[str, Any]:
    schedule = webhook_service.retry_schedule(_settings(request))
    base = base_url(request)
    counts = {
        status: sum(1 for r in rows if r.status == status)
        for status in (webhooks.SUCCESS, webhooks.FAILURE, webhooks.RETRYING, webhooks.NOT_RUN)
    }
    triggered = [_triggered_body(base, row, len(schedule)) for row in rows]
    error_logs = [
        link(t["_links"]["pb:logs"]["href"], "Error logs", t["name"])
        for t in triggered
        if t["status"] in (webhooks.FAILURE, webhooks.RETRYING)
    ]
    return {
        "summary": {
            "successful": counts[webhooks.SUCCESS],
            "failed": counts[webhooks.FAILURE],
            "retrying": counts[webhooks.RETRYING],
            "notRun": counts[webhooks.NOT_RUN],
        },
        "_embedded": {"triggeredWebhooks": triggered},
        "_links": {
            "self": link(base + urls.request_url_path(request.url.path), "Webhooks status"),
            "pb:error-logs": error_logs,
            **links,
        },
    }


@router.get(
    urls.PACT_WEBHOOKS_STATUS.template,
    responses={**ok("WebhooksStatus"), **NOT_FOUND},
)
def pact_webhooks_status(
    provider: str,
    consumer: str,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """Deliveries for a consumer/provider pair: summary, attempts and links to their logs."""
    base = base_url(request)
    with db.reading() as connection:
        if (
            pacticipants.find_pacticipant(connection, consumer) is None
            or pacticipants.find_pacticipant(connection, provider) is None
        ):
            raise not_found()
        rows = webhooks.triggers_for_pact(connection, consumer, provider)
        number = webhooks.pact_of_latest_triggers(connection, consumer, provider)
        if number is not None and pacts.publication(connection, provider, consumer, number) is None:
            number = None  # that pact was deleted since
    links: dict[str, Any] = {
        # As the official status decorator (``webhooks_for_pact_url``): below the pact.
        "pb:pact-webhooks": link(
            urls.PACT_WEBHOOKS.url(base, provider=provider, consumer=consumer),
            f"Webhooks for the pact between {consumer} and {provider}",
        ),
    }
    if number is not None:
        # As the official decorator: the pact of the first latest delivery, only when there is one.
        links["pb:pact-version"] = link(
            urls.PACT.url(base, provider=provider, consumer=consumer, number=number),
            "Pact",
            f"Pact between {consumer} ({number}) and {provider}",
        )
    links["pb:consumer"] = link(urls.PACTICIPANT.url(base, name=consumer), "Consumer", consumer)
    links["pb:provider"] = link(urls.PACTICIPANT.url(base, name=provider), "Provider", provider)
    return hal(_status_body(request, rows, links))


@router.get(
    urls.WEBHOOK_DELIVERIES.template,
    responses={**ok("WebhooksStatus"), **NOT_FOUND},
)
def webhook_deliveries(
    webhook_uuid: str,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """Deliveries of one webhook (a local addition, shaped like the pact webhooks status)."""
    base = base_url(request)
    with db.reading() as connection:
        if webhooks.find_webhook(connection, webhook_uuid) is None:
            raise not_found()
        rows = webhooks.triggers_of_webhook(connection, webhook_uuid)
    links = {"pb:webhook": link(urls.WEBHOOK.url(base, webhook_uuid=webhook_uuid), "Webhook")}
    return hal(_status_body(request, rows, links))


@router.get(
    urls.WEBHOOK_DELIVERY_LOGS.template,
    response_class=PlainTextResponse,
    responses=NOT_FOUND,
)
def delivery_logs(
    webhook_uuid: str,
    trigger_uuid: str,
    db: DatabaseDep,
) -> PlainTextResponse:
    """Every attempt's log of one delivery, oldest first, secrets already redacted."""
    with db.reading() as connection:
        delivery = webhooks.find_trigger(connection, webhook_uuid, trigger_uuid)
        if delivery is None:
            raise not_found()
        logs = webhooks.execution_logs(connection, delivery.id)
    if not logs:
        return PlainTextResponse("Webhook has not been executed yet\n")
    return PlainTextResponse("".join(logs))


def _context_value(row: TriggeredWebhookRecord, key: str) -> str:
    """One value of the template context a delivery captured ("" if absent or unreadable)."""
    try:
        context = json.loads(row.context)
    except ValueError:
        return ""
    value = context.get(key, "") if isinstance(context, dict) else ""
    return value if isinstance(value, str) else ""


def _by_verification(row: TriggeredWebhookRecord) -> bool:
    return row.event_name in event_names.VERIFICATION_EVENTS


@router.get(
    urls.PACT_TRIGGERED_WEBHOOKS.template,
    responses={**ok("WebhooksStatus"), **NOT_FOUND},
)
def pact_triggered_webhooks(
    provider: str,
    consumer: str,
    number: str,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """Deliveries the publication of this pact (this consumer version) triggered."""
    base = base_url(request)
    with db.reading() as connection:
        if pacticipants.find_version(connection, consumer, number) is None:
            raise not_found()
        rows = [
            row
            for row in webhooks.triggers_for_pact(connection, consumer, provider)
            if not _by_verification(row) and _context_value(row, "consumerVersionNumber") == number
        ]
    pact = urls.PACT.url(base, provider=provider, consumer=consumer, number=number)
    return hal(_status_body(request, rows, {"pb:pact": link(pact, "Pact")}))


@router.get(
    urls.VERIFICATION_RESULT_TRIGGERED_WEBHOOKS.template,
    responses={**ok("WebhooksStatus"), **INVALID, **NOT_FOUND},
)
def verification_triggered_webhooks(
    provider: str,
    consumer: str,
    sha: str,
    verification_id: int,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """Deliveries the publication of this verification result triggered."""
    base = base_url(request)
    pact = {"provider": provider, "consumer": consumer, "sha": sha}
    result = urls.VERIFICATION_RESULT.url(base, verification_id=str(verification_id), **pact)
    suffix = result[len(base) :]
    with db.reading() as connection:
        found = verifications.find_verification(connection, verification_id)
        if found is None or found.sha != sha or found.provider != provider:
            raise not_found()
        rows = [
            row
            for row in webhooks.triggers_for_pact(connection, consumer, provider)
            if _by_verification(row)
            and _context_value(row, "verificationResultUrl").endswith(suffix)
        ]
    return hal(_status_body(request, rows, {"pb:verification-result": link(result, "Result")}))
