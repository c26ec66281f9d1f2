"""Wires webhooks into an app: tables, the event listener and the delivery worker's lifetime."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI

from local_pact_broker.db import webhooks_repository
from local_pact_broker.db.storage import Database
from local_pact_broker.domain.webhook_policy import WebhookPolicy, parse_retry_schedule
from local_pact_broker.services.events import EventBus
from local_pact_broker.services.webhook_delivery import WebhookWorker
from local_pact_broker.services.webhook_triggers import WebhookTrigger
from local_pact_broker.settings import Settings


def install_webhooks(
    app: FastAPI, settings: Settings, database: Database, events: EventBus
) -> None:
    """Create the tables, subscribe to events, and run the worker while the app is served.

    The worker starts with the app (to resume deliveries queued before a restart) or, when the
    server runs without lifespan events, on the first queued delivery; it stops with the app.
    """
    webhooks_repository.ensure_schema(database)
    worker = WebhookWorker(
        database,
        WebhookPolicy.from_settings(settings),
        parse_retry_schedule(settings.webhook_retry_schedule),
        settings.webhook_timeout_seconds,
    )
    app.state.webhook_worker = worker
    events.subscribe(WebhookTrigger(database, worker.wake))
    previous: Callable[[FastAPI], AbstractAsyncContextManager[None]] = app.router.lifespan_context  # type: ignore[assignment]

    @asynccontextmanager
    async def lifespan(served: FastAPI) -> AsyncIterator[None]:
        worker.start()
        try:
            async with previous(served):
                yield
        finally:
            worker.stop()

    app.router.lifespan_context = lifespan
