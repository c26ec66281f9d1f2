"""HTML pages for people: ``/ui`` (also ``/`` for browsers) and ``/ui/pacts/...``."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from local_pact_broker.api.dependencies import DatabaseDep
from local_pact_broker.db.storage import Database
from local_pact_broker.ui.html_pages import dashboard_html, not_found_html, pact_html

router = APIRouter()
PAIR = "/ui/pacts/provider/{provider}/consumer/{consumer}"


def dashboard_response(request: Request) -> HTMLResponse:
    """The dashboard; the index calls it when a browser asks for ``/``."""
    db: Database = request.app.state.database
    with db.reading() as connection:
        return HTMLResponse(dashboard_html(connection))


@router.get("/ui")
def dashboard(request: Request) -> HTMLResponse:
    """The dashboard at a URL of its own, whatever the client accepts."""
    return dashboard_response(request)


def _pact_page(db: Database, provider: str, consumer: str, number: str | None) -> HTMLResponse:
    with db.reading() as connection:
        page = pact_html(connection, provider, consumer, number)
    if page is None:
        version = "latest" if number is None else f"version {number}"
        what = f"No pact from {consumer} ({version}) for {provider}."
        return HTMLResponse(not_found_html(what), status_code=404)
    return HTMLResponse(page)


@router.get(PAIR + "/latest")
def latest_pact_page(provider: str, consumer: str, db: DatabaseDep) -> HTMLResponse:
    """The newest pact between the two, readable."""
    return _pact_page(db, provider, consumer, None)


@router.get(PAIR + "/version/{number}")
def pact_page(provider: str, consumer: str, number: str, db: DatabaseDep) -> HTMLResponse:
    """The pact a consumer version published, readable."""
    return _pact_page(db, provider, consumer, number)
