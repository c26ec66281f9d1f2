"""Runs the broker with uvicorn on a loopback port, for integration tests.

Each ``start_broker`` gets a fresh app (``create_app``) over its own database, its lifespan
run around the block as uvicorn runs it, on a real uvicorn server over real sockets. The
servers are kept for the whole test process and lent out one block at a time: starting and
stopping uvicorn for every test costs ~0.25 s of waiting each (it checks for shutdown every
0.1 s), which hundreds of tests would spend doing nothing.
"""

import asyncio
import atexit
import json
import threading
import urllib.request
from collections.abc import Coroutine, Iterator
from concurrent.futures import Future
from contextlib import AbstractAsyncContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from contract_first.verify.live_server import loopback_listener
from local_pact_broker.app import create_app
from local_pact_broker.settings import Settings

LIFESPAN_SECONDS = 10


def get_json(client: httpx.Client, path: str) -> dict[str, Any]:
    """The JSON body of a GET that must answer 200; the failure names the path and answer."""
    response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
    body: dict[str, Any] = response.json()
    return body


@dataclass(frozen=True)
class BrokerServer:
    url: str
    database: Path

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:  # noqa: S310
            return json.load(response)


class _Switchboard:
    """The ASGI app a kept server serves: it hands each request to the app lent to it now."""

    def __init__(self) -> None:
        self.app: FastAPI | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.ready = threading.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":  # the server's own: note its loop, then say ready
            self.loop = asyncio.get_running_loop()
            assert (await receive())["type"] == "lifespan.startup"
            await send({"type": "lifespan.startup.complete"})
            self.ready.set()
            assert (await receive())["type"] == "lifespan.shutdown"
            await send({"type": "lifespan.shutdown.complete"})
            return
        assert self.app is not None, "a request reached a kept server between tests"
        await self.app(scope, receive, send)

    def on_loop(self, work: Coroutine[Any, Any, Any]) -> None:
        assert self.loop is not None, "the kept server has not started"
        done: Future[Any] = asyncio.run_coroutine_threadsafe(work, self.loop)
        done.result(timeout=LIFESPAN_SECONDS)


@dataclass(frozen=True)
class _KeptServer:
    switchboard: _Switchboard
    server: uvicorn.Server
    thread: threading.Thread
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class _Servers:
    """uvicorn servers kept for this process; each lent to one block at a time."""

    def __init__(self) -> None:
        self.idle: list[_KeptServer] = []
        self.every: list[_KeptServer] = []
        self.lock = threading.Lock()

    def lend(self) -> _KeptServer:
        with self.lock:
            if self.idle:
                return self.idle.pop()
        kept = self._start()
        with self.lock:
            self.every.append(kept)
        return kept

    def give_back(self, kept: _KeptServer) -> None:
        with self.lock:
            self.idle.append(kept)

    def stop_all(self) -> None:
        for kept in self.every:
            kept.server.should_exit = True
        for kept in self.every:
            kept.thread.join(timeout=LIFESPAN_SECONDS)

    @staticmethod
    def _start() -> _KeptServer:
        sock = loopback_listener()  # TCP_NODELAY on each connection: no 40 ms ACK waits
        switchboard = _Switchboard()
        server = uvicorn.Server(uvicorn.Config(switchboard, log_level="warning", lifespan="on"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not switchboard.ready.wait(timeout=0.05):
            if not thread.is_alive():
                raise RuntimeError("the broker's server did not start")
        return _KeptServer(switchboard, server, thread, sock.getsockname()[1])


_SERVERS = _Servers()
atexit.register(_SERVERS.stop_all)


@contextmanager
def start_broker(database: Path, **settings: Any) -> Iterator[BrokerServer]:
    """A fresh broker app over ``database``, served until the block ends."""
    kept = _SERVERS.lend()
    app = create_app(Settings(database=database, port=kept.port, **settings))
    lifespan: AbstractAsyncContextManager[Any] = app.router.lifespan_context(app)
    kept.switchboard.on_loop(lifespan.__aenter__())
    kept.switchboard.app = app
    try:
        url = kept.url
        with urllib.request.urlopen(url + "/diagnostic/status/heartbeat", timeout=10):  # noqa: S310
            pass
        yield BrokerServer(url, database)
    finally:
        kept.switchboard.app = None
        kept.switchboard.on_loop(lifespan.__aexit__(None, None, None))
        _SERVERS.give_back(kept)
