"""Storage of users: a small interface, and its SQLite implementation."""

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Protocol

from user_service.models import User

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id    INTEGER PRIMARY KEY CHECK (id > 0),
    name  TEXT    NOT NULL,
    email TEXT    NOT NULL
)
"""


class UsersRepository(Protocol):
    """What the API (and the provider-state handlers of the contract tests) need of storage."""

    def get(self, user_id: int) -> User | None:
        """Return the user with this id, or ``None`` when there is none."""
        ...

    def save(self, user: User) -> None:
        """Insert the user, or replace the one with the same id."""
        ...

    def delete(self, user_id: int) -> None:
        """Remove the user with this id; removing a missing user is not an error."""
        ...

    def ping(self) -> None:
        """Raise if the store cannot be read."""
        ...


class SqliteUsersRepository:
    """Users in one SQLite file; a short-lived connection per call keeps it thread-safe."""

    def __init__(self, database_path: Path) -> None:
        self._database_path = database_path
        database_path.parent.mkdir(parents=True, exist_ok=True)
        with self._transaction() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(_SCHEMA)

    @property
    def database_path(self) -> Path:
        """The SQLite file this repository reads and writes."""
        return self._database_path

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # closing() closes the connection; `with connection` commits, or rolls back on error.
        with closing(sqlite3.connect(self._database_path, timeout=5.0)) as connection, connection:
            yield connection

    def get(self, user_id: int) -> User | None:
        """Return the user with this id, or ``None`` when there is none."""
        with self._transaction() as connection:
            row = connection.execute(
                "SELECT id, name, email FROM users WHERE id = ?", (user_id,)
            ).fetchone()
        if row is None:
            return None
        return User(id=row[0], name=row[1], email=row[2])

    def save(self, user: User) -> None:
        """Insert the user, or replace the one with the same id."""
        self.save_all([user])

    def save_all(self, users: Iterable[User]) -> None:
        """Insert or replace several users in one transaction: all of them land, or none."""
        with self._transaction() as connection:
            connection.executemany(
                "INSERT INTO users (id, name, email) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email",
                [(user.id, user.name, user.email) for user in users],
            )

    def delete(self, user_id: int) -> None:
        """Remove the user with this id; removing a missing user is not an error."""
        with self._transaction() as connection:
            connection.execute("DELETE FROM users WHERE id = ?", (user_id,))

    def ping(self) -> None:
        """Raise ``sqlite3.Error`` if the store cannot be read."""
        with self._transaction() as connection:
            connection.execute("SELECT 1 FROM users LIMIT 1").fetchall()
