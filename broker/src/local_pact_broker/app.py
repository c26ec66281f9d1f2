"""The FastAPI application: storage, error handlers and routes wired together."""

from fastapi import FastAPI

from local_pact_broker.api.auth import install_auth
from local_pact_broker.api.errors import install_error_handlers
from local_pact_broker.api.hal import HalJsonResponse
from local_pact_broker.api.http_methods import HttpMethodsMiddleware
from local_pact_broker.api.openapi_document import OPENAPI_PATH, install_openapi
from local_pact_broker.api.routes import (
    environments,
    for_verification,
    index,
    matrix,
    pacticipants,
    pacts,
    provider_states,
    publish,
    verification_results,
    webhooks,
)
from local_pact_broker.db.storage import Database
from local_pact_broker.services.events import EventBus
from local_pact_broker.services.webhook_service import install_webhooks
from local_pact_broker.settings import Settings
from local_pact_broker.ui import pages


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
    install_error_handlers(app)
    install_auth(app, settings)
    install_webhooks(app, settings, app.state.database, app.state.events)
    for module in (
        index,
        publish,
        pacts,
        pacticipants,
        for_verification,
        provider_states,
        verification_results,
        webhooks,
        environments,
        matrix,
    ):
        app.include_router(module.router)
    # The HTML pages are for people: not part of the API the document describes.
    app.include_router(pages.router, include_in_schema=False)
    install_openapi(app)
    # Outermost: HEAD is a GET for every layer below (auth included); 405s get ``Allow``.
    app.add_middleware(HttpMethodsMiddleware, routes_of=app)
    return app
