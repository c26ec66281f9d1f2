"""Fixtures that start the real provider: uvicorn serving the app over SQLite on disk."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_first.verify.live_server import serve
from user_service.app import create_app
from user_service.users_repository import SqliteUsersRepository

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("PACT_DO_NOT_TRACK", "true")


@pytest.fixture
def users_repository(tmp_path: Path) -> SqliteUsersRepository:
    """A fresh SQLite database on disk for one test."""
    return SqliteUsersRepository(tmp_path / "users.sqlite3")


@pytest.fixture
def provider_url(users_repository: SqliteUsersRepository) -> Iterator[str]:
    """The production app, served by uvicorn on a free port, over the test's database."""
    with serve(create_app(users_repository=users_repository)) as base_url:
        yield base_url


@pytest.fixture
def pact_directory() -> Path:
    """Where the consumer tests wrote their pacts: ``$PACT_DIR``, else ``pacts/``."""
    return Path(os.environ.get("PACT_DIR", ROOT / "pacts"))
