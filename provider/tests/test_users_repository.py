"""The SQLite repository keeps what it is given, on disk, and loses nothing on bad input."""

import sqlite3
from pathlib import Path

import pytest

from user_service.models import User
from user_service.users_repository import EmailTakenError, SqliteUsersRepository

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


def test_created_users_get_fresh_ids_and_can_be_found_by_email(
    users_repository: SqliteUsersRepository,
) -> None:
    users_repository.save(ADA)

    grace = users_repository.create("Grace Hopper", "grace@example.com")

    assert grace == User(id=2, name="Grace Hopper", email="grace@example.com")
    assert users_repository.find_by_email("grace@example.com") == grace
    assert users_repository.find_by_email("nobody@example.com") is None


def test_an_email_belongs_to_one_user_whether_created_or_saved(
    users_repository: SqliteUsersRepository,
) -> None:
    users_repository.save(ADA)

    with pytest.raises(EmailTakenError, match=r"A user with the email ada@example\.com already"):
        users_repository.create("Someone Else", ADA.email)
    with pytest.raises(EmailTakenError):
        users_repository.save(User(id=9, name="Someone Else", email=ADA.email))
    users_repository.save(ADA.model_copy(update={"name": "Ada"}))  # same user, same email: fine

    assert users_repository.page(email=ADA.email, limit=10, after_id=0).users == (
        ADA.model_copy(update={"name": "Ada"}),
    )


def test_pages_are_in_id_order_and_say_where_to_continue(
    users_repository: SqliteUsersRepository,
) -> None:
    users = [User(id=n, name=f"User {n}", email=f"user{n}@example.com") for n in (5, 1, 3)]
    users_repository.save_all(users)

    first = users_repository.page(email=None, limit=2, after_id=0)
    rest = users_repository.page(email=None, limit=2, after_id=3)

    assert [user.id for user in first.users] == [1, 3]
    assert first.next_after_id == 3
    assert [user.id for user in rest.users] == [5]
    assert rest.next_after_id is None
    assert users_repository.page(email="user3@example.com", limit=2, after_id=0).users == (
        users[2],
    )
