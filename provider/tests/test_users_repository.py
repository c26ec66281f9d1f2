"""The SQLite repository keeps what it is given, on disk, and loses nothing on bad input."""

import sqlite3
from pathlib import Path

import pytest

from user_service.models import User
from user_service.users_repository import SqliteUsersRepository

ADA = User(id=1, name="Ada Lovelace", email="ada@example.com")


def test_a_saved_user_survives_a_new_repository_on_the_same_file(tmp_path: Path) -> None:
    SqliteUsersRepository(tmp_path / "users.sqlite3").save(ADA)

    assert SqliteUsersRepository(tmp_path / "users.sqlite3").get(1) == ADA


def test_saving_again_replaces_and_deleting_removes(
    users_repository: SqliteUsersRepository,
) -> None:
    users_repository.save(ADA)
    users_repository.save(ADA.model_copy(update={"name": "Augusta Ada King"}))
    assert users_repository.get(1) == User(id=1, name="Augusta Ada King", email="ada@example.com")

    users_repository.delete(1)
    users_repository.delete(1)  # deleting a missing user is not an error

    assert users_repository.get(1) is None


def test_a_failing_batch_saves_nothing(users_repository: SqliteUsersRepository) -> None:
    users_repository.save(ADA)
    invalid = User.model_construct(id=-5, name="Nobody", email="nobody@example.com")

    with pytest.raises(sqlite3.IntegrityError):
        users_repository.save_all([User(id=2, name="Grace", email="grace@example.com"), invalid])

    assert users_repository.get(2) is None, "a half-applied batch leaked into the database"
    assert users_repository.get(1) == ADA
