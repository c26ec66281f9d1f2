"""Webhook resources as the official broker: CRUD, test execution, delivery status and logs."""

import json
import re
import sqlite3
import time
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from local_pact_broker.api.dependencies import DatabaseDep, JsonBodyDep
from local_pact_broker.api.errors import not_found, validation_failed
from local_pact_broker.api.hal import base_url, compact_json, hal, link, segment
from local_pact_broker.api.openapi_responses import (
    BODY_REFUSED,
    NOT_FOUND,
    created,
    json_body,
    ok,
    ok_or_created,
)
from local_pact_broker.api.request_body import json_object
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.db import webhooks_repository as webhooks
from local_pact_broker.db.storage import Database
from local_pact_broker.domain.timestamps import display
from local_pact_broker.domain.webhook_policy import (
    REDACTED,
    WebhookPolicy,
    check_request,
    parse_retry_schedule,
    redact_headers,
    redact_url,
    request_problems,
    response_hidden_message,
)
from local_pact_broker.domain.webhook_templates import (
    includes_parameter,
    placeholder_context,
    render_url,
)
from local_pact_broker.services import events as event_names
from local_pact_broker.services.webhook_delivery import (
    ExecutionResult,
    RenderedRequest,
    execute,
    stamp,
)
from local_pact_broker.services.webhook_triggers import latest_verification, pact_context
from local_pact_broker.settings import Settings

router = APIRouter()

EVENT_NAMES = (
    event_names.CONTRACT_PUBLISHED,
    event_names.CONTRACT_CONTENT_CHANGED,
    event_names.CONTRACT_REQUIRING_VERIFICATION_PUBLISHED,
    event_names.PROVIDER_VERIFICATION_PUBLISHED,
    event_names.PROVIDER_VERIFICATION_SUCCEEDED,
    event_names.PROVIDER_VERIFICATION_FAILED,
)
_UUID = re.compile(r"^[A-Za-z0-9_-]{16,}$")


def _policy(request: Request) -> WebhookPolicy:
    return WebhookPolicy.from_settings(request.app.state.settings)


def _pair_url(base: str, consumer: str, provider: str) -> str:
    return f"{base}/webhooks/provider/{segment(provider)}/consumer/{segment(consumer)}"


def _scope_title(consumer: str | None, provider: str | None) -> str:
    if consumer and provider:
        return f"A webhook for the pact between {consumer} and {provider}"
    if consumer:
        return f"A webhook for all pacts with consumer {consumer}"
    if provider:
        return f"A webhook for all pacts with provider {provider}"
    return "A webhook for all pacts"


def _description(row: sqlite3.Row) -> str:
    if row["description"]:
        return str(row["description"])
    request = json.loads(row["request"])
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


def webhook_body(base: str, row: sqlite3.Row) -> dict[str, Any]:
    """A webhook as the official broker shows it: secrets redacted, HAL links."""
    self_url = f"{base}/webhooks/{row['uuid']}"
    links: dict[str, Any] = {}
    consumer, provider = row["consumer"], row["provider"]
    if consumer:
        links["pb:consumer"] = link(
            f"{base}/pacticipants/{segment(consumer)}", "Consumer", consumer
        )
    links["pb:execute"] = link(
        f"{self_url}/execute",
        "Test the execution of the webhook with the latest matching pact or verification by "
        "sending a POST request to this URL",
    )
    if consumer and provider:
        links["pb:pact-webhooks"] = link(
            _pair_url(base, consumer, provider),
            f"All webhooks for consumer {consumer} and provider {provider}",
        )
    if provider:
        links["pb:provider"] = link(
            f"{base}/pacticipants/{segment(provider)}", "Provider", provider
        )
    links["pb:webhooks"] = link(f"{base}/webhooks", "All webhooks")
    links["self"] = link(self_url, _description(row))
    body: dict[str, Any] = {"_links": links}
    if consumer:
        body["consumer"] = {"name": consumer}
    body["createdAt"] = display(row["created_at"])
    body["description"] = _description(row)
    body["enabled"] = bool(row["enabled"])
    body["events"] = json.loads(row["events"])
    if provider:
        body["provider"] = {"name": provider}
    body["request"] = _shown_request(json.loads(row["request"]))
    if row["updated_at"] != row["created_at"]:
        body["updatedAt"] = display(row["updated_at"])
    body["uuid"] = row["uuid"]
    return body


def _name(value: object) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("name"), str) and value["name"]:
        return str(value["name"])
    return None


def _event_errors(events: object) -> dict[str, list[str]]:
    if not isinstance(events, list) or not events:
        return {"events": ["size cannot be less than 1"]}
    errors: dict[str, list[str]] = {}
    for index, event in enumerate(events):
        name = event.get("name") if isinstance(event, dict) else None
        if name not in EVENT_NAMES:
            errors[f"events[{index}].name"] = [f"must be one of {', '.join(EVENT_NAMES)}"]
    return errors


def _pacticipant_errors(data: dict[str, Any], db: sqlite3.Connection) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for role in ("consumer", "provider"):
        name = _name(data.get(role))
        if data.get(role) is not None and name is None:
            errors[f"{role}.name"] = ["cannot be blank."]
        elif name is not None and pacticipants.find_pacticipant(db, name) is None:
            errors[f"{role}.name"] = [f"does not match an existing pacticipant: '{name}'"]
    return errors


def _request_errors(request: object, policy: WebhookPolicy) -> dict[str, list[str]]:
    if not isinstance(request, dict):
        return {"request": ["is missing"]}
    errors: dict[str, list[str]] = {}
    method, url = request.get("method"), request.get("url")
    if not isinstance(method, str) or not method:
        errors["request.method"] = ["is missing"]
    if not isinstance(url, str) or not url:
        errors["request.url"] = ["is missing"]
    headers = request.get("headers", {})
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        errors["request.headers"] = ["must be an object of strings"]
    elif isinstance(url, str) and url:
        # Values that can never be sent (CR/LF, non-latin-1 header values, a bad port...).
        errors.update(request_problems(url, headers))
    try:
        json.dumps(request, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        errors["request"] = ["must be valid Unicode text (it holds a lone surrogate)"]
        return errors
    if isinstance(method, str) and method and isinstance(url, str) and url:
        # Placeholders are rendered first, so the host checked is the one that will be called.
        rendered = render_url(url, placeholder_context())
        errors.update(check_request(rendered, method, policy).errors)
    return errors


def validate_webhook(
    data: dict[str, Any], policy: WebhookPolicy, db: sqlite3.Connection
) -> dict[str, Any]:
    """The webhook to store, or 400 with the official ``errors`` map."""
    events, request = data.get("events"), data.get("request")
    errors = {
        **_event_errors(events),
        **_pacticipant_errors(data, db),
        **_request_errors(request, policy),
    }
    if errors:
        raise validation_failed(errors)
    assert isinstance(request, dict)  # noqa: S101 - validated above
    stored = {
        "description": data.get("description")
        if isinstance(data.get("description"), str)
        else None,
        "events": [{"name": e["name"]} for e in events or []],
        "request": {**request, "method": str(request["method"]).upper()},
        "enabled": data.get("enabled") is not False,
    }
    for role in ("consumer", "provider"):
        name = _name(data.get(role))
        if name is not None:
            stored[role] = {"name": name}
    return stored


def _create(
    request: Request,
    db: Database,
    body: object,
    consumer: str | None = None,
    provider: str | None = None,
) -> JSONResponse:
    data = dict(json_object(body))
    with db.writing() as connection:
        for role, name in (("consumer", consumer), ("provider", provider)):
            if name is not None:
                if pacticipants.find_pacticipant(connection, name) is None:
                    raise not_found()
                data[role] = {"name": name}
        stored = validate_webhook(data, _policy(request), connection)
        webhook_uuid = webhooks.new_uuid()
        webhooks.save_webhook(connection, webhook_uuid, stored)
        row = webhooks.find_webhook(connection, webhook_uuid)
    assert row is not None  # noqa: S101
    response = hal(webhook_body(base_url(request), row), 201)
    response.headers["Location"] = f"{base_url(request)}/webhooks/{webhook_uuid}"
    return response


def _list(request: Request, rows: list[sqlite3.Row], self_title: str = "Webhooks") -> JSONResponse:
    base = base_url(request)
    body = {
        "_links": {
            "curies": [{"href": f"{base}/doc/webhooks-{{rel}}", "name": "pb", "templated": True}],
            "pb:create": link(base + quote(request.url.path), "POST to create a webhook"),
            "pb:webhooks": [
                link(
                    f"{base}/webhooks/{row['uuid']}",
                    _scope_title(row["consumer"], row["provider"]),
                    _description(row),
                )
                for row in rows
            ],
            "self": link(base + quote(request.url.path), self_title),
        }
    }
    return hal(body)


@router.get(
    "/webhooks",
    responses=ok("Collection"),
)
def list_webhooks(request: Request, db: DatabaseDep) -> JSONResponse:
    """Every webhook."""
    with db.reading() as connection:
        return _list(request, webhooks.all_webhooks(connection))


@router.post(
    "/webhooks",
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


@router.get(
    "/webhooks/provider/{provider}/consumer/{consumer}",
    responses=ok("Collection"),
)
def list_pact_webhooks(
    provider: str,
    consumer: str,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """Webhooks for exactly this consumer and provider."""
    with db.reading() as connection:
        rows = webhooks.all_webhooks(connection, consumer, provider)
    return _list(request, rows, f"Pact webhooks for consumer {consumer} and provider {provider}")


@router.post(
    "/webhooks/provider/{provider}/consumer/{consumer}",
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
    "/webhooks/provider/{provider}",
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
    "/webhooks/consumer/{consumer}",
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
    "/webhooks/{webhook_uuid}",
    responses={**ok("Webhook"), **NOT_FOUND},
)
def get_webhook(
    webhook_uuid: str,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """One webhook, with Authorization-like headers and the password redacted."""
    with db.reading() as connection:
        row = webhooks.find_webhook(connection, webhook_uuid)
    if row is None:
        raise not_found()
    return hal(webhook_body(base_url(request), row))


@router.put(
    "/webhooks/{webhook_uuid}",
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
    if not _UUID.match(webhook_uuid):
        raise validation_failed(
            {"uuid": ["must be at least 16 characters: letters, numbers, - and _"]}
        )
    with db.writing() as connection:
        stored = validate_webhook(json_object(body), _policy(request), connection)
        created = webhooks.save_webhook(connection, webhook_uuid, stored)
        row = webhooks.find_webhook(connection, webhook_uuid)
    assert row is not None  # noqa: S101
    return hal(webhook_body(base_url(request), row), 201 if created else 200)


@router.delete(
    "/webhooks/{webhook_uuid}",
    status_code=204,
    responses=NOT_FOUND,
)
def delete_webhook(
    webhook_uuid: str,
    db: DatabaseDep,
) -> Response:
    """Delete a webhook; its queued deliveries are abandoned."""
    with db.writing() as connection:
        if not webhooks.delete_webhook(connection, webhook_uuid):
            raise not_found()
    return Response(status_code=204)


def _latest_matching_context(
    connection: sqlite3.Connection, row: sqlite3.Row, base: str
) -> dict[str, str]:
    event_name = "test"  # as the official broker names a test execution's event
    sql = (
        "SELECT c.name AS consumer, pr.name AS provider, cv.number FROM pact_publications pub"
        " JOIN versions cv ON cv.id = pub.consumer_version_id"
        " JOIN pacticipants c ON c.id = cv.pacticipant_id"
        " JOIN pacticipants pr ON pr.id = pub.provider_id"
        " WHERE (? IS NULL OR c.name = ?) AND (? IS NULL OR pr.name = ?) ORDER BY pub.id DESC"
    )
    params = (row["consumer"], row["consumer"], row["provider"], row["provider"])
    latest = connection.execute(sql, params).fetchone()
    if latest is None:
        return {**placeholder_context(), "eventName": event_name}
    publication = pacts.publication(
        connection, latest["provider"], latest["consumer"], latest["number"]
    )
    assert publication is not None  # noqa: S101
    verification = latest_verification(connection, publication["pact_version_id"])
    return pact_context(connection, base, event_name, publication, verification)


@router.post(
    "/webhooks/{webhook_uuid}/execute",
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
    with db.reading() as connection:
        row = webhooks.find_webhook(connection, webhook_uuid)
        if row is None:
            raise not_found()
        context = _latest_matching_context(connection, row, base)
    settings: Settings = request.app.state.settings
    policy = _policy(request)
    try:
        rendered = RenderedRequest.render(json.loads(row["request"]), context)
        result = execute(
            rendered,
            policy,
            settings.webhook_timeout_seconds,
            uuid=webhook_uuid,
            base_url=base,
        )
    except Exception as error:
        message = f"The webhook request could not be built or sent: {type(error).__name__}"
        result = ExecutionResult(False, {}, error=message, logs=[message])
    webhook_context = compact_json({"base_url": base, "event_name": "test"})
    result.logs.insert(0, f"[{stamp()}] DEBUG: Webhook context {webhook_context}")
    if not result.success:
        result.logs.append(f"[{stamp()}] INFO: Webhook execution failed")
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
        "webhook": {"href": f"{base}/webhooks/{webhook_uuid}"},
        "try-again": link(f"{base}/webhooks/{webhook_uuid}/execute", "Execute the webhook again"),
    }
    return hal(body)


def _triggered_body(base: str, row: sqlite3.Row, schedule_length: int) -> dict[str, Any]:
    request = json.loads(row["webhook_request"] or "{}")
    name = f"{request.get('method', 'POST')} {redact_url(str(request.get('url', '')))}"
    logs_url = f"{base}/webhooks/{row['webhook_uuid']}/trigger/{row['uuid']}/logs"
    finished = row["status"] in (webhooks.SUCCESS, webhooks.FAILURE)
    remaining = 0 if finished else max(0, schedule_length + 1 - row["attempts_made"])
    body: dict[str, Any] = {
        "name": name,
        "status": row["status"],
        "attemptsMade": row["attempts_made"],
        "attemptsRemaining": remaining,
        "triggerType": "verification" if "verification" in row["event_name"] else "publication",
        "eventName": row["event_name"],
        "triggeredAt": display(row["created_at"]),
        "_links": {
            "pb:logs": link(logs_url, "Webhook execution logs", name),
            "logs": link(logs_url, "DEPRECATED - Use pb:logs", name),
            "pb:webhook": link(f"{base}/webhooks/{row['webhook_uuid']}", "Webhook", name),
        },
    }
    if row["next_attempt_at"] is not None and not finished:
        body["nextAttemptInSeconds"] = round(max(0.0, row["next_attempt_at"] - time.time()), 3)
    return body


def _status_body(
    request: Request, rows: list[sqlite3.Row], links: dict[str, Any]
) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    schedule = parse_retry_schedule(settings.webhook_retry_schedule)
    base = base_url(request)
    counts = {
        status: sum(1 for r in rows if r["status"] == status)
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
            "self": link(base + quote(request.url.path), "Webhooks status"),
            "pb:error-logs": error_logs,
            **links,
        },
    }


@router.get(
    "/pacts/provider/{provider}/consumer/{consumer}/webhooks/status",
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
    links = {
        "pb:pact-webhooks": link(
            _pair_url(base, consumer, provider),
            f"Webhooks for the pact between {consumer} and {provider}",
        ),
        "pb:consumer": link(f"{base}/pacticipants/{segment(consumer)}", "Consumer", consumer),
        "pb:provider": link(f"{base}/pacticipants/{segment(provider)}", "Provider", provider),
    }
    return hal(_status_body(request, rows, links))


@router.get(
    "/webhooks/{webhook_uuid}/triggered-webhooks",
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
    links = {"pb:webhook": link(f"{base}/webhooks/{webhook_uuid}", "Webhook")}
    return hal(_status_body(request, rows, links))


@router.get(
    "/webhooks/{webhook_uuid}/trigger/{trigger_uuid}/logs",
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
        row = webhooks.find_trigger(connection, webhook_uuid, trigger_uuid)
        if row is None:
            raise not_found()
        attempts = webhooks.executions(connection, row["id"])
    if not attempts:
        return PlainTextResponse("Webhook has not been executed yet\n")
    return PlainTextResponse("".join(str(a["logs"]) for a in attempts))
