"""SQL for webhooks, the deliveries they trigger and the log of every delivery attempt.

Its own tables (created on start, idempotently) so the webhook feature stays in one place.
A triggered webhook stores the template context captured when the event happened, which makes
every retry send the same request and lets pending deliveries survive a restart.
"""

import json
import sqlite3
import uuid as uuid_module
from typing import Any

from local_pact_broker.db.storage import Database
from local_pact_broker.domain.timestamps import now

SCHEMA = """
CREATE TABLE IF NOT EXISTS webhooks (
    uuid TEXT PRIMARY KEY,
    description TEXT,
    consumer TEXT,
    provider TEXT,
    events TEXT NOT NULL,
    request TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS triggered_webhooks (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    webhook_uuid TEXT NOT NULL,
    event_name TEXT NOT NULL,
    consumer TEXT NOT NULL,
    provider TEXT NOT NULL,
    context TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts_made INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_executions (
    id INTEGER PRIMARY KEY,
    triggered_webhook_id INTEGER NOT NULL REFERENCES triggered_webhooks(id),
    success INTEGER NOT NULL,
    logs TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS triggered_webhooks_due ON triggered_webhooks (status, next_attempt_at);
"""

NOT_RUN = "not_run"
RETRYING = "retrying"
SUCCESS = "success"
FAILURE = "failure"


def ensure_schema(database: Database) -> None:
    """Create the webhook tables if they are missing."""
    with database.writing() as db:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)


def new_uuid() -> str:
    """A webhook id in the official style (22 URL-safe characters)."""
    return uuid_module.uuid4().hex[:22]


def save_webhook(db: sqlite3.Connection, webhook_uuid: str, webhook: dict[str, Any]) -> bool:
    """Create or replace a webhook; ``True`` if it was created."""
    existing = find_webhook(db, webhook_uuid)
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


def find_webhook(db: sqlite3.Connection, webhook_uuid: str) -> sqlite3.Row | None:
    """One webhook by uuid."""
    row: sqlite3.Row | None = db.execute(
        "SELECT * FROM webhooks WHERE uuid = ?", (webhook_uuid,)
    ).fetchone()
    return row


def all_webhooks(
    db: sqlite3.Connection, consumer: str | None = None, provider: str | None = None
) -> list[sqlite3.Row]:
    """Webhooks, oldest first; with names, only those for exactly that consumer/provider."""
    sql = "SELECT * FROM webhooks WHERE 1 = 1"
    params: list[str] = []
    if consumer is not None:
        sql += " AND consumer = ?"
        params.append(consumer)
    if provider is not None:
        sql += " AND provider = ?"
        params.append(provider)
    return db.execute(sql + " ORDER BY created_at, uuid", params).fetchall()


def delete_webhook(db: sqlite3.Connection, webhook_uuid: str) -> bool:
    """Delete a webhook and its pending deliveries; ``True`` if it existed."""
    db.execute(
        "UPDATE triggered_webhooks SET status = ?, next_attempt_at = NULL"
        " WHERE webhook_uuid = ? AND status IN (?, ?)",
        (FAILURE, webhook_uuid, NOT_RUN, RETRYING),
    )
    return db.execute("DELETE FROM webhooks WHERE uuid = ?", (webhook_uuid,)).rowcount == 1


def matching_webhooks(
    db: sqlite3.Connection, event_name: str, consumer: str, provider: str
) -> list[sqlite3.Row]:
    """Enabled webhooks for this event whose consumer and provider (if set) match."""
    rows = db.execute(
        "SELECT * FROM webhooks WHERE enabled = 1 AND (consumer IS NULL OR consumer = ?)"
        " AND (provider IS NULL OR provider = ?) ORDER BY created_at, uuid",
        (consumer, provider),
    ).fetchall()
    return [r for r in rows if any(e.get("name") == event_name for e in json.loads(r["events"]))]


def trigger(
    db: sqlite3.Connection,
    webhook: sqlite3.Row,
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
            webhook["uuid"],
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


def due_triggers(db: sqlite3.Connection, at: float, limit: int = 20) -> list[sqlite3.Row]:
    """Deliveries whose next attempt is due, oldest first."""
    return db.execute(
        "SELECT * FROM triggered_webhooks WHERE status IN (?, ?) AND next_attempt_at <= ?"
        " ORDER BY next_attempt_at, id LIMIT ?",
        (NOT_RUN, RETRYING, at, limit),
    ).fetchall()


def next_due_at(db: sqlite3.Connection) -> float | None:
    """When the earliest pending delivery is due."""
    row = db.execute(
        "SELECT min(next_attempt_at) AS due FROM triggered_webhooks WHERE status IN (?, ?)",
        (NOT_RUN, RETRYING),
    ).fetchone()
    return None if row is None or row["due"] is None else float(row["due"])


def record_attempt(
    db: sqlite3.Connection,
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


def triggers_for_pact(db: sqlite3.Connection, consumer: str, provider: str) -> list[sqlite3.Row]:
    """Deliveries for a consumer/provider pair, newest first."""
    return db.execute(
        "SELECT t.*, w.request AS webhook_request FROM triggered_webhooks t"
        " LEFT JOIN webhooks w ON w.uuid = t.webhook_uuid"
        " WHERE t.consumer = ? AND t.provider = ? ORDER BY t.id DESC",
        (consumer, provider),
    ).fetchall()


def triggers_of_webhook(db: sqlite3.Connection, webhook_uuid: str) -> list[sqlite3.Row]:
    """Deliveries of one webhook, newest first."""
    return db.execute(
        "SELECT t.*, w.request AS webhook_request FROM triggered_webhooks t"
        " LEFT JOIN webhooks w ON w.uuid = t.webhook_uuid"
        " WHERE t.webhook_uuid = ? ORDER BY t.id DESC",
        (webhook_uuid,),
    ).fetchall()


def find_trigger(
    db: sqlite3.Connection, webhook_uuid: str, trigger_uuid: str
) -> sqlite3.Row | None:
    """One delivery of a webhook."""
    row: sqlite3.Row | None = db.execute(
        "SELECT * FROM triggered_webhooks WHERE webhook_uuid = ? AND uuid = ?",
        (webhook_uuid, trigger_uuid),
    ).fetchone()
    return row


def executions(db: sqlite3.Connection, triggered_id: int) -> list[sqlite3.Row]:
    """Every logged attempt of a delivery, oldest first."""
    return db.execute(
        "SELECT * FROM webhook_executions WHERE triggered_webhook_id = ? ORDER BY id",
        (triggered_id,),
    ).fetchall()
