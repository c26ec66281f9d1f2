"""Objects the routes get from the running app, and ``Annotated`` aliases to ask for them.

A route takes ``db: DatabaseDep``, ``bus: EventBusDep`` or ``body: JsonBodyDep`` instead of
repeating ``Depends(...)`` in a default value. The providers are ``async`` because they only
read ``app.state``: FastAPI runs plain ``def`` dependencies in its thread pool, a thread hop
per dependency on every request.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from local_pact_broker.api.request_body import json_body
from local_pact_broker.db.storage import Database
from local_pact_broker.services.events import EventBus


async def database(request: Request) -> Database:
    """The app's database."""
    db: Database = request.app.state.database
    return db


async def events(request: Request) -> EventBus:
    """The app's event bus."""
    bus: EventBus = request.app.state.events
    return bus


DatabaseDep = Annotated[Database, Depends(database)]
"""The app's database."""

EventBusDep = Annotated[EventBus, Depends(events)]
"""The app's event bus."""

JsonBodyDep = Annotated[object, Depends(json_body)]
"""The parsed JSON request body (``{}`` when empty); 413, 415 or 400 for bodies refused."""


@dataclass(frozen=True)
class BrowserPages:
    """The HTML pages browsers get at paths the API shares with ``ui/`` (``Accept`` decides).

    The app hands them over (``app.state.browser_pages``), so the API never imports the pages.
    """

    index: Callable[[Request], Response]
    """The dashboard, at ``/``."""
    matrix: Callable[[Database, str, str], Response]
    """The matrix page of a provider and consumer, at ``/matrix/provider/{p}/consumer/{c}``."""


def browser_pages(request: Request) -> BrowserPages:
    """The pages the app was given for browsers."""
    pages: BrowserPages = request.app.state.browser_pages
    return pages
