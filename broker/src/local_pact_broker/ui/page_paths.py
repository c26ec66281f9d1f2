"""Where the pages live, each name quoted as one URL path segment (spaces, unicode, ``/``)."""

from local_pact_broker.api.hal import segment

DASHBOARD_PATH = "/ui"


def ui_pact_path(provider: str, consumer: str, number: str | None = None) -> str:
    """Where the HTML page of a pact lives (the latest one when ``number`` is None)."""
    pair = f"/ui/pacts/provider/{segment(provider)}/consumer/{segment(consumer)}"
    return f"{pair}/latest" if number is None else f"{pair}/version/{segment(number)}"


def api_pact_path(provider: str, consumer: str, number: str) -> str:
    """Where API clients fetch the same pact as JSON."""
    return (
        f"/pacts/provider/{segment(provider)}/consumer/{segment(consumer)}"
        f"/version/{segment(number)}"
    )


def matrix_path(provider: str, consumer: str) -> str:
    """The integration's matrix, at the official broker's path (HTML for browsers)."""
    return f"/matrix/provider/{segment(provider)}/consumer/{segment(consumer)}"
