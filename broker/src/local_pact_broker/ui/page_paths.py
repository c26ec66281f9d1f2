"""Where the pages live, from the URL table (each name quoted as one URL path segment)."""

from local_pact_broker.domain import urls

DASHBOARD_PATH = urls.DASHBOARD.path()


def ui_pact_path(provider: str, consumer: str, number: str | None = None) -> str:
    """Where the HTML page of a pact lives (the latest one when ``number`` is None)."""
    if number is None:
        return urls.LATEST_PACT_PAGE.path(provider=provider, consumer=consumer)
    return urls.PACT_PAGE.path(provider=provider, consumer=consumer, number=number)


def api_pact_path(provider: str, consumer: str, number: str) -> str:
    """Where API clients fetch the same pact as JSON."""
    return urls.PACT.path(provider=provider, consumer=consumer, number=number)


def matrix_path(provider: str, consumer: str) -> str:
    """The integration's matrix, at the official broker's path (HTML for browsers)."""
    return urls.MATRIX_FOR_PACT.path(provider=provider, consumer=consumer)
