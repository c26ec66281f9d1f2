"""Objects the routes get from the running app.

They are ``async`` because they only read ``app.state``: FastAPI runs plain ``def``
dependencies in its thread pool, a thread hop per dependency on every request.
"""

from fastapi import Request

from local_pact_broker.events import EventBus
from local_pact_broker.storage import Database


async def database(request: Request) -> Database:
    """The app's database."""
    db: Database = request.app.state.database
    return db


async def events(request: Request) -> EventBus:
    """The app's event bus."""
    bus: EventBus = request.app.state.events
    return bus
