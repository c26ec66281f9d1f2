"""Runs the broker with uvicorn on a free loopback port in a thread, for integration tests."""

import json
import socket
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from local_pact_broker.app import create_app
from local_pact_broker.settings import Settings


@dataclass(frozen=True)
class BrokerServer:
    url: str
    database: Path

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:  # noqa: S310
            return json.load(response)


@contextmanager
def start_broker(database: Path, **settings: Any) -> Iterator[BrokerServer]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(Settings(database=database, port=port, **settings))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            with urllib.request.urlopen(url + "/diagnostic/status/heartbeat", timeout=1):  # noqa: S310
                break
        except OSError:
            if not thread.is_alive():
                raise RuntimeError("broker did not start") from None
    try:
        yield BrokerServer(url, database)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
