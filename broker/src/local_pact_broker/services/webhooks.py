"""Webhook writes: validate and store, delete, send now; and the worker that sends the queue.

A webhook is checked before it is stored: its events, its consumer and provider (which must
exist), and its request, which must be sendable and allowed by the SSRF guard
(``webhook_policy.py``) once its placeholders are rendered.
"""

import json
import re
from typing import Any

from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.db import verifications_repository as verifications
from local_pact_broker.db import webhooks_repository as webhooks
from local_pact_broker.db.records import WebhookRecord
from local_pact_broker.db.storage import Connection, Database
from local_pact_broker.domain.errors import InvalidInputError, NotFoundError
from local_pact_broker.domain.webhook_policy import (
    WebhookPolicy,
    check_request,
    parse_retry_schedule,
    request_problems,
)
from local_pact_broker.domain.webhook_templates import placeholder_context, render_url
from local_pact_broker.services import events as event_names
from local_pact_broker.services.events import EventBus
from local_pact_broker.services.webhook_delivery import (
    ExecutionResult,
    RenderedRequest,
    WebhookWorker,
    execute,
    stamp,
)
from local_pact_broker.services.webhook_triggers import WebhookTrigger, pact_context
from local_pact_broker.settings import Settings

EVENT_NAMES = (
    event_names.CONTRACT_PUBLISHED,
    event_names.CONTRACT_CONTENT_CHANGED,
    event_names.CONTRACT_REQUIRING_VERIFICATION_PUBLISHED,
    event_names.PROVIDER_VERIFICATION_PUBLISHED,
    event_names.PROVIDER_VERIFICATION_SUCCEEDED,
    event_names.PROVIDER_VERIFICATION_FAILED,
)
_UUID = re.compile(r"^[A-Za-z0-9_-]{16,}$")


def policy_from_settings(settings: Settings) -> WebhookPolicy:
    """The SSRF guard configured by ``PACT_BROKER_WEBHOOK_*``."""
    return WebhookPolicy(
        hosts=tuple(settings.webhook_host_whitelist.split()),
        schemes=tuple(s.lower() for s in settings.webhook_scheme_whitelist.split()),
        methods=tuple(m.upper() for m in settings.webhook_http_method_whitelist.split()),
        http_to_loopback=settings.webhook_http_to_loopback,
        show_response="webhook_host_whitelist" in settings.model_fields_set,
    )


def retry_schedule(settings: Settings) -> tuple[float, ...]:
    """Seconds to wait before each retry (``PACT_BROKER_WEBHOOK_RETRY_SCHEDULE``)."""
    return parse_retry_schedule(settings.webhook_retry_schedule)


def start_deliveries(settings: Settings, database: Database, events: EventBus) -> WebhookWorker:
    """The delivery worker, subscribed to events (not started: the app starts and stops it)."""
    worker = WebhookWorker(
        database,
        policy_from_settings(settings),
        retry_schedule(settings),
        settings.webhook_timeout_seconds,
    )
    events.subscribe(WebhookTrigger(database, worker.wake))
    return worker


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


def _pacticipant_errors(data: dict[str, Any], db: Connection) -> dict[str, list[str]]:
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


def validate_webhook(data: dict[str, Any], policy: WebhookPolicy, db: Connection) -> dict[str, Any]:
    """The webhook to store, or 400 with the official ``errors`` map."""
    events, request = data.get("events"), data.get("request")
    errors = {
        **_event_errors(events),
        **_pacticipant_errors(data, db),
        **_request_errors(request, policy),
    }
    if errors or not isinstance(request, dict) or not isinstance(events, list):
        raise InvalidInputError(errors)
    stored = {
        "description": data.get("description")
        if isinstance(data.get("description"), str)
        else None,
        "events": [{"name": e["name"]} for e in events],
        "request": {**request, "method": str(request["method"]).upper()},
        "enabled": data.get("enabled") is not False,
    }
    for role in ("consumer", "provider"):
        name = _name(data.get(role))
        if name is not None:
            stored[role] = {"name": name}
    return stored


def _stored(db: Connection, webhook_uuid: str) -> WebhookRecord:
    found = webhooks.find_webhook(db, webhook_uuid)
    if found is None:
        raise LookupError(f"webhook {webhook_uuid} was just stored but cannot be read back")
    return found


def create_webhook(
    database: Database,
    data: dict[str, Any],
    policy: WebhookPolicy,
    consumer: str | None = None,
    provider: str | None = None,
) -> WebhookRecord:
    """Store a new webhook; ``consumer``/``provider`` from the path must exist (else 404)."""
    data = dict(data)
    with database.writing() as db:
        for role, name in (("consumer", consumer), ("provider", provider)):
            if name is not None:
                if pacticipants.find_pacticipant(db, name) is None:
                    raise NotFoundError()
                data[role] = {"name": name}
        stored = validate_webhook(data, policy, db)
        webhook_uuid = webhooks.new_uuid()
        webhooks.save_webhook(db, webhook_uuid, stored)
        return _stored(db, webhook_uuid)


def replace_webhook(
    database: Database, webhook_uuid: str, data: dict[str, Any], policy: WebhookPolicy
) -> tuple[WebhookRecord, bool]:
    """Replace a webhook, or create it under a client-chosen uuid; ``True`` if created."""
    if not _UUID.match(webhook_uuid):
        raise InvalidInputError(
            {"uuid": ["must be at least 16 characters: letters, numbers, - and _"]}
        )
    with database.writing() as db:
        stored = validate_webhook(data, policy, db)
        created = webhooks.save_webhook(db, webhook_uuid, stored)
        return _stored(db, webhook_uuid), created


def delete_webhook(database: Database, webhook_uuid: str) -> None:
    """Delete a webhook and abandon its queued deliveries (404 if there is none)."""
    with database.writing() as db:
        if not webhooks.delete_webhook(db, webhook_uuid):
            raise NotFoundError()


def _latest_matching_context(db: Connection, webhook: WebhookRecord, base: str) -> dict[str, str]:
    event_name = "test"  # as the official broker names a test execution's event
    latest = pacts.latest_matching_publication(db, webhook.consumer, webhook.provider)
    if latest is None:
        return {**placeholder_context(), "eventName": event_name}
    verification = verifications.latest_verification(db, latest.pact_version_id)
    return pact_context(db, base, event_name, latest, verification)


def execute_webhook(
    database: Database, webhook_uuid: str, policy: WebhookPolicy, timeout: float, base: str
) -> ExecutionResult:
    """Send the webhook now, once, with the latest matching pact (404 if there is none).

    Never raises for the request itself: a request that cannot be built or sent is a failed
    result saying why, as the official broker answers.
    """
    with database.reading() as db:
        webhook = webhooks.find_webhook(db, webhook_uuid)
        if webhook is None:
            raise NotFoundError()
        context = _latest_matching_context(db, webhook, base)
    try:
        rendered = RenderedRequest.render(webhook.request, context)
        result = execute(rendered, policy, timeout, uuid=webhook_uuid, base_url=base)
    except Exception as error:
        message = f"The webhook request could not be built or sent: {type(error).__name__}"
        result = ExecutionResult(False, {}, error=message, logs=[message])
    webhook_context = json.dumps(
        {"base_url": base, "event_name": "test"}, ensure_ascii=False, separators=(",", ":")
    )
    result.logs.insert(0, f"[{stamp()}] DEBUG: Webhook context {webhook_context}")
    if not result.success:
        result.logs.append(f"[{stamp()}] INFO: Webhook execution failed")
    return result
