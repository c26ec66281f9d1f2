"""Storage of users: a small interface, and its SQLite implementation."""

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import NamedTuple, Protocol

from user_service.models import User
from user_service.schema_migrations import migrate


class EmailTakenError(Exception):
    """Another user already has this email (emails are unique)."""

    def __init__(self, email: str) -> None:
        super().__init__(f"A user with the email {email} already exists")
        self.email = email


class UsersSlice(NamedTuple):
    """Some users in id order, and the id to continue after when there are more."""

    users: tuple[User, ...]
    next_after_id: int | None


class UsersRepository(Protocol):
    """What the API (and the provider-state handlers of the contract tests) need of storage."""

    def get(self, user_id: int) -> User | None:
        """Return the user with this id, or ``None`` when there is none."""
        ...

    def find_by_email(self, email: str) -> User | None:
        """Return the user with exactly this email, or ``None`` when there is none."""
        ...

    def page(self, email: str | None, limit: int, after_id: int) -> UsersSlice:
        """Up to ``limit`` users with ids above ``after_id`` (and this email, if given)."""
        ...

    def create(self, name: str, email: str) -> User:
        """Store a new user under a fresh id; raise ``EmailTakenError`` if the email is used."""
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


def _user(row: tuple[int, str, str]) -> User:
    return User(id=row[0], name=row[1], email=row[2])


def _is_email_conflict(error: sqlite3.IntegrityError) -> bool:
    return "users.email" in str(error)


class SqliteUsersRepository:
    """Users in one SQLite file; a short-lived connection per call keeps it thread-safe."""

    def __init__(self, database_path: Path) -> None:
        """Open (creating if need be) the file and bring its schema up to date."""
        self._database_path = database_path
        database_path.parent.mkdir(parents=True, exist_ok=True)
        with self._transaction() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
        migrate(database_path)

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
        return None if row is None else _user(row)

    def find_by_email(self, email: str) -> User | None:
        """Return the user with exactly this email, or ``None`` when there is none."""
        with self._transaction() as connection:
            row = connection.execute(
                "SELECT id, name, email FROM users WHERE email = ?", (email,)
            ).fetchone()
        return None if row is None else _user(row)

    def page(self, email: str | None, limit: int, after_id: int) -> UsersSlice:
        """Up to ``limit`` users with ids above ``after_id`` (and this email, if given).

        One row more than asked is read, so the last page says so instead of leaving the
        caller to fetch an empty one.
        """
        with self._transaction() as connection:
            if email is None:
                rows = connection.execute(
                    "SELECT id, name, email FROM users WHERE id > ? ORDER BY id LIMIT ?",
                    (after_id, limit + 1),
                ).fetchall()
            else:  # a query of its own, so SQLite uses the email index
                rows = connection.execute(
                    "SELECT id, name, email FROM users WHERE email = ? AND id > ? "
                    "ORDER BY id LIMIT ?",
                    (email, after_id, limit + 1),
                ).fetchall()
        users = tuple(_user(row) for row in rows[:limit])
        more = len(rows) > limit
        return UsersSlice(users, users[-1].id if more and users else None)

    def create(self, name: str, email: str) -> User:
        """Store a new user under a fresh id; raise ``EmailTakenError`` if the email is used.

        The unique index decides, so two concurrent creates with one email cannot both win.
        """
        try:
            with self._transaction() as connection:
                [(user_id,)] = connection.execute(
                    "INSERT INTO users (name, email) VALUES (?, ?) RETURNING id", (name, email)
                ).fetchall()
        except sqlite3.IntegrityError as error:
            if _is_email_conflict(error):
                raise EmailTakenError(email) from error
            raise
        return User(id=user_id, name=name, email=email)

    def save(self, user: User) -> None:
        """Insert the user, or replace the one with the same id."""
        self.save_all([user])

    def save_all(self, users: Iterable[User]) -> None:
        """Insert or replace several users in one transaction: all of them land, or none.

        Raise ``EmailTakenError`` when a user's email belongs to a user with another id.
        """
        with self._transaction() as connection:
            for user in users:
                try:
                    connection.execute(
                        "INSERT INTO users (id, name, email) VALUES (?, ?, ?) "
                        "ON CONFLICT (id) DO UPDATE "
                        "SET name = excluded.name, email = excluded.email",
                        (user.id, user.name, user.email),
                    )
                except sqlite3.IntegrityError as error:
                    if _is_email_conflict(error):
                        raise EmailTakenError(user.email) from error
                    raise

    def delete(self, user_id: int) -> None:
        """Remove the user with this id; removing a missing user is not an error."""
        with self._transaction() as connection:
            connection.execute("DELETE FROM users WHERE id = ?", (user_id,))

    def ping(self) -> None:
        """Raise ``sqlite3.Error`` if the store cannot be read."""
        with self._transaction() as connection:
            connection.execute("SELECT 1 FROM users LIMIT 1").fetchall()
