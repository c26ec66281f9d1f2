"""The ``user-service`` command: seed, create and find users; serve on the port asked for."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import httpx
import pytest

from user_service.cli import main
from user_service.demo_users import DEMO_USERS
from user_service.models import User
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


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("USER_SERVICE_DATABASE_PATH", str(path))
    return path


def test_create_prints_the_new_user_and_find_finds_it(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["create", "Ada Lovelace", "ada@example.com"]) == 0
    created = json.loads(capsys.readouterr().out)

    assert main(["find", "--email", "ada@example.com"]) == 0
    assert json.loads(capsys.readouterr().out) == created
    assert created == {"id": created["id"], "name": "Ada Lovelace", "email": "ada@example.com"}
    assert SqliteUsersRepository(database).get(created["id"]) is not None


def test_create_refuses_a_taken_email_with_exit_1(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["create", "Ada Lovelace", "ada@example.com"]) == 0
    capsys.readouterr()

    assert main(["create", "Another Ada", "ada@example.com"]) == 1
    assert capsys.readouterr().err == (
        "error: A user with the email ada@example.com already exists\n"
    )


@pytest.mark.parametrize(
    ("name", "email", "message"),
    [
        ("", "ada@example.com", "error: name: String should have at least 1 character"),
        ("Ada", "ada-at-example.com", "error: email: String should match pattern"),
    ],
)
def test_create_refuses_invalid_input_with_exit_2_before_touching_the_database(
    database: Path, capsys: pytest.CaptureFixture[str], name: str, email: str, message: str
) -> None:
    assert main(["create", name, email]) == 2
    assert capsys.readouterr().err.startswith(message)
    assert not database.exists()


def test_find_reports_a_missing_email_with_exit_1(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["find", "--email", "nobody@example.com"]) == 1
    assert capsys.readouterr().err == "error: no user has the email nobody@example.com\n"


def test_find_needs_an_email(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["find"])

    assert exited.value.code == 2
    assert "the following arguments are required: --email" in capsys.readouterr().err


def test_seed_refuses_when_a_demo_email_belongs_to_another_user(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    SqliteUsersRepository(database).save(User(id=50, name="Not Ada", email="ada@example.com"))

    assert main(["seed"]) == 1
    assert "ada@example.com already exists under another id" in capsys.readouterr().err


def test_a_database_from_a_newer_service_is_refused_with_exit_1(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    SqliteUsersRepository(database)
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA user_version = 99")

    assert main(["find", "--email", "ada@example.com"]) == 1
    assert "schema version 99, newer than this user-service knows" in capsys.readouterr().err


def test_a_bad_port_in_the_environment_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PORT", "http")

    with pytest.raises(SystemExit) as exited:
        main(["serve"])

    assert exited.value.code == 2
    assert "PORT: 'http' is not a port number" in capsys.readouterr().err


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(args: list[str], environment: dict[str, str]) -> Iterator[tuple[str, list[str]]]:
    """``user-service serve`` as a real process; yields its URL once uvicorn says it listens.

    Readiness is uvicorn's own "running on" line on stderr, read as it is written.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "user_service.cli", "serve", *args],
        env={**os.environ, **environment},
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines: list[str] = []
    try:
        for line in process.stderr:
            lines.append(line)
            if "Uvicorn running on " in line:
                yield line.split("Uvicorn running on ")[1].split()[0], lines
                break
        else:
            pytest.fail(f"user-service serve exited before serving: {''.join(lines)}")
    finally:
        process.terminate()
        lines.extend(process.communicate(timeout=10)[1].splitlines(keepends=True))


@pytest.mark.parametrize("via", ["--port", "PORT"])
def test_serve_listens_on_the_port_asked_for_and_takes_writes_with_the_token(
    tmp_path: Path, via: str
) -> None:
    port = free_port()
    environment = {
        "USER_SERVICE_DATABASE_PATH": str(tmp_path / "served.sqlite3"),
        "USER_SERVICE_API_TOKEN": "served-token-81c2",
        "PORT": str(port) if via == "PORT" else "1",
    }
    args = ["--port", str(port)] if via == "--port" else []

    with served(args, environment) as (url, log):
        assert url == f"http://127.0.0.1:{port}"
        created = httpx.post(
            f"{url}/users",
            json={"name": "Ada Lovelace", "email": "ada@example.com"},
            headers={"Authorization": "Bearer served-token-81c2"},
        )
        refused = httpx.post(
            f"{url}/users",
            json={"name": "Ada Lovelace", "email": "ada@example.com"},
            headers={"Authorization": "Bearer served-token-wrong"},
        )

    assert created.status_code == 201
    assert refused.status_code == 401
    assert "served-token" not in "".join(log), "the token reached the server's output"


def test_serve_without_a_token_says_writes_are_refused(tmp_path: Path) -> None:
    environment = {
        "USER_SERVICE_DATABASE_PATH": str(tmp_path / "served.sqlite3"),
        "USER_SERVICE_API_TOKEN": "",
    }
    with served(["--port", str(free_port())], environment) as (url, log):
        assert httpx.get(f"{url}/health").status_code == 200

    assert "note: USER_SERVICE_API_TOKEN is not set: reads work, every write gets 401\n" in log
