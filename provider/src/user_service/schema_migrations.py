"""The database schema as an ordered list of migrations, recorded in ``PRAGMA user_version``.

A database at version N has had migrations 1..N applied; opening it applies the rest, in
one transaction, so an upgrade either completes or leaves the file as it was. Migrations are
only ever appended: editing one that has shipped would leave existing databases behind.
"""

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import NamedTuple


class Migration(NamedTuple):
    """One step of the schema; ``description`` is what an error says was being applied."""

    description: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    # IF NOT EXISTS: databases made before migrations were recorded already hold this table
    # at user_version 0; this adopts them as version 1 instead of failing.
    Migration(
        "the users table",
        """
        CREATE TABLE IF NOT EXISTS users (
            id    INTEGER PRIMARY KEY CHECK (id > 0),
            name  TEXT    NOT NULL,
            email TEXT    NOT NULL
        )
        """,
    ),
    # One user per email, enforced by the store so concurrent creates cannot both win; the
    # index also serves the exact-email search.
    Migration(
        "one user per email (a unique index on users.email)",
        "CREATE UNIQUE INDEX users_email ON users (email)",
    ),
)

LATEST_VERSION = len(MIGRATIONS)


class MigrationError(Exception):
    """The database cannot be brought to the schema this code needs; it was left unchanged."""


def schema_version(database_path: Path) -> int:
    """The migrations applied to this database so far (0 for a new or pre-migration file)."""
    with closing(sqlite3.connect(database_path, timeout=5.0)) as connection:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])


def migrate(database_path: Path) -> int:
    """Apply the migrations this database lacks, all or none; return its version now.

    ``BEGIN IMMEDIATE`` takes the write lock before the version is read, so two processes
    opening a new database at once cannot both apply the same migration.
    """
    with closing(sqlite3.connect(database_path, timeout=5.0, isolation_level=None)) as connection:
        connection.execute("BEGIN IMMEDIATE")
        try:
            _apply_missing(connection, database_path)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    return LATEST_VERSION


def _apply_missing(connection: sqlite3.Connection, database_path: Path) -> None:
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    if version > LATEST_VERSION:
        raise MigrationError(
            f"the database {database_path} is at schema version {version}, newer than "
            f"this user-service knows ({LATEST_VERSION}); run a newer user-service"
        )
    for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
        try:
            connection.execute(migration.sql)
        except sqlite3.Error as error:
            raise MigrationError(
                f"cannot apply migration {number} ({migration.description}) to "
                f"{database_path}: {error}; the database is left at version {version}"
            ) from error
    if version < LATEST_VERSION:
        # PRAGMA takes no parameters; the value is our own integer.
        connection.execute(f"PRAGMA user_version = {LATEST_VERSION:d}")
