"""The database schema as ordered migrations, and the code that brings a database up to date.

The database records the version of its schema in ``PRAGMA user_version``. At start every
migration above that version runs, in order, each in its own ``BEGIN IMMEDIATE`` transaction
that also sets ``user_version`` to the migration's number: a migration lands whole with its
version bump, or not at all. A database from a newer broker (a version above the last one
known here) is refused rather than used by code that does not know its schema.

Migration 1 is the schema the broker had before it kept a version, written with
``IF NOT EXISTS`` so that such a database (version 0, tables present) is adopted as it is.
Migration 3 adds the webhook tables the same way: brokers before it created them on every
start, outside the versioned schema, so a database at any earlier version may hold them.
Add a change as a new migration at the end, never by editing one that has shipped.
"""

import sqlite3
from collections.abc import Callable, Sequence
from typing import TypeAlias

MigrationStep: TypeAlias = str | Callable[[sqlite3.Connection], None]
"""SQL statements, or a function given the connection inside the migration's transaction."""

Migration: TypeAlias = tuple[int, str, MigrationStep]
"""``(version, description, step)``; versions are 1, 2, 3, ... in order."""

INITIAL_SCHEMA = """
CREATE TABLE IF NOT EXISTS pacticipants (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    main_branch TEXT,
    repository_url TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id),
    number TEXT NOT NULL,
    build_url TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (pacticipant_id, number)
);
CREATE TABLE IF NOT EXISTS branches (
    id INTEGER PRIMARY KEY,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (pacticipant_id, name)
);
CREATE TABLE IF NOT EXISTS branch_versions (
    id INTEGER PRIMARY KEY,
    branch_id INTEGER NOT NULL REFERENCES branches(id),
    version_id INTEGER NOT NULL REFERENCES versions(id),
    created_at TEXT NOT NULL,
    UNIQUE (branch_id, version_id)
);
CREATE TABLE IF NOT EXISTS tags (
    version_id INTEGER NOT NULL REFERENCES versions(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (version_id, name)
);
CREATE TABLE IF NOT EXISTS pact_versions (
    id INTEGER PRIMARY KEY,
    consumer_id INTEGER NOT NULL REFERENCES pacticipants(id),
    provider_id INTEGER NOT NULL REFERENCES pacticipants(id),
    sha TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (consumer_id, provider_id, sha)
);
CREATE TABLE IF NOT EXISTS pact_publications (
    id INTEGER PRIMARY KEY,
    consumer_version_id INTEGER NOT NULL REFERENCES versions(id),
    provider_id INTEGER NOT NULL REFERENCES pacticipants(id),
    pact_version_id INTEGER NOT NULL REFERENCES pact_versions(id),
    created_at TEXT NOT NULL,
    UNIQUE (consumer_version_id, provider_id)
);
CREATE TABLE IF NOT EXISTS verifications (
    id INTEGER PRIMARY KEY,
    pact_version_id INTEGER NOT NULL REFERENCES pact_versions(id),
    provider_version_id INTEGER NOT NULL REFERENCES versions(id),
    success INTEGER NOT NULL,
    build_url TEXT,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS environments (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT,
    production INTEGER NOT NULL,
    contacts TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deployed_versions (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    version_id INTEGER NOT NULL REFERENCES versions(id),
    environment_id INTEGER NOT NULL REFERENCES environments(id),
    application_instance TEXT,
    created_at TEXT NOT NULL,
    undeployed_at TEXT
);
CREATE TABLE IF NOT EXISTS released_versions (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    version_id INTEGER NOT NULL REFERENCES versions(id),
    environment_id INTEGER NOT NULL REFERENCES environments(id),
    created_at TEXT NOT NULL,
    support_ended_at TEXT,
    UNIQUE (version_id, environment_id)
);
CREATE INDEX IF NOT EXISTS verifications_by_pact_version ON verifications (pact_version_id);
CREATE INDEX IF NOT EXISTS publications_by_provider ON pact_publications (provider_id);
CREATE INDEX IF NOT EXISTS versions_by_pacticipant ON versions (pacticipant_id, id);
CREATE INDEX IF NOT EXISTS branch_versions_by_version ON branch_versions (version_id);
CREATE INDEX IF NOT EXISTS current_deployments ON deployed_versions (version_id)
    WHERE undeployed_at IS NULL;
CREATE INDEX IF NOT EXISTS current_releases ON released_versions (version_id)
    WHERE support_ended_at IS NULL;
CREATE INDEX IF NOT EXISTS pact_versions_by_provider ON pact_versions (provider_id, consumer_id);
CREATE INDEX IF NOT EXISTS pact_versions_by_sha ON pact_versions (sha);
"""

WEBHOOK_TABLES = """
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

MIGRATIONS: list[Migration] = [
    (1, "the initial schema (adopts a database from before migrations)", INITIAL_SCHEMA),
    (
        2,
        "versions and branch versions record when they were updated (official updatedAt)",
        "ALTER TABLE versions ADD COLUMN updated_at TEXT;\n"
        "ALTER TABLE branch_versions ADD COLUMN updated_at TEXT;\n",
    ),
    (
        3,
        "the webhook tables (adopts those the broker created outside migrations before)",
        WEBHOOK_TABLES,
    ),
    (
        4,
        "pacticipant labels (official PUT/DELETE /pacticipants/{name}/labels/{label})",
        "CREATE TABLE labels (\n"
        "    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id),\n"
        "    name TEXT NOT NULL,\n"
        "    created_at TEXT NOT NULL,\n"
        "    updated_at TEXT NOT NULL,\n"
        "    PRIMARY KEY (pacticipant_id, name)\n"
        ");\n"
        "CREATE INDEX labels_by_name ON labels (name);\n",
    ),
]


class NewerSchemaError(Exception):
    """The database was written by a newer broker: its schema version is unknown here."""


class MigrationError(Exception):
    """A migration failed; its transaction was rolled back and the version left as it was."""


def latest_version(migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """The schema version a database has once every migration has run."""
    return max((version for version, _, _ in migrations), default=0)


def schema_version(connection: sqlite3.Connection) -> int:
    """The version recorded in the database (0 for a new one or one from before migrations)."""
    version: int = connection.execute("PRAGMA user_version").fetchone()[0]
    return version


def statements(sql: str) -> list[str]:
    """The complete SQL statements in ``sql``, in order (``execute`` runs one at a time)."""
    found: list[str] = []
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    if pending.strip() and not _only_comments(pending):
        raise ValueError(f"incomplete SQL statement in a migration: {pending.strip()!r}")
    return found


def _only_comments(sql: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in sql.splitlines())


def _check_order(migrations: Sequence[Migration]) -> None:
    versions = [version for version, _, _ in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migration versions must be 1, 2, 3, ... in order, not {versions}")


def refuse_newer(connection: sqlite3.Connection, migrations: Sequence[Migration]) -> None:
    """Raise :class:`NewerSchemaError` if the database is ahead of ``migrations``."""
    found, known = schema_version(connection), latest_version(migrations)
    if found > known:
        raise NewerSchemaError(
            f"the database has schema version {found}, newer than this broker knows ({known});"
            " it was written by a newer local-pact-broker: run that one, or point"
            " PACT_BROKER_DATABASE at another file"
        )


def migrate(
    connection: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS
) -> list[int]:
    """Run the migrations the database lacks; the versions applied, in order.

    ``connection`` must be in autocommit mode (``isolation_level=None``) and outside a
    transaction. Each migration re-reads the version under the write lock of its own
    transaction, so brokers starting together on one file apply every migration once.
    Raises :class:`NewerSchemaError` or :class:`MigrationError` (after rolling back).
    """
    _check_order(migrations)
    refuse_newer(connection, migrations)
    applied: list[int] = []
    for version, description, step in migrations:
        if schema_version(connection) >= version:
            continue
        connection.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(connection) < version:
                _run(connection, step)
                # Inside the transaction: the bump commits, or rolls back, with the change.
                connection.execute(f"PRAGMA user_version = {int(version)}")
                applied.append(version)
        except BaseException as error:
            connection.execute("ROLLBACK")
            if isinstance(error, Exception):
                raise MigrationError(
                    f"schema migration {version} ({description}) failed and was rolled back:"
                    f" {error}"
                ) from error
            raise
        connection.execute("COMMIT")
    return applied


def _run(connection: sqlite3.Connection, step: MigrationStep) -> None:
    if isinstance(step, str):
        for statement in statements(step):
            connection.execute(statement)
    else:
        step(connection)
