"""SQL for environments and the versions deployed or released to them."""

import json
import sqlite3
import uuid
from typing import Any

from local_pact_broker.domain.timestamps import now


def all_environments(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every environment, by name."""
    return db.execute("SELECT * FROM environments ORDER BY name").fetchall()


def find_environment(
    db: sqlite3.Connection, *, uuid_: str | None = None, name: str | None = None
) -> sqlite3.Row | None:
    """An environment by uuid or by name."""
    query, value = (
        ("SELECT * FROM environments WHERE uuid = ?", uuid_)
        if uuid_ is not None
        else ("SELECT * FROM environments WHERE name = ?", name)
    )
    row: sqlite3.Row | None = db.execute(query, (value,)).fetchone()
    return row


def create_environment(
    db: sqlite3.Connection, body: dict[str, Any], uuid_: str | None = None
) -> sqlite3.Row:
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
    created = find_environment(db, uuid_=new_uuid)
    assert created is not None  # noqa: S101
    return created


def update_environment(db: sqlite3.Connection, env_id: int, body: dict[str, Any]) -> None:
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


def delete_environment(db: sqlite3.Connection, env_id: int) -> None:
    """Delete an environment and its deployment records."""
    db.execute("DELETE FROM deployed_versions WHERE environment_id = ?", (env_id,))
    db.execute("DELETE FROM released_versions WHERE environment_id = ?", (env_id,))
    db.execute("DELETE FROM environments WHERE id = ?", (env_id,))


def record_deployment(
    db: sqlite3.Connection, version: sqlite3.Row, environment_id: int, instance: str | None
) -> sqlite3.Row:
    """Record a deployment; the previous version of the same instance counts as undeployed."""
    stamp = now()
    db.execute(
        "UPDATE deployed_versions SET undeployed_at = ? WHERE undeployed_at IS NULL"
        " AND environment_id = ? AND coalesce(application_instance, '') = coalesce(?, '')"
        " AND version_id IN (SELECT id FROM versions WHERE pacticipant_id = ?)",
        (stamp, environment_id, instance, version["pacticipant_id"]),
    )
    new_uuid = str(uuid.uuid4())
    db.execute(
        "INSERT INTO deployed_versions (uuid, version_id, environment_id, application_instance,"
        " created_at) VALUES (?,?,?,?,?)",
        (new_uuid, version["id"], environment_id, instance, stamp),
    )
    row: sqlite3.Row = db.execute(
        "SELECT * FROM deployed_versions WHERE uuid = ?", (new_uuid,)
    ).fetchone()
    return row


def record_undeployment(db: sqlite3.Connection, version_id: int, environment_id: int) -> int:
    """Mark a version as no longer deployed to an environment; returns how many records."""
    cursor = db.execute(
        "UPDATE deployed_versions SET undeployed_at = ? WHERE version_id = ?"
        " AND environment_id = ? AND undeployed_at IS NULL",
        (now(), version_id, environment_id),
    )
    return cursor.rowcount


def record_release(db: sqlite3.Connection, version_id: int, environment_id: int) -> sqlite3.Row:
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
    row: sqlite3.Row = db.execute(
        "SELECT * FROM released_versions WHERE version_id = ? AND environment_id = ?",
        (version_id, environment_id),
    ).fetchone()
    return row


_DEPLOYED_SELECT = (
    "SELECT d.*, v.number, p.name AS pacticipant_name FROM deployed_versions d"
    " JOIN versions v ON v.id = d.version_id JOIN pacticipants p ON p.id = v.pacticipant_id"
)


def deployed_version(db: sqlite3.Connection, deployed_id: int) -> sqlite3.Row:
    """One deployment record, with version number and pacticipant name, by its row id."""
    row: sqlite3.Row = db.execute(_DEPLOYED_SELECT + " WHERE d.id = ?", (deployed_id,)).fetchone()
    return row


def deployed_versions(
    db: sqlite3.Connection, environment_id: int, currently: bool = True
) -> list[sqlite3.Row]:
    """Deployment records of an environment with version number and pacticipant name."""
    sql = _DEPLOYED_SELECT + " WHERE d.environment_id = ?"
    if currently:
        sql += " AND d.undeployed_at IS NULL"
    return db.execute(sql + " ORDER BY d.id", (environment_id,)).fetchall()


def released_versions(db: sqlite3.Connection, environment_id: int) -> list[sqlite3.Row]:
    """Currently supported releases in an environment."""
    return db.execute(
        "SELECT r.*, v.number, p.name AS pacticipant_name FROM released_versions r"
        " JOIN versions v ON v.id = r.version_id JOIN pacticipants p ON p.id = v.pacticipant_id"
        " WHERE r.environment_id = ? AND r.support_ended_at IS NULL ORDER BY r.id",
        (environment_id,),
    ).fetchall()


def versions_in_environment(
    db: sqlite3.Connection, pacticipant: str, environment: str
) -> list[sqlite3.Row]:
    """Versions of a pacticipant currently deployed or released to an environment."""
    return db.execute(
        "SELECT DISTINCT v.*, p.name AS pacticipant_name FROM versions v"
        " JOIN pacticipants p ON p.id = v.pacticipant_id WHERE p.name = ? AND v.id IN ("
        " SELECT d.version_id FROM deployed_versions d JOIN environments e ON e.id ="
        " d.environment_id WHERE e.name = ? AND d.undeployed_at IS NULL UNION"
        " SELECT r.version_id FROM released_versions r JOIN environments e ON e.id ="
        " r.environment_id WHERE e.name = ? AND r.support_ended_at IS NULL) ORDER BY v.id",
        (pacticipant, environment, environment),
    ).fetchall()


def released_version(db: sqlite3.Connection, uuid: str) -> sqlite3.Row | None:
    """One release record, with version number and pacticipant name, by its uuid."""
    row: sqlite3.Row | None = db.execute(
        "SELECT r.*, v.number, p.name AS pacticipant_name FROM released_versions r"
        " JOIN versions v ON v.id = r.version_id JOIN pacticipants p ON p.id = v.pacticipant_id"
        " WHERE r.uuid = ?",
        (uuid,),
    ).fetchone()
    return row


def end_support(db: sqlite3.Connection, released_id: int) -> None:
    """Record that a released version is no longer supported (once)."""
    db.execute(
        "UPDATE released_versions SET support_ended_at = ? WHERE id = ?"
        " AND support_ended_at IS NULL",
        (now(), released_id),
    )
