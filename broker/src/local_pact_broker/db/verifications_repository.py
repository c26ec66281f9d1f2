"""SQL for verification results."""

import json
import sqlite3
from typing import Any

from local_pact_broker.db.pacticipants_repository import version_by_id, version_model
from local_pact_broker.domain.models import Verification
from local_pact_broker.domain.timestamps import now

_SELECT = (
    "SELECT ver.*, pv.sha, c.name AS consumer_name, pr.name AS provider_name,"
    " v.number AS provider_version_number FROM verifications ver"
    " JOIN pact_versions pv ON pv.id = ver.pact_version_id"
    " JOIN pacticipants c ON c.id = pv.consumer_id JOIN pacticipants pr ON pr.id = pv.provider_id"
    " JOIN versions v ON v.id = ver.provider_version_id"
)


def create_verification(
    db: sqlite3.Connection,
    pact_version_id: int,
    provider_version_id: int,
    body: dict[str, Any],
) -> int:
    """Store a verification result with its per-interaction test results; returns its id."""
    cursor = db.execute(
        "INSERT INTO verifications (pact_version_id, provider_version_id, success, build_url,"
        " body, created_at) VALUES (?,?,?,?,?,?)",
        (
            pact_version_id,
            provider_version_id,
            1 if body.get("success") is True else 0,
            body.get("buildUrl"),
            json.dumps(body),
            now(),
        ),
    )
    assert cursor.lastrowid is not None  # noqa: S101
    return cursor.lastrowid


def find_verification(db: sqlite3.Connection, verification_id: int) -> sqlite3.Row | None:
    """One verification result by id (None for ids SQLite cannot even represent)."""
    if not -(2**63) <= verification_id < 2**63:
        return None
    row: sqlite3.Row | None = db.execute(
        _SELECT + " WHERE ver.id = ?", (verification_id,)
    ).fetchone()
    return row


def verifications_of_pact_version(
    db: sqlite3.Connection, pact_version_id: int
) -> list[sqlite3.Row]:
    """Verification results of one pact content, newest first."""
    return db.execute(
        _SELECT + " WHERE ver.pact_version_id = ? ORDER BY ver.id DESC", (pact_version_id,)
    ).fetchall()


def verification_models(db: sqlite3.Connection, provider: str) -> list[Verification]:
    """Plain-data verifications of every pact with this provider."""
    rows = db.execute(_SELECT + " WHERE pr.name = ? ORDER BY ver.id", (provider,)).fetchall()
    models: list[Verification] = []
    for row in rows:
        version = version_by_id(db, row["provider_version_id"])
        models.append(
            Verification(
                id=row["id"],
                consumer=row["consumer_name"],
                provider=row["provider_name"],
                pact_sha=row["sha"],
                provider_version=version_model(db, version),
                success=bool(row["success"]),
                created_at=row["created_at"],
            )
        )
    return models
