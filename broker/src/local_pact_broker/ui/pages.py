"""HTML pages for people: ``/ui`` (also ``/`` for browsers), ``/ui/pacts/...``, the matrix, docs.

``/doc/{rel}`` is where the HAL ``curies`` links and the webhook refusals lead.
``/`` and ``/matrix/provider/{p}/consumer/{c}`` are shared with the API: their API routes
call ``dashboard_response`` and ``matrix_page_response`` when a browser asks (``Accept``).
"""

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from local_pact_broker.api.dependencies import DatabaseDep
from local_pact_broker.db.storage import Database
from local_pact_broker.domain import urls
from local_pact_broker.ui import hints
from local_pact_broker.ui.html_pages import (
    dashboard_html,
    matrix_html,
    not_found_html,
    pact_html,
    relation_doc_html,
)
from local_pact_broker.ui.relation_docs import relation_doc

router = APIRouter()


def _html(body: str, status_code: int = 200) -> HTMLResponse:
    """An HTML answer that is never cached: the pages show live state and relative times."""
    response = HTMLResponse(body, status_code=status_code)
    response.headers["Cache-Control"] = "no-cache, no-store, must-revalidate"
    return response


def dashboard_response(request: Request) -> HTMLResponse:
    """The dashboard; the index calls it when a browser asks for ``/``."""
    db: Database = request.app.state.database
    with db.reading() as connection:
        return _html(dashboard_html(connection, datetime.now(UTC)))


def matrix_page_response(db: Database, provider: str, consumer: str) -> HTMLResponse:
    """The integration's matrix page, or an HTML 404 saying what to run."""
    with db.reading() as connection:
        page = matrix_html(connection, provider, consumer, datetime.now(UTC))
    if page is None:
        what = f"{consumer} has published no pact for {provider}."
        return _html(not_found_html(what, "Publish one with", hints.PUBLISH), 404)
    return _html(page)


@router.get(urls.DASHBOARD.template)
def dashboard(request: Request) -> HTMLResponse:
    """The dashboard at a URL of its own, whatever the client accepts."""
    return dashboard_response(request)


@router.get(urls.MATRIX_PAGE.template)
def matrix_page(provider: str, consumer: str, db: DatabaseDep) -> HTMLResponse:
    """The matrix page at a URL of its own, whatever the client accepts."""
    return matrix_page_response(db, provider, consumer)


def _pact_page(db: Database, provider: str, consumer: str, number: str | None) -> HTMLResponse:
    with db.reading() as connection:
        page = pact_html(connection, provider, consumer, number, datetime.now(UTC))
    if page is None:
        version = "latest" if number is None else f"version {number}"
        what = f"No pact from {consumer} ({version}) for {provider}."
        return _html(not_found_html(what, "Publish one with", hints.PUBLISH), 404)
    return _html(page)


@router.get(urls.LATEST_PACT_PAGE.template)
def latest_pact_page(provider: str, consumer: str, db: DatabaseDep) -> HTMLResponse:
    """The newest pact between the two, readable."""
    return _pact_page(db, provider, consumer, None)


@router.get(urls.PACT_PAGE.template)
def pact_page(provider: str, consumer: str, number: str, db: DatabaseDep) -> HTMLResponse:
    """The pact a consumer version published, readable (version numbers may contain ``/``)."""
    return _pact_page(db, provider, consumer, number)


@router.get(urls.DOC.template)
def relation_doc_page(rel: str, request: Request) -> HTMLResponse:
    """What a ``pb:`` relation means (``?context=`` is accepted, as the official broker's)."""
    found = relation_doc(rel)
    if found is None:
        what = f"This broker links no relation called {rel!r}, so it has no page about it."
        return _html(not_found_html(what), 404)
    name, doc = found
    settings = request.app.state.settings if name == "webhooks" else None
    return _html(relation_doc_html(name, doc, settings))
