"""Serve an ASGI app with real uvicorn on a free loopback port, for as long as a block runs."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from fastapi import FastAPI

STARTUP_DEADLINE_SECONDS = 10.0


@contextmanager
def serve(app: FastAPI, *, health_path: str = "/health") -> Iterator[str]:
    """Yield the server's base URL once ``health_path`` answers 200; stop the server after."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))  # the OS picks a free port: no races between test runs
    host, port = listener.getsockname()
    base_url = f"http://{host}:{port}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        _wait_until_healthy(base_url + health_path, thread)
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_DEADLINE_SECONDS)
        listener.close()


def _wait_until_healthy(health_url: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
    last_error = "no answer yet"
    with httpx.Client(timeout=1.0) as client:
        while time.monotonic() < deadline:
            if not thread.is_alive():
                raise RuntimeError(f"uvicorn exited before {health_url} answered")
            try:
                response = client.get(health_url)
            except httpx.TransportError as error:
                last_error = repr(error)
            else:
                if response.status_code == 200:
                    return
                last_error = f"{response.status_code} {response.text[:200]}"
            time.sleep(0.01)  # a poll interval, not a wait for readiness: health decides
    raise RuntimeError(f"{health_url} not healthy after {STARTUP_DEADLINE_SECONDS}s: {last_error}")
