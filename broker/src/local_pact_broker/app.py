"""The FastAPI application: storage, error handlers, routes and the webhook worker wired together.

The one place that knows every layer: it opens the database (``db``), starts the webhook
deliveries (``services``), mounts the API routes (``api``) and the pages (``ui``), and hands the
pages browsers get at the API's own paths (``/``, the matrix) to the routes, so that the API does
not import the pages.
"""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI

from local_pact_broker.api.auth import install_auth
from local_pact_broker.api.dependencies import BrowserPages
from local_pact_broker.api.errors import install_error_handlers
from local_pact_broker.api.hal import HalJsonResponse
from local_pact_broker.api.http_methods import HttpMethodsMiddleware
from local_pact_broker.api.openapi_document import OPENAPI_PATH, install_openapi
from local_pact_broker.api.path_segments import PathSegmentsMiddleware
from local_pact_broker.api.routes import (
    badges,
    broker_overview,
    environments,
    for_verification,
    index,
    labels,
    matrix,
    pact_history,
    pact_lists,
    pacticipants,
    pacts,
    provider_states,
    publish,
    verification_results,
    webhooks,
)
from local_pact_broker.db.storage import Database
from local_pact_broker.services.events import EventBus
from local_pact_broker.services.webhook_delivery import WebhookWorker
from local_pact_broker.services.webhooks import start_deliveries
from local_pact_broker.settings import Settings
from local_pact_broker.ui import pages


def _run_with_app(app: FastAPI, worker: WebhookWorker) -> None:
    """Run the worker while the app is served (it resumes deliveries queued before a restart).

    Without lifespan events the worker starts on the first queued delivery instead.
    """
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


def create_app(settings: Settings | None = None, events: EventBus | None = None) -> FastAPI:
    """Build the broker app; ``events`` lets webhooks or tests observe publications."""
    settings = settings or Settings()
    app = FastAPI(
        title="Local Pact Broker",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url=OPENAPI_PATH,
        default_response_class=HalJsonResponse,
    )
    app.state.settings = settings
    app.state.database = Database(settings.database)
    app.state.events = events or EventBus()
    app.state.browser_pages = BrowserPages(pages.dashboard_response, pages.matrix_page_response)
    install_error_handlers(app)
    install_auth(app, settings)
    worker = start_deliveries(settings, app.state.database, app.state.events)
    app.state.webhook_worker = worker
    _run_with_app(app, worker)
    # Routes are matched one after another, a few microseconds each: the paths verifiers and CI
    # call most (for-verification, publish, results, can-i-deploy) come first. Where routes of
    # two modules answer the same request, the order below decides, and tests/test_route_table.py
    # lists each such pair and which module must come first (labels before pacticipants).
    for module in (
        index,
        for_verification,
        publish,
        verification_results,
        matrix,
        pacts,
        pact_lists,
        pact_history,
        labels,
        pacticipants,
        badges,
        provider_states,
        webhooks,
        environments,
        broker_overview,
    ):
        app.include_router(module.router)
    # The HTML pages are for people: not part of the API the document describes.
    app.include_router(pages.router, include_in_schema=False)
    install_openapi(app)
    # HEAD is a GET for every layer below (auth included); 405s get ``Allow``.
    app.add_middleware(HttpMethodsMiddleware, routes_of=app)
    # Outside even that: routing, auth and ``Allow`` all see a ``%2F`` inside a segment.
    app.add_middleware(PathSegmentsMiddleware)
    return app
