"""Objects the routes get from the running app, and ``Annotated`` aliases to ask for them.

A route takes ``db: DatabaseDep``, ``bus: EventBusDep`` or ``body: JsonBodyDep`` instead of
repeating ``Depends(...)`` in a default value. The providers are ``async`` because they only
read ``app.state``: FastAPI runs plain ``def`` dependencies in its thread pool, a thread hop
per dependency on every request.
"""

from typing import Annotated

from fastapi import Depends, Request

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
