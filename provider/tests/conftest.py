"""Fixtures that start the real provider: uvicorn serving the app over SQLite on disk."""

import asyncio
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import AbstractAsyncContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from starlette.types import Receive, Scope, Send

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


LIFESPAN_SECONDS = 10


class Switchboard:
    """One ASGI entry point that hands each request to the app of the test running now.

    uvicorn serves it once per session (per xdist worker): starting and stopping a server for
    every test costs ~0.2 s of waiting each (uvicorn checks for shutdown every 0.1 s). Each
    test still gets its own app from ``create_app`` over its own database; its lifespan runs
    on the server's event loop around the test, as uvicorn would run it.
    """

    def __init__(self) -> None:
        self.app: FastAPI | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":  # the server's own: note its loop, then say ready
            self.loop = asyncio.get_running_loop()
            assert (await receive())["type"] == "lifespan.startup"
            await send({"type": "lifespan.startup.complete"})
            assert (await receive())["type"] == "lifespan.shutdown"
            await send({"type": "lifespan.shutdown.complete"})
            return
        assert self.app is not None, "a request arrived between tests"
        await self.app(scope, receive, send)

    def _on_loop(self, work: Any) -> Any:
        assert self.loop is not None, "the shared server has not started"
        done: Future[Any] = asyncio.run_coroutine_threadsafe(work, self.loop)
        return done.result(timeout=LIFESPAN_SECONDS)

    @contextmanager
    def serving(self, app: FastAPI) -> Iterator[None]:
        """Route requests to ``app`` (its lifespan started) until the block ends."""
        assert self.app is None, "two tests at once on one shared server"
        lifespan: AbstractAsyncContextManager[Any] = app.router.lifespan_context(app)
        self._on_loop(lifespan.__aenter__())
        self.app = app
        try:
            yield
        finally:
            self.app = None
            self._on_loop(lifespan.__aexit__(None, None, None))


@pytest.fixture(scope="session")
def shared_server() -> Iterator[tuple[Switchboard, str]]:
    """uvicorn on a free port for the whole session, serving whichever app a test installs."""
    switchboard = Switchboard()
    with serve(switchboard) as base_url:
        yield switchboard, base_url


@pytest.fixture
def provider_url(
    users_repository: SqliteUsersRepository,
    api_token: str,
    shared_server: tuple[Switchboard, str],
) -> Iterator[str]:
    """The production app, served by uvicorn over real HTTP, over the test's database."""
    settings = Settings(api_token=SecretStr(api_token))
    switchboard, base_url = shared_server
    with switchboard.serving(create_app(settings, users_repository=users_repository)):
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
