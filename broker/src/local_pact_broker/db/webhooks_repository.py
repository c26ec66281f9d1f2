"""SQL for webhooks, the deliveries they trigger and the log of every delivery attempt.

The tables are created by migration 2 in ``schema_migrations.py``. A triggered webhook stores
the template context captured when the event happened, which makes every retry send the same
request and lets pending deliveries survive a restart.
"""

import json
import uuid as uuid_module
from typing import Any

from local_pact_broker.db.records import (
    TRIGGERED_WEBHOOK_COLUMNS,
    WEBHOOK_COLUMNS,
    TriggeredWebhookRecord,
    WebhookRecord,
)
from local_pact_broker.db.storage import Connection
from local_pact_broker.domain.timestamps import now

_WEBHOOK = f"SELECT {WEBHOOK_COLUMNS} FROM webhooks w"  # noqa: S608 - constant fragments
_TRIGGERED = f"SELECT {TRIGGERED_WEBHOOK_COLUMNS} FROM triggered_webhooks t"  # noqa: S608
_TRIGGERED_WITH_REQUEST = (
    f"SELECT {TRIGGERED_WEBHOOK_COLUMNS}, w.request FROM triggered_webhooks t"  # noqa: S608
    " LEFT JOIN webhooks w ON w.uuid = t.webhook_uuid"
)

NOT_RUN = "not_run"
RETRYING = "retrying"
SUCCESS = "success"
FAILURE = "failure"


def new_uuid() -> str:
    """A webhook id in the official style (22 URL-safe characters)."""
    return uuid_module.uuid4().hex[:22]


def save_webhook(db: Connection, webhook_uuid: str, webhook: dict[str, Any]) -> bool:
    """Create or replace a webhook; ``True`` if it was created."""
    existing = db.execute("SELECT 1 FROM webhooks WHERE uuid = ?", (webhook_uuid,)).fetchone()
    stamp = now()
    values = (
        webhook.get("description"),
        (webhook.get("consumer") or {}).get("name"),
        (webhook.get("provider") or {}).get("name"),
        json.dumps(webhook["events"]),
        json.dumps(webhook["request"]),
        0 if webhook.get("enabled") is False else 1,
    )
    if existing is None:
        db.execute(
            "INSERT INTO webhooks (description, consumer, provider, events, request, enabled,"
            " uuid, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (*values, webhook_uuid, stamp, stamp),
        )
        return True
    db.execute(
        "UPDATE webhooks SET description = ?, consumer = ?, provider = ?, events = ?, request = ?,"
        " enabled = ?, updated_at = ? WHERE uuid = ?",
        (*values, stamp, webhook_uuid),
    )
    return False


def find_webhook(db: Connection, webhook_uuid: str) -> WebhookRecord | None:
    """One webhook by uuid."""
    row = db.execute(_WEBHOOK + " WHERE w.uuid = ?", (webhook_uuid,)).fetchone()
    return None if row is None else WebhookRecord.of(row)


def all_webhooks(db: Connection) -> list[WebhookRecord]:
    """Every webhook, oldest first."""
    rows = db.execute(_WEBHOOK + " ORDER BY w.created_at, w.uuid")
    return [WebhookRecord.of(row) for row in rows]


def scoped_webhooks(
    db: Connection, consumer: str | None, provider: str | None
) -> list[WebhookRecord]:
    """Webhooks of exactly this scope (``None``: not set), oldest first.

    As the official ``find_by_consumer_and_provider``: ``/webhooks/consumer/Foo`` lists the
    webhooks for Foo and any provider, not those for Foo and one provider.
    """
    rows = db.execute(
        _WEBHOOK + " WHERE w.consumer IS ? AND w.provider IS ? ORDER BY w.created_at, w.uuid",
        (consumer, provider),
    )
    return [WebhookRecord.of(row) for row in rows]


def delete_webhook(db: Connection, webhook_uuid: str) -> bool:
    """Delete a webhook and its pending deliveries; ``True`` if it existed."""
    db.execute(
        "UPDATE triggered_webhooks SET status = ?, next_attempt_at = NULL"
        " WHERE webhook_uuid = ? AND status IN (?, ?)",
        (FAILURE, webhook_uuid, NOT_RUN, RETRYING),
    )
    return db.execute("DELETE FROM webhooks WHERE uuid = ?", (webhook_uuid,)).rowcount == 1


def matching_webhooks(
    db: Connection, event_name: str, consumer: str, provider: str
) -> list[WebhookRecord]:
    """Enabled webhooks for this event whose consumer and provider (if set) match."""
    rows = db.execute(
        _WEBHOOK + " WHERE w.enabled = 1 AND (w.consumer IS NULL OR w.consumer = ?)"
        " AND (w.provider IS NULL OR w.provider = ?) ORDER BY w.created_at, w.uuid",
        (consumer, provider),
    )
    hooks = [WebhookRecord.of(row) for row in rows]
    return [hook for hook in hooks if any(e.get("name") == event_name for e in hook.events)]


def trigger(
    db: Connection,
    webhook: WebhookRecord,
    event_name: str,
    consumer: str,
    provider: str,
    context: dict[str, str],
    due_at: float,
) -> str:
    """Queue one delivery of a webhook; returns the trigger uuid."""
    trigger_uuid = new_uuid()
    stamp = now()
    db.execute(
        "INSERT INTO triggered_webhooks (uuid, webhook_uuid, event_name, consumer, provider,"
        " context, status, next_attempt_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            trigger_uuid,
            webhook.uuid,
            event_name,
            consumer,
            provider,
            json.dumps(context),
            NOT_RUN,
            due_at,
            stamp,
            stamp,
        ),
    )
    return trigger_uuid


def due_triggers(db: Connection, at: float, limit: int = 20) -> list[TriggeredWebhookRecord]:
    """Deliveries whose next attempt is due, oldest first."""
    rows = db.execute(
        _TRIGGERED + " WHERE t.status IN (?, ?) AND t.next_attempt_at <= ?"
        " ORDER BY t.next_attempt_at, t.id LIMIT ?",
        (NOT_RUN, RETRYING, at, limit),
    )
    return [TriggeredWebhookRecord.of(row) for row in rows]


def next_due_at(db: Connection) -> float | None:
    """When the earliest pending delivery is due."""
    row = db.execute(
        "SELECT min(next_attempt_at) FROM triggered_webhooks WHERE status IN (?, ?)",
        (NOT_RUN, RETRYING),
    ).fetchone()
    return None if row is None or row[0] is None else float(row[0])


def record_attempt(
    db: Connection,
    triggered_id: int,
    success: bool,
    logs: str,
    next_attempt_at: float | None,
) -> None:
    """Log one attempt and move the delivery to success, retrying or failure."""
    db.execute(
        "INSERT INTO webhook_executions (triggered_webhook_id, success, logs, created_at)"
        " VALUES (?,?,?,?)",
        (triggered_id, 1 if success else 0, logs, now()),
    )
    status = SUCCESS if success else (RETRYING if next_attempt_at is not None else FAILURE)
    db.execute(
        "UPDATE triggered_webhooks SET status = ?, attempts_made = attempts_made + 1,"
        " next_attempt_at = ?, updated_at = ? WHERE id = ?",
        (status, None if success else next_attempt_at, now(), triggered_id),
    )


def triggers_for_pact(db: Connection, consumer: str, provider: str) -> list[TriggeredWebhookRecord]:
    """Deliveries for a consumer/provider pair, newest first, with their webhook's request."""
    rows = db.execute(
        _TRIGGERED_WITH_REQUEST + " WHERE t.consumer = ? AND t.provider = ? ORDER BY t.id DESC",
        (consumer, provider),
    )
    return [TriggeredWebhookRecord.of(row) for row in rows]


def pact_of_latest_triggers(db: Connection, consumer: str, provider: str) -> str | None:
    """The consumer version number of the pact the official status resource links.

    As its ``pb:pact-version``: the first (oldest) of the latest delivery of each webhook
    (still existing) and event for the pair; ``None`` when there is none.
    """
    row = db.execute(
        "SELECT json_extract(t.context, '$.consumerVersionNumber') FROM triggered_webhooks t"
        " WHERE t.id = (SELECT MIN(latest.id) FROM (SELECT MAX(l.id) AS id"
        " FROM triggered_webhooks l JOIN webhooks w ON w.uuid = l.webhook_uuid"
        " WHERE l.consumer = ? AND l.provider = ? GROUP BY l.webhook_uuid, l.event_name)"
        " AS latest) AND json_valid(t.context)",
        (consumer, provider),
    ).fetchone()
    return None if row is None or not isinstance(row[0], str) else row[0]


def triggers_of_webhook(db: Connection, webhook_uuid: str) -> list[TriggeredWebhookRecord]:
    """Deliveries of one webhook, newest first, with its request."""
    rows = db.execute(
        _TRIGGERED_WITH_REQUEST + " WHERE t.webhook_uuid = ? ORDER BY t.id DESC", (webhook_uuid,)
    )
    return [TriggeredWebhookRecord.of(row) for row in rows]


def find_trigger(
    db: Connection, webhook_uuid: str, trigger_uuid: str
) -> TriggeredWebhookRecord | None:
    """One delivery of a webhook."""
    row = db.execute(
        _TRIGGERED + " WHERE t.webhook_uuid = ? AND t.uuid = ?", (webhook_uuid, trigger_uuid)
    ).fetchone()
    return None if row is None else TriggeredWebhookRecord.of(row)


def execution_logs(db: Connection, triggered_id: int) -> list[str]:
    """The log of every attempt of a delivery, oldest first."""
    rows = db.execute(
        "SELECT logs FROM webhook_executions WHERE triggered_webhook_id = ? ORDER BY id",
        (triggered_id,),
    )
    return [str(row[0]) for row in rows]
