"""Serve any ASGI app with real uvicorn on a free loopback port, for as long as a block runs.

Readiness is uvicorn's own ``started`` flag (the socket is listening and the app's lifespan
startup has finished), so the provider needs no particular route: no ``/health`` required.
"""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from contract_first.errors import UsageError
from contract_first.provider_app import AsgiApp

STARTUP_DEADLINE_SECONDS = 10.0
POLL_SECONDS = 0.005


@contextmanager
def serve(app: AsgiApp) -> Iterator[str]:
    """Yield the server's base URL once uvicorn has started; stop the server afterwards."""
    listener = loopback_listener()
    host, port = listener.getsockname()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="auto"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        _wait_until_started(server, thread)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_DEADLINE_SECONDS)
        listener.close()


def loopback_listener() -> socket.socket:
    """A TCP socket bound to a free loopback port, for uvicorn's ``sockets=``.

    Its proto is ``IPPROTO_TCP``, not 0: asyncio turns Nagle off (``TCP_NODELAY``) only on
    connections whose socket says TCP, and with Nagle on, every keep-alive answer waits ~40 ms
    for the client's delayed ACK before its body is sent.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))  # the OS picks a free port: no races between runs
    return listener


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
    while not server.started:
        if not thread.is_alive():
            raise UsageError(
                "the provider's app stopped before it started serving: its lifespan startup "
                "failed (rerun with --verbose to see uvicorn's log)"
            )
        if time.monotonic() > deadline:
            raise UsageError(
                f"the provider's app did not start within {STARTUP_DEADLINE_SECONDS:.0f}s "
                "(a slow or hanging lifespan startup?)"
            )
        time.sleep(POLL_SECONDS)  # a poll interval; uvicorn's flag decides readiness
