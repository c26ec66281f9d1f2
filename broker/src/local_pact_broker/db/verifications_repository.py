"""SQL for verification results."""

import json
from typing import Any

from local_pact_broker.db.pacticipants_repository import version_by_id, version_model
from local_pact_broker.db.records import VERIFICATION_COLUMNS, VerificationRecord
from local_pact_broker.db.storage import Connection
from local_pact_broker.domain.models import Verification
from local_pact_broker.domain.timestamps import now

_SELECT = (
    f"SELECT {VERIFICATION_COLUMNS} FROM verifications ver"  # noqa: S608 - constant fragments
    " JOIN pact_versions pv ON pv.id = ver.pact_version_id"
    " JOIN pacticipants c ON c.id = pv.consumer_id JOIN pacticipants pr ON pr.id = pv.provider_id"
    " JOIN versions v ON v.id = ver.provider_version_id"
)


def create_verification(
    db: Connection,
    pact_version_id: int,
    provider_version_id: int,
    body: dict[str, Any],
) -> tuple[int, str]:
    """Store a verification result with its per-interaction test results; its id and time."""
    stamp = now()
    row = db.execute(
        "INSERT INTO verifications (pact_version_id, provider_version_id, success, build_url,"
        " body, created_at) VALUES (?,?,?,?,?,?) RETURNING id",
        (
            pact_version_id,
            provider_version_id,
            1 if body.get("success") is True else 0,
            body.get("buildUrl"),
            json.dumps(body),
            stamp,
        ),
    ).fetchone()
    return int(row[0]), stamp


def find_verification(db: Connection, verification_id: int) -> VerificationRecord | None:
    """One verification result by id (None for ids SQLite cannot even represent)."""
    if not -(2**63) <= verification_id < 2**63:
        return None
    row = db.execute(_SELECT + " WHERE ver.id = ?", (verification_id,)).fetchone()
    return None if row is None else VerificationRecord.of(row)


def verifications_of_pact_version(db: Connection, pact_version_id: int) -> list[VerificationRecord]:
    """Verification results of one pact content, newest first."""
    rows = db.execute(
        _SELECT + " WHERE ver.pact_version_id = ? ORDER BY ver.id DESC", (pact_version_id,)
    )
    return [VerificationRecord.of(row) for row in rows]


def latest_verification(db: Connection, pact_version_id: int) -> VerificationRecord | None:
    """The newest verification result of one pact content."""
    row = db.execute(
        _SELECT + " WHERE ver.pact_version_id = ? ORDER BY ver.id DESC LIMIT 1", (pact_version_id,)
    ).fetchone()
    return None if row is None else VerificationRecord.of(row)


def verified_by(db: Connection, provider_version_id: int, sha: str) -> bool:
    """Whether this provider version has published a result for a pact content with this sha."""
    row = db.execute(
        "SELECT 1 FROM verifications ver JOIN pact_versions pv ON pv.id = ver.pact_version_id"
        " WHERE ver.provider_version_id = ? AND pv.sha = ?",
        (provider_version_id, sha),
    ).fetchone()
    return row is not None


def has_verified(db: Connection, provider_version_id: int, pact_version_id: int) -> bool:
    """Whether this provider version has published a result for this pact content."""
    row = db.execute(
        "SELECT 1 FROM verifications WHERE provider_version_id = ? AND pact_version_id = ?",
        (provider_version_id, pact_version_id),
    ).fetchone()
    return row is not None


def provider_has_verifications(db: Connection, provider_id: int) -> bool:
    """Whether any result was ever published for a pact with this provider."""
    row = db.execute(
        "SELECT 1 FROM verifications ver JOIN pact_versions pv ON pv.id = ver.pact_version_id"
        " WHERE pv.provider_id = ? LIMIT 1",
        (provider_id,),
    ).fetchone()
    return row is not None


def verification_models(db: Connection, provider: str) -> list[Verification]:
    """Plain-data verifications of every pact with this provider (a full load, for tests)."""
    rows = db.execute(_SELECT + " WHERE pr.name = ? ORDER BY ver.id", (provider,)).fetchall()
    models: list[Verification] = []
    for row in rows:
        record = VerificationRecord.of(row)
        version = version_by_id(db, record.provider_version_id)
        models.append(
            Verification(
                id=record.id,
                consumer=record.consumer,
                provider=record.provider,
                pact_sha=record.sha,
                provider_version=version_model(db, version),
                success=record.success,
                created_at=record.created_at,
            )
        )
    return models
