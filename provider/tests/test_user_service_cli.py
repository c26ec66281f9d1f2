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


@pytest.mark.parametrize(
    ("port", "message"), [("abc", "'abc' is not a port number"), ("70000", "70000 is not")]
)
def test_a_bad_port_is_refused_before_serving(
    port: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--port", port])

    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_an_unwritable_database_is_refused_with_the_variable_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("USER_SERVICE_DATABASE_PATH", str(blocker / "users.sqlite3"))

    assert main(["seed"]) == 1
    assert "set USER_SERVICE_DATABASE_PATH to a writable file" in capsys.readouterr().err
