"""A tiny real HTTP server on loopback that records what webhooks send it."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: str


@dataclass
class Receiver:
    url: str
    status: int
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count: int, deadline_seconds: float = 10.0) -> list[Received]:
        """Poll until ``count`` requests arrived (or fail at the deadline)."""
        return wait_until(
            lambda: list(self.requests) if len(self.requests) >= count else None,
            deadline_seconds,
            f"{count} webhook request(s); got {len(self.requests)}",
        )


def wait_until(check: Callable[[], T | None], deadline_seconds: float, what: str) -> T:
    """Poll ``check`` until it returns a value, with a deadline instead of a fixed sleep."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        value = check()
        if value is not None:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        threading.Event().wait(0.02)


@contextmanager
def start_receiver(status: int = 200) -> Iterator[Receiver]:
    receiver = Receiver(url="", status=status)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            with receiver.lock:
                receiver.requests.append(
                    Received(
                        "POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body
                    )
                )
            payload = b'{"received": true}'
            self.send_response(receiver.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
