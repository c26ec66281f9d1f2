"""``user-service seed`` fills a database the served app then reads."""

from pathlib import Path

import pytest
from user_service.cli import main
from user_service.demo_users import DEMO_USERS
from user_service.users_repository import SqliteUsersRepository


def test_seed_is_idempotent_and_writes_to_the_configured_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "seeded.sqlite3"
    monkeypatch.setenv("USER_SERVICE_DATABASE_PATH", str(database))

    assert main(["seed"]) == 0
    assert main(["seed"]) == 0

    repository = SqliteUsersRepository(database)
    assert [repository.get(user.id) for user in DEMO_USERS] == list(DEMO_USERS)
    assert f"Seeded {len(DEMO_USERS)} users into {database}" in capsys.readouterr().out


def test_an_unknown_command_exits_non_zero_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["destroy"])

    assert exited.value.code == 2
    assert "invalid choice: 'destroy'" in capsys.readouterr().err
