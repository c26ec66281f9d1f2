"""HTTP method details every route shares: ``HEAD`` and the ``Allow`` header of a 405.

``HEAD`` is answered as ``GET`` (same status and headers, ``Content-Length`` included) with the
body dropped, so it works on every GET route without declaring it on each one. Every 405 names
the methods the path supports in ``Allow`` (RFC 9110), gathered from all the routes of the path
(FastAPI's own 405 only knows the first route that matched, and the JSON error handler drops it).
"""

from collections.abc import Iterator
from typing import Any

from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def leaf_routes(routes: list[Any]) -> Iterator[Any]:
    """Every route with methods, looking inside routers included without a prefix."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from leaf_routes(list(included.routes))
        elif getattr(route, "methods", None):
            yield route


class HttpMethodsMiddleware:
    """ASGI middleware: ``HEAD`` as a body-less ``GET``; ``Allow`` on every 405."""

    def __init__(self, app: ASGIApp, routes_of: ASGIApp) -> None:
        self._app = app
        self._routes_of = routes_of

    def allowed_methods(self, scope: Scope) -> list[str]:
        """The methods some route accepts for this path (``HEAD`` wherever ``GET`` is)."""
        methods: set[str] = set()
        for route in leaf_routes(getattr(getattr(self._routes_of, "router", None), "routes", [])):
            route_methods = route.methods
            match, _ = route.matches({**scope, "method": next(iter(route_methods))})
            if match is not Match.NONE:
                methods.update(m.upper() for m in route_methods)
        if "GET" in methods:
            methods.add("HEAD")
        return sorted(methods)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer ``HEAD`` as ``GET`` without the body; add ``Allow`` to a 405."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                allow = ", ".join(self.allowed_methods(scope)).encode("latin-1")
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                message = {**message, "headers": [*headers, (b"allow", allow)]}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self._app(scope, receive, send_wrapper)
