"""A 405 that lists every method the path supports, not only those of the route that matched.

``/users`` is two routes (GET the search, POST the write); Starlette's own 405 names the
methods of one of them, so a client reading ``Allow`` would miss the other.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match


async def method_not_allowed(request: Request, error: Exception) -> JSONResponse:
    """Answer 405 with ``Allow`` gathered from every route whose path matches."""
    app: FastAPI = request.app
    allowed: set[str] = set()
    for route in _routes_with_methods(app.router.routes):
        match, _ = route.matches({**request.scope, "method": next(iter(route.methods))})
        if match is not Match.NONE:
            allowed |= set(route.methods)
    detail = error.detail if isinstance(error, HTTPException) else "Method Not Allowed"
    return JSONResponse(
        {"detail": detail}, status_code=405, headers={"Allow": ", ".join(sorted(allowed))}
    )


def _routes_with_methods(routes: Iterable[Any]) -> Iterator[Any]:
    """Every route that has methods, looking inside routers FastAPI included as one route."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _routes_with_methods(included.routes)
        elif getattr(route, "methods", None):
            yield route
