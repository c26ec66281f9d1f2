"""A real HTTP server on loopback that answers every request with one canned response.

The adapter's error paths (5xx, timeouts, broken bodies) are behaviours of a misbehaving
provider; this stands in for one over a real socket, so httpx and the generated client run
for real.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class CannedResponse:
    """What the server answers: status, body, content type, and how long it stalls first."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    stall: threading.Event | None = None  # set by the test to release a stalled response


@contextmanager
def canned_server(response: CannedResponse) -> Iterator[str]:
    """Yield the base URL of a server that answers every GET with ``response``."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if response.stall is not None:
                response.stall.wait(timeout=10)
            try:
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up first (the timeout tests): nothing left to answer

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output clean."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        if response.stall is not None:
            response.stall.set()
        server.shutdown()
        server.server_close()
