"""Fixtures that start the real provider: uvicorn serving the app over SQLite on disk."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from contract_first.verify.live_server import serve
from user_service.app import create_app
from user_service.settings import Settings
from user_service.users_repository import SqliteUsersRepository

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("PACT_DO_NOT_TRACK", "true")


@pytest.fixture
def users_repository(tmp_path: Path) -> SqliteUsersRepository:
    """A fresh SQLite database on disk for one test."""
    return SqliteUsersRepository(tmp_path / "users.sqlite3")


@pytest.fixture
def api_token() -> str:
    """The bearer token the served app is configured with."""
    return "test-token-3f9a"


@pytest.fixture
def provider_url(users_repository: SqliteUsersRepository, api_token: str) -> Iterator[str]:
    """The production app, served by uvicorn on a free port, over the test's database."""
    settings = Settings(api_token=SecretStr(api_token))
    with serve(create_app(settings, users_repository=users_repository)) as base_url:
        yield base_url


@pytest.fixture
def pact_directory() -> Path:
    """Where the consumer tests wrote their pacts: ``$PACT_DIR``, else ``pacts/``."""
    return Path(os.environ.get("PACT_DIR", ROOT / "pacts"))


@pytest.fixture
def notification_pacts(pact_directory: Path, tmp_path: Path) -> Path:
    """A folder holding only notification-service's pact, for tests that read its failures."""
    pact = pact_directory / "notification-service-user-service.json"
    assert pact.is_file(), f"no pact at {pact}: run `just pact` first"
    folder = tmp_path / "notification-pacts"
    folder.mkdir()
    shutil.copy(pact, folder)
    return folder
