"""An ASGI wrapper that records what the provider answered, for checks the core verifier skips.

Pact's verifier follows redirects, so a provider that moved ``/users/1`` behind a 308 passes
although the generated client (``follow_redirects=False``) gets a 308 it cannot use. This
wrapper removes ``Location`` from a 3xx that no interaction expects, so the verifier sees the
redirect itself and reports the status; and it keeps each response body, so values under a
regex matcher can be checked to be strings (the core matches a regex against any JSON text).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from contract_first.pact_file import request_key
from contract_first.provider_app import AsgiApp, Message, Receive, Scope, Send


@dataclass(frozen=True)
class Exchange:
    """One request the provider answered: its key, status, redirect target and body."""

    key: tuple[str, str]
    status: int
    location: str | None
    content_type: str | None
    body: bytes

    @property
    def redirected(self) -> bool:
        """Whether the provider answered with a redirect whose Location was withheld."""
        return self.location is not None


class ExchangeRecorder:
    """Wraps an ASGI app; ``exchanges`` lists every HTTP answer in the order it was given."""

    def __init__(self, app: AsgiApp, expected_redirects: Iterable[tuple[str, str]] = ()) -> None:
        self.app = app
        self.expected_redirects = frozenset(expected_redirects)
        self.exchanges: list[Exchange] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request through; hold back an unexpected redirect's Location."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        key = request_key(scope["method"], scope["path"], query)
        answer: dict[str, Any] = {"status": 0, "location": None, "type": None, "body": []}

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                answer["status"] = status
                answer["type"] = _header(headers, b"content-type")
                if 300 <= status < 400 and key not in self.expected_redirects:
                    answer["location"] = _header(headers, b"location") or ""
                    message = {
                        **message,
                        "headers": [h for h in headers if h[0].lower() != b"location"],
                    }
            elif message["type"] == "http.response.body":
                answer["body"].append(bytes(message.get("body", b"")))
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            self.exchanges.append(
                Exchange(
                    key=key,
                    status=answer["status"],
                    location=answer["location"],
                    content_type=answer["type"],
                    body=b"".join(answer["body"]),
                )
            )


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    return next((v.decode("latin-1") for k, v in headers if k.lower() == name), None)
