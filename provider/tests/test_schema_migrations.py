"""Opening a database brings its schema up to date in place, keeping every row, or leaves it."""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from user_service.models import User
from user_service.schema_migrations import LATEST_VERSION, MigrationError, schema_version
from user_service.users_repository import EmailTakenError, SqliteUsersRepository

# What user-service wrote before migrations were recorded: this table, user_version left at 0.
OLD_DDL = """
CREATE TABLE IF NOT EXISTS users (
    id    INTEGER PRIMARY KEY CHECK (id > 0),
    name  TEXT    NOT NULL,
    email TEXT    NOT NULL
)
"""


def old_database(path: Path, rows: list[tuple[int, str, str]], version: int = 0) -> Path:
    """A database as the old code left it (or as migration 1 alone did, ``version=1``)."""
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute(OLD_DDL)
        connection.executemany("INSERT INTO users (id, name, email) VALUES (?, ?, ?)", rows)
        connection.execute(f"PRAGMA user_version = {version:d}")
    return path


def indexes(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        return {name for (name,) in rows}


def test_a_new_database_is_created_at_the_latest_version(tmp_path: Path) -> None:
    SqliteUsersRepository(tmp_path / "new.sqlite3")

    assert LATEST_VERSION == 2
    assert schema_version(tmp_path / "new.sqlite3") == LATEST_VERSION
    assert "users_email" in indexes(tmp_path / "new.sqlite3")


@pytest.mark.parametrize("version", [0, 1], ids=["before-migrations", "at-version-1"])
def test_an_old_database_is_upgraded_in_place_and_keeps_its_rows(
    tmp_path: Path, version: int
) -> None:
    path = old_database(
        tmp_path / "old.sqlite3",
        [(1, "Ada Lovelace", "ada@example.com"), (7, "Grace Hopper", "grace@example.com")],
        version,
    )

    repository = SqliteUsersRepository(path)

    assert schema_version(path) == LATEST_VERSION
    assert repository.get(1) == User(id=1, name="Ada Lovelace", email="ada@example.com")
    assert repository.get(7) == User(id=7, name="Grace Hopper", email="grace@example.com")
    with pytest.raises(EmailTakenError):
        repository.create("Another Ada", "ada@example.com")
    assert repository.create("Alan Turing", "alan@example.com").id == 8


def test_reopening_an_up_to_date_database_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "users.sqlite3"
    SqliteUsersRepository(path).create("Ada Lovelace", "ada@example.com")

    reopened = SqliteUsersRepository(path)

    assert schema_version(path) == LATEST_VERSION
    assert reopened.find_by_email("ada@example.com") is not None


def test_a_failing_migration_says_which_and_leaves_the_database_as_it_was(
    tmp_path: Path,
) -> None:
    rows = [(1, "Ada Lovelace", "ada@example.com"), (2, "Ada's twin", "ada@example.com")]
    path = old_database(tmp_path / "duplicates.sqlite3", rows)

    with pytest.raises(MigrationError) as raised:
        SqliteUsersRepository(path)

    assert str(raised.value).startswith(
        f"cannot apply migration 2 (one user per email (a unique index on users.email)) to {path}"
    )
    assert str(raised.value).endswith("the database is left at version 0")
    assert schema_version(path) == 0
    assert "users_email" not in indexes(path)
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("SELECT id, name, email FROM users").fetchall() == rows


def test_a_database_from_a_newer_service_is_refused(tmp_path: Path) -> None:
    path = old_database(tmp_path / "future.sqlite3", [], version=LATEST_VERSION + 1)

    with pytest.raises(MigrationError, match=r"schema version 3, newer than this user-service"):
        SqliteUsersRepository(path)
    assert schema_version(path) == LATEST_VERSION + 1
