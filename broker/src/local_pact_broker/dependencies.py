"""Objects the routes get from the running app."""

from fastapi import Request

from local_pact_broker.events import EventBus
from local_pact_broker.storage import Database


def database(request: Request) -> Database:
    """The app's database."""
    db: Database = request.app.state.database
    return db


def events(request: Request) -> EventBus:
    """The app's event bus."""
    bus: EventBus = request.app.state.events
    return bus
