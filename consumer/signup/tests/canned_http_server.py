"""A real HTTP server on loopback that answers each route with a canned response, and records.

A signup is two calls when the email is taken (POST, then a search), so answers are per
route (``"POST /users"``, ``"GET /users"``), and every request is kept so a test can check
what the adapter sent: the token, the body, the exact email it searched for. It stands in
for a misbehaving provider over a real socket, so httpx and the generated client run for real.
"""

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class CannedResponse:
    """What the server answers: status, body, content type, headers, and a stall first."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)
    stall: threading.Event | None = None  # set by the test to release a stalled response


def json_response(
    status: int, document: object, headers: Mapping[str, str] | None = None
) -> CannedResponse:
    """A JSON answer, the way the user service gives them."""
    return CannedResponse(status, json.dumps(document).encode(), headers=headers or {})


@dataclass(frozen=True)
class ReceivedRequest:
    """One request the server got: what the adapter sent, header names in lower case."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


@dataclass
class CannedServer:
    """The server's base URL, and the requests it received, in order."""

    url: str
    requests: list[ReceivedRequest] = field(default_factory=list)

    def everything_received(self) -> str:
        """Every byte of every request, for tests that look for a secret in it."""
        return "\n".join(
            f"{r.method} {r.path} {r.query} {r.headers} {r.body.decode(errors='replace')}"
            for r in self.requests
        )


NO_ROUTE = CannedResponse(404, b'{"detail": "no canned answer for this route"}')


@contextmanager
def canned_server(answers: Mapping[str, CannedResponse]) -> Iterator[CannedServer]:
    """Serve ``answers`` (``"METHOD /path"`` -> response); an unknown route gets 404."""
    received: list[ReceivedRequest] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def _answer(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            received.append(
                ReceivedRequest(
                    method=self.command,
                    path=url.path,
                    query=parse_qs(url.query),
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=self.rfile.read(length),
                )
            )
            response = answers.get(f"{self.command} {url.path}", NO_ROUTE)
            if response.stall is not None:
                response.stall.wait(timeout=10)
            try:
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                for name, value in response.headers.items():
                    self.send_header(name, value)
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
        yield CannedServer(f"http://127.0.0.1:{server.server_address[1]}", received)
    finally:
        for response in answers.values():
            if response.stall is not None:
                response.stall.set()
        server.shutdown()
        server.server_close()
