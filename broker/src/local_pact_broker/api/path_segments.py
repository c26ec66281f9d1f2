"""Routing by path segment: a ``%2F`` inside a name, version, branch or tag is part of it.

Uvicorn hands the app the decoded path, in which ``release%2F1.2`` has become two segments, so
no route with one segment per parameter could match it. ``PathSegmentsMiddleware`` (outermost,
so auth and ``Allow`` see the same path as routing) replaces it with ``urls.routing_path`` of
the raw path, and every route's parameters use the ``segment`` convertor registered here,
which decodes the value. A request without ``%`` is passed on untouched.
"""

from typing import Any
from urllib.parse import unquote

from starlette.convertors import Convertor, register_url_convertor
from starlette.types import ASGIApp, Receive, Scope, Send

from local_pact_broker.domain.urls import (
    SEGMENT_CONVERTOR,
    routing_path,
    segment,
    segment_value,
)


class SegmentConvertor(Convertor[str]):
    """One whole path segment of :func:`routing_path`, decoded to the parameter's value."""

    regex = "[^/]+"

    def convert(self, value: str) -> str:
        """The value the client encoded in the segment."""
        return segment_value(value)

    def to_string(self, value: Any) -> str:  # noqa: ANN401 - Starlette's signature
        """The segment for a value (``url_path_for``)."""
        return segment(str(value))


register_url_convertor(SEGMENT_CONVERTOR, SegmentConvertor())


class PathSegmentsMiddleware:
    """ASGI middleware: the path the routes match keeps ``%2F`` and ``%25`` inside segments."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with its routing path (unchanged unless it holds a ``%``)."""
        if scope["type"] == "http":
            raw: bytes = scope.get("raw_path") or scope["path"].encode()
            if b"%" in raw:
                scope = {**scope, "path": _routed(scope["path"], scope.get("raw_path"))}
        await self._app(scope, receive, send)


def _routed(path: str, raw: bytes | None) -> str:
    """The routing path of a request whose raw path holds a ``%``.

    From the raw path when the server gave one that decodes to its path (uvicorn does);
    otherwise the decoded path with its ``%`` escaped (a ``%2F`` sent there is lost, as before).
    """
    if raw is not None:
        raw_path = raw.split(b"?", 1)[0].decode("latin-1")
        if unquote(raw_path) == path:
            return routing_path(raw_path)
    return path.replace("%", "%25")
