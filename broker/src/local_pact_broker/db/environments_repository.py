"""SQL for environments and the versions deployed or released to them."""

import json
import uuid
from typing import Any

from local_pact_broker.db.records import (
    DEPLOYED_VERSION_COLUMNS,
    ENVIRONMENT_COLUMNS,
    RELEASED_VERSION_COLUMNS,
    VERSION_COLUMNS,
    DeployedVersionRecord,
    EnvironmentRecord,
    ReleasedVersionRecord,
    VersionRecord,
)
from local_pact_broker.db.storage import Connection
from local_pact_broker.domain.timestamps import now

_ENVIRONMENT = f"SELECT {ENVIRONMENT_COLUMNS} FROM environments e"  # noqa: S608 - constants
_DEPLOYED = (
    f"SELECT {DEPLOYED_VERSION_COLUMNS} FROM deployed_versions d"  # noqa: S608 - constants
    " JOIN versions v ON v.id = d.version_id JOIN pacticipants p ON p.id = v.pacticipant_id"
)
_RELEASED = (
    f"SELECT {RELEASED_VERSION_COLUMNS} FROM released_versions r"  # noqa: S608 - constants
    " JOIN versions v ON v.id = r.version_id JOIN pacticipants p ON p.id = v.pacticipant_id"
)


class RecordNotFoundError(LookupError):
    """A row just written in this transaction could not be read back."""


def all_environments(db: Connection) -> list[EnvironmentRecord]:
    """Every environment, by name."""
    return [EnvironmentRecord.of(row) for row in db.execute(_ENVIRONMENT + " ORDER BY e.name")]


def find_environment(
    db: Connection, *, uuid_: str | None = None, name: str | None = None
) -> EnvironmentRecord | None:
    """An environment by uuid or by name."""
    query, value = (
        (_ENVIRONMENT + " WHERE e.uuid = ?", uuid_)
        if uuid_ is not None
        else (_ENVIRONMENT + " WHERE e.name = ?", name)
    )
    row = db.execute(query, (value,)).fetchone()
    return None if row is None else EnvironmentRecord.of(row)


def _environment(db: Connection, uuid_: str) -> EnvironmentRecord:
    found = find_environment(db, uuid_=uuid_)
    if found is None:
        raise RecordNotFoundError(f"environment {uuid_} is not stored")
    return found


def create_environment(
    db: Connection, body: dict[str, Any], uuid_: str | None = None
) -> EnvironmentRecord:
    """Store a new environment."""
    stamp = now()
    new_uuid = uuid_ or str(uuid.uuid4())
    db.execute(
        "INSERT INTO environments (uuid, name, display_name, production, contacts, created_at,"
        " updated_at) VALUES (?,?,?,?,?,?,?)",
        (
            new_uuid,
            body["name"],
            body.get("displayName"),
            1 if body.get("production") else 0,
            json.dumps(body["contacts"]) if body.get("contacts") else None,
            stamp,
            stamp,
        ),
    )
    return _environment(db, new_uuid)


def update_environment(db: Connection, env_id: int, body: dict[str, Any]) -> None:
    """Replace an environment's attributes."""
    db.execute(
        "UPDATE environments SET name = ?, display_name = ?, production = ?, contacts = ?,"
        " updated_at = ? WHERE id = ?",
        (
            body["name"],
            body.get("displayName"),
            1 if body.get("production") else 0,
            json.dumps(body["contacts"]) if body.get("contacts") else None,
            now(),
            env_id,
        ),
    )


def delete_environment(db: Connection, env_id: int) -> None:
    """Delete an environment and its deployment records."""
    db.execute("DELETE FROM deployed_versions WHERE environment_id = ?", (env_id,))
    db.execute("DELETE FROM released_versions WHERE environment_id = ?", (env_id,))
    db.execute("DELETE FROM environments WHERE id = ?", (env_id,))


def record_deployment(
    db: Connection, version: VersionRecord, environment_id: int, instance: str | None
) -> DeployedVersionRecord:
    """Record a deployment; the previous version of the same instance counts as undeployed."""
    stamp = now()
    db.execute(
        "UPDATE deployed_versions SET undeployed_at = ? WHERE undeployed_at IS NULL"
        " AND environment_id = ? AND coalesce(application_instance, '') = coalesce(?, '')"
        " AND version_id IN (SELECT id FROM versions WHERE pacticipant_id = ?)",
        (stamp, environment_id, instance, version.pacticipant_id),
    )
    new_uuid = str(uuid.uuid4())
    row = db.execute(
        "INSERT INTO deployed_versions (uuid, version_id, environment_id, application_instance,"
        " created_at) VALUES (?,?,?,?,?) RETURNING id",
        (new_uuid, version.id, environment_id, instance, stamp),
    ).fetchone()
    return DeployedVersionRecord(
        row[0], new_uuid, version.id, environment_id, instance, stamp, None, version.number,
        version.pacticipant,
    )  # fmt: skip


def find_deployed_version(db: Connection, uuid_: str) -> DeployedVersionRecord | None:
    """One deployment record by its uuid."""
    row = db.execute(_DEPLOYED + " WHERE d.uuid = ?", (uuid_,)).fetchone()
    return None if row is None else DeployedVersionRecord(*row)


def record_undeployment(db: Connection, version_id: int, environment_id: int) -> int:
    """Mark a version as no longer deployed to an environment; returns how many records."""
    cursor = db.execute(
        "UPDATE deployed_versions SET undeployed_at = ? WHERE version_id = ?"
        " AND environment_id = ? AND undeployed_at IS NULL",
        (now(), version_id, environment_id),
    )
    return cursor.rowcount


def record_release(db: Connection, version_id: int, environment_id: int) -> ReleasedVersionRecord:
    """Record a release (idempotent per version and environment)."""
    db.execute(
        "INSERT OR IGNORE INTO released_versions (uuid, version_id, environment_id, created_at)"
        " VALUES (?,?,?,?)",
        (str(uuid.uuid4()), version_id, environment_id, now()),
    )
    db.execute(  # releasing again after support ended makes it supported again
        "UPDATE released_versions SET support_ended_at = NULL WHERE version_id = ?"
        " AND environment_id = ?",
        (version_id, environment_id),
    )
    row = db.execute(
        _RELEASED + " WHERE r.version_id = ? AND r.environment_id = ?",
        (version_id, environment_id),
    ).fetchone()
    if row is None:
        raise RecordNotFoundError(f"release of version {version_id} is not stored")
    return ReleasedVersionRecord(*row)


def deployed_versions(
    db: Connection, environment_id: int, currently: bool = True
) -> list[DeployedVersionRecord]:
    """Deployment records of an environment with version number and pacticipant name."""
    sql = _DEPLOYED + " WHERE d.environment_id = ?"
    if currently:
        sql += " AND d.undeployed_at IS NULL"
    return [
        DeployedVersionRecord(*row) for row in db.execute(sql + " ORDER BY d.id", (environment_id,))
    ]


def released_versions(db: Connection, environment_id: int) -> list[ReleasedVersionRecord]:
    """Currently supported releases in an environment."""
    rows = db.execute(
        _RELEASED + " WHERE r.environment_id = ? AND r.support_ended_at IS NULL ORDER BY r.id",
        (environment_id,),
    )
    return [ReleasedVersionRecord(*row) for row in rows]


def versions_in_environment(
    db: Connection, pacticipant: str, environment: str
) -> list[VersionRecord]:
    """Versions of a pacticipant currently deployed or released to an environment."""
    rows = db.execute(
        f"SELECT DISTINCT {VERSION_COLUMNS} FROM versions v"  # noqa: S608 - constant fragments
        " JOIN pacticipants p ON p.id = v.pacticipant_id WHERE p.name = ? AND v.id IN ("
        " SELECT d.version_id FROM deployed_versions d JOIN environments e ON e.id ="
        " d.environment_id WHERE e.name = ? AND d.undeployed_at IS NULL UNION"
        " SELECT r.version_id FROM released_versions r JOIN environments e ON e.id ="
        " r.environment_id WHERE e.name = ? AND r.support_ended_at IS NULL) ORDER BY v.id",
        (pacticipant, environment, environment),
    )
    return [VersionRecord(*row) for row in rows]


def released_version(db: Connection, uuid: str) -> ReleasedVersionRecord | None:
    """One release record, with version number and pacticipant name, by its uuid."""
    row = db.execute(_RELEASED + " WHERE r.uuid = ?", (uuid,)).fetchone()
    return None if row is None else ReleasedVersionRecord(*row)


def end_support(db: Connection, released_id: int) -> None:
    """Record that a released version is no longer supported (once)."""
    db.execute(
        "UPDATE released_versions SET support_ended_at = ? WHERE id = ?"
        " AND support_ended_at IS NULL",
        (now(), released_id),
    )
